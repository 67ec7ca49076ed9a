"""Which messages are answered by a rule before any ranking, and so which ones the abstainer
can refuse at all. The assistant answers through this module, and the abstainer is trained and
calibrated through it, so the two can never disagree about the population the refusal
threshold applies to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..corpus import (
    STOPWORDS,
    definition_in_message,
    looks_non_english,
    reference_in_message,
    stem,
    topic_in_message,
    words,
)
from ..errors import UnknownClauseError
from ..models import Clause
from .triage import asks_consequences, is_vague, names_a_principle

Rule = Literal["reference", "unknown_id", "not_english", "topic", "definition"]


@dataclass(frozen=True)
class DirectRoute:
    """A message answered without ranking: the rule that caught it and the clauses it names."""

    rule: Rule
    clauses: tuple[Clause, ...] = ()
    error: UnknownClauseError | None = None


def direct_route(question: str, clauses: Sequence[Clause]) -> DirectRoute | None:
    """The rule that answers a (cleaned) message directly: a named clause, section or term, a
    message not in English, a topic question, a definition asked by its term; else None."""
    try:
        named = reference_in_message(question, clauses)
    except UnknownClauseError as exc:
        return DirectRoute("unknown_id", error=exc)
    if named:
        return DirectRoute("reference", tuple(named))
    if looks_non_english(question):
        return DirectRoute("not_english")
    section = topic_in_message(question, clauses)
    if section:
        return DirectRoute("topic", tuple(section))
    term = definition_in_message(question, clauses)
    if term is not None:
        return DirectRoute("definition", (term,))
    return None


def may_refuse(text: str) -> bool:
    """Whether a message that reached the ranker may be refused at all: not a question about
    consequences (the sanctions are the Code's own), not naming one of the Code's principles."""
    return not asks_consequences(text) and not names_a_principle(text)


def refusable(question: str, clauses: Sequence[Clause]) -> bool:
    """Whether the abstainer may refuse a (cleaned) message asked on its own: not answered by a
    rule, not too vague (it is asked back), and `may_refuse`."""
    return (
        direct_route(question, clauses) is None and not is_vague(question) and may_refuse(question)
    )


def names_its_principle(text: str, clause: Clause) -> bool:
    """Whether the message names the principle this clause belongs to by its heading ("is this a
    conflict of interest?" and a clause of Conflict of Interest): the Code addresses the question
    directly, whatever its score."""
    if not names_a_principle(text):
        return False
    heading = {stem(w) for w in words(clause.section_title) if w not in STOPWORDS}
    return bool(heading) and heading <= {stem(w) for w in words(text)}
