"""Answer composition. No LLM: a template composer behind a small interface.

A generator (an LLM, say) can be added later by implementing `Composer`; whatever it writes, the
citations, their actions and the background clauses are checked against the corpus by
`Answer.checked`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..models import Answer, Citation, Clause, Confidence
from ..settings import AnswerSettings
from .context import FollowUp
from .guidance import action, lead_sentence, step_order
from .triage import CLARIFY_QUESTION

ABSTAIN_TEXT = (
    "The Code does not address this. The clauses below are the nearest ones, shown for reference "
    "only: they are not an answer."
)
NON_ENGLISH_TEXT = (
    "Only English is supported. The Code does not appear to address this question as written; "
    "please ask in English."
)
NOT_DIRECT = (
    "The Code may not address this directly. The clauses below come closest: read them to judge "
    "whether they fit."
)
OFTEN_RELEVANT = ("1.A", "1.B", "1.C", "1.D")  # where mentors' dilemmas most often land


@dataclass(frozen=True)
class Evidence:
    """What retrieval found for one question, for the composer to put into words."""

    question: str
    cited: Sequence[tuple[Clause, float]]  # the clauses to cite, best first
    confidence: Confidence
    context_question: str | None = None
    examples: Mapping[str, str] = field(default_factory=dict)  # clause id -> card situation
    background: Sequence[Clause] = ()  # definitions or sanctions shown as context
    not_direct: bool = False  # answered although the Code may not address it directly
    followup: FollowUp | None = None  # what a follow-up changed


class Composer(Protocol):
    def compose(self, evidence: Evidence, corpus: Mapping[str, Clause]) -> Answer: ...


def citation(clause: Clause, score: float, example: str | None = None) -> Citation:
    return Citation(
        clause_id=clause.id,
        title=clause.display_title(),
        section=clause.display_section(),
        text=clause.text,
        score=round(max(0.0, min(1.0, score)), 4),
        action=action(clause),
        example=example,
    )


def _topics(clauses: Sequence[Clause]) -> str:
    seen: dict[str, list[str]] = {}
    for c in clauses:
        name = c.section_title if c.kind == "principle" else c.title
        if c.kind == "definition":
            name = f"the definition of {c.title}"
        if (c.section_title_inferred and c.kind == "principle") or (
            c.title_inferred and c.kind != "principle"
        ):
            name = f"{name} (title inferred)"
        seen.setdefault(name, []).append(c.id)
    parts = [f"{name} ({', '.join(ids)})" for name, ids in seen.items()]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def steps(cited: Sequence[Clause]) -> list[str]:
    """The ids of the cited clauses that ask something of the member, in the order a mentor
    would act on them (`guidance.step_order`)."""
    ranked = [(c, i) for i, c in enumerate(cited) if action(c) is not None]
    return [c.id for c, _ in sorted(ranked, key=lambda ci: step_order(*ci))]


class TemplateComposer:
    """Names the issue, then the clauses best first, each with what it asks you to do."""

    def compose(self, evidence: Evidence, corpus: Mapping[str, Clause]) -> Answer:
        clauses = [c for c, _ in evidence.cited]
        confidence = "low" if evidence.not_direct else evidence.confidence
        if evidence.followup and not evidence.followup.changed and confidence == "high":
            confidence = "medium"  # the detail changed nothing: do not repeat it as certain
        text = NOT_DIRECT if evidence.not_direct else lead_sentence(clauses, confidence)
        text += f" Most directly: {_topics(clauses[:1])}."
        if len(clauses) > 1:
            text += f" Also relevant: {_topics(clauses[1:])}."
        if evidence.followup:
            text += f" {evidence.followup.note}"
        data = {
            "question": evidence.question,
            "answer": text,
            "abstained": False,
            "confidence": confidence,
            "citations": [citation(c, s, evidence.examples.get(c.id)) for c, s in evidence.cited],
            "context_question": evidence.context_question,
            "steps": steps(clauses),
            "context": [citation(c, 1.0) for c in evidence.background],
        }
        return Answer.checked(data, corpus)


def abstention(
    question: str,
    nearest: Sequence[tuple[Clause, float]],
    context_question: str | None,
    corpus: Mapping[str, Clause],
) -> Answer:
    """The Code does not address this: the nearest clauses, for reference only."""
    data = {
        "question": question,
        "answer": ABSTAIN_TEXT,
        "abstained": True,
        "confidence": "low",
        "nearest": [citation(c, s) for c, s in nearest[:3]],
        "context_question": context_question,
    }
    return Answer.checked(data, corpus)


def not_english(question: str, corpus: Mapping[str, Clause]) -> Answer:
    """The same message for every question not in English, with no clause shown."""
    data = {"question": question, "answer": NON_ENGLISH_TEXT, "abstained": True}
    return Answer.checked({**data, "confidence": "low"}, corpus)


def clarification(question: str, corpus: Mapping[str, Clause]) -> Answer:
    """A question back for a message too vague to answer; the sections that most often apply
    are named, no clause is cited."""
    sections = []
    for key in OFTEN_RELEVANT:
        first = next((c for c in corpus.values() if c.section_id == key), None)
        if first is not None:
            sections.append(f"{first.section_title} ({key})")
    text = CLARIFY_QUESTION
    if sections:
        text += f" Sections that often apply: {', '.join(sections)}."
    data = {"question": question, "kind": "clarify", "answer": text, "abstained": False}
    return Answer.checked({**data, "confidence": "low", "clarify": CLARIFY_QUESTION}, corpus)


def lookup_answer(
    question: str,
    clauses: Sequence[Clause],
    corpus: Mapping[str, Clause],
    text: str | None = None,
) -> Answer:
    """A direct answer for a message that names clauses, a section or a defined term."""
    if text is None and len(clauses) == 1:
        c = clauses[0]
        text = f"{c.id} ({c.display_section()}) says:"
    elif text is None:
        text = f"{len(clauses)} clauses: {', '.join(c.id for c in clauses)}."
    data = {
        "question": question,
        "kind": "lookup",
        "answer": text,
        "abstained": False,
        "confidence": "high",
        "citations": [citation(c, 1.0) for c in clauses],
    }
    return Answer.checked(data, corpus)


def select_citations(
    ranked: Sequence[tuple[Clause, float]], settings: AnswerSettings, learned: bool
) -> list[tuple[Clause, float]]:
    """The clauses worth citing: the best, the runner-up, then others likely enough (top_k).

    With the learned ranker, scores are probabilities that a clause is an acceptable citation;
    `cite_min_score` was chosen on the dev split. Other fusions use a cut relative to the best
    score.
    """
    cut = settings.cite_min_score if learned else 0.3 * ranked[0][1]
    keep = [ranked[0]]
    for c, s in ranked[1 : settings.top_k]:
        if len(keep) < 2 or s >= cut:
            keep.append((c, s))
    return keep
