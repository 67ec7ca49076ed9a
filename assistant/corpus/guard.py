"""Input checks on questions, shared by every interface through the API. Light: no heavy imports."""

from __future__ import annotations

import re
import unicodedata

from ..errors import QuestionError
from ..settings import MAX_QUESTION_CHARS
from .text import STOPWORDS, words

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ENGLISH_HINTS = STOPWORDS | {
    "mentor",
    "mentoring",
    "client",
    "clients",
    "sponsor",
    "code",
    "ethics",
    "session",
    "sessions",
    "mentee",
    "help",
    "should",
    "want",
    "wants",
    "asked",
    "said",
    "told",
    "tell",
    "pay",
    "paid",
}


def clean_question(question: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Validate and tidy a question; raise QuestionError with a plain message when unusable."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    if len(question) > max_chars:
        raise QuestionError(
            f"The question is {len(question):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it to the situation itself."
        )
    text = _CONTROL.sub(" ", question)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if not text:
        raise QuestionError(
            "The question is empty. Please describe the situation or name a clause."
        )
    if not any(ch.isalnum() for ch in text):
        raise QuestionError(
            "The question has no words in it. Please describe the situation in words."
        )
    return text


def looks_non_english(text: str) -> bool:
    """True when a question of several words has almost no English words in it."""
    ws = words(text)
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    non_ascii = sum(not ch.isascii() for ch in letters) / len(letters)
    if non_ascii > 0.5:
        return True
    if len(ws) < 3:
        return False
    english = sum(w in _ENGLISH_HINTS for w in ws) / len(ws)
    return english < 0.08


_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_MD = re.compile(r"[*_`>#~|]+")


def plain_text(question: str) -> str:
    """The words of a question without markup (HTML tags, scripts, markdown symbols), for
    retrieval only: what the user typed is still shown exactly, as text."""
    text = _TAG.sub(" ", _SCRIPT.sub(" ", question))
    text = " ".join(_MD.sub(" ", text).split())
    return text or question
