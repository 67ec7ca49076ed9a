"""What an answer shows beside the cited clauses: background clauses a mentor needs (who is the
client and who the sponsor; the sanctions in order), and what a follow-up changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..models import Clause, Ranking
from .triage import asks_consequences, involves_sponsor, is_vague

__all__ = ["FollowUp", "asks_consequences", "background", "followup_note", "is_vague"]

SPONSOR_TERMS = ("D.client", "D.sponsor")


def background(text: str, cited: Sequence[tuple[Clause, float]], clauses: Sequence[Clause]) -> list:
    """The definitions of client and sponsor when someone else pays for the work (unless already
    cited), and the whole sanctions ladder, S.1 to S.6 in order, when the question is about
    consequences."""
    cited_ids = {c.id for c, _ in cited}
    wanted: list[Clause] = []
    if involves_sponsor(text):
        wanted += [c for c in clauses if c.id in SPONSOR_TERMS and c.id not in cited_ids]
    if asks_consequences(text):
        wanted += [c for c in clauses if c.kind == "sanction"]
    return wanted


class FollowUp(NamedTuple):
    """What a follow-up changed: a sentence for the answer, and whether any clause is new."""

    note: str
    changed: bool


def followup_note(before: Ranking, cited: Sequence[str]) -> FollowUp:
    """How a follow-up changed the clauses that apply, compared with the earlier question alone."""
    earlier = set(before.clause_ids[: max(2, len(cited))])
    new = [cid for cid in cited if cid not in earlier]
    if not new:
        note = (
            "The new detail does not change which clauses apply: they are those of the earlier "
            "question."
        )
        return FollowUp(note, False)
    verb = "applies" if len(new) == 1 else "apply"
    return FollowUp(f"With this detail, {', '.join(new)} now {verb} too.", True)
