"""The scenario bank: dilemma cases of both eval splits (read only) plus a trainer's own file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import EvalDataError
from ..evaluation import EvalCase, load_cases
from .models import QuizError


@dataclass(frozen=True)
class Scenario:
    case: EvalCase
    origin: str  # 'dev', 'test' or 'bank'

    @property
    def source(self) -> str:
        return f"{self.origin}:{self.case.id}"


def load_bank(evals_dir: Path, known_ids: set[str], extra: Path | None = None) -> list[Scenario]:
    """Dilemma cases of both eval splits (read only) plus a trainer's own JSONL of cases."""
    out: list[Scenario] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    files = [(evals_dir / f"{s}.jsonl", s) for s in ("dev", "test")]
    files = [(p, s) for p, s in files if p.exists()]
    if extra is not None:
        files.append((Path(extra), "bank"))
    for path, origin in files:
        try:
            cases = load_cases(path, known_ids)
        except EvalDataError as exc:
            raise QuizError(f"scenario bank: {exc}") from exc
        for case in cases:
            if origin == "bank" and case.kind == "out_of_scope":
                raise QuizError(f"{path}: case {case.id!r} is out_of_scope; a scenario needs gold")
            if origin != "bank" and case.kind != "dilemma":
                continue
            key = (" ".join(case.question.split()).casefold(), tuple(case.gold))
            if key not in seen:  # the same scenario in both splits is one scenario
                seen.add(key)
                out.append(Scenario(case, origin))
    return out
