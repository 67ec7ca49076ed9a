"""Follow-ups: which earlier question a short message ("what if she insists?") depends on."""

from __future__ import annotations

import re
from collections.abc import Sequence

_FOLLOWUP_START = re.compile(
    r"^\s*(what if|and if|and what|what about|how about|but if|but what|and|but|also|same|"
    r"if (?:she|he|they|it|the|my)|even if|suppose|and now|then)\b",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|that|this|they|them|he|she|him|her|those|these|so)\b", re.I)


def followup_context(question: str, history: Sequence[str]) -> str | None:
    """The earlier question a follow-up depends on, or None if it stands alone."""
    if not history:
        return None
    n_words = len(question.split())
    if _FOLLOWUP_START.search(question) and n_words <= 20:
        return history[-1]
    if n_words <= 8 and _PRONOUN.search(question):
        return history[-1]
    return None
