"""Evaluation tooling, built on the `Assistant`: the eval splits, metrics, training of the ranker
and abstainer on dev, the ablation and the Markdown report. Heavy parts load on use."""

from __future__ import annotations

from pathlib import Path

from .cases import EvalCase, Split, load_cases, split_cases
from .metrics import EvalReport, Outcome, format_report, metrics, run_cases, table

__all__ = [
    "EvalCase",
    "EvalReport",
    "Outcome",
    "Split",
    "ablation_reports",
    "evaluate",
    "format_report",
    "load_cases",
    "metrics",
    "run_cases",
    "split_cases",
    "table",
    "train_ranker",
]


def evaluate(assistant, split: Split, report_dir: Path | None = None) -> EvalReport:
    """Score `assistant` on a split; with `report_dir`, also write the Markdown report there."""
    cases = split_cases(assistant.corpus.evals_dir, split, set(assistant.clause_by_id))
    outcomes = run_cases(assistant, cases)
    report = metrics(outcomes, split, assistant.settings.retrieval.fusion)
    if report_dir is not None:
        from .report import write_report

        write_report(report_dir, assistant, outcomes, report)
    return report


def ablation_reports(settings, split: Split, embedder=None) -> list[EvalReport]:
    from .ablation import ablation_reports as run

    return run(settings, split, embedder)


def train_ranker(assistant) -> Path:
    """Fit the ranker and abstainer on dev, save them beside the corpus and use them."""
    from .train import train

    corpus = assistant.corpus
    ranker = corpus.ranker_file_for(assistant.settings.index.encoder)
    return train(assistant.retriever, corpus.evals_dir, ranker)
