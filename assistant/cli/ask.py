"""``ask`` (one question, or a batch file) and ``chat`` (an interactive loop)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from .. import Answer, QuestionError
from ..corpus import clean_question
from .common import UsageError, load_assistant, print_json

WIDTH = 100


def _wrap(text: str, indent: str = "    ", first: str | None = None) -> list[str]:
    first = indent if first is None else first
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=indent)


def _checklist(answer: Answer) -> list[str]:
    """What the Code asks you to do, in the Code's words, numbered in checklist order."""
    if not answer.steps:
        return []
    actions = {c.clause_id: c.action for c in answer.citations}
    lines = ["What the Code asks you to do (its own words, in the order to act on them):"]
    for n, cid in enumerate(answer.steps, 1):
        lines += _wrap(f"{actions[cid]} [{cid}]", "       ", f"  {n:>2}. ")
    return [*lines, ""]


def format_answer(answer: Answer) -> str:
    lines = [*_wrap(answer.answer, ""), ""]
    if not answer.abstained and answer.kind != "clarify":
        lines += [f"Confidence: {answer.confidence}", ""]
    lines += _checklist(answer)
    cites = answer.citations or answer.nearest
    if answer.abstained and cites:
        lines.append("Nearest clauses (for reference only, not an answer):")
    for c in cites:
        lines.append(f"[{c.clause_id}] {c.section}  (score {c.score:.2f})")
        lines += _wrap(f"\u201c{c.text}\u201d")
        if c.example:
            lines += _wrap(f"Example situation (written for this tool, not the Code): {c.example}")
        lines.append("")
    if answer.context:
        lines.append("For context (the Code's words, not the answer):")
        for c in answer.context:
            lines += _wrap(f"[{c.clause_id}] {c.title}: \u201c{c.text}\u201d", "      ", "    ")
        lines.append("")
    lines.append(answer.note)
    return "\n".join(lines)


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


def _ask_batch(assistant, lines: list[bytes], as_json: bool) -> None:
    """Every line answered, in order; a bad line gets an error object and the rest go on."""
    for n, raw in enumerate(lines, 1):
        try:
            out = assistant.ask(raw.decode("utf-8")).as_json()
        except UnicodeDecodeError:
            out = {"line": n, "error": "line is not valid UTF-8"}
        except QuestionError as exc:
            out = {"line": n, "error": str(exc)}
        if as_json:
            print_json(out)
        else:
            print(out.get("error") or out["answer"])
        sys.stdout.flush()


def cmd_ask(args: argparse.Namespace) -> int:
    if args.batch is None:
        if args.question is None:
            raise UsageError("give a QUESTION, or --batch FILE")
        clean_question(args.question)  # fail fast, before loading the model
    elif args.question is not None:
        raise UsageError("give either a QUESTION or --batch FILE, not both")
    lines = _batch_lines(args.batch) if args.batch is not None else None
    assistant = load_assistant(args)
    if lines is not None:
        _ask_batch(assistant, lines, args.json)
        return 0
    answer = assistant.ask(args.question)
    if args.json:
        print_json(answer.as_json())
    else:
        print(format_answer(answer))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    assistant = load_assistant(args)
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


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("ask", help="answer a question with cited clauses")
    a.add_argument("question", nargs="?")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin)")
    a.set_defaults(func=cmd_ask)

    ch = sub.add_parser("chat", help="interactive question loop")
    ch.set_defaults(func=cmd_chat)
