"""``clauses`` and ``lookup``: the Code's text, without loading any model."""

from __future__ import annotations

import argparse
import textwrap

from .. import Clause
from ..corpus import load_corpus, resolve
from .common import print_json, settings_from_args

KINDS = ["principle", "definition", "value", "sanction", "prose", "pledge"]
CLAUSE_KEYS = (
    "id",
    "kind",
    "part",
    "section",
    "section_title",
    "section_title_inferred",
    "title",
    "title_inferred",
    "text",
)


def format_clause(c: Clause) -> str:
    part = f"Part {c.part}: {c.part_title}" + (" [title inferred]" if c.part_title_inferred else "")
    head = (
        f"{c.id}  {c.display_section()}"
        if c.kind == "principle"
        else f"{c.id}  {c.display_title()}  ({c.section_title})"
    )
    body = textwrap.fill(c.text, 100, initial_indent="  ", subsequent_indent="  ")
    return f"{head}\n  {part}\n{body}"


def cmd_clauses(args: argparse.Namespace) -> int:
    clauses = load_corpus(settings_from_args(args).corpus).clauses
    if args.kind:
        clauses = tuple(c for c in clauses if c.kind == args.kind)
    if args.json:
        print_json([{k: getattr(c, k) for k in CLAUSE_KEYS} for c in clauses])
    else:
        for c in clauses:
            print(f"{c.id:28} {c.display_title()[:40]:42} {c.text[:60]}")
    return 0


def cmd_lookup(args: argparse.Namespace) -> int:
    found = resolve(args.clause_id, load_corpus(settings_from_args(args).corpus).clauses)
    if args.json:
        print_json([c.model_dump() for c in found])
    else:
        print("\n\n".join(format_clause(c) for c in found))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("clauses", help="list every clause")
    c.add_argument("--json", action="store_true")
    c.add_argument("--kind", choices=KINDS)
    c.set_defaults(func=cmd_clauses)

    lk = sub.add_parser("lookup", help="print a clause by id (1.C.4, S.2, D.sponsor, 1.C)")
    lk.add_argument("clause_id")
    lk.add_argument("--json", action="store_true")
    lk.set_defaults(func=cmd_lookup)
