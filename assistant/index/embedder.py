"""The embedding model behind a small protocol of our own, so no llama-index type leaks out.

`Embedder` is what the stages rely on. `LlamaEmbedder` wraps a llama-index ``BaseEmbedding`` (the
bundled MiniLM through ``HuggingFaceEmbedding``, or the fake embedder of the unit tests);
`load_embedder` loads the real one by path, offline, fine-tuned on the cards when enabled.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from ..corpus import Corpus
from ..settings import IndexSettings, offline_environment
from .runtime import VECTORS_FILE, disable_llm, weights_sha256

if TYPE_CHECKING:
    from llama_index.core.embeddings import BaseEmbedding


@runtime_checkable
class Embedder(Protocol):
    """An embedding model: its identity and the two ways the stages call it."""

    @property
    def model_id(self) -> str:
        """Name or folder of the model, recorded in the index manifest."""
        ...

    @property
    def fingerprint(self) -> str | None:
        """A stable id of the weights when the model knows one; else they are hashed from disk."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One question as a unit vector (float32)."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Many texts as a matrix of unit vectors (float32), one row per text."""
        ...


class LlamaEmbedder:
    """An `Embedder` over a llama-index embedding model."""

    def __init__(self, model: BaseEmbedding):
        self._model = model

    def stored_vectors(self) -> dict[str, np.ndarray]:
        """Vectors that fine-tuning already computed with these weights, by text (may be empty):
        the index build takes them instead of embedding those texts again."""
        path = Path(self.model_id) / VECTORS_FILE
        if not path.is_file():
            return {}
        with np.load(path, allow_pickle=False) as d:
            return dict(zip(d["texts"].tolist(), d["vectors"], strict=True))

    @property
    def llama(self) -> BaseEmbedding:
        """The wrapped model, for the index build (llama-index's `VectorStoreIndex`)."""
        return self._model

    @property
    def model_id(self) -> str:
        return str(getattr(self._model, "model_name", type(self._model).__name__))

    @property
    def fingerprint(self) -> str | None:
        return getattr(self._model, "fingerprint", None)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.get_query_embedding(text), dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.get_text_embedding_batch(list(texts)), dtype=np.float32)


def load_embedder(
    corpus: Corpus, settings: IndexSettings, progress: bool | None = None
) -> LlamaEmbedder:
    """The encoder through llama-index's HuggingFaceEmbedding, loaded by path (offline), first
    fine-tuned on the corpus's cards when that is enabled (cached)."""
    offline_environment()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    disable_llm()
    path = settings.resolved_model_path()
    if settings.model_path is None and settings.encoder == "mpnet":
        from .encoders import MPNET, verify

        verify(path, MPNET, settings.models_dir)  # refuse a file that is not the pinned one
    if settings.fine_tune and settings.use_cards and corpus.cards:
        from .tune import ensure_tuned

        progress = sys.stderr.isatty() if progress is None else progress
        path = ensure_tuned(corpus, settings, path, progress)
    model = HuggingFaceEmbedding(model_name=str(path), device="cpu", embed_batch_size=64)
    return LlamaEmbedder(model)


def model_fingerprint(embedder: Embedder, cache_dir: Path) -> dict[str, str]:
    """Model id and a hash of its weights (cached by file size and mtime)."""
    name = embedder.model_id
    if embedder.fingerprint:
        return {"model": name, "weights_sha256": embedder.fingerprint}
    weights = Path(name) / "model.safetensors"
    if not weights.exists():
        return {"model": name, "weights_sha256": "unknown"}
    return {"model": name, "weights_sha256": weights_sha256(weights, cache_dir)}


def llama_embedding(embedder: Embedder) -> BaseEmbedding:
    """A llama-index model for building the store: the wrapped one, or an adapter."""
    if isinstance(embedder, LlamaEmbedder):
        return embedder.llama
    from ._adapter import ProtocolEmbedding

    return ProtocolEmbedding.around(embedder)
