"""Answer composition. No LLM: a template composer behind a small interface.

A generator (an LLM, say) can be added later by implementing `Composer`; whatever it writes, the
citations are checked against the corpus by `Answer.checked`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from ..models import Answer, Citation, Clause, Confidence
from ..settings import AnswerSettings

ABSTAIN_TEXT = (
    "The Code does not address this. The clauses below are the nearest ones, shown for reference "
    "only: they are not an answer."
)
NON_ENGLISH_TEXT = (
    "Only English is supported. The Code does not appear to address this question as written; "
    "please ask in English."
)


class Composer(Protocol):
    def compose(
        self,
        question: str,
        ranked: Sequence[tuple[Clause, float]],
        *,
        abstained: bool,
        confidence: Confidence,
        context_question: str | None,
        corpus: Mapping[str, Clause],
    ) -> Answer: ...


def citation(clause: Clause, score: float) -> Citation:
    return Citation(
        clause_id=clause.id,
        title=clause.display_title(),
        section=clause.display_section(),
        text=clause.text,
        score=round(max(0.0, min(1.0, score)), 4),
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


class TemplateComposer:
    """Writes a short answer naming the topics, then the citations best first."""

    def compose(self, question, ranked, *, abstained, confidence, context_question, corpus):
        if abstained:
            data = {
                "question": question,
                "answer": ABSTAIN_TEXT,
                "abstained": True,
                "confidence": "low",
                "citations": [],
                "nearest": [citation(c, s) for c, s in ranked[:3]],
                "context_question": context_question,
            }
            return Answer.checked(data, corpus)
        cited = [citation(c, s) for c, s in ranked]
        lead = ranked[0][0]
        hedge = {"high": "", "medium": "probably ", "low": "possibly "}[confidence]
        text = f"The Code {hedge}addresses this under {_topics([lead])}."
        others = [c for c, _ in ranked[1:]]
        if others:
            text += f" Also relevant: {_topics(others)}."
        data = {
            "question": question,
            "answer": text,
            "abstained": False,
            "confidence": confidence,
            "citations": cited,
            "context_question": context_question,
        }
        return Answer.checked(data, corpus)


def lookup_answer(question: str, clauses: Sequence[Clause], corpus: Mapping[str, Clause]) -> Answer:
    """A direct answer for a message that names clauses ("what does 1.B.2 say?")."""
    if len(clauses) == 1:
        c = clauses[0]
        text = f"{c.id} ({c.display_section()}) says:"
    else:
        text = f"{len(clauses)} clauses: {', '.join(c.id for c in clauses)}."
    data = {
        "question": question,
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
