"""A small deterministic embedder for fast unit tests (the real model is tested end to end)."""

from __future__ import annotations

import hashlib

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from assistant.corpus import tokens
from assistant.index import LlamaEmbedder

DIM = 64


class HashEmbedding(BaseEmbedding):
    """Bag of stemmed words hashed into 64 dimensions, L2-normalised."""

    model_name: str = "hash-embedding-v1"
    fingerprint: str = "hash-embedding-v1"
    _calls: list = PrivateAttr(default_factory=list)

    @property
    def calls(self) -> int:
        return len(self._calls)

    def _vec(self, text: str) -> list[float]:
        self._calls.append(text)
        v = np.zeros(DIM, np.float32)
        for t in tokens(text) or ["empty"]:
            h = int(hashlib.md5(t.encode()).hexdigest(), 16)
            v[h % DIM] += 1.0 if (h >> 8) % 2 else -1.0
        n = np.linalg.norm(v)
        return (v / n if n else v).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vec(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vec(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vec(text)


def fake_embedder() -> LlamaEmbedder:
    """The hash embedding behind the package's own `Embedder` wrapper."""
    return LlamaEmbedder(HashEmbedding())
