"""A llama-index embedding model over any `Embedder`, so the index can be built with models that
are not llama-index ones. Imports llama-index: loaded only when such a model is indexed."""

from __future__ import annotations

from typing import Any

from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr


class ProtocolEmbedding(BaseEmbedding):
    _embedder: Any = PrivateAttr()

    @classmethod
    def around(cls, embedder: Any) -> ProtocolEmbedding:
        model = cls(model_name=embedder.model_id, embed_batch_size=64)
        model._embedder = embedder
        return model

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_documents([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_documents(texts).tolist()
