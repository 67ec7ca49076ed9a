"""``python -m assistant quiz``: build a quiz, or draft an item from a trainer's own scenario.

    python -m assistant quiz --n 10 --section 1.C --format gift --seed 7 -o quiz.gift
    python -m assistant quiz --scenario "My mentee offered me shares" --answer 1.C.2 -o item.md

Light at import: the retriever loads only when a scenario item needs it.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .models import Clause
from .quiz import (
    CLAUSE_KINDS,
    ITEM_KINDS,
    N_OPTIONS,
    PERSONAS,
    SCENARIO_QUESTION,
    Quiz,
    QuizBuilder,
    QuizError,
    QuizSettings,
    load_bank,
    sentence,
)
from .quiz_export import FORMATS, format_for, render, write


def parse_types(spec: str | Sequence[str] | None) -> dict[str, int | None]:
    """'scenario=6,fill_gap' -> {'scenario': 6, 'fill_gap': None}; None -> every kind."""
    if spec is None or spec == "" or spec == []:
        return dict.fromkeys(ITEM_KINDS)
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    out: dict[str, int | None] = {}
    for raw in filter(None, (p.strip() for p in parts)):
        kind, _, count = raw.partition("=")
        kind = kind.strip().replace("-", "_")
        if kind not in ITEM_KINDS:
            raise QuizError(f"unknown item type {kind!r}; types: {', '.join(ITEM_KINDS)}")
        if count and not (count.strip().isdigit() and int(count) > 0):
            raise QuizError(f"item count for {kind} must be a positive number, not {count!r}")
        out[kind] = int(count) if count else None
    if not out:
        raise QuizError(f"no item types given; types: {', '.join(ITEM_KINDS)}")
    return out


# ------------------------------------------------------------------------ trainer-authored items


@dataclass
class Suggestion:
    """The retriever's view of a trainer's scenario: ranked clauses and confidence."""

    text: str
    ranked: list[tuple[Clause, float]]  # the top few, best first
    ranking: list[str]  # every quizzable clause id, best first
    confidence: str  # high, medium or low, as for answers
    out_of_scope: bool  # the retriever would abstain on this text


def suggest(builder: QuizBuilder, text: str, k: int = 5) -> Suggestion:
    """The clauses the retriever would key for a trainer's scenario, with confidence."""
    from .guard import QuestionError, clean_question

    try:
        text = clean_question(text)
    except QuestionError as exc:
        raise QuizError(str(exc)) from exc
    a = builder.assistant
    r = a.rank(text)
    by_id = builder.by_id
    ranked = [
        (by_id[i], s)
        for i, s in zip(r.clause_ids, r.scores, strict=False)
        if i in by_id and by_id[i].kind in CLAUSE_KINDS
    ]
    ids = [c.id for c, _ in ranked]
    return Suggestion(text, ranked[:k], ids, a.retriever.confidence(r), a.retriever.abstains(r))


def _known(builder: QuizBuilder, clause_id: str, flag: str) -> Clause:
    c = builder.by_id.get(clause_id.strip())
    if c is None or c.kind not in CLAUSE_KINDS:
        raise QuizError(f"{flag}: {clause_id!r} is not a clause id of the Code (e.g. 1.C.2)")
    return c


def draft(
    builder: QuizBuilder,
    text: str,
    answer: str | None = None,
    distractors: Sequence[str] | None = None,
    seed: int = 0,
) -> tuple[Quiz, Suggestion]:
    """A one-item quiz from a trainer's scenario: suggested key and distractors, overridable.
    Given ids are checked before the retriever loads."""
    key = _known(builder, answer, "--answer") if answer else None
    near = [_known(builder, d, "--distractors") for d in distractors or ()]
    ids = [d.id for d in near]
    bad = QuizError("--distractors: give three distinct clause ids, none of them the answer")
    if distractors is not None and (len(set(ids)) != len(ids) or len(ids) != N_OPTIONS - 1):
        raise bad
    if key is not None and key.id in ids:
        raise bad
    sug = suggest(builder, text)
    key = key or _known(builder, sug.ranking[0], "--answer")
    if distractors is None:
        near = builder.hard_negatives(sug.ranking, key, {key.id})
    elif key.id in ids:
        raise bad
    prompt = f"Scenario: {sentence(sug.text)} {SCENARIO_QUESTION}"
    item = builder.clause_item("scenario", prompt, key, near, random.Random(seed), "q1")
    item.source = "trainer"
    settings = QuizSettings(n=1, types={"scenario": 1}, corpus=builder.corpus)
    return Quiz(seed=seed, settings=settings, items=[item]), sug


def format_draft(quiz: Quiz, sug: Suggestion, answer_given: bool, distractors_given: bool) -> str:
    item = quiz.items[0]
    w = lambda s, ind="    ": textwrap.fill(s, 100, initial_indent=ind, subsequent_indent=ind)
    out = ["Draft quiz item from your scenario. Review it before you use it.", ""]
    out += [w(sug.text, "Scenario: "), ""]
    out.append(f"Suggested answer key (retriever confidence: {sug.confidence}):")
    for c, s in sug.ranked:
        mark = "  <- key" if c.id == item.clause_id else ""
        out.append(f"    {c.id:10} {c.display_title()[:48]:50} score {s:.2f}{mark}")
    if sug.out_of_scope:
        out.append("    Note: the retriever finds this scenario weakly covered by the Code.")
    if answer_given:
        out.append(f"    Your answer key: {item.clause_id}")
    label = "Your distractors" if distractors_given else "Suggested distractors"
    out += ["", f"{label} (ranked high for the scenario, not the key, other sections first):"]
    out += [f"    {o.label}" for i, o in enumerate(item.options) if i != item.answer]
    out += ["", "The item:", w(item.prompt)]
    for i, o in enumerate(item.options):
        out.append(f"      {'ABCD'[i]}. {o.label}{'   (correct)' if i == item.answer else ''}")
    out += ["", "Answer key:", w(item.explanation), ""]
    out.append(
        "Change it with --answer ID and --distractors ID,ID,ID; "
        f"export it with -o FILE (--format {'|'.join(FORMATS)})."
    )
    return "\n".join(out)


# ------------------------------------------------------------------------ the command


def register(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = (
        "Build a quiz on the IMC Code of Ethics (scenario and recall items, answer key quoting "
        "the Code), or draft an item from your own scenario.\n\nexamples:\n"
        + __doc__.split("\n\n")[1]
    )
    parser.add_argument(
        "--n", type=int, help="number of items (default 10, or the sum of --types counts)"
    )
    parser.add_argument(
        "--types",
        metavar="LIST",
        help=f"item types, each optionally with a count, e.g. scenario=6,fill_gap "
        f"(types: {', '.join(ITEM_KINDS)}; default: all)",
    )
    parser.add_argument("--part", help="only clauses of this part: 1, 2, 3, S or D")
    parser.add_argument("--section", help="only clauses of this section, e.g. 1.C")
    parser.add_argument("--persona", help=f"only scenarios of: {', '.join(PERSONAS)}")
    parser.add_argument("--seed", type=int, help="same seed, same quiz (byte for byte)")
    parser.add_argument(
        "--bank",
        metavar="FILE",
        help="more scenarios: a JSONL file of eval cases (added to evals/ dilemmas)",
    )
    parser.add_argument("--format", choices=list(FORMATS), help="default: from -o, else markdown")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--scenario", metavar="TEXT", help="draft an item from your own scenario")
    parser.add_argument("--answer", metavar="ID", help="with --scenario: the answer key clause")
    parser.add_argument(
        "--distractors", metavar="IDS", help="with --scenario: three clause ids, comma-separated"
    )
    parser.set_defaults(func=cmd_quiz)


def _match(value: str | None, known: list[str]) -> str | None:
    """Case-insensitive match of a part or section key ('1.c' -> '1.C')."""
    if value is None:
        return None
    return next((k for k in known if k.casefold() == value.strip().casefold()), value.strip())


def cmd_quiz(args: argparse.Namespace) -> int:
    from .cli import UsageError, _load_assistant, _settings
    from .corpus import load_clauses

    settings = _settings(args)
    if not settings.clauses_path.exists():
        raise UsageError(f"no corpus {settings.corpus!r}: {settings.clauses_path} is missing")
    fmt = args.format
    if fmt is None and args.output:
        fmt = format_for(args.output)
        if fmt is None:
            raise UsageError(f"cannot tell the format of {args.output!r}; give --format")
    clauses = load_clauses(settings.clauses_path)
    try:
        if args.scenario is None and (args.answer or args.distractors):
            raise QuizError("--answer and --distractors go with --scenario TEXT")
        bank = [] if args.scenario is not None else None
        if bank is None:
            extra = Path(args.bank) if args.bank else None
            bank = load_bank(settings.evals_dir, {c.id for c in clauses}, extra)
        builder = QuizBuilder(
            clauses, bank, load_assistant=lambda: _load_assistant(args), corpus=settings.corpus
        )
        if args.scenario is not None:
            ids = args.distractors.split(",") if args.distractors else None
            quiz, sug = draft(builder, args.scenario, args.answer, ids, args.seed or 0)
            summary = format_draft(quiz, sug, bool(args.answer), bool(ids))
            print(summary, file=sys.stderr if fmt and not args.output else sys.stdout)
            if not (fmt or args.output):
                return 0
        else:
            types = parse_types(args.types)
            fixed = None not in types.values()
            n = args.n if args.n is not None else sum(types.values()) if fixed else 10
            spec = QuizSettings(
                n=n,
                types=types,
                part=_match(args.part, builder.parts),
                section=_match(args.section, builder.sections),
                persona=args.persona,
                bank=args.bank,
            )
            quiz = builder.build(spec, seed=args.seed)
    except QuizError as exc:
        raise UsageError(str(exc)) from exc
    fmt = fmt or "markdown"
    corpus = {c.id: c for c in clauses}
    if args.output:
        path = write(quiz, Path(args.output), fmt, corpus)
        print(f"wrote {path} ({fmt}, {len(quiz.items)} items, seed {quiz.seed})")
    else:
        sys.stdout.write(render(quiz, fmt, corpus))
        if args.seed is None and args.scenario is None:
            again = f"seed {quiz.seed} (use --seed {quiz.seed} to build this quiz again)"
            print(again, file=sys.stderr)
    return 0
