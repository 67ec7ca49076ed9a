"""Ablation: one row per retrieval configuration, from a naive dense baseline to the full system.

Each configuration gets its own index under ``<index_dir>/ablation/<name>``. Configurations
without the learned abstainer abstain on a top-similarity threshold calibrated on the dev split.
"""

from __future__ import annotations

import contextlib
import sys

from pydantic import BaseModel, ConfigDict, Field

from ..api import Assistant
from ..corpus import Corpus, load_corpus
from ..index import Embedder, ensure_index, load_embedder
from ..retrieval import QUERY_FEATURES, RankerModel, Retriever
from ..settings import Fusion, Settings, replaced
from .cases import Split, split_cases
from .metrics import EvalReport, metrics, run_cases
from .train import threshold_at_budget


class AblationConfig(BaseModel):
    """One row of the ablation: which parts of the pipeline are on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Row label.")
    fusion: Fusion = Field(description="Fusion of the scores.")
    use_cards: bool = Field(True, description="Index the clause cards.")
    section_context: bool = Field(True, description="Prefix section titles to clause text.")
    normalise_queries: bool = Field(False, description="Append Code terms to BM25 queries.")
    fine_tune: bool = Field(True, description="Fine-tune the model on the cards.")

    def settings(self, base: Settings, slug: str) -> Settings:
        """`base` with this row's switches, validated, and an index folder of its own."""
        index = replaced(
            base.index,
            use_cards=self.use_cards,
            section_context=self.section_context,
            fine_tune=self.fine_tune,
            index_dir=base.index.index_dir / "ablation" / slug,
        )
        retrieval = replaced(
            base.retrieval, fusion=self.fusion, normalise_queries=self.normalise_queries
        )
        return Settings(corpus=base.corpus, index=index, retrieval=retrieval, answer=base.answer)


_BASE = dict(use_cards=False, section_context=False, fine_tune=False)
_CARDS = dict(use_cards=True, section_context=True, fine_tune=False, fusion="rrf")
CONFIGS: tuple[AblationConfig, ...] = (
    AblationConfig(name="dense only (clause text)", fusion="dense", **_BASE),
    AblationConfig(name="BM25 only (clause text)", fusion="bm25", **_BASE),
    AblationConfig(name="hybrid RRF", fusion="rrf", **_BASE),
    AblationConfig(name="+ section context", fusion="rrf", **{**_BASE, "section_context": True}),
    AblationConfig(name="+ clause cards", **_CARDS),
    AblationConfig(name="+ query normalisation (not kept)", normalise_queries=True, **_CARDS),
    AblationConfig(name="+ MiniLM fine-tuned on the cards", **{**_CARDS, "fine_tune": True}),
    AblationConfig(name="+ card classifier, learned fusion, abstainer (full)", fusion="learned"),
)


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")[:40]


def _assistant_for(
    base: Settings, corpus: Corpus, config: AblationConfig, embedder: Embedder
) -> Assistant:
    s = config.settings(base, _slug(config.name))
    with contextlib.redirect_stdout(sys.stderr):
        index = ensure_index(corpus, s.index, embedder, progress=False)
    model = (
        RankerModel.load(corpus.ranker_file_for(s.index.encoder))
        if s.retrieval.fusion == "learned"
        else None
    )
    cards = corpus.cards if s.index.use_cards else ()
    retriever = Retriever(s.retrieval, corpus.clauses, cards, index, embedder, model)
    if model is None:
        retriever.model = RankerModel(
            None, None, 0.5, 1.01, 1.01, "dev", _dense_threshold(retriever, corpus)
        )
    return Assistant(s, corpus, retriever)


def _dense_threshold(retriever: Retriever, corpus: Corpus) -> float:
    """Top dense similarity below which to abstain, at the dev false-abstention budget."""
    cases = [c for c in split_cases(corpus.evals_dir, "dev") if c.kind != "out_of_scope"]
    col = QUERY_FEATURES.index("top_d_max")
    return threshold_at_budget([retriever.features(c.question).query[col] for c in cases], 0.3)


def ablation_reports(
    settings: Settings, split: Split, embedder: Embedder | None = None
) -> list[EvalReport]:
    """One report per configuration; `embedder` (tests) replaces the real model in every row."""
    corpus = load_corpus(settings.corpus)
    models: dict[bool, Embedder] = {}

    def model_for(tuned: bool) -> Embedder:
        if embedder is not None:
            return embedder
        if tuned not in models:
            models[tuned] = load_embedder(corpus, replaced(settings.index, fine_tune=tuned))
        return models[tuned]

    cases = split_cases(corpus.evals_dir, split)
    reports = []
    for config in CONFIGS:
        assistant = _assistant_for(settings, corpus, config, model_for(config.fine_tune))
        reports.append(metrics(run_cases(assistant, cases), split, config.name))
    return reports
