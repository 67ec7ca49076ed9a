"""`eval --report DIR`: a Markdown report with matplotlib plots (hit@1 per section, the most
confused clause pairs, the scope scores of in-scope and out-of-scope questions)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from ..api import Assistant
from .metrics import EvalReport, Outcome, format_report

Pairs = list[tuple[tuple[str, str], int]]


def _ok(o: Outcome) -> set[str]:
    return set(o.case.gold) | set(o.case.acceptable)


def _section(clause_id: str) -> str:
    parts = clause_id.split(".")
    return ".".join(parts[:2]) if clause_id[0].isdigit() else parts[0]


def _plot_sections(plt, out: Path, ins: Sequence[Outcome], split: str) -> None:
    per: dict[str, list[float]] = defaultdict(list)
    for o in ins:
        per[_section(o.case.gold[0])].append(float(bool(o.ranking) and o.ranking[0] in _ok(o)))
    secs = sorted(per)
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.bar(secs, [sum(per[s]) / len(per[s]) for s in secs], color="#3b6ea5")
    for i, s in enumerate(secs):
        ax.text(i, 0.02, f"n={len(per[s])}", ha="center", fontsize=7, color="white", rotation=90)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("hit@1")
    ax.set_title(f"hit@1 per section ({split} split)")
    plt.xticks(rotation=45)
    fig.tight_layout()
    fig.savefig(out / "hit_per_section.png", dpi=120)
    plt.close(fig)


def _plot_confused(plt, out: Path, ins: Sequence[Outcome]) -> Pairs:
    """The most confused pairs (gold clause -> clause ranked first when wrong), plotted."""
    confused: Counter[tuple[str, str]] = Counter()
    for o in ins:
        if o.ranking and o.ranking[0] not in _ok(o):
            confused[(o.case.gold[0], o.ranking[0])] += 1
    top_pairs = confused.most_common(12)
    if top_pairs:
        fig, ax = plt.subplots(figsize=(8, 0.4 * len(top_pairs) + 1))
        labels = [f"{g} → {p}" for (g, p), _ in top_pairs][::-1]
        ax.barh(labels, [n for _, n in top_pairs][::-1], color="#c0504d")
        ax.set_xlabel("cases")
        ax.set_title("Most confused clause pairs (gold → ranked first)")
        fig.tight_layout()
        fig.savefig(out / "confused_pairs.png", dpi=120)
        plt.close(fig)
    return top_pairs


def _plot_scope(plt, out: Path, assistant: Assistant, outcomes: Sequence[Outcome]) -> None:
    scores: dict[str, list[float]] = {"in scope": [], "out of scope": []}
    for o in outcomes:
        r = assistant.rank(o.case.question)
        scores["out of scope" if o.case.kind == "out_of_scope" else "in scope"].append(r.in_scope)
    fig, ax = plt.subplots(figsize=(8, 4))
    bins = [i / 25 for i in range(26)]
    for label, color in (("in scope", "#3b6ea5"), ("out of scope", "#c0504d")):
        n = len(scores[label])
        ax.hist(scores[label], bins=bins, alpha=0.6, label=f"{label} (n={n})", color=color)
    model = assistant.retriever.model
    thr = model.abstain_threshold if model else 0.5
    ax.axvline(thr, color="black", linestyle="--", label=f"abstain below {thr:.2f}")
    ax.set_xlabel("in-scope probability")
    ax.set_ylabel("questions")
    ax.legend()
    ax.set_title("Abstention signal: in-scope vs out-of-scope questions")
    fig.tight_layout()
    fig.savefig(out / "scope_scores.png", dpi=120)
    plt.close(fig)


def _markdown(report: EvalReport, ins: Sequence[Outcome], top_pairs: Pairs) -> str:
    misses = [o for o in ins if o.case.id in set(report.misses)]
    lines = [f"# Evaluation report: {report.split} split", "", "```", format_report(report)]
    lines += ["```", "", "## hit@1 per section", "", "![hit per section](hit_per_section.png)", ""]
    if top_pairs:
        lines += ["## Most confused clause pairs", "", "![confused pairs](confused_pairs.png)", ""]
        lines += ["| gold | ranked first | cases |", "|---|---|---|"]
        lines += [f"| {g} | {p} | {n} |" for (g, p), n in top_pairs]
        lines.append("")
    lines += ["## Score distributions", "", "![scope scores](scope_scores.png)", "", "## Misses"]
    lines += ["", "| case | gold | ranked first |", "|---|---|---|"]
    lines += [
        f"| {o.case.id} | {', '.join(o.case.gold)} | {o.ranking[0] if o.ranking else '-'} |"
        for o in misses
    ]
    return "\n".join(lines) + "\n"


def write_report(
    out: Path, assistant: Assistant, outcomes: Sequence[Outcome], report: EvalReport
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    ins = [o for o in outcomes if o.case.kind != "out_of_scope"]
    _plot_sections(plt, out, ins, report.split)
    top_pairs = _plot_confused(plt, out, ins)
    _plot_scope(plt, out, assistant, outcomes)
    path = out / "report.md"
    path.write_text(_markdown(report, ins, top_pairs), encoding="utf-8")
    return path
