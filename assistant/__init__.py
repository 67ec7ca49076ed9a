"""Local-first ethics-guidance assistant for the IMC Code of Ethics.

Every answer cites clauses of the Code verbatim, with stable ids such as ``1.C.4``.
"""

from .api import Assistant
from .models import Answer, Citation, Clause

__all__ = ["Assistant", "Answer", "Citation", "Clause"]
