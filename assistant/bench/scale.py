"""Scaling benchmark: synthetic corpora recombined from the Code's sentences, built and queried.

A synthetic corpus has the same files and schema as the real one (``<name>.txt`` and
``<name>.clauses.json``, see corpus/README.md), with ids ``X.1`` .. ``X.N``. Each clause is 1 to 3
sentences of the source corpus drawn with a fixed seed, so every size is reproducible. The build
uses the real embedding model and the embedded Chroma store; retrieval is `Retriever.rank` with
reciprocal-rank fusion and no cards or learned ranker (neither exists for synthetic text).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..corpus import load_corpus
from ..index import Embedder, ensure_index
from ..models import Clause
from ..retrieval import Retriever
from ..settings import CorpusSettings, Settings, replaced
from .measure import pct

SEED = 20240607
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def sentences(clauses: Sequence[Clause]) -> list[str]:
    """The distinct sentences of a corpus (3 words or more), in corpus order."""
    seen: dict[str, None] = {}
    for c in clauses:
        for s in _SENTENCE.split(c.text):
            s = s.strip()
            if len(s.split()) >= 3:
                seen.setdefault(s, None)
    return list(seen)


def synthetic_clauses(base: Sequence[Clause], n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """`n` clause records (dicts in the clauses.json schema, offsets not yet set)."""
    rng = random.Random(seed)
    pool = sentences(base)
    if not pool:
        raise ValueError("the base corpus has no sentences to recombine")
    kinds = [c.kind for c in base]
    titles = {k: [c.title for c in base if c.kind == k] for k in set(kinds)}
    sections = sorted({c.section_title for c in base})
    seen: set[str] = set()
    out = []
    for i in range(1, n + 1):
        k = rng.choice((1, 2, 2, 3))
        for attempt in range(30):
            text = " ".join(rng.sample(pool, min(len(pool), k + attempt // 10)))
            if text not in seen:
                break
        seen.add(text)
        kind = rng.choice(kinds)
        sec = (i - 1) // 50 + 1
        out.append(
            {
                "id": f"X.{i}",
                "kind": kind,
                "part": "X",
                "part_title": "Synthetic",
                "part_title_inferred": True,
                "section": f"s{sec}",
                "section_title": rng.choice(sections),
                "section_title_inferred": True,
                "item": str(i),
                "title": rng.choice(titles[kind]),
                "title_inferred": True,
                "text": text,
                "start": 0,
                "end": 0,
            }
        )
    return out


def write_synthetic_corpus(
    base: Sequence[Clause], n: int, corpus_dir: Path, seed: int = SEED
) -> str:
    """Write ``synthetic-<n>.txt`` and ``.clauses.json`` into `corpus_dir`; return the name."""
    import hashlib

    name = f"synthetic-{n}"
    records = synthetic_clauses(base, n, seed)
    parts, pos = [], 0
    for r in records:
        r["start"], r["end"] = pos, pos + len(r["text"])
        parts.append(r["text"])
        pos = r["end"] + 2
    source = "\n\n".join(parts) + "\n"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    (corpus_dir / f"{name}.txt").write_text(source, encoding="utf-8")
    payload = {
        "source": f"{name}.txt",
        "source_sha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
        "note": f"Synthetic benchmark corpus: {n} clauses recombined from the Code, seed {seed}.",
        "clauses": records,
    }
    (corpus_dir / f"{name}.clauses.json").write_text(
        json.dumps(payload, ensure_ascii=False), encoding="utf-8"
    )
    return name


def measure_size(
    n: int,
    settings: Settings,
    embedder: Embedder,
    base: Sequence[Clause],
    queries: Sequence[str],
    workdir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build a synthetic corpus of `n` clauses, then time `Retriever.rank` over `queries`."""
    corpus_dir = workdir / f"corpus-{n}"
    index_dir = workdir / f"index-{n}"
    name = write_synthetic_corpus(base, n, corpus_dir)
    s = Settings(
        corpus=CorpusSettings(
            name=name, corpus_dir=corpus_dir, evals_dir=settings.corpus.evals_dir
        ),
        index=replaced(settings.index, index_dir=index_dir, chroma_host=None, use_cards=False),
        retrieval=replaced(settings.retrieval, fusion="rrf"),
        answer=settings.answer,
    )
    corpus = load_corpus(s.corpus)
    log(f"scaling: building {n} clauses")
    t0 = time.perf_counter()
    index = ensure_index(corpus, s.index, embedder, progress=False)
    build_s = time.perf_counter() - t0
    row: dict[str, Any] = {"clauses": n, "vectors": index.store.count()}
    row["build_s"] = round(build_s, 2)
    try:
        t0 = time.perf_counter()
        retriever = Retriever(s.retrieval, corpus.clauses, (), index, embedder, None)
        row["retriever_init_s"] = round(time.perf_counter() - t0, 2)
        row.update(_time_ranking(retriever, queries))
    except Exception as exc:  # keep the build time; report why retrieval could not be timed
        row["error"] = f"retrieval: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        del index
        shutil.rmtree(index_dir, ignore_errors=True)
        shutil.rmtree(corpus_dir, ignore_errors=True)
    log(f"scaling: {n} clauses built in {row['build_s']}s, rank p50 {row.get('p50_ms')} ms")
    return row


def _time_ranking(retriever: Retriever, queries: Sequence[str]) -> dict[str, Any]:
    for q in queries[:3]:  # warm-up
        retriever.rank(q, "rrf")
    totals, rest = [], []  # rest: everything but the query embedding (what grows with size)
    stages: dict[str, list[float]] = {"embed": [], "retrieve": [], "features": [], "fuse": []}
    for q in queries:
        t0 = time.perf_counter()
        r = retriever.rank(q, "rrf")
        totals.append(time.perf_counter() - t0)
        timings = r.timings.model_dump()
        rest.append(totals[-1] - timings["embed"])
        for k in stages:
            stages[k].append(timings[k])
    return {
        "queries": len(queries),
        "p50_ms": round(1000 * statistics.median(totals), 2),
        "p95_ms": round(1000 * pct(totals, 0.95), 2),
        "p50_no_embed_ms": round(1000 * statistics.median(rest), 2),
        "stages_p50_ms": {k: round(1000 * statistics.median(v), 2) for k, v in stages.items()},
    }


def plot(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """Retrieval latency and build time against corpus size, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    timed = [r for r in rows if "p50_ms" in r]
    built = [r for r in rows if "build_s" in r]
    sizes = [r["clauses"] for r in timed]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(sizes, [r["p50_ms"] for r in timed], "o-", label="p50")
    a.plot(sizes, [r["p95_ms"] for r in timed], "s--", label="p95")
    a.plot(sizes, [r["p50_no_embed_ms"] for r in timed], "^:", label="p50 without query embedding")
    a.axhline(100, color="grey", lw=0.8, ls=":", label="target p50 at 10k (100 ms)")
    a.set(xscale="log", xlabel="clauses", ylabel="ms", title="Retrieval latency (Retriever.rank)")
    a.legend()
    b.plot([r["clauses"] for r in built], [r["build_s"] for r in built], "o-", color="tab:red")
    b.set(xscale="log", yscale="log", xlabel="clauses", ylabel="seconds", title="Index build")
    for ax in (a, b):
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle("Synthetic corpora recombined from the Code (fixed seed)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
