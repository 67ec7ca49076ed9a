"""``bench``: run every benchmark and print a table (or JSON) with the targets. The measuring code
is in `assistant.bench`, imported only when the command runs."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from .common import settings_from_args

DEFAULT_SIZES = "1000,10000"  # as assistant.bench, without importing it at parse time
QUICK_SIZES = "50,150"


def cmd_bench(args: argparse.Namespace) -> int:
    from .. import bench

    settings = settings_from_args(args)
    options = bench.BenchOptions(
        quick=args.quick,
        out=Path(args.out) if args.out else None,
        scale_sizes=args.scale_sizes,
        repeats=args.repeats,
        threads=args.threads,
        profile=args.profile,
        chroma_url=args.chroma_url,
    )
    with contextlib.redirect_stdout(sys.stderr):  # llama-index prints; stdout is for the result
        res = bench.run(options, settings)
    if args.json:
        sys.stdout.write(json.dumps(res, ensure_ascii=False) + "\n")
    else:
        print(bench.format_table(res))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="benchmarks: cold start, latency, throughput, build, memory")
    p.add_argument("--json", action="store_true", help="print all figures as one JSON object")
    p.add_argument(
        "--quick", action="store_true", help="few repetitions and tiny scaling sizes (smoke test)"
    )
    p.add_argument(
        "--out", metavar="DIR", help="where the plot and results go (default: docs/bench)"
    )
    p.add_argument(
        "--scale-sizes",
        metavar="N,N,..",
        help=f"synthetic corpus sizes (default {DEFAULT_SIZES}; --quick: {QUICK_SIZES}; "
        "'' to skip)",
    )
    p.add_argument("--repeats", type=int, help="fresh processes per cold start (default 5)")
    p.add_argument(
        "--threads",
        type=int,
        help="torch threads for builds and questions in every measured process "
        "(default: all cores for builds, IMC_QUERY_THREADS for questions)",
    )
    p.add_argument(
        "--profile", action="store_true", help="also write pyinstrument profiles to --out"
    )
    p.set_defaults(func=cmd_bench)
