"""The error types a caller of the assistant can meet. Light: no imports beyond the standard library.

Every error the package raises on purpose derives from `AssistantError`, so an interface can catch
one type and show its message as is: the messages are written for the person at the keyboard.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of the errors raised on purpose; the message is meant for the user."""


class QuestionError(AssistantError, ValueError):
    """The question cannot be answered as given (empty, too long, no words...)."""


class UnknownClauseError(AssistantError, LookupError):
    """No clause matches an id, section or term; carries the nearest ids."""

    def __init__(self, query: str, nearest: list[str], ambiguous: bool = False):
        self.query = query
        self.nearest = nearest
        self.ambiguous = ambiguous
        if ambiguous:
            msg = f"{query!r} is ambiguous: did you mean {', '.join(nearest)}?"
        else:
            hint = f" Nearest ids: {', '.join(nearest)}." if nearest else ""
            msg = f"No clause {query!r} in the Code.{hint}"
        super().__init__(msg)


class CorpusError(AssistantError):
    """The corpus files are missing or malformed."""


class IndexBuildError(AssistantError, RuntimeError):
    """The index cannot be opened or built."""


class ModelFileError(AssistantError):
    """An encoder's files are missing or do not match their pinned checksum."""


class EvalDataError(AssistantError, ValueError):
    """A malformed eval file; the message names the file and line."""
