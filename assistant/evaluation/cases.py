"""The eval splits: scenario -> clause cases, read from ``evals/<split>.jsonl`` and validated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import EvalDataError

CaseKind = Literal["dilemma", "lookup", "definition", "out_of_scope"]
Persona = Literal["mentor", "trainer", "staff"]
Split = Literal["dev", "test", "all"]


class EvalCase(BaseModel):
    """One scenario -> clause case of the evaluation set."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Unique case id.")
    question: str = Field(min_length=1, description="The question as a user would write it.")
    gold: list[str] = Field(
        default_factory=list, description="Primary clause ids: what the answer must cite."
    )
    acceptable: list[str] = Field(
        default_factory=list, description="Other clause ids that are also acceptable citations."
    )
    kind: CaseKind = Field(description="dilemma, lookup, definition or out_of_scope.")
    persona: Persona = Field(description="Who asks: mentor, trainer or staff.")

    @model_validator(mode="after")
    def _gold_matches_kind(self) -> EvalCase:
        if self.kind == "out_of_scope" and self.gold:
            raise ValueError("out_of_scope cases have no gold clauses")
        if self.kind != "out_of_scope" and not self.gold:
            raise ValueError("in-scope cases need at least one gold clause")
        return self


def _case(path: Path, n: int, raw: bytes) -> EvalCase:
    try:
        return EvalCase.model_validate(json.loads(raw.decode("utf-8")))
    except UnicodeDecodeError as exc:
        raise EvalDataError(f"{path}:{n}: not valid UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise EvalDataError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "case"
        raise EvalDataError(f"{path}:{n}: {where}: {first['msg']}") from exc


def load_cases(path: Path, known_ids: set[str] | None = None) -> list[EvalCase]:
    """The cases of one JSONL file; EvalDataError names the file and line of any problem."""
    if not path.exists():
        raise EvalDataError(f"{path}: no such eval file")
    cases, seen = [], set()
    for n, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        case = _case(path, n, raw)
        if case.id in seen:
            raise EvalDataError(f"{path}:{n}: duplicate case id {case.id!r}")
        seen.add(case.id)
        if known_ids is not None:
            bad = [g for g in (*case.gold, *case.acceptable) if g not in known_ids]
            if bad:
                raise EvalDataError(f"{path}:{n}: unknown clause id(s) {', '.join(bad)}")
        cases.append(case)
    return cases


def split_cases(evals_dir: Path, split: Split, known_ids: set[str] | None = None) -> list[EvalCase]:
    names = ["dev", "test"] if split == "all" else [split]
    return [c for s in names for c in load_cases(evals_dir / f"{s}.jsonl", known_ids)]
