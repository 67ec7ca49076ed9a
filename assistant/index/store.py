"""The Chroma side of the index: the manifest that identifies a build, the collection helpers, and
`VectorStore`, our wrapper over a collection (no chroma or llama-index type leaks out)."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..corpus import Corpus, sha256_file
from ..settings import IndexSettings
from .documents import Entry
from .embedder import Embedder, LlamaEmbedder, llama_embedding, model_fingerprint
from .runtime import build_threads, disable_llm

FORMAT_VERSION = 3
COLLECTION = "clauses"
Manifest = dict[str, Any]  # JSON written beside the store; its "fingerprint" keys a build


def manifest_for(corpus: Corpus, settings: IndexSettings, embedder: Embedder) -> Manifest:
    versions = {}
    for pkg in ("llama-index-core", "chromadb", "sentence-transformers", "transformers", "torch"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "absent"
    cards = corpus.cards_file
    m = {
        "format": FORMAT_VERSION,
        "corpus": corpus.name,
        "corpus_sha256": sha256_file(corpus.clauses_file),
        "cards_sha256": sha256_file(cards) if (settings.use_cards and cards.exists()) else None,
        **model_fingerprint(embedder, settings.index_dir),
        "settings": {"section_context": settings.section_context, "use_cards": settings.use_cards},
        "versions": versions,
    }
    # The model's folder is recorded but not fingerprinted: the weights hash identifies the model,
    # so instances installed at different paths share one collection on a Chroma server.
    known = m["weights_sha256"] != "unknown"
    keyed = {k: v for k, v in m.items() if not (k == "model" and known)}
    m["fingerprint"] = hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()
    return m


def chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def persistent_client(path: Path) -> Any:
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def forget_client() -> None:
    """Drop chromadb's in-process client cache, so a rebuilt folder is reopened afresh."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # pragma: no cover - depends on chromadb internals
        pass


def new_collection(client: Any, name: str, manifest: Manifest | None) -> Any:
    meta = {"hnsw:space": "cosine"}
    if manifest is not None:
        meta["manifest"] = json.dumps(manifest, sort_keys=True)
    return client.create_collection(name=name, metadata=meta, embedding_function=None)


def fill_collection(
    collection: Any, items: list[Entry], embedder: Embedder, progress: bool
) -> None:
    """Embed the entries through llama-index into the Chroma collection."""
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    disable_llm()
    # Shortest texts first: each embedding batch then holds texts of similar length, so little
    # of it is padding. The store is keyed by id, so the order changes nothing else.
    items = sorted(items, key=lambda e: len(e.text))
    stored = embedder.stored_vectors() if isinstance(embedder, LlamaEmbedder) else {}
    nodes = [
        TextNode(
            id_=e.key,
            text=e.text,
            metadata={"clause_id": e.clause_id, "source": e.source},
            excluded_embed_metadata_keys=["clause_id", "source"],
            embedding=stored[e.text].tolist() if e.text in stored else None,
        )
        for e in items
    ]
    store = ChromaVectorStore(chroma_collection=collection)
    ctx = StorageContext.from_defaults(vector_store=store)
    with build_threads():
        VectorStoreIndex(
            nodes,
            storage_context=ctx,
            embed_model=llama_embedding(embedder),
            show_progress=progress,
            insert_batch_size=4096,
        )


class VectorStore:
    """One Chroma collection of clause and card vectors, with the manifest of its build."""

    def __init__(self, collection: Any, manifest: Manifest):
        self._collection = collection
        self.manifest = manifest

    def count(self) -> int:
        return self._collection.count()

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, str, float]]:
        """Nearest entries as (clause_id, source, cosine similarity), best first."""
        k = min(k, self.manifest.get("entries", k))
        res = self._collection.query(
            query_embeddings=[vector.tolist()], n_results=k, include=["metadatas", "distances"]
        )
        return [
            (m["clause_id"], m["source"], 1.0 - float(d))
            for m, d in zip(res["metadatas"][0], res["distances"][0], strict=True)
        ]

    def vectors(self, source: str) -> tuple[list[str], np.ndarray]:
        """All vectors of one source kind ("clause", "keywords"), as (clause ids, matrix)."""
        _, ids, matrix = self.entries(source)
        return ids, matrix

    def entries(self, source: str, page: int = 5000) -> tuple[list[str], list[str], np.ndarray]:
        """All entries of one source kind, as (entry keys, clause ids, matrix); a situation's key
        is ``<clause id>#s<n>``, its place on the clause's card.

        Read in pages: one request for 50k vectors overflows SQLite's variable limit."""
        keys: list[str] = []
        ids: list[str] = []
        chunks: list[np.ndarray] = []
        offset = 0
        while True:
            res = self._collection.get(
                where={"source": source},
                limit=page,
                offset=offset,
                include=["metadatas", "embeddings"],
            )
            got = [m["clause_id"] for m in res["metadatas"]]
            if got:
                keys.extend(res["ids"])
                ids.extend(got)
                chunks.append(np.asarray(res["embeddings"], dtype=np.float32).reshape(len(got), -1))
            if len(got) < page:
                break
            offset += page
        dim = chunks[0].shape[1] if chunks else 0
        return keys, ids, np.vstack(chunks) if chunks else np.zeros((0, dim), np.float32)
