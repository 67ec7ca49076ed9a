"""Quiz exports: printable Markdown (answer key on its own page), CSV, Moodle GIFT and JSON.

CSV and JSON read back (`items_from_csv`, `quiz_from_json`) into the same items.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from ..models import Clause
from .labels import key_label
from .models import Option, Quiz, QuizError, QuizItem

FORMATS: dict[str, str] = {"markdown": ".md", "csv": ".csv", "gift": ".gift", "json": ".json"}
EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".gift": "gift"}
EXTENSIONS |= {".txt": "gift", ".json": "json"}
LETTERS = "ABCD"
KIND_NAMES = {
    "scenario": "Scenario",
    "which_clause": "Which clause",
    "fill_gap": "Fill the gap",
    "definition": "Definition",
}
PAGE_BREAK = '<div style="page-break-before: always"></div>'
NOTE = "Guidance quoting the IMC Code of Ethics, not a ruling by IMC."
OPTIONS_NOTE = "Options name clauses of the IMC Code of Ethics by their id (for example 1.C.4)."
CLAUSE_ITEMS = ("scenario", "which_clause")  # items whose options are clauses
CSV_FIELDS = [
    "item",
    "kind",
    "prompt",
    *(f"option_{x}" for x in "abcd"),
    "answer",
    "clause_id",
    "explanation",
    "source",
    *(f"clause_{x}" for x in "abcd"),
]
_MD_SPECIAL = "\\`*_{}[]<>#|~"
_GIFT_SPECIAL = "~=#{}:"


def format_for(path: str | Path) -> str | None:
    """The export format a file name implies, or None."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def describe(quiz: Quiz) -> str:
    """'10 questions · seed 7 · section 1.C' for headings."""
    s = quiz.settings
    bits = [f"{len(quiz.items)} question{'s' * (len(quiz.items) != 1)}", f"seed {quiz.seed}"]
    bits += [f"{k} {v}" for k, v in (("part", s.part), ("section", s.section)) if v]
    bits += [f"persona {s.persona}"] if s.persona else []
    return " \u00b7 ".join(bits)


# ------------------------------------------------------------------------------------ markdown


def md_escape(text: str) -> str:
    """Escape Markdown and HTML syntax so any text prints as written."""
    text = text.replace("\r\n", " ").replace("\n", " ")
    return "".join(f"\\{ch}" if ch in _MD_SPECIAL else ch for ch in text)


def to_markdown(quiz: Quiz, corpus: Mapping[str, Clause] | None = None) -> str:
    """A printable quiz. The answer key starts a new page; with `corpus`, it names the section of
    the correct clause and quotes the clause behind every other option of the clause questions.
    Nothing internal is printed: no scenario source, no inferred title."""
    out = [f"# {md_escape(quiz.title)}", "", md_escape(describe(quiz)), ""]
    out += [md_escape("Name: ______________________   Date: ____________"), ""]
    if any(item.kind in CLAUSE_ITEMS for item in quiz.items):
        out += [f"*{md_escape(OPTIONS_NOTE)}*", ""]
    for n, item in enumerate(quiz.items, 1):
        out += [f"**{n}.** {md_escape(item.prompt)}", ""]
        out += [f"- **{LETTERS[i]}.** {md_escape(o.label)}" for i, o in enumerate(item.options)]
        out.append("")
    out += [PAGE_BREAK, "", "## Answer key", ""]
    for n, item in enumerate(quiz.items, 1):
        out += _key_entry(n, item, corpus)
    out += ["---", "", f"*{NOTE}*", ""]
    return "\n".join(out)


def _name(option: Option, item: QuizItem, corpus: Mapping[str, Clause] | None) -> str:
    """An option as the answer key names it: with the section title for clause options."""
    clause = (corpus or {}).get(option.clause_id or "")
    return key_label(clause) if clause and item.kind in CLAUSE_ITEMS else option.label


def _key_entry(n: int, item: QuizItem, corpus: Mapping[str, Clause] | None) -> list[str]:
    head = f"**{n}. {LETTERS[item.answer]}** \u2014 {md_escape(_name(item.correct, item, corpus))}"
    out = [head, "", f"> {md_escape(item.explanation)}", ""]
    if corpus and item.kind in CLAUSE_ITEMS:
        others = [o for o in item.options if o is not item.correct and o.clause_id in corpus]
        out += ["Why not the others:", ""]
        out += [
            f"- {md_escape(_name(o, item, corpus))}: \u201c{md_escape(corpus[o.clause_id].text)}\u201d"
            for o in others
        ]
        out.append("")
    return out


# ------------------------------------------------------------------------------------ csv


def to_csv(quiz: Quiz) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    w.writeheader()
    for item in quiz.items:
        row = {
            "item": item.id,
            "kind": item.kind,
            "prompt": item.prompt,
            "answer": LETTERS[item.answer],
            "clause_id": item.clause_id,
            "explanation": item.explanation,
            "source": item.source or "",
        }
        for x, o in zip("abcd", item.options, strict=True):
            row[f"option_{x}"] = o.label
            row[f"clause_{x}"] = o.clause_id or ""
        w.writerow(row)
    return buf.getvalue()


def items_from_csv(text: str) -> list[QuizItem]:
    """Read the items back from `to_csv` output."""
    items = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        try:
            options = [
                Option(label=row[f"option_{x}"], clause_id=row[f"clause_{x}"] or None)
                for x in "abcd"
            ]
            items.append(
                QuizItem(
                    id=row["item"],
                    kind=row["kind"],
                    prompt=row["prompt"],
                    options=options,
                    answer=LETTERS.index(row["answer"]),
                    clause_id=row["clause_id"],
                    explanation=row["explanation"],
                    source=row["source"] or None,
                )
            )
        except (KeyError, ValueError) as exc:
            raise QuizError(f"CSV line {n}: {exc}") from exc
    return items


# ------------------------------------------------------------------------------------ gift


def gift_escape(text: str) -> str:
    """Moodle GIFT: backslash-escape ~ = # { } : (and the backslash); newlines as \\n."""
    text = text.replace("\\", "\\\\")
    for ch in _GIFT_SPECIAL:
        text = text.replace(ch, f"\\{ch}")
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def to_gift(quiz: Quiz) -> str:
    """One multiple-choice question per block; the answer key is the general feedback."""
    out = [
        f"// {quiz.title}: {describe(quiz)}".replace("\n", " "),
        "// Generated by the IMC Code of Ethics guidance assistant. " + NOTE,
        "",
    ]
    for n, item in enumerate(quiz.items, 1):
        title = gift_escape(f"Q{n} {KIND_NAMES[item.kind]}")
        out.append(f"::{title}::[plain]{gift_escape(item.prompt)} {{")
        for i, o in enumerate(item.options):
            out.append(f"{'=' if i == item.answer else '~'}{gift_escape(o.label)}")
        out.append(f"####{gift_escape(item.explanation)}")
        out += ["}", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------ json


def to_json(quiz: Quiz) -> str:
    return quiz.model_dump_json(indent=2) + "\n"


def quiz_from_json(text: str) -> Quiz:
    return Quiz.model_validate_json(text)


# ------------------------------------------------------------------------------------ files


def render(quiz: Quiz, fmt: str, corpus: Mapping[str, Clause] | None = None) -> str:
    if fmt == "markdown":
        return to_markdown(quiz, corpus)
    renderers = {"csv": to_csv, "gift": to_gift, "json": to_json}
    if fmt not in renderers:
        raise QuizError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return renderers[fmt](quiz)


def write(quiz: Quiz, path: Path, fmt: str, corpus: Mapping[str, Clause] | None = None) -> Path:
    """Write one export; bytes depend only on the quiz (CSV keeps its CRLF line ends)."""
    text = render(quiz, fmt, corpus)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def write_all(
    quiz: Quiz, folder: Path, stem: str = "quiz", corpus: Mapping[str, Clause] | None = None
) -> dict[str, Path]:
    """Every format into `folder`: {format: path}."""
    return {
        fmt: write(quiz, Path(folder) / f"{stem}{ext}", fmt, corpus) for fmt, ext in FORMATS.items()
    }
