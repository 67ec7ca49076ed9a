"""Parse the IMC Code of Ethics text into citable clauses, and load the derived clause data.

This module imports nothing heavy: `lookup` and `clauses` use it without torch or chromadb.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .models import Clause

# Headings lost from the source. Each is supplied here and flagged `*_inferred` in the data.
PART_TITLES: dict[str, tuple[str, bool]] = {
    "1": ("Mentoring Practice Principles", False),
    "2": ("Mentoring Competencies", True),
    "3": ("Relationship Qualities", True),
    "S": ("Sanctions", True),
    "D": ("Key Definitions", False),
    "P": ("Preamble, Values, Implementation and Pledge", True),
}
UNTITLED_SECTIONS: dict[str, str] = {
    "1.E": "Professional Integrity and Representation",
    "3.F": "Continuous Professional Development",
}
# (slug, term) in source order, as named by IMC.
DEFINITION_TERMS: list[tuple[str, str]] = [
    ("client", "Client"),
    ("mentor", "Mentor"),
    ("sponsor", "Sponsor"),
    ("mentoring-supervision", "Mentoring Supervision"),
    ("mentoring-relationship", "Mentoring Relationship"),
    ("code-of-ethics", "Code of Ethics / professional standards"),
    ("mentoring", "Mentoring"),
    ("mentor-supervisor", "Mentor Supervisor"),
    ("imc-professionals", "IMC Professionals"),
    ("imc-members", "IMC Members"),
    ("credential-holders", "Credential holders"),
    ("training-centers", "Accredited & Endorsed Training Centers"),
]
# IMC's "7 Cs": named in IMC's own material, NOT listed in this text. Context only.
SEVEN_CS: list[str] = [
    "Commitment",
    "Contribution",
    "Collaboration",
    "Competence",
    "Compassion",
    "Creativity",
    "Community",
]
SEVEN_CS_NOTE = (
    "The 7 Cs are not listed in this text of the Code; IMC's own material names them "
    + ", ".join(SEVEN_CS)
    + ". Shown as context only, not quoted from the Code."
)

_SECTION_RE = re.compile(r"^([A-F])\. (\S.*?)\s*$")
_ITEM_RE = re.compile(r"^\s+(\d+)\. (\S.*?)\s*$")
_PROSE_SECTIONS = {
    # heading in source -> (section key, section title, kind)
    "Target Audience": ("audience", "Target Audience", "prose"),
    "Statement of Values": ("values", "Statement of Values", "value"),
    "Mentoring Practice Principles": ("principles", "Mentoring Practice Principles", "prose"),
}


@dataclass
class _Line:
    text: str  # without the newline
    start: int  # offset of the first character

    @property
    def stripped(self) -> str:
        return self.text.strip()

    def span(self) -> tuple[int, int, str]:
        """Offsets of the stripped text within the source."""
        lead = len(self.text) - len(self.text.lstrip())
        s = self.stripped
        return self.start + lead, self.start + lead + len(s), s


def _lines(source: str) -> Iterator[_Line]:
    pos = 0
    for raw in source.splitlines(keepends=True):
        yield _Line(raw.rstrip("\r\n"), pos)
        pos += len(raw)


def normalise_heading(text: str) -> str:
    """Collapse the source's odd spacing (runs of spaces and NBSPs) for comparisons."""
    return " ".join(text.replace("\xa0", " ").split())


def parse(source: str) -> list[Clause]:
    """Split the Code's text into clauses. Raises ValueError if the structure is not as expected."""
    clauses: list[Clause] = []
    lines = [ln for ln in _lines(source) if ln.stripped]

    def add(
        part,
        section,
        section_title,
        sec_inferred,
        item,
        title,
        title_inferred,
        kind,
        ln,
        text_span=None,
    ):
        start, end, text = text_span or ln.span()
        ptitle, pinf = PART_TITLES[part]
        cid = f"{part}.{section}.{item}" if part in "123" else f"{part}.{item}"
        if part == "P":
            cid = f"P.{section}.{item}"
        clauses.append(
            Clause(
                id=cid,
                kind=kind,
                part=part,
                part_title=ptitle,
                part_title_inferred=pinf,
                section=section,
                section_title=section_title,
                section_title_inferred=sec_inferred,
                item=str(item),
                title=title,
                title_inferred=title_inferred,
                text=text,
                start=start,
                end=end,
            )
        )

    i = 0
    # Title lines.
    while i < len(lines) and lines[i].stripped in (
        "International Mentoring Center",
        "IMC Code of Ethics",
    ):
        i += 1
    # Preamble paragraphs until the first known heading.
    n = 0
    while lines[i].stripped != "Target Audience":
        n += 1
        add("P", "preamble", "Preamble", True, n, "Preamble", True, "prose", lines[i])
        i += 1

    state = None  # which block we are in
    part = 0
    section_letter: str | None = None
    section_title = ""
    last_item = 0
    def_index = 0
    pending_term: _Line | None = None
    prose_count: dict[str, int] = {}
    sanctions_seen = False
    after_principles = False

    while i < len(lines):
        ln = lines[i]
        s = ln.stripped
        heading = normalise_heading(s)
        i += 1
        if s in _PROSE_SECTIONS:
            state = s
            continue
        if s == "Key Definitions":
            state = "definitions"
            continue
        if s == "IMC Code of Ethics" and state == "Statement of Values":
            state = "code-title"
            continue
        if state == "definitions":
            if s == "View more":
                continue
            # A short line without final punctuation, followed by a paragraph, is a term heading.
            nxt = lines[i].stripped if i < len(lines) else ""
            if not s.endswith(".") and nxt not in ("View more", "") and len(heading) < 60:
                pending_term = ln
                continue
            if def_index >= len(DEFINITION_TERMS):
                raise ValueError(f"unexpected definition paragraph at offset {ln.start}")
            slug, term = DEFINITION_TERMS[def_index]
            def_index += 1
            inferred = pending_term is None
            if pending_term is not None and normalise_heading(pending_term.stripped) != term:
                raise ValueError(
                    f"definition heading {pending_term.stripped!r} != expected {term!r}"
                )
            pending_term = None
            add(
                "D", "definitions", "Key Definitions", False, slug, term, inferred, "definition", ln
            )
            continue
        if state in _PROSE_SECTIONS and not _SECTION_RE.match(s) and not _ITEM_RE.match(ln.text):
            key, title, kind = _PROSE_SECTIONS[state]
            prose_count[key] = prose_count.get(key, 0) + 1
            add("P", key, title, False, prose_count[key], title, False, kind, ln)
            continue
        m_sec = _SECTION_RE.match(s)
        if m_sec:
            letter, title = m_sec.groups()
            if letter == "A":
                part += 1
            section_letter, section_title, last_item = letter, title, 0
            state = "principles-body"
            continue
        m_item = _ITEM_RE.match(ln.text)
        if m_item:
            num = int(m_item.group(1))
            lead = ln.text.index(m_item.group(2))
            text = m_item.group(2)
            span = (ln.start + lead, ln.start + lead + len(text), text)
            if after_principles:
                if num != (sum(c.kind == "sanction" for c in clauses) + 1):
                    raise ValueError(f"sanction numbering broken at offset {ln.start}")
                sanctions_seen = True
                name = re.split(r"\s[–-]", text, maxsplit=1)[0].strip()
                add("S", "sanctions", "Sanctions", True, num, name, False, "sanction", ln, span)
                continue
            if num == 1 and last_item > 0:
                # A new, untitled group of items: the next letter in the same part.
                section_letter = chr(ord(section_letter) + 1)
                key = f"{part}.{section_letter}"
                if key not in UNTITLED_SECTIONS:
                    raise ValueError(f"untitled section {key} has no inferred title")
                section_title = UNTITLED_SECTIONS[key]
            elif num != last_item + 1:
                raise ValueError(f"item {num} follows {last_item} at offset {ln.start}")
            last_item = num
            key = f"{part}.{section_letter}"
            inferred = key in UNTITLED_SECTIONS
            add(
                str(part),
                section_letter,
                section_title,
                inferred,
                num,
                section_title,
                inferred,
                "principle",
                ln,
                span,
            )
            continue
        # A plain paragraph after the principles: implementation prose, then the pledge.
        if not sanctions_seen:
            after_principles = True
            prose_count["implementation"] = prose_count.get("implementation", 0) + 1
            add(
                "P",
                "implementation",
                "Implementing the Code",
                True,
                prose_count["implementation"],
                "Implementing the Code",
                True,
                "prose",
                ln,
            )
        else:
            prose_count["pledge"] = prose_count.get("pledge", 0) + 1
            add("P", "pledge", "Pledge", True, prose_count["pledge"], "Pledge", True, "pledge", ln)
    _check(clauses, source)
    return clauses


def _check(clauses: list[Clause], source: str) -> None:
    ids = [c.id for c in clauses]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate clause ids")
    for c in clauses:
        if source[c.start : c.end] != c.text:
            raise ValueError(f"clause {c.id} is not verbatim at its offsets")
    if sum(c.kind == "definition" for c in clauses) != len(DEFINITION_TERMS):
        raise ValueError("definitions missing")


# ---------------------------------------------------------------------------------------------
# Derived data: the committed clauses JSON and the cached corpus.

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
DEFAULT_SOURCE = CORPUS_DIR / "imc-code-of-ethics.txt"


def clauses_path(source: Path) -> Path:
    return source.with_name(source.name.removesuffix(".txt") + ".clauses.json")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_clauses_json(source: Path) -> str:
    """The exact bytes of the derived clauses file for a source text."""
    text = source.read_text(encoding="utf-8")
    clauses = parse(text)
    payload = {
        "source": source.name,
        "source_sha256": sha256_file(source),
        "note": SEVEN_CS_NOTE,
        "clauses": [c.model_dump() for c in clauses],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def write_clauses_json(source: Path = DEFAULT_SOURCE) -> Path:
    out = clauses_path(source)
    out.write_text(render_clauses_json(source), encoding="utf-8")
    return out


@cache
def load_clauses(path: Path | None = None) -> tuple[Clause, ...]:
    """Load clauses from a derived JSON file (default: the IMC Code). Fast: no parsing, no torch."""
    path = path or clauses_path(DEFAULT_SOURCE)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Clause.model_validate(c) for c in data["clauses"])
