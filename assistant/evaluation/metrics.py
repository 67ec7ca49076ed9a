"""Metrics of an evaluation run: hit@1, recall@k, MRR, nDCG@5, abstention; and their tables."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field

from ..models import Answer
from .cases import EvalCase


class Answers(Protocol):
    """What evaluation needs of an assistant."""

    def answer_and_ranking(self, question: str) -> tuple[Answer, list[str]]: ...


class EvalReport(BaseModel):
    """Metrics of one evaluation run."""

    split: str = Field(description="Which split was scored: dev, test or all.")
    config: str = Field(description="Retrieval configuration that was scored.")
    n_cases: int = Field(description="Number of cases scored.")
    n_in_scope: int = Field(description="In-scope cases (with gold clauses).")
    n_out_of_scope: int = Field(description="Out-of-scope cases.")
    hit_at_1: float = Field(description="Share of in-scope cases whose top citation is acceptable.")
    recall_at_3: float = Field(description="Mean recall of primary clauses in the top 3.")
    recall_at_5: float = Field(description="Mean recall of primary clauses in the top 5.")
    recall_all_at_5: float = Field(description="Mean recall of all gold clauses in the top 5.")
    mrr: float = Field(description="Mean reciprocal rank of the first acceptable clause.")
    ndcg_at_5: float = Field(description="nDCG@5 with primary clauses as relevant.")
    abstain_precision: float = Field(description="Share of abstentions that were out of scope.")
    abstain_recall: float = Field(description="Share of out-of-scope cases abstained.")
    false_abstention: float = Field(description="Share of in-scope cases wrongly abstained.")
    per_part: dict[str, float] = Field(
        default_factory=dict, description="hit@1 per part of the Code (first gold clause's part)."
    )
    misses: list[str] = Field(
        default_factory=list, description="Ids of in-scope cases missed at 1."
    )


@dataclass
class Outcome:
    case: EvalCase
    ranking: list[str]
    abstained: bool
    cited: list[str]
    top_score: float = 0.0
    in_scope: float = 1.0


def _ndcg(ranking: list[str], gold: set[str], k: int = 5) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, c in enumerate(ranking[:k]) if c in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(gold))))
    return dcg / ideal if ideal else 0.0


def metrics(outcomes: Sequence[Outcome], split: str, config: str) -> EvalReport:
    ins = [o for o in outcomes if o.case.kind != "out_of_scope"]
    oos = [o for o in outcomes if o.case.kind == "out_of_scope"]
    hit, r3, r5, rall, rr, nd, misses = [], [], [], [], [], [], []
    per_part: dict[str, list[float]] = defaultdict(list)
    for o in ins:
        gold = set(o.case.gold)
        ok = gold | set(o.case.acceptable)
        h = float(bool(o.ranking) and o.ranking[0] in ok)
        hit.append(h)
        if not h:
            misses.append(o.case.id)
        r3.append(len(gold & set(o.ranking[:3])) / len(gold))
        r5.append(len(gold & set(o.ranking[:5])) / len(gold))
        rall.append(len(gold & set(o.cited)) / len(gold))
        rank = next((i for i, c in enumerate(o.ranking) if c in ok), None)
        rr.append(0.0 if rank is None else 1.0 / (rank + 1))
        nd.append(_ndcg(o.ranking, gold))
        per_part[o.case.gold[0].split(".")[0]].append(h)
    abst = [o for o in outcomes if o.abstained]
    mean = lambda xs: round(sum(xs) / len(xs), 4) if xs else 0.0  # noqa: E731
    return EvalReport(
        split=split,
        config=config,
        n_cases=len(outcomes),
        n_in_scope=len(ins),
        n_out_of_scope=len(oos),
        hit_at_1=mean(hit),
        recall_at_3=mean(r3),
        recall_at_5=mean(r5),
        recall_all_at_5=mean(rall),
        mrr=mean(rr),
        ndcg_at_5=mean(nd),
        abstain_precision=mean([float(o.case.kind == "out_of_scope") for o in abst])
        if abst
        else 1.0,
        abstain_recall=mean([float(o.abstained) for o in oos]),
        false_abstention=mean([float(o.abstained) for o in ins]),
        per_part={k: mean(v) for k, v in sorted(per_part.items())},
        misses=misses,
    )


def run_cases(assistant: Answers, cases: Sequence[EvalCase]) -> list[Outcome]:
    out = []
    for case in cases:
        answer, ranking = assistant.answer_and_ranking(case.question)
        out.append(_outcome(case, answer, ranking))
    return out


def _outcome(case: EvalCase, answer: Answer, ranking: list[str]) -> Outcome:
    cited = [c.clause_id for c in answer.citations]
    top = (answer.citations or answer.nearest or [None])[0]
    return Outcome(case, ranking, answer.abstained, cited, top.score if top else 0.0)


TABLE_COLUMNS = [
    ("hit@1", "hit_at_1"),
    ("R@3", "recall_at_3"),
    ("R@5", "recall_at_5"),
    ("MRR", "mrr"),
    ("nDCG@5", "ndcg_at_5"),
    ("cited R", "recall_all_at_5"),
    ("abst. P", "abstain_precision"),
    ("abst. R", "abstain_recall"),
    ("false abst.", "false_abstention"),
]


def table(reports: list[EvalReport], first: str = "config") -> str:
    head = f"| {first} | n | " + " | ".join(h for h, _ in TABLE_COLUMNS) + " |"
    sep = "|" + "---|" * (len(TABLE_COLUMNS) + 2)
    rows = [head, sep]
    for r in reports:
        label = r.config if first == "config" else r.split
        vals = " | ".join(f"{getattr(r, k):.3f}" for _, k in TABLE_COLUMNS)
        rows.append(f"| {label} | {r.n_cases} | {vals} |")
    return "\n".join(rows)


def format_report(r: EvalReport) -> str:
    lines = [
        f"split: {r.split}   config: {r.config}   cases: {r.n_cases} "
        f"({r.n_in_scope} in scope, {r.n_out_of_scope} out of scope)",
        "",
        table([r], first="split"),
        "",
        "hit@1 per part: " + ", ".join(f"{k}: {v:.3f}" for k, v in r.per_part.items()),
    ]
    if r.misses:
        lines.append(f"missed at 1 ({len(r.misses)}): {', '.join(r.misses)}")
    return "\n".join(lines)
