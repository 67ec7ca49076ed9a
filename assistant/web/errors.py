"""How the app reports failures: a friendly message on the page, the exception type in the log
(never the question text)."""

from __future__ import annotations

import sys

INTERNAL_ERROR = "Sorry, something went wrong while answering. Please try again."


def log_internal(where: str, exc: BaseException) -> None:
    """Log the exception type only: never the question text."""
    print(f"[app] internal error in {where}: {type(exc).__name__}", file=sys.stderr)
