"""Stage 1, the corpus: the Code's text parsed into clauses, the clause cards, lookups by id,
text normalisation and the checks on a question. Light: nothing here imports torch or chromadb."""

from .cards import ClauseCard, load_cards
from .clauses import Corpus, load_clauses, load_corpus, render_clauses_json, sha256_file
from .guard import clean_question, looks_non_english, plain_text
from .lookup import reference_in_message, resolve
from .parse import SEVEN_CS_NOTE
from .text import STOPWORDS, normalise_query, stem, tokens, words
from .topics import definition_in_message, topic_in_message

__all__ = [
    "SEVEN_CS_NOTE",
    "STOPWORDS",
    "ClauseCard",
    "Corpus",
    "clean_question",
    "definition_in_message",
    "load_cards",
    "load_clauses",
    "load_corpus",
    "looks_non_english",
    "normalise_query",
    "plain_text",
    "reference_in_message",
    "render_clauses_json",
    "resolve",
    "sha256_file",
    "stem",
    "tokens",
    "topic_in_message",
    "words",
]
