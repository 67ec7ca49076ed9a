"""Trainer-authored items: a scenario of the trainer's own, with the answer key and distractors
the retriever suggests (each overridable), as a one-item quiz to review and export."""

from __future__ import annotations

import random
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..corpus import clean_question
from ..errors import QuestionError
from ..models import Clause
from .builder import QuizBuilder, sentence
from .labels import key_label
from .models import CLAUSE_KINDS, N_OPTIONS, SCENARIO_QUESTION, Quiz, QuizError, QuizSettings


@dataclass(frozen=True)
class DraftFields:
    """How error messages name the two inputs: by flag on the command line, by label on the web."""

    answer: str
    distractors: str


CLI_FIELDS = DraftFields("--answer", "--distractors")


@dataclass
class Suggestion:
    """The retriever's view of a trainer's scenario: ranked clauses and confidence."""

    text: str
    ranked: list[tuple[Clause, float]]  # the top few, best first
    ranking: list[str]  # every quizzable clause id, best first
    confidence: str  # high, medium or low, as for answers
    out_of_scope: bool  # the retriever would abstain on this text
    clauses: Mapping[str, Clause] = field(default_factory=dict)  # to name distractors


def suggest(builder: QuizBuilder, text: str, k: int = 5) -> Suggestion:
    """The clauses the retriever would key for a trainer's scenario, with confidence."""
    try:
        text = clean_question(text)
    except QuestionError as exc:
        raise QuizError(str(exc)) from exc
    r = builder.assistant.rank(text)
    by_id = builder.by_id
    ranked = [
        (by_id[i], s)
        for i, s in zip(r.clause_ids, r.scores, strict=False)
        if i in by_id and by_id[i].kind in CLAUSE_KINDS
    ]
    ids = [c.id for c, _ in ranked]
    return Suggestion(text, ranked[:k], ids, r.confidence, r.abstain, by_id)


def _known(builder: QuizBuilder, clause_id: str, field: str) -> Clause:
    c = builder.by_id.get(clause_id.strip())
    if c is None or c.kind not in CLAUSE_KINDS:
        raise QuizError(f"{field}: {clause_id!r} is not a clause id of the Code (e.g. 1.C.2)")
    return c


def draft(
    builder: QuizBuilder,
    text: str,
    answer: str | None = None,
    distractors: Sequence[str] | None = None,
    seed: int = 0,
    fields: DraftFields = CLI_FIELDS,
) -> tuple[Quiz, Suggestion]:
    """A one-item quiz from a trainer's scenario: suggested key and distractors, overridable.
    Given ids are checked before the retriever loads; messages name them as `fields` does."""
    key = _known(builder, answer, fields.answer) if answer else None
    near = [_known(builder, d, fields.distractors) for d in distractors or ()]
    ids = [d.id for d in near]
    bad = QuizError(
        f"{fields.distractors}: give three distinct clause ids, none of them the answer"
    )
    if distractors is not None and (len(set(ids)) != len(ids) or len(ids) != N_OPTIONS - 1):
        raise bad
    if key is not None and key.id in ids:
        raise bad
    sug = suggest(builder, text)
    key = key or _known(builder, sug.ranking[0], fields.answer)
    if distractors is None:
        near = builder.hard_negatives(sug.ranking, key, {key.id})
    elif key.id in ids:
        raise bad
    prompt = f"Scenario: {sentence(sug.text)} {SCENARIO_QUESTION}"
    item = builder.clause_item("scenario", prompt, key, near, random.Random(seed), "q1")
    item.source = "trainer"
    settings = QuizSettings(n=1, types={"scenario": 1}, corpus=builder.corpus)
    return Quiz(seed=seed, settings=settings, items=[item]), sug


def format_draft(
    quiz: Quiz, sug: Suggestion, answer_given: bool, distractors_given: bool, hint: str = ""
) -> str:
    """The draft for review: the suggestion, the item and its key; `hint` ends it."""
    item = quiz.items[0]
    w = lambda s, ind="    ", more=None: textwrap.fill(
        s, 100, initial_indent=ind, subsequent_indent=ind if more is None else more
    )
    out = ["Draft quiz item from your scenario. Review it before you use it.", ""]
    out += [w(sug.text, "Scenario: ", " " * len("Scenario: ")), ""]
    out.append(f"Suggested answer key (retriever confidence: {sug.confidence}):")
    for c, s in sug.ranked:
        mark = "  <- key" if c.id == item.clause_id else ""
        out.append(f"    {c.id:10} {c.display_title()[:48]:50} score {s:.2f}{mark}")
    if sug.out_of_scope:
        out.append("    Note: the retriever finds this scenario weakly covered by the Code.")
    if answer_given:
        out.append(f"    Your answer key: {item.clause_id}")
    label = (
        "Your distractors:"
        if distractors_given
        else "Suggested distractors (ranked high for the scenario, not the key, other sections "
        "first):"
    )
    out += ["", label]
    name = lambda o: key_label(sug.clauses[o.clause_id]) if o.clause_id in sug.clauses else o.label
    out += [f"    {name(o)}" for i, o in enumerate(item.options) if i != item.answer]
    out += ["", "The item:", w(item.prompt)]
    for i, o in enumerate(item.options):
        out.append(f"      {'ABCD'[i]}. {o.label}{'   (correct)' if i == item.answer else ''}")
    out += ["", "Answer key:", w(item.explanation)]
    if hint:
        out += ["", hint]
    return "\n".join(out)
