"""The argument parser and the entry point of ``python -m assistant``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import AssistantError
from . import ask, bench, clauses, dev, quiz
from .common import EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant", description="Ethics guidance quoting the IMC Code of Ethics."
    )
    p.add_argument("--corpus", help="corpus name (default: imc-code-of-ethics)")
    p.add_argument("--index-dir", help="index folder (default: ./index)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    sub = p.add_subparsers(dest="command", required=True)
    for group in (ask, clauses, dev, quiz, bench):
        group.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
