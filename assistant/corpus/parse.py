"""Parse the IMC Code of Ethics text into citable clauses, each quoted verbatim with its offsets.

The headings lost from the source are supplied here and flagged ``*_inferred`` in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..models import Clause

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


class _Parser:
    """A line-by-line state machine over the source; `run` returns the clauses in source order."""

    def __init__(self, source: str):
        self.lines = [ln for ln in _lines(source) if ln.stripped]
        self.clauses: list[Clause] = []
        self.i = 0
        self.state: str | None = None  # which block we are in
        self.part = 0
        self.section_letter: str | None = None
        self.section_title = ""
        self.last_item = 0
        self.def_index = 0
        self.pending_term: _Line | None = None
        self.prose_count: dict[str, int] = {}
        self.sanctions_seen = False
        self.after_principles = False

    def add(self, part, section, title, inferred, item, kind, ln, text_span=None, *, sec=None):
        """One clause; `sec` is (section title, inferred) when it differs from the title's."""
        start, end, text = text_span or ln.span()
        ptitle, pinf = PART_TITLES[part]
        section_title, sec_inferred = sec or (title, inferred)
        cid = f"{part}.{section}.{item}" if part in "123" else f"{part}.{item}"
        if part == "P":
            cid = f"P.{section}.{item}"
        self.clauses.append(
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
                title_inferred=inferred,
                text=text,
                start=start,
                end=end,
            )
        )

    def run(self) -> list[Clause]:
        lines = self.lines
        while self.i < len(lines) and lines[self.i].stripped in (
            "International Mentoring Center",
            "IMC Code of Ethics",
        ):
            self.i += 1
        n = 0  # preamble paragraphs until the first known heading
        while lines[self.i].stripped != "Target Audience":
            n += 1
            self.add("P", "preamble", "Preamble", True, n, "prose", lines[self.i])
            self.i += 1
        while self.i < len(lines):
            ln = lines[self.i]
            self.i += 1
            self.line(ln)
        return self.clauses

    def line(self, ln: _Line) -> None:
        s = ln.stripped
        if s in _PROSE_SECTIONS:
            self.state = s
        elif s == "Key Definitions":
            self.state = "definitions"
        elif s == "IMC Code of Ethics" and self.state == "Statement of Values":
            self.state = "code-title"
        elif self.state == "definitions":
            self.definition(ln)
        elif (
            self.state in _PROSE_SECTIONS
            and not _SECTION_RE.match(s)
            and not _ITEM_RE.match(ln.text)
        ):
            key, title, kind = _PROSE_SECTIONS[self.state]
            self.prose_count[key] = self.prose_count.get(key, 0) + 1
            self.add("P", key, title, False, self.prose_count[key], kind, ln)
        elif m_sec := _SECTION_RE.match(s):
            letter, title = m_sec.groups()
            if letter == "A":
                self.part += 1
            self.section_letter, self.section_title, self.last_item = letter, title, 0
            self.state = "principles-body"
        elif m_item := _ITEM_RE.match(ln.text):
            self.item(ln, m_item)
        else:
            self.trailing(ln)

    def definition(self, ln: _Line) -> None:
        s = ln.stripped
        if s == "View more":
            return
        # A short line without final punctuation, followed by a paragraph, is a term heading.
        nxt = self.lines[self.i].stripped if self.i < len(self.lines) else ""
        if not s.endswith(".") and nxt not in ("View more", "") and len(normalise_heading(s)) < 60:
            self.pending_term = ln
            return
        if self.def_index >= len(DEFINITION_TERMS):
            raise ValueError(f"unexpected definition paragraph at offset {ln.start}")
        slug, term = DEFINITION_TERMS[self.def_index]
        self.def_index += 1
        inferred = self.pending_term is None
        if self.pending_term is not None and normalise_heading(self.pending_term.stripped) != term:
            raise ValueError(
                f"definition heading {self.pending_term.stripped!r} != expected {term!r}"
            )
        self.pending_term = None
        self.add(
            "D", "definitions", term, inferred, slug, "definition", ln,
            sec=("Key Definitions", False),
        )  # fmt: skip

    def item(self, ln: _Line, m_item: re.Match[str]) -> None:
        num = int(m_item.group(1))
        lead = ln.text.index(m_item.group(2))
        text = m_item.group(2)
        span = (ln.start + lead, ln.start + lead + len(text), text)
        if self.after_principles:
            if num != (sum(c.kind == "sanction" for c in self.clauses) + 1):
                raise ValueError(f"sanction numbering broken at offset {ln.start}")
            self.sanctions_seen = True
            name = re.split(r"\s[–-]", text, maxsplit=1)[0].strip()
            self.add(
                "S", "sanctions", name, False, num, "sanction", ln, span, sec=("Sanctions", True)
            )
            return
        if num == 1 and self.last_item > 0:
            # A new, untitled group of items: the next letter in the same part.
            self.section_letter = chr(ord(self.section_letter) + 1)
            key = f"{self.part}.{self.section_letter}"
            if key not in UNTITLED_SECTIONS:
                raise ValueError(f"untitled section {key} has no inferred title")
            self.section_title = UNTITLED_SECTIONS[key]
        elif num != self.last_item + 1:
            raise ValueError(f"item {num} follows {self.last_item} at offset {ln.start}")
        self.last_item = num
        inferred = f"{self.part}.{self.section_letter}" in UNTITLED_SECTIONS
        self.add(
            str(self.part), self.section_letter, self.section_title, inferred, num,
            "principle", ln, span,
        )  # fmt: skip

    def trailing(self, ln: _Line) -> None:
        """A plain paragraph after the principles: implementation prose, then the pledge."""
        if not self.sanctions_seen:
            self.after_principles = True
            key, title, kind = "implementation", "Implementing the Code", "prose"
        else:
            key, title, kind = "pledge", "Pledge", "pledge"
        self.prose_count[key] = self.prose_count.get(key, 0) + 1
        self.add("P", key, title, True, self.prose_count[key], kind, ln)


def parse(source: str) -> list[Clause]:
    """Split the Code's text into clauses. Raises ValueError if the structure is not as expected."""
    clauses = _Parser(source).run()
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
