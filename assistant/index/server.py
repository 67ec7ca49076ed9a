"""Server mode of the index: one collection per corpus and fingerprint on a `chroma run` server.

The manifest travels in the collection metadata; a build goes to a temporary collection that is
renamed when complete, and older builds of the same corpus are then deleted.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from ..corpus import Corpus
from ..errors import IndexBuildError
from ..settings import IndexSettings
from .documents import entries
from .embedder import Embedder
from .runtime import log
from .store import Manifest, VectorStore, chroma_settings, fill_collection, new_collection


def _http_client(settings: IndexSettings) -> Any:
    """A client of the ``chroma run`` server named by the settings, checked with a heartbeat."""
    import chromadb

    where = f"{settings.chroma_host}:{settings.chroma_port}"
    try:
        client = chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings()
        )
        client.heartbeat()
    except Exception as exc:
        raise IndexBuildError(
            f"cannot reach the Chroma server at {where} ({type(exc).__name__}: "
            f"{str(exc)[:160]}); start one with `chroma run --path DIR --host HOST --port PORT`"
        ) from exc
    return client


def _server_names(client: Any) -> set[str]:
    return {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}


def _is_build_of(name: str, corpus: str) -> bool:
    """True for a finished build of exactly this corpus: ``<corpus>-<16 hex digits>``.

    Not for another corpus whose name merely starts with this one (``mini-code`` vs
    ``mini-code-v2-…``) nor for another process's ``…-building-<pid>`` collection.
    """
    rest = name[len(corpus) + 1 :] if name.startswith(f"{corpus}-") else ""
    return len(rest) == 16 and all(ch in "0123456789abcdef" for ch in rest)


def server_store(
    corpus: Corpus,
    settings: IndexSettings,
    embedder: Embedder,
    manifest: Manifest,
    force: bool,
    progress: bool,
) -> VectorStore:
    """The corpus's collection on a Chroma server, built first when missing, partial or forced.

    One collection per corpus and fingerprint, ``<corpus>-<fingerprint[:16]>``, so several
    corpora (and app instances) share one server. A build fills ``…-building-<pid>`` and renames it
    when complete. Older builds of the corpus are listed, not dropped: an instance not yet
    upgraded may still be reading one.
    """
    client = _http_client(settings)
    name = f"{corpus.name}-{manifest['fingerprint'][:16]}"
    items = entries(corpus, use_cards=settings.use_cards, section_context=settings.section_context)
    full = {**manifest, "entries": len(items), "collection": name}
    existing = _server_names(client)
    if name in existing and not force:
        col = client.get_collection(name, embedding_function=None)
        if col.count() == len(items):
            return VectorStore(col, full)
        log(f"collection {name} on the server is incomplete: rebuilding")
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    log(f"building collection {name} on chroma server {where}")
    building = f"{name}-building-{os.getpid()}"
    if building in existing:
        client.delete_collection(building)
    col = new_collection(client, building, full)
    try:
        fill_collection(col, items, embedder, progress)
        if col.count() != len(items):
            raise IndexBuildError(f"server build of {name} is incomplete")
        if name in _server_names(client):
            client.delete_collection(name)
        col.modify(name=name)
    except Exception:
        with contextlib.suppress(Exception):
            client.delete_collection(building)
        if name not in _server_names(client):
            raise
        log(f"collection {name} was built meanwhile by another process: using it")
    except BaseException:  # interrupted: leave no half-built collection behind
        with contextlib.suppress(Exception):
            client.delete_collection(building)
        raise
    older = sorted(n for n in _server_names(client) if n != name and _is_build_of(n, corpus.name))
    if older:
        log(f"older builds of {corpus.name} on the server (drop when unused): {older}")
    return VectorStore(client.get_collection(name, embedding_function=None), full)
