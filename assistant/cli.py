"""Command line: ``python -m assistant COMMAND``. Heavy modules load only in commands that need them."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: printed without a traceback, exit code 2."""


def _settings(args: argparse.Namespace):
    from .settings import Settings

    overrides = {}
    if getattr(args, "corpus", None):
        overrides["corpus"] = args.corpus
    if getattr(args, "index_dir", None):
        overrides["index_dir"] = Path(args.index_dir)
    if getattr(args, "chroma_url", None):
        u = urlparse(args.chroma_url if "//" in args.chroma_url else f"http://{args.chroma_url}")
        if not u.hostname:
            raise UsageError(f"--chroma-url {args.chroma_url!r} has no host")
        overrides["chroma_host"] = u.hostname
        overrides["chroma_port"] = u.port or 8000
    try:
        return Settings(**overrides)
    except Exception as exc:  # pydantic ValidationError
        raise UsageError(f"invalid setting: {exc}") from exc


def _load_assistant(args: argparse.Namespace, rebuild: bool = False):
    from .api import Assistant

    settings = _settings(args)
    if not settings.clauses_path.exists():
        raise UsageError(f"no corpus {settings.corpus!r}: {settings.clauses_path} is missing")
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout clean for --json
        return Assistant.load(settings, rebuild=rebuild)


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def answer_json(answer) -> dict:
    """The documented JSON contract of `ask --json`, plus extra fields."""
    d = answer.model_dump()
    d["citations"] = [
        dict(
            clause_id=c["clause_id"],
            title=c["title"],
            section=c["section"],
            text=c["text"],
            score=c["score"],
        )
        for c in d["citations"]
    ]
    return d


def format_answer(answer) -> str:
    width = 100
    lines = [answer.answer, ""]
    if not answer.abstained:
        lines.append(f"Confidence: {answer.confidence}")
        lines.append("")
    cites = answer.citations or answer.nearest
    if answer.abstained and cites:
        lines.append("Nearest clauses (for reference only, not an answer):")
    for c in cites:
        lines.append(f"[{c.clause_id}] {c.section}  (score {c.score:.2f})")
        lines.extend(
            textwrap.wrap(
                f"\u201c{c.text}\u201d", width, initial_indent="    ", subsequent_indent="    "
            )
        )
        lines.append("")
    lines.append(answer.note)
    return "\n".join(lines)


def format_clause(c) -> str:
    part = f"Part {c.part}: {c.part_title}" + (" [title inferred]" if c.part_title_inferred else "")
    head = (
        f"{c.id}  {c.display_section()}"
        if c.kind == "principle"
        else f"{c.id}  {c.display_title()}  ({c.section_title})"
    )
    body = textwrap.fill(c.text, 100, initial_indent="  ", subsequent_indent="  ")
    return f"{head}\n  {part}\n{body}"


# ------------------------------------------------------------------------------------ commands


def cmd_clauses(args) -> int:
    from .corpus import load_clauses

    clauses = load_clauses(_settings(args).clauses_path)
    if args.kind:
        clauses = [c for c in clauses if c.kind == args.kind]
    if args.json:
        keys = (
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
        _print_json([{k: getattr(c, k) for k in keys} for c in clauses])
    else:
        for c in clauses:
            print(f"{c.id:28} {c.display_title()[:40]:42} {c.text[:60]}")
    return 0


def cmd_lookup(args) -> int:
    from .corpus import load_clauses
    from .lookup import UnknownClauseError, resolve

    clauses = load_clauses(_settings(args).clauses_path)
    try:
        found = resolve(args.clause_id, clauses)
    except UnknownClauseError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        _print_json([c.model_dump() for c in found])
    else:
        print("\n\n".join(format_clause(c) for c in found))
    return 0


def _batch_lines(path: str) -> list[bytes]:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read batch file {path!r}: {exc.strerror}") from exc
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [ln.rstrip(b"\r") for ln in lines]


def cmd_ask(args) -> int:
    from .guard import QuestionError, clean_question
    from .settings import Settings

    if args.batch is None:
        if args.question is None:
            raise UsageError("give a QUESTION, or --batch FILE")
        try:
            clean_question(args.question, Settings.model_fields["max_question_chars"].default)
        except QuestionError as exc:  # fail fast, before loading the model
            raise UsageError(str(exc)) from exc
    elif args.question is not None:
        raise UsageError("give either a QUESTION or --batch FILE, not both")
    lines = _batch_lines(args.batch) if args.batch is not None else None
    assistant = _load_assistant(args)
    if lines is None:
        try:
            answer = assistant.ask(args.question)
        except QuestionError as exc:
            raise UsageError(str(exc)) from exc
        if args.json:
            _print_json(answer_json(answer))
        else:
            print(format_answer(answer))
        return 0
    for n, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8")
            out = answer_json(assistant.ask(text))
        except UnicodeDecodeError:
            out = {"line": n, "error": "line is not valid UTF-8"}
        except QuestionError as exc:
            out = {"line": n, "error": str(exc)}
        if args.json:
            _print_json(out)
        else:
            print(out.get("error") or out["answer"])
        sys.stdout.flush()
    return 0


def cmd_index(args) -> int:
    assistant = _load_assistant(args, rebuild=args.action == "build")
    m = assistant.retriever.store.manifest
    print(
        f"index ready: {m.get('entries')} vectors, corpus {m['corpus']}, "
        f"fingerprint {m['fingerprint'][:12]}"
    )
    return 0


def cmd_chat(args) -> int:
    from .guard import QuestionError

    assistant = _load_assistant(args)
    history: list[str] = []
    print(
        "IMC Code of Ethics assistant. Describe a situation, or name a clause (e.g. 1.C.4). "
        "Empty line or Ctrl-D to quit."
    )
    while True:
        try:
            q = input("\n> ").strip()
        except EOFError:
            break
        if not q:
            break
        try:
            answer = assistant.ask(q, history)
        except QuestionError as exc:
            print(exc)
            continue
        print(format_answer(answer))
        history.append(q)
    return 0


def cmd_train(args) -> int:
    from .train import train

    assistant = _load_assistant(args)
    path = train(assistant, split="dev")
    print(f"wrote {path}")
    return 0


def cmd_eval(args) -> int:
    from .evaluate import run_eval_command

    return run_eval_command(args, _load_assistant(args))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant", description="Ethics guidance quoting the IMC Code of Ethics."
    )
    p.add_argument("--corpus", help="corpus name (default: imc-code-of-ethics)")
    p.add_argument("--index-dir", help="index folder (default: ./index)")
    p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("ask", help="answer a question with cited clauses")
    a.add_argument("question", nargs="?")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin)")
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser("clauses", help="list every clause")
    c.add_argument("--json", action="store_true")
    c.add_argument(
        "--kind", choices=["principle", "definition", "value", "sanction", "prose", "pledge"]
    )
    c.set_defaults(func=cmd_clauses)

    lk = sub.add_parser("lookup", help="print a clause by id (1.C.4, S.2, D.sponsor, 1.C)")
    lk.add_argument("clause_id")
    lk.add_argument("--json", action="store_true")
    lk.set_defaults(func=cmd_lookup)

    e = sub.add_parser("eval", help="score retrieval on the eval set")
    e.add_argument("--split", choices=["dev", "test", "all"], default="test")
    e.add_argument("--json", action="store_true")
    e.add_argument("--ablation", action="store_true", help="one row per configuration")
    e.add_argument("--report", metavar="DIR", help="write a Markdown report with plots")
    e.set_defaults(func=cmd_eval)

    ix = sub.add_parser("index", help="build or check the vector index")
    ix.add_argument("action", choices=["build", "status"])
    ix.set_defaults(func=cmd_index)

    ch = sub.add_parser("chat", help="interactive question loop")
    ch.set_defaults(func=cmd_chat)

    t = sub.add_parser("train", help="fit the fusion ranker and abstainer on the dev split")
    t.set_defaults(func=cmd_train)

    q = sub.add_parser("quiz", help="build a quiz for trainers (markdown, csv, gift, json)")
    _register("quiz_cli", q)

    b = sub.add_parser("bench", help="benchmarks: cold start, latency, throughput, build, memory")
    _register("bench_cli", b)
    return p


def _register(module: str, parser: argparse.ArgumentParser) -> None:
    """Let a light module add its own arguments and handler to a subcommand parser."""
    import importlib

    try:
        mod = importlib.import_module(f".{module}", __package__)
    except ModuleNotFoundError:
        parser.set_defaults(func=lambda args: _not_available(module))
        return
    mod.register(parser)


def _not_available(module: str) -> int:
    raise UsageError(f"this command is not available in this build ({module} missing)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
