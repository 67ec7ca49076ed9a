"""Stage 4, the answer: what to cite from a ranking, the short answer naming the topics, the
abstention text, direct lookups and follow-ups. Every answer is checked against the corpus."""

from .compose import (
    ABSTAIN_TEXT,
    NON_ENGLISH_TEXT,
    Composer,
    TemplateComposer,
    citation,
    lookup_answer,
    select_citations,
)
from .followup import followup_context

__all__ = [
    "ABSTAIN_TEXT",
    "NON_ENGLISH_TEXT",
    "Composer",
    "TemplateComposer",
    "citation",
    "followup_context",
    "lookup_answer",
    "select_citations",
]
