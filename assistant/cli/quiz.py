"""``python -m assistant quiz``: build a quiz, or draft an item from a trainer's own scenario.

    python -m assistant quiz --n 10 --section 1.C --format gift --seed 7 -o quiz.gift
    python -m assistant quiz --scenario "My mentee offered me shares" --answer 1.C.2 -o item.md

Light at import: the retriever loads only when a scenario item needs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..corpus import load_corpus
from ..quiz import (
    CLI_FIELDS,
    FORMATS,
    ITEM_KINDS,
    PERSONAS,
    Quiz,
    QuizBuilder,
    QuizError,
    QuizSettings,
    draft,
    format_draft,
    format_for,
    load_bank,
    render,
    write,
)
from .common import UsageError, load_assistant, settings_from_args

DRAFT_HINT = (
    "Change it with --answer ID and --distractors ID,ID,ID; "
    f"export it with -o FILE (--format {'|'.join(FORMATS)})."
)


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


# ------------------------------------------------------------------------ the command


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("quiz", help="build a quiz for trainers (markdown, csv, gift, json)")
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


def _build(args: argparse.Namespace, builder: QuizBuilder) -> Quiz:
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
    return builder.build(spec, seed=args.seed)


def _output_format(args: argparse.Namespace) -> str | None:
    if args.format is None and args.output:
        fmt = format_for(args.output)
        if fmt is None:
            raise UsageError(f"cannot tell the format of {args.output!r}; give --format")
        return fmt
    return args.format


def cmd_quiz(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    corpus = load_corpus(settings.corpus)
    fmt = _output_format(args)
    if args.scenario is None and (args.answer or args.distractors):
        raise QuizError("--answer and --distractors go with --scenario TEXT")
    bank = []
    if args.scenario is None:
        extra = Path(args.bank) if args.bank else None
        bank = load_bank(settings.corpus.evals_dir, set(corpus.by_id), extra)
    builder = QuizBuilder(
        corpus.clauses, bank, load_assistant=lambda: load_assistant(args), corpus=corpus.name
    )
    if args.scenario is not None:
        ids = args.distractors.split(",") if args.distractors else None
        quiz, sug = draft(builder, args.scenario, args.answer, ids, args.seed or 0, CLI_FIELDS)
        summary = format_draft(quiz, sug, bool(args.answer), bool(ids), DRAFT_HINT)
        print(summary, file=sys.stderr if fmt and not args.output else sys.stdout)
        if not (fmt or args.output):
            return 0
    else:
        quiz = _build(args, builder)
    fmt = fmt or "markdown"
    if args.output:
        path = write(quiz, Path(args.output), fmt, corpus.by_id)
        print(f"wrote {path} ({fmt}, {len(quiz.items)} items, seed {quiz.seed})")
    else:
        sys.stdout.write(render(quiz, fmt, corpus.by_id))
        if args.seed is None and args.scenario is None:
            again = f"seed {quiz.seed} (use --seed {quiz.seed} to build this quiz again)"
            print(again, file=sys.stderr)
    return 0
