"""The embedding model: the bundled MiniLM (fine-tuned on the cards when enabled), loaded by path
through llama-index, its weights fingerprint, and the thread setting for builds."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from .corpus import sha256_file
from .settings import Settings, offline_environment


def log(message: str) -> None:
    print(f"[index] {message}", file=sys.stderr, flush=True)


def disable_llm() -> None:
    """No LLM is ever called: tell llama-index so (quietly; it prints a notice to stdout)."""
    import io

    from llama_index.core import Settings as LISettings

    with contextlib.redirect_stdout(io.StringIO()):
        LISettings.llm = None


def real_embed_model(settings: Settings) -> Any:
    """The bundled MiniLM through llama-index's HuggingFaceEmbedding, loaded by path (offline)."""
    offline_environment()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    disable_llm()
    path = settings.resolved_model_path()
    if settings.fine_tune and settings.use_cards and settings.cards_path.exists():
        from .tune import ensure_tuned

        path = ensure_tuned(settings, path, log=log)
    return HuggingFaceEmbedding(model_name=str(path), device="cpu", embed_batch_size=64)


def weights_sha256(weights: Path, cache_dir: Path) -> str:
    """SHA-256 of a weights file, cached in cache_dir by path, size and mtime (hashing 90 MB costs
    a cold start about 0.2 s)."""
    st = weights.stat()
    cache_file = cache_dir / ".weights-hash.json"
    key = f"{weights.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    try:
        cached = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cached = {}
    if not isinstance(cached, dict) or "key" in cached:  # the old one-entry format
        cached = {}
    if key in cached:
        return cached[key]
    digest = sha256_file(weights)
    cached = {k: v for k, v in cached.items() if Path(k.rsplit(":", 2)[0]).exists()}
    cached[key] = digest
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cached, indent=1))
        os.replace(tmp, cache_file)
    except OSError:
        pass
    return digest


def model_fingerprint(embed_model: Any, settings: Settings) -> dict[str, str]:
    """Model id and a hash of its weights (cached by file size and mtime)."""
    name = getattr(embed_model, "model_name", type(embed_model).__name__)
    custom = getattr(embed_model, "fingerprint", None)
    if custom:
        return {"model": name, "weights_sha256": custom}
    weights = Path(name) / "model.safetensors"
    if not weights.exists():
        return {"model": name, "weights_sha256": "unknown"}
    digest = weights_sha256(weights, settings.index_dir)
    return {"model": name, "weights_sha256": digest}


@contextlib.contextmanager
def build_threads():
    """All cores for embedding many texts. Questions run on one thread (`query_threads`), and a
    rebuild in the same process must not inherit that."""
    import torch

    before = torch.get_num_threads()
    cores = os.environ.get("OMP_NUM_THREADS", "")  # an explicit limit wins
    torch.set_num_threads(int(cores) if cores.isdigit() else len(os.sched_getaffinity(0)))
    try:
        yield
    finally:
        torch.set_num_threads(before)
