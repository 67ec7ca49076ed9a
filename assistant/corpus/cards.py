"""Clause cards: project-written everyday keywords and situations that point to a clause.

Cards only help retrieval find a clause; answers always quote the Code's verbatim text.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class ClauseCard(BaseModel):
    """Enrichment for one clause, written by the project (never copied from eval questions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clause_id: str = Field(description="Id of the clause this card points to.")
    keywords: tuple[str, ...] = Field(default=(), description="Everyday words for the clause.")
    situations: tuple[str, ...] = Field(default=(), description="Situations the clause governs.")


@cache
def load_cards(path: Path) -> tuple[ClauseCard, ...]:
    """Cards from a JSON file; no file means no cards. Unknown fields are an error naming the card."""
    if not path.exists():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    cards = []
    for i, raw in enumerate(data.get("cards", [])):
        try:
            cards.append(ClauseCard.model_validate(raw))
        except Exception as exc:  # pydantic ValidationError: name the card
            raise ValueError(f"{path}: card #{i + 1} is invalid: {exc}") from exc
    return tuple(cards)
