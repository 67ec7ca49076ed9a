"""Clause lookup by id, short form, section or term. Light: no torch, no chromadb.

Accepted forms (case-insensitive): full ids (``1.C.4``, ``S.2``, ``D.sponsor``, ``P.pledge.1``),
compact forms (``1C4``, ``1-c-4``), short forms without the part when only one part has that item
(``E.2`` -> ``3.E.2`` is ambiguous with ``1.E.2``, so it is refused with both candidates),
sections (``1.C``), ``sanctions``, ``definitions`` and definition terms (``sponsor``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from ..errors import UnknownClauseError
from ..models import Clause

_COMPACT = re.compile(r"^\s*([123])\s*[.\-_ ]?\s*([a-f])\s*[.\-_ ]?\s*(\d{1,2})\s*$", re.I)
_SHORT = re.compile(r"^\s*([a-f])\s*[.\-_ ]\s*(\d{1,2})\s*$", re.I)
_SECTION = re.compile(r"^\s*([123])\s*[.\-_ ]?\s*([a-f])\s*$", re.I)
_SANCTION = re.compile(r"^\s*s(?:anction)?\s*[.\-_ ]?\s*(\d)\s*$", re.I)


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def term_index(clauses: Sequence[Clause]) -> dict[str, str]:
    """Normalised definition terms and slugs -> clause id."""
    out: dict[str, str] = {}
    for c in clauses:
        if c.kind == "definition":
            out[_norm(c.title)] = c.id
            out[_norm(c.item)] = c.id
            for alt in c.title.split("/"):
                out[_norm(alt)] = c.id
    out.setdefault("supervisor", out.get("mentor supervisor", ""))
    out.setdefault("mentee", out.get("client", ""))
    return {k: v for k, v in out.items() if v}


def resolve(query: str, clauses: Sequence[Clause]) -> list[Clause]:
    """Clauses named by `query`: one clause, or all of a section. Raises UnknownClauseError."""
    by_id = {c.id.lower(): c for c in clauses}
    q = query.strip()
    ql = q.lower()
    if ql in by_id:
        return [by_id[ql]]
    m = _COMPACT.match(q)
    if m:
        cid = f"{m.group(1)}.{m.group(2).upper()}.{int(m.group(3))}".lower()
        if cid in by_id:
            return [by_id[cid]]
    m = _SANCTION.match(q)
    if m and f"s.{m.group(1)}" in by_id:
        return [by_id[f"s.{m.group(1)}"]]
    m = _SHORT.match(q)
    if m:
        letter, num = m.group(1).upper(), int(m.group(2))
        hits = [
            c
            for c in clauses
            if c.kind == "principle" and c.section == letter and c.item == str(num)
        ]
        if len(hits) == 1:
            return hits
        if len(hits) > 1:
            raise UnknownClauseError(query, [c.id for c in hits], ambiguous=True)
    m = _SECTION.match(q)
    if m:
        hits = [c for c in clauses if c.part == m.group(1) and c.section == m.group(2).upper()]
        if hits:
            return hits
    n = _norm(q)
    if n in ("sanctions", "sanction", "s"):
        return [c for c in clauses if c.kind == "sanction"]
    if n in ("definitions", "key definitions", "d"):
        return [c for c in clauses if c.kind == "definition"]
    if n in ("pledge", "the pledge"):
        return [c for c in clauses if c.kind == "pledge"]
    if n.startswith("d ") and n[2:] in term_index(clauses):
        return [by_id[term_index(clauses)[n[2:]].lower()]]
    terms = term_index(clauses)
    if n in terms:
        return [by_id[terms[n].lower()]]
    titles = {}
    for c in clauses:
        titles.setdefault(_norm(c.section_title), []).append(c)
    if n in titles and len(n) > 3:
        return titles[n]
    raise UnknownClauseError(query, nearest_ids(query, clauses))


def nearest_ids(query: str, clauses: Sequence[Clause], n: int = 3) -> list[str]:
    ids = [c.id for c in clauses]
    lowered = {i.lower(): i for i in ids}
    hits = difflib.get_close_matches(query.strip().lower(), list(lowered), n=n, cutoff=0.3)
    return [lowered[h] for h in hits]


# Chat messages that name a clause, a section or a term ("what does 1.B.2 say?", "define sponsor").
_ID_IN_TEXT = re.compile(
    r"(?<![\w.])(?:([123])\.([A-Fa-f])\.(\d{1,2})|([Ss])\.(\d)|([Dd])\.([a-z][a-z-]+)|([123])\.([A-Fa-f]))(?![\w.])"
)
_ID_LIKE = re.compile(
    r"\b(?:what does|what do|show(?: me)?|quote|read|cite|open|look ?up)\s+(?:clause\s+|section\s+)?"
    r"([A-Za-z0-9]{1,2}\.[A-Za-z0-9-]{1,12}(?:\.[A-Za-z0-9-]{1,12})?)(?![\w.])",
    re.I,
)
_DEFINE = re.compile(
    r"^\s*(?:please\s+)?(?:define|definition of|what is the definition of|what does imc mean by|"
    r"what is meant by)\s+(?:an?\s+|the\s+)?[\"'“]?([\w &/-]+?)[\"'”]?\s*[?.!]?\s*$",
    re.I,
)
_SHOW = re.compile(
    r"^\s*(?:please\s+)?(?:show|list|give|display)(?: me)?\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?"
    r"([\w &/-]+?)\s*[?.!]?\s*$",
    re.I,
)


def reference_in_message(message: str, clauses: Sequence[Clause]) -> list[Clause] | None:
    """Clauses a chat message asks for directly, or None when it is a question for retrieval."""
    found: list[Clause] = []
    by_id = {c.id.lower(): c for c in clauses}
    for m in _ID_IN_TEXT.finditer(message):
        g = m.groups()
        if g[0]:
            cid = f"{g[0]}.{g[1]}.{g[2]}".lower()
            if cid in by_id:
                found.append(by_id[cid])
            else:
                raise UnknownClauseError(
                    f"{g[0]}.{g[1].upper()}.{g[2]}", nearest_ids(f"{g[0]}.{g[1]}.{g[2]}", clauses)
                )
        elif g[3]:
            cid = f"s.{g[4]}"
            if cid in by_id:
                found.append(by_id[cid])
        elif g[5]:
            cid = f"d.{g[6]}"
            if cid in by_id:
                found.append(by_id[cid])
        elif g[7]:
            found.extend(c for c in clauses if c.part == g[7] and c.section == g[8].upper())
    if found:
        return list(dict.fromkeys(found))
    m = _ID_LIKE.search(message)
    if m:  # "what does 9.Z.9 say?": an id that is not in the Code
        raise UnknownClauseError(m.group(1), nearest_ids(m.group(1), clauses))
    for pattern in (_DEFINE, _SHOW):
        m = pattern.match(message)
        if m:
            try:
                return resolve(m.group(1), clauses)
            except UnknownClauseError:
                if pattern is _DEFINE:
                    return None
    return None
