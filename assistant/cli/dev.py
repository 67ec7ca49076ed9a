"""``index``, ``train`` and ``eval``: building the index, fitting the ranker on dev, scoring."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import evaluation
from .common import load_assistant, settings_from_args


def cmd_index(args: argparse.Namespace) -> int:
    m = load_assistant(args, rebuild=args.action == "build").index_info()
    print(
        f"index ready: {m.get('entries')} vectors, corpus {m['corpus']}, "
        f"fingerprint {str(m['fingerprint'])[:12]}"
    )
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    path = evaluation.train_ranker(load_assistant(args))
    print(f"wrote {path}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.ablation:
        reports = evaluation.ablation_reports(settings_from_args(args), args.split)
        print(
            json.dumps([r.model_dump() for r in reports])
            if args.json
            else evaluation.table(reports)
        )
        return 0
    assistant = load_assistant(args)
    report_dir = Path(args.report) if args.report else None
    report = evaluation.evaluate(assistant, args.split, report_dir)
    if report_dir is not None:
        print(f"report written to {report_dir / 'report.md'}", file=sys.stderr)
    print(report.model_dump_json() if args.json else evaluation.format_report(report))
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    from ..index import fetch_model

    settings = settings_from_args(args).index
    folder = fetch_model(settings)
    where = folder or settings.resolved_model_path()
    print(f"encoder {settings.encoder}: {where} (verified)" if folder else f"encoder: {where}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("model", help="fetch and verify the encoder's files (IMC_ENCODER=mpnet)")
    m.add_argument("action", choices=["fetch"])
    m.set_defaults(func=cmd_model)

    e = sub.add_parser("eval", help="score retrieval on the eval set")
    e.add_argument("--split", choices=["dev", "test", "all"], default="test")
    e.add_argument("--json", action="store_true")
    e.add_argument("--ablation", action="store_true", help="one row per configuration")
    e.add_argument("--report", metavar="DIR", help="write a Markdown report with plots")
    e.set_defaults(func=cmd_eval)

    ix = sub.add_parser("index", help="build or check the vector index")
    ix.add_argument("action", choices=["build", "status"])
    ix.set_defaults(func=cmd_index)

    t = sub.add_parser("train", help="fit the fusion ranker and abstainer on the dev split")
    t.set_defaults(func=cmd_train)
