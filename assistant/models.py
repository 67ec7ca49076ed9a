"""Pydantic models for the boundary objects: clauses, citations, answers and rankings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

ClauseKind = Literal["principle", "definition", "value", "sanction", "prose", "pledge"]
Confidence = Literal["high", "medium", "low"]


class Clause(BaseModel):
    """One citable unit of the Code, quoted verbatim from the source text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Stable citation key, e.g. '1.C.4', 'S.2', 'D.sponsor'.")
    kind: ClauseKind = Field(description="What sort of text this is.")
    part: str = Field(
        description="Part key: '1', '2', '3', 'S' (sanctions), 'D' (definitions), 'P' (prose)."
    )
    part_title: str = Field(description="Title of the part.")
    part_title_inferred: bool = Field(
        description="True when the part title is not in the source text but was supplied by this project."
    )
    section: str = Field(
        description="Section key within the part, e.g. 'C' for 1.C, or 'preamble'."
    )
    section_title: str = Field(description="Title of the section.")
    section_title_inferred: bool = Field(
        description="True when the section title is not in the source text but was supplied by this project."
    )
    item: str = Field(
        description="Item key within the section: '4' for 1.C.4, 'sponsor' for D.sponsor."
    )
    title: str = Field(description="Short title shown with the clause.")
    title_inferred: bool = Field(
        description="True when the title is not the Code's own words (a heading lost from the source)."
    )
    text: str = Field(description="The clause text, verbatim from the source, slips included.")
    start: int = Field(ge=0, description="Character offset of the text in the source file.")
    end: int = Field(ge=0, description="Character offset just past the text in the source file.")

    @property
    def section_id(self) -> str:
        return f"{self.part}.{self.section}"

    def display_title(self) -> str:
        """Title for people: inferred titles are marked so they are never taken as the Code's words."""
        return f"{self.title} [title inferred]" if self.title_inferred else self.title

    def display_section(self) -> str:
        mark = " [title inferred]" if self.section_title_inferred else ""
        return f"{self.section_id} {self.section_title}{mark}"

    def citation_text(self) -> str:
        """Text for 'copy citation': IMC Code of Ethics, 1.C.4 (Conflict of Interest): "..."."""
        title = self.section_title if self.kind == "principle" else self.title
        mark = (
            ", title inferred"
            if (self.section_title_inferred if self.kind == "principle" else self.title_inferred)
            else ""
        )
        return f'IMC Code of Ethics, {self.id} ({title}{mark}): "{self.text}"'


class Citation(BaseModel):
    """A clause cited in an answer. `text` must be that clause's verbatim text."""

    model_config = ConfigDict(frozen=True)

    clause_id: str = Field(description="Id of the cited clause, e.g. '1.C.4'.")
    title: str = Field(description="Clause title; inferred titles end with '[title inferred]'.")
    section: str = Field(description="Section id and title, e.g. '1.C Conflict of Interest'.")
    text: str = Field(description="Verbatim clause text.")
    score: float = Field(description="Retrieval score in [0, 1]; higher is more relevant.")
    action: str | None = Field(
        default=None,
        description="What the clause asks the member to do: its own predicate, a verbatim "
        "substring of `text` from the verb on. None for definitions, sanctions and prose.",
    )
    example: str | None = Field(
        default=None,
        description="The example situation (written for this tool, not the Code's words) closest "
        "to the question, among those the clause's card lists; shows why it was picked.",
    )


class Answer(BaseModel):
    """A composed answer. Validated against the corpus when built through `Answer.checked`."""

    question: str = Field(description="The question as asked.")
    kind: Literal["retrieval", "lookup", "unknown_id", "clarify"] = Field(
        default="retrieval",
        description="retrieval: ranked by relevance; lookup: the message named clauses, a section "
        "or a defined term directly; unknown_id: the message named a clause id that does not "
        "exist; clarify: the message was too vague to answer (see `clarify`).",
    )
    answer: str = Field(description="Short answer naming the topics, or the abstention message.")
    abstained: bool = Field(description="True when the Code does not address the question.")
    confidence: Confidence = Field(description="How sure retrieval is: high, medium or low.")
    citations: list[Citation] = Field(
        default_factory=list, description="Cited clauses, best first. Empty when abstained."
    )
    nearest: list[Citation] = Field(
        default_factory=list,
        description="When abstained: the nearest clauses, for reference only, not an answer.",
    )
    context_question: str | None = Field(
        default=None, description="Earlier question used to interpret a follow-up, if any."
    )
    note: str = Field(
        default="Guidance quoting the IMC Code of Ethics, not a ruling by IMC.",
        description="One-line disclaimer.",
    )
    steps: list[str] = Field(
        default_factory=list,
        description="For a dilemma: the cited clause ids whose `action` is set, in the order a "
        "mentor would act on them (see docs/guidance.md).",
    )
    clarify: str | None = Field(
        default=None,
        description="When the message is too vague to answer: the question asked back (who is "
        "involved, what happened, what decision). None otherwise.",
    )
    context: list[Citation] = Field(
        default_factory=list,
        description="Clauses shown as background, not as the answer: the definitions of client "
        "and sponsor when someone else pays, the sanctions in order when consequences are asked.",
    )

    @field_validator("citations", "nearest", "context")
    @classmethod
    def _verbatim(cls, value: list[Citation], info: ValidationInfo) -> list[Citation]:
        corpus = (info.context or {}).get("corpus") if info.context else None
        if corpus is None:
            return value
        for cit in value:
            clause = corpus.get(cit.clause_id)
            if clause is None:
                raise ValueError(f"citation {cit.clause_id!r} is not a clause of the Code")
            if cit.text != clause.text:
                raise ValueError(f"citation {cit.clause_id!r} does not quote the clause verbatim")
            if cit.action is not None and cit.action not in clause.text:
                raise ValueError(f"the action of {cit.clause_id!r} is not verbatim clause text")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Answer:
        if self.abstained and self.citations:
            raise ValueError("an abstained answer cites nothing")
        with_action = {c.clause_id for c in self.citations if c.action is not None}
        if not set(self.steps) <= with_action or len(set(self.steps)) != len(self.steps):
            raise ValueError("steps must list cited clauses that carry an action, once each")
        if self.clarify is not None and (self.citations or self.confidence == "high"):
            raise ValueError("a question back cites no clause and is never of high confidence")
        return self

    @classmethod
    def checked(cls, data: dict, corpus: Mapping[str, Clause]) -> Answer:
        """Build an Answer and verify every citation id exists and quotes its clause verbatim."""
        return cls.model_validate(data, context={"corpus": corpus})

    def as_json(self) -> dict:
        """The documented JSON object of `ask --json` and of the app's ``/ask`` endpoint."""
        return self.model_dump(mode="json")


class StageTimings(BaseModel):
    """Seconds spent in each stage of one ranking (for benchmarks)."""

    model_config = ConfigDict(frozen=True)

    embed: float = Field(0.0, description="Embedding the question.")
    retrieve: float = Field(0.0, description="Nearest-neighbour query of the vector store.")
    features: float = Field(0.0, description="Scoring every clause (dense, BM25, classifier).")
    fuse: float = Field(0.0, description="Fusing the scores and deciding scope.")


class Ranking(BaseModel):
    """Every clause of the corpus for one query, best first, with the scope signal."""

    model_config = ConfigDict(frozen=True)

    clause_ids: tuple[str, ...] = Field(description="Clause ids, best first.")
    scores: tuple[float, ...] = Field(description="Fused score of each clause, same order.")
    in_scope: float = Field(
        description="Probability-like score that the Code addresses the query at all."
    )
    abstain: bool = Field(description="True when the Code does not appear to address the query.")
    hedged: bool = Field(
        default=False,
        description="Answered, but the Code may not address the query directly (low confidence).",
    )
    confidence: Confidence = Field(description="How sure the top clause is: high, medium, low.")
    timings: StageTimings = Field(default_factory=StageTimings, description="Stage timings.")
