"""Local-first ethics-guidance assistant for the IMC Code of Ethics.

Every answer cites clauses of the Code verbatim, with stable ids such as ``1.C.4``.
"""

from .api import Assistant
from .errors import QuestionError, UnknownClauseError
from .models import Answer, Citation, Clause, Ranking
from .settings import Settings

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Clause",
    "QuestionError",
    "Ranking",
    "Settings",
    "UnknownClauseError",
]
