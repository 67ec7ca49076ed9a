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


# Function words of the languages a mentor is most likely to write in instead, none of them an
# English word: enough of them, and more than English ones, mean the question is not English.
_FOREIGN = (
    frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "que",
            "y",
            "en",
            "un",
            "una",
            "por",
            "con",
            "para",
            "es",
            "mi",
            "mis",
            "puedo",
            "qué",
            "cómo",
            "lo",
            "le",
            "se",
            "del",
            "al",
            "su",
            "sus",
            "pero",
            "muy",
            "porque",
            "está",
            "estoy",
            "tengo",
            "debo",
            "hacer",
            "sesión",
            "sesiones",
            "cliente",
            "clienta",
            "mentora",
            "regalo",
            "les",
            "des",
            "une",
            "et",
            "je",
            "mon",
            "ma",
            "mes",
            "avec",
            "dans",
            "qui",
            "pas",
            "ne",
            "ce",
            "cette",
            "puis",
            "dois",
            "elle",
            "il",
            "nous",
            "vous",
            "sur",
            "au",
            "aux",
            "du",
            "est",
            "der",
            "das",
            "und",
            "ist",
            "ich",
            "nicht",
            "mit",
            "ein",
            "eine",
            "mein",
            "meine",
            "zu",
            "auf",
            "für",
            "den",
            "dem",
            "sie",
            "kann",
            "darf",
            "soll",
            "wie",
            "was",
            "wenn",
            "o",
            "os",
            "um",
            "uma",
            "não",
            "meu",
            "minha",
            "é",
            "eu",
            "posso",
            "da",
            "dos",
            "das",
            "em",
            "na",
            "il",
            "gli",
            "di",
            "mio",
            "mia",
            "sono",
            "della",
            "nel",
            "het",
            "een",
            "en",
            "ik",
            "niet",
            "mijn",
            "voor",
            "van",
            "op",
            "dat",
            "mag",
            "moet",
        ]
    )
    - STOPWORDS
    - {"can", "die", "den", "ma", "mag", "van", "moet", "dat", "sur", "pas"}
)


def looks_non_english(text: str) -> bool:
    """True when a question is written in another language: mostly non-Latin letters, or
    several words with almost no English ones, or more foreign function words than English."""
    ws = words(text)
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    non_ascii = sum(not ch.isascii() for ch in letters) / len(letters)
    if non_ascii > 0.5:
        return True
    if len(ws) < 3:
        return False
    english = sum(w in _ENGLISH_HINTS for w in ws)
    foreign = sum(w in _FOREIGN for w in ws)
    return english / len(ws) < 0.08 or (foreign >= 2 and foreign > english)


_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_MD = re.compile(r"[*_`>#~|]+")


def plain_text(question: str) -> str:
    """The words of a question without markup (HTML tags, scripts, markdown symbols), for
    retrieval only: what the user typed is still shown exactly, as text."""
    text = _TAG.sub(" ", _SCRIPT.sub(" ", question))
    text = " ".join(_MD.sub(" ", text).split())
    return text or question
