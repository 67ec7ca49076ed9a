"""The embedded store: one Chroma ``PersistentClient`` folder per corpus under the index folder,
``manifest.json`` beside it. Builds go to a temporary folder and are swapped in atomically; a
stale, damaged or half-built store is never served."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from ..corpus import Corpus
from ..errors import IndexBuildError
from ..settings import IndexSettings
from .documents import entries
from .embedder import Embedder
from .runtime import log
from .store import (
    COLLECTION,
    Manifest,
    VectorStore,
    fill_collection,
    forget_client,
    new_collection,
    persistent_client,
)

_COMPARED = ("corpus_sha256", "cards_sha256", "weights_sha256", "settings", "versions", "format")


def _read_manifest(store_dir: Path) -> Manifest | None:
    try:
        return json.loads((store_dir / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def open_local(store_dir: Path, expected: Manifest) -> VectorStore | None:
    """The existing local store if its manifest matches and it opens cleanly, else None."""
    if not store_dir.exists():
        log(f"no index at {store_dir}: building it")
        return None
    found = _read_manifest(store_dir)
    if found is None:
        log("index manifest missing or unreadable: rebuilding")
        return None
    if found.get("fingerprint") != expected["fingerprint"]:
        changed = [k for k in _COMPARED if found.get(k) != expected.get(k)]
        log(f"index out of date ({', '.join(changed) or 'fingerprint'} changed): rebuilding")
        return None
    try:
        client = persistent_client(store_dir)
        collection = client.get_collection(COLLECTION)
        n = collection.count()
        if n != found.get("entries"):
            raise IndexBuildError(f"store holds {n} vectors, manifest says {found.get('entries')}")
        collection.peek(1)
    except Exception as exc:
        forget_client()
        log(f"index store is damaged ({type(exc).__name__}: {str(exc)[:120]}): rebuilding")
        return None
    return VectorStore(collection, found)


def build_local(
    corpus: Corpus,
    settings: IndexSettings,
    embedder: Embedder,
    manifest: Manifest,
    progress: bool,
) -> VectorStore:
    items = entries(corpus, use_cards=settings.use_cards, section_context=settings.section_context)
    root = settings.index_dir
    tmp = root / f".build-{corpus.name}-{os.getpid()}-{int(time.time())}"
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        client = persistent_client(tmp)
        collection = new_collection(client, COLLECTION, None)
        fill_collection(collection, items, embedder, progress)
        if collection.count() != len(items):
            raise IndexBuildError("build wrote an incomplete store")
        manifest = {**manifest, "entries": len(items), "built_at": time.time()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        del collection, client
        forget_client()
        final = settings.store_dir(corpus.name)
        old = root / f".old-{corpus.name}-{os.getpid()}"
        if final.exists():
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.perf_counter() - t0
    log(f"built {len(items)} vectors for {len(corpus.clauses)} clauses in {seconds:.1f}s")
    store = open_local(settings.store_dir(corpus.name), manifest)
    if store is None:
        raise IndexBuildError("freshly built index does not open")
    return store


def clean_stale_builds(root: Path, corpus: str) -> None:
    for p in [*root.glob(f".build-{corpus}-*"), *root.glob(f".old-{corpus}-*")]:
        shutil.rmtree(p, ignore_errors=True)
