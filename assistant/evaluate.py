"""Evaluation harness: scenario -> clause cases, metrics, ablation table and report."""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .models import Answer, EvalCase, EvalReport


class EvalDataError(ValueError):
    """A malformed eval file; the message names the file and line."""


def load_cases(path: Path, known_ids: set[str] | None = None) -> list[EvalCase]:
    if not path.exists():
        raise EvalDataError(f"{path}: no such eval file")
    cases, seen = [], set()
    for n, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            case = EvalCase.model_validate(json.loads(raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            raise EvalDataError(f"{path}:{n}: not valid UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "case"
            raise EvalDataError(f"{path}:{n}: {where}: {first['msg']}") from exc
        if case.id in seen:
            raise EvalDataError(f"{path}:{n}: duplicate case id {case.id!r}")
        seen.add(case.id)
        if known_ids is not None:
            bad = [g for g in (*case.gold, *case.acceptable) if g not in known_ids]
            if bad:
                raise EvalDataError(f"{path}:{n}: unknown clause id(s) {', '.join(bad)}")
        cases.append(case)
    return cases


def split_cases(evals_dir: Path, split: str, known_ids: set[str] | None = None) -> list[EvalCase]:
    names = ["dev", "test"] if split == "all" else [split]
    return [c for s in names for c in load_cases(evals_dir / f"{s}.jsonl", known_ids)]


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


def metrics(outcomes: list[Outcome], split: str, config: str) -> EvalReport:
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


def run_cases(assistant, cases: list[EvalCase]) -> list[Outcome]:
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


def run_eval_command(args, assistant) -> int:
    from .cli import UsageError

    known = set(assistant.corpus)
    try:
        if args.ablation:
            from .ablation import ablation_reports

            reports = ablation_reports(assistant.settings, args.split)
            print(json.dumps([r.model_dump() for r in reports]) if args.json else table(reports))
            return 0
        cases = split_cases(assistant.settings.evals_dir, args.split, known)
    except EvalDataError as exc:
        raise UsageError(str(exc)) from exc
    outcomes = run_cases(assistant, cases)
    report = metrics(outcomes, args.split, assistant.settings.fusion)
    if args.report:
        from .report import write_report

        path = write_report(Path(args.report), assistant, outcomes, report)
        print(f"report written to {path}", file=sys.stderr)
    print(report.model_dump_json() if args.json else format_report(report))
    return 0
