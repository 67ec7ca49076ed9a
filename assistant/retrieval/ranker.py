"""The learned fusion ranker and abstainer: small logistic models trained on the dev split by
`assistant.evaluation.train`, saved as ``corpus/<corpus>.ranker.json`` and evaluated with numpy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PAIR_FEATURES = [
    "d_clause",
    "d_sit_max",
    "d_sit_top3",
    "d_kw",
    "d_max",
    "d_gap",
    "d_votes",
    "d_proto",
    "d_proto_gap",
    "knn_vote",
    "clf",
    "clf_gap",
    "bm_clause",
    "bm_card",
    "bm_gap",
    "rrf",
    "is_definition",
    "is_sanction",
    "is_prose",
    "defq_definition",
    "sanq_sanction",
]
QUERY_FEATURES = [
    "top_score",
    "margin",
    "top_d_max",
    "top_d_clause",
    "bm_raw_clause",
    "bm_raw_card",
    "known_share",
    "n_tokens",
    "top_votes",
    "top_clf",
    "p_scope",
]


@dataclass
class LinearModel:
    """Standardised logistic regression, evaluated with numpy only."""

    features: list[str]
    mean: list[float]
    std: list[float]
    coef: list[float]
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        z = (X - np.asarray(self.mean)) / np.asarray(self.std)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))


@dataclass
class RankerModel:
    """The learned ranker, abstainer and their dev-calibrated thresholds.

    Below `abstain_threshold` the assistant says the Code does not address the question; between
    it and `hedge_threshold` it answers, with low confidence and a hedge that the Code may not
    address it directly. Refusing is the worse error for a mentor, so the refusal threshold is
    set for a much smaller false-abstention budget than the hedge, and a question is only refused
    when the scope classifier (card situations against the project's off-scope examples: fees,
    tax, IT, other bodies, small talk...) also puts it below `scope_veto`: a low score alone,
    from unusual or emotional wording, gets the hedge instead."""

    ranker: LinearModel | None
    abstainer: LinearModel | None
    abstain_threshold: float
    high_confidence: float
    medium_confidence: float
    trained_on: str = "dev"
    dense_threshold: float = 0.3
    hedge_threshold: float = 0.0
    scope_veto: float = 0.5

    @classmethod
    def load(cls, path: Path) -> RankerModel | None:
        if not path.exists():
            return None
        d = json.loads(path.read_text())
        return cls(
            ranker=LinearModel(**d["ranker"]) if d.get("ranker") else None,
            abstainer=LinearModel(**d["abstainer"]) if d.get("abstainer") else None,
            abstain_threshold=d["abstain_threshold"],
            high_confidence=d["high_confidence"],
            medium_confidence=d["medium_confidence"],
            trained_on=d.get("trained_on", "dev"),
            dense_threshold=d.get("dense_threshold", 0.3),
            hedge_threshold=d.get("hedge_threshold", 0.0),
            scope_veto=d.get("scope_veto", 0.5),
        )

    def dump(self, path: Path) -> None:
        d = {k: v for k, v in self.__dict__.items() if not isinstance(v, LinearModel)}
        d["ranker"] = self.ranker.__dict__ if self.ranker else None
        d["abstainer"] = self.abstainer.__dict__ if self.abstainer else None
        path.write_text(json.dumps(d, indent=1, sort_keys=True) + "\n")
