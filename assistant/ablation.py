"""Ablation: one row per retrieval configuration, from a naive dense baseline to the full system.

Each configuration gets its own index under ``<index_dir>/ablation/<name>``. Configurations
without the learned abstainer abstain on a top-similarity threshold calibrated on the dev split.
"""

from __future__ import annotations

import contextlib
import sys

import numpy as np

from .cards import load_cards
from .corpus import load_clauses
from .evaluate import metrics, run_cases, split_cases
from .models import EvalReport
from .retrieval import QUERY_FEATURES, RankerModel, Retriever, ranker_path
from .settings import Settings

BASE = dict(use_cards=False, section_context=False, normalise_queries=False, fine_tune=False)
CARDS = {**BASE, "section_context": True, "use_cards": True, "fusion": "rrf"}
CONFIGS: list[tuple[str, dict]] = [
    ("dense only (clause text)", {**BASE, "fusion": "dense"}),
    ("BM25 only (clause text)", {**BASE, "fusion": "bm25"}),
    ("hybrid RRF", {**BASE, "fusion": "rrf"}),
    ("+ section context", {**BASE, "section_context": True, "fusion": "rrf"}),
    ("+ clause cards", CARDS),
    ("+ query normalisation (not kept)", {**CARDS, "normalise_queries": True}),
    ("+ MiniLM fine-tuned on the cards", {**CARDS, "fine_tune": True}),
    ("+ card classifier, learned fusion, abstainer (full)", {"fusion": "learned"}),
]


def _assistant_for(settings: Settings, name: str, embed_model, overrides: dict):
    from .api import Assistant
    from .index import ensure_index

    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")[:40]
    s = settings.model_copy(
        update={**overrides, "index_dir": settings.index_dir / "ablation" / slug}
    )
    with contextlib.redirect_stdout(sys.stderr):
        store = ensure_index(s, embed_model, progress=False)
    model = RankerModel.load(ranker_path(settings)) if s.fusion == "learned" else None
    cards = load_cards(s.cards_path) if s.use_cards else ()
    retriever = Retriever(s, load_clauses(s.clauses_path), cards, store, embed_model, model)
    if model is None:
        retriever.model = RankerModel(
            None, None, 0.5, 1.01, 1.01, "dev", _dense_threshold(retriever, s)
        )
    return Assistant(s, retriever)


def _dense_threshold(retriever: Retriever, s: Settings) -> float:
    """Top dense similarity below which to abstain: 2% false abstention on dev."""
    from .train import MAX_FALSE_ABSTENTION

    cases = [c for c in split_cases(s.evals_dir, "dev") if c.kind != "out_of_scope"]
    col = QUERY_FEATURES.index("top_d_max")
    tops = np.sort([retriever.features(c.question).query_features[col] for c in cases])
    return float(tops[int(MAX_FALSE_ABSTENTION * len(tops))] - 1e-6)


def ablation_reports(settings: Settings, split: str, embed_model=None) -> list[EvalReport]:
    from .embedding import real_embed_model

    models: dict[bool, object] = {}

    def model_for(tuned: bool):
        if embed_model is not None:  # tests: one fake model for every row
            return embed_model
        if tuned not in models:
            models[tuned] = real_embed_model(settings.model_copy(update={"fine_tune": tuned}))
        return models[tuned]

    cases = split_cases(settings.evals_dir, split)
    reports = []
    for name, overrides in CONFIGS:
        tuned = overrides.get("fine_tune", settings.fine_tune)
        assistant = _assistant_for(settings, name, model_for(tuned), overrides)
        reports.append(metrics(run_cases(assistant, cases), split, name))
    return reports
