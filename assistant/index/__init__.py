"""Stage 2, the index: what is embedded (clause text and card lines), the embedding model and its
fine-tuning on the cards, the Chroma store (embedded or on a server) with a manifest, and the
classifiers fitted on the card vectors at build time.

`ensure_index` opens the index, building whatever is missing, stale or damaged first.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ..corpus import Corpus
from ..settings import IndexSettings
from .classifiers import CardClassifier, Classifiers, ScopeClassifier, ensure_classifiers
from .documents import clause_embed_text
from .embedder import Embedder, LlamaEmbedder, load_embedder
from .encoders import ENCODERS, fetch_model
from .runtime import build_threads
from .store import Manifest, VectorStore, forget_client, manifest_for
from .tune import MARKER as TUNED_MARKER
from .tune import ensure_tuned

__all__ = [
    "ENCODERS",
    "CardClassifier",
    "Embedder",
    "Index",
    "LlamaEmbedder",
    "Manifest",
    "ScopeClassifier",
    "TUNED_MARKER",
    "VectorStore",
    "build_threads",
    "clause_embed_text",
    "ensure_index",
    "ensure_tuned",
    "fetch_model",
    "forget_client",
    "load_embedder",
]


@dataclass(frozen=True)
class Index:
    """An opened index: the vector store and the classifiers of the same build."""

    store: VectorStore
    classifiers: Classifiers

    @property
    def manifest(self) -> Manifest:
        return self.store.manifest


def _lock(settings: IndexSettings, corpus: str):
    from filelock import FileLock

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.index_dir / f".{corpus}.lock"), timeout=600)


def _store(
    corpus: Corpus, settings: IndexSettings, embedder: Embedder, force: bool, progress: bool
) -> VectorStore:
    manifest = manifest_for(corpus, settings, embedder)
    if settings.chroma_host:
        from .server import server_store

        return server_store(corpus, settings, embedder, manifest, force, progress)
    from .local import build_local, clean_stale_builds, open_local

    clean_stale_builds(settings.index_dir, corpus.name)
    if not force:
        store = open_local(settings.store_dir(corpus.name), manifest)
        if store is not None:
            return store
    forget_client()
    return build_local(corpus, settings, embedder, manifest, progress)


def ensure_index(
    corpus: Corpus,
    settings: IndexSettings,
    embedder: Embedder,
    *,
    force: bool = False,
    progress: bool | None = None,
) -> Index:
    """Open the index, building it first when missing, stale or damaged (or when forced), and
    the classifiers of that build when they are not saved yet."""
    progress = sys.stderr.isatty() if progress is None else progress
    with _lock(settings, corpus.name):
        store = _store(corpus, settings, embedder, force, progress)
        if not (settings.use_cards and corpus.cards):
            return Index(store, Classifiers())
        return Index(store, ensure_classifiers(corpus, settings.index_dir, store, embedder))
