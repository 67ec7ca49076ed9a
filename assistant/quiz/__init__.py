"""Quizzes for trainers, built on the assistant: scenario and recall items with answer keys that
quote the Code, a trainer's own scenario drafted into an item, and exports (Markdown, CSV, Moodle
GIFT, JSON)."""

from .bank import Scenario, load_bank
from .builder import QuizBuilder, Ranker
from .drafting import CLI_FIELDS, DraftFields, Suggestion, draft, format_draft
from .export import (
    FORMATS,
    KIND_NAMES,
    format_for,
    md_escape,
    render,
    to_markdown,
    write,
    write_all,
)
from .models import ITEM_KINDS, PERSONAS, Quiz, QuizError, QuizItem, QuizSettings

__all__ = [
    "CLI_FIELDS",
    "FORMATS",
    "ITEM_KINDS",
    "KIND_NAMES",
    "PERSONAS",
    "DraftFields",
    "Quiz",
    "QuizBuilder",
    "QuizError",
    "QuizItem",
    "QuizSettings",
    "Ranker",
    "Scenario",
    "Suggestion",
    "draft",
    "format_draft",
    "format_for",
    "load_bank",
    "md_escape",
    "render",
    "to_markdown",
    "write",
    "write_all",
]
