"""Small helpers shared by the index modules: the build log, thread control and weight hashes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ..corpus import sha256_file

VECTORS_FILE = "text-vectors.npz"  # beside tuned weights: the vectors of the texts they saw


def log(message: str) -> None:
    print(f"[index] {message}", file=sys.stderr, flush=True)


def disable_llm() -> None:
    """No LLM is ever called: tell llama-index so (quietly; it prints a notice to stdout)."""
    from llama_index.core import Settings as LISettings

    with contextlib.redirect_stdout(io.StringIO()):
        LISettings.llm = None


@contextlib.contextmanager
def build_threads() -> Iterator[None]:
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


def weights_sha256(weights: Path, cache_dir: Path) -> str:
    """SHA-256 of a weights file, cached in cache_dir by path, size and mtime (hashing a large
    file on every cold start would be wasted time)."""
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
