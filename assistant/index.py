"""The persistent vector index: Chroma through llama-index, with a manifest and safe rebuilds.

Local mode keeps one Chroma ``PersistentClient`` store per corpus under ``index/<corpus>/`` with
``manifest.json`` beside it. Builds go to a temporary folder and are swapped in atomically, under a
file lock. Server mode (``CHROMA_HOST``) keeps one collection per corpus and fingerprint on a
``chroma run`` server; the manifest travels in the collection metadata.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .cards import load_cards
from .corpus import load_clauses, sha256_file
from .embedding import build_threads, disable_llm, log, model_fingerprint
from .models import Clause
from .settings import Settings

FORMAT_VERSION = 3
COLLECTION = "clauses"


class IndexError_(RuntimeError):
    """The index cannot be opened or built."""


# --------------------------------------------------------------------------------------------
# What gets embedded


@dataclass(frozen=True)
class Entry:
    """One vector: a clause's own text, or a card line pointing to the clause."""

    key: str
    clause_id: str
    source: str  # "clause" | "situation" | "keywords"
    text: str


def clause_embed_text(c: Clause, section_context: bool) -> str:
    if not section_context:
        return c.text
    if c.kind == "definition":
        return f"Definition of {c.title}: {c.text}"
    return f"{c.section_title}: {c.text}"


def entries(settings: Settings, clauses: tuple[Clause, ...]) -> list[Entry]:
    out = [
        Entry(c.id, c.id, "clause", clause_embed_text(c, settings.section_context)) for c in clauses
    ]
    if settings.use_cards:
        known = {c.id for c in clauses}
        for card in load_cards(settings.cards_path):
            if card.clause_id not in known:
                raise IndexError_(f"card for unknown clause {card.clause_id!r}")
            for i, s in enumerate(card.situations):
                out.append(Entry(f"{card.clause_id}#s{i}", card.clause_id, "situation", s))
            if card.keywords:
                out.append(
                    Entry(
                        f"{card.clause_id}#k", card.clause_id, "keywords", ", ".join(card.keywords)
                    )
                )
    return out


def manifest_for(settings: Settings, embed_model: Any) -> dict[str, Any]:
    cards = settings.cards_path
    versions = {}
    for pkg in ("llama-index-core", "chromadb", "sentence-transformers", "transformers", "torch"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "absent"
    m = {
        "format": FORMAT_VERSION,
        "corpus": settings.corpus,
        "corpus_sha256": sha256_file(settings.clauses_path),
        "cards_sha256": sha256_file(cards) if (settings.use_cards and cards.exists()) else None,
        **model_fingerprint(embed_model, settings),
        "settings": {"section_context": settings.section_context, "use_cards": settings.use_cards},
        "versions": versions,
    }
    # The model's folder is recorded but not fingerprinted: the weights hash identifies the model,
    # so instances installed at different paths share one collection on a Chroma server.
    known = m["weights_sha256"] != "unknown"
    keyed = {k: v for k, v in m.items() if not (k == "model" and known)}
    m["fingerprint"] = hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()
    return m


# --------------------------------------------------------------------------------------------
# Chroma


def chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _persistent_client(path: Path) -> Any:
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def _forget_client(path: Path) -> None:
    """Drop chromadb's in-process cache for a store path, so a rebuilt folder is reopened."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # pragma: no cover - depends on chromadb internals
        pass


def _new_collection(client: Any, name: str, manifest: dict[str, Any] | None) -> Any:
    meta = {"hnsw:space": "cosine"}
    if manifest is not None:
        meta["manifest"] = json.dumps(manifest, sort_keys=True)
    return client.create_collection(name=name, metadata=meta, embedding_function=None)


def _fill(collection: Any, items: list[Entry], embed_model: Any, progress: bool) -> None:
    """Embed the entries through llama-index into the Chroma collection."""
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    disable_llm()
    # Shortest texts first: each embedding batch then holds texts of similar length, so little
    # of it is padding. The store is keyed by id, so the order changes nothing else.
    items = sorted(items, key=lambda e: len(e.text))
    nodes = [
        TextNode(
            id_=e.key,
            text=e.text,
            metadata={"clause_id": e.clause_id, "source": e.source},
            excluded_embed_metadata_keys=["clause_id", "source"],
        )
        for e in items
    ]
    store = ChromaVectorStore(chroma_collection=collection)
    ctx = StorageContext.from_defaults(vector_store=store)
    with build_threads():
        VectorStoreIndex(
            nodes,
            storage_context=ctx,
            embed_model=embed_model,
            show_progress=progress,
            insert_batch_size=4096,
        )


class VectorStore:
    """Our wrapper over the Chroma collection: no chroma or llama-index types leak out."""

    def __init__(self, collection: Any, manifest: dict[str, Any]):
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

    def vectors(self, source: str, page: int = 5000) -> tuple[list[str], np.ndarray]:
        """All vectors of one source kind ("clause", "keywords"), as (clause ids, matrix).

        Read in pages: one request for 50k vectors overflows SQLite's variable limit."""
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
                ids.extend(got)
                chunks.append(np.asarray(res["embeddings"], dtype=np.float32).reshape(len(got), -1))
            if len(got) < page:
                break
            offset += page
        dim = chunks[0].shape[1] if chunks else 0
        return ids, np.vstack(chunks) if chunks else np.zeros((0, dim), np.float32)


# --------------------------------------------------------------------------------------------
# Open or build


def _lock(settings: Settings) -> Any:
    from filelock import FileLock

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.index_dir / f".{settings.corpus}.lock"), timeout=600)


def _read_manifest(store_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((store_dir / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def _open_local(settings: Settings, expected: dict[str, Any]) -> VectorStore | None:
    """The existing local store if its manifest matches and it opens cleanly, else None."""
    store_dir = settings.store_dir
    if not store_dir.exists():
        log(f"no index at {store_dir}: building it")
        return None
    found = _read_manifest(store_dir)
    if found is None:
        log("index manifest missing or unreadable: rebuilding")
        return None
    if found.get("fingerprint") != expected["fingerprint"]:
        changed = [
            k
            for k in (
                "corpus_sha256",
                "cards_sha256",
                "weights_sha256",
                "settings",
                "versions",
                "format",
            )
            if found.get(k) != expected.get(k)
        ]
        log(f"index out of date ({', '.join(changed) or 'fingerprint'} changed): rebuilding")
        return None
    try:
        client = _persistent_client(store_dir)
        collection = client.get_collection(COLLECTION)
        n = collection.count()
        if n != found.get("entries"):
            raise IndexError_(f"store holds {n} vectors, manifest says {found.get('entries')}")
        collection.peek(1)
    except Exception as exc:
        _forget_client(store_dir)
        log(f"index store is damaged ({type(exc).__name__}: {str(exc)[:120]}): rebuilding")
        return None
    return VectorStore(collection, found)


def _build_local(
    settings: Settings, embed_model: Any, manifest: dict[str, Any], progress: bool
) -> VectorStore:
    clauses = load_clauses(settings.clauses_path)
    items = entries(settings, clauses)
    tmp = settings.index_dir / f".build-{settings.corpus}-{os.getpid()}-{int(time.time())}"
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        client = _persistent_client(tmp)
        collection = _new_collection(client, COLLECTION, None)
        _fill(collection, items, embed_model, progress)
        if collection.count() != len(items):
            raise IndexError_("build wrote an incomplete store")
        manifest = {**manifest, "entries": len(items), "built_at": time.time()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        del collection, client
        _forget_client(tmp)
        final = settings.store_dir
        old = settings.index_dir / f".old-{settings.corpus}-{os.getpid()}"
        if final.exists():
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"built {len(items)} vectors for {len(clauses)} clauses in {time.perf_counter() - t0:.1f}s")
    store = _open_local(settings, manifest)
    if store is None:
        raise IndexError_("freshly built index does not open")
    return store


def _clean_stale_builds(settings: Settings) -> None:
    for p in settings.index_dir.glob(f".build-{settings.corpus}-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in settings.index_dir.glob(f".old-{settings.corpus}-*"):
        shutil.rmtree(p, ignore_errors=True)


def ensure_index(
    settings: Settings, embed_model: Any, *, force: bool = False, progress: bool | None = None
) -> VectorStore:
    """Open the index, building it first when missing, stale or damaged (or when forced)."""
    progress = sys.stderr.isatty() if progress is None else progress
    manifest = manifest_for(settings, embed_model)
    with _lock(settings):
        if settings.chroma_host:
            from .index_server import server_store

            return server_store(settings, embed_model, manifest, force, progress)
        _clean_stale_builds(settings)
        if not force:
            store = _open_local(settings, manifest)
            if store is not None:
                return store
        _forget_client(settings.store_dir)
        return _build_local(settings, embed_model, manifest, progress)
