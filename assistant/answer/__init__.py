"""Stage 4, the answer: what to cite from a ranking, in words that name the issue, with what
each clause asks the mentor to do, in order; the abstention, a question back for vague messages,
direct lookups, background clauses and follow-ups. Every answer is checked against the corpus."""

from .compose import (
    ABSTAIN_TEXT,
    NON_ENGLISH_TEXT,
    Composer,
    Evidence,
    TemplateComposer,
    abstention,
    citation,
    clarification,
    lookup_answer,
    not_english,
    select_citations,
)
from .context import FollowUp, asks_consequences, background, followup_note, is_vague
from .followup import followup_context
from .routing import DirectRoute, direct_route, may_refuse, names_its_principle, refusable

__all__ = [
    "ABSTAIN_TEXT",
    "NON_ENGLISH_TEXT",
    "Composer",
    "DirectRoute",
    "Evidence",
    "FollowUp",
    "TemplateComposer",
    "abstention",
    "asks_consequences",
    "background",
    "citation",
    "clarification",
    "direct_route",
    "followup_context",
    "followup_note",
    "is_vague",
    "lookup_answer",
    "may_refuse",
    "names_its_principle",
    "not_english",
    "refusable",
    "select_citations",
]
