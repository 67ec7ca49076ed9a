"""What gets embedded: each clause's own text, and each card line pointing to its clause."""

from __future__ import annotations

from dataclasses import dataclass

from ..corpus import Corpus
from ..errors import IndexBuildError
from ..models import Clause


@dataclass(frozen=True)
class Entry:
    """One vector: a clause's own text, or a card line pointing to the clause."""

    key: str
    clause_id: str
    source: str  # "clause" | "situation" | "keywords"
    text: str


def clause_embed_text(c: Clause, section_context: bool) -> str:
    if not section_context:
        return c.text
    if c.kind == "definition":
        return f"Definition of {c.title}: {c.text}"
    return f"{c.section_title}: {c.text}"


def entries(corpus: Corpus, *, use_cards: bool, section_context: bool) -> list[Entry]:
    out = [
        Entry(c.id, c.id, "clause", clause_embed_text(c, section_context)) for c in corpus.clauses
    ]
    if not use_cards:
        return out
    for card in corpus.cards:
        if card.clause_id not in corpus.by_id:
            raise IndexBuildError(f"card for unknown clause {card.clause_id!r}")
        for i, s in enumerate(card.situations):
            out.append(Entry(f"{card.clause_id}#s{i}", card.clause_id, "situation", s))
        if card.keywords:
            keywords = ", ".join(card.keywords)
            out.append(Entry(f"{card.clause_id}#k", card.clause_id, "keywords", keywords))
    return out


def training_pairs(corpus: Corpus, section_context: bool) -> list[tuple[str, str]]:
    """(card line, clause text as embedded) pairs, in card order, for fine-tuning."""
    pairs = []
    for card in corpus.cards:
        clause = corpus.by_id.get(card.clause_id)
        if clause is None:
            continue
        anchor = clause_embed_text(clause, section_context)
        lines = [*card.situations, *([", ".join(card.keywords)] if card.keywords else [])]
        pairs.extend((line, anchor) for line in lines)
    return pairs
