"""The quiz as data: options, items with their answer key, the request and the quiz."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import AssistantError

ItemKind = Literal["scenario", "which_clause", "fill_gap", "definition"]
ITEM_KINDS: tuple[str, ...] = ("scenario", "which_clause", "fill_gap", "definition")
PERSONAS: tuple[str, ...] = ("mentor", "trainer", "staff")
N_OPTIONS = 4
GAP = "_____"
SCENARIO_QUESTION = "Which clause of the IMC Code of Ethics applies most directly?"
CLAUSE_KINDS = {"principle", "sanction", "definition"}  # clauses a quiz option may name


class QuizError(AssistantError, ValueError):
    """Bad quiz input (unknown section, too few items...): a message for the trainer."""


class Option(BaseModel):
    """One answer option: a clause (id and title), a term, or a word for a gap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(description="Text shown to the learner.")
    clause_id: str | None = Field(None, description="Clause the option names or comes from.")


class QuizItem(BaseModel):
    """One multiple-choice question with its answer key."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Item id within the quiz: q1, q2...")
    kind: ItemKind = Field(description="scenario, which_clause, fill_gap or definition.")
    prompt: str = Field(min_length=1, description="The question as shown (one line).")
    options: list[Option] = Field(description="Exactly four options.")
    answer: int = Field(ge=0, lt=N_OPTIONS, description="Index of the correct option.")
    clause_id: str = Field(description="The clause the correct option stands for.")
    explanation: str = Field(description="Answer key: quotes the correct clause verbatim.")
    source: str | None = Field(None, description="Scenario case it came from: 'dev:dev-001'.")

    @model_validator(mode="after")
    def _well_formed(self) -> QuizItem:
        labels = {o.label.casefold() for o in self.options}
        if len(self.options) != N_OPTIONS or len(labels) != N_OPTIONS:
            raise ValueError(f"an item has {N_OPTIONS} distinct options")
        if self.kind != "fill_gap" and len({o.clause_id for o in self.options}) != N_OPTIONS:
            raise ValueError("options must name distinct clauses")
        if self.options[self.answer].clause_id != self.clause_id:
            raise ValueError("the correct option must stand for the answer clause")
        return self

    @property
    def correct(self) -> Option:
        return self.options[self.answer]


class QuizSettings(BaseModel):
    """What a quiz is built from (the request), and in a quiz, what it was built from."""

    n: int = Field(10, description="Number of items.")
    types: dict[str, int | None] = Field(default_factory=dict, description="kind -> count|None")
    part: str | None = None
    section: str | None = None
    persona: str | None = Field(None, description="Filters the scenarios (recall items: all).")
    bank: str | None = Field(None, description="Trainer's scenario file, if any.")
    corpus: str = "imc-code-of-ethics"


class Quiz(BaseModel):
    title: str = "IMC Code of Ethics quiz"
    seed: int
    settings: QuizSettings
    items: list[QuizItem]
