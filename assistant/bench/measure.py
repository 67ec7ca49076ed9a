"""Benchmark measurements: cold start, warm latency by stage, throughput, build time, memory.

Cold starts, throughput and `ask`'s memory: fresh ``python -m assistant`` processes (what a user
runs); warm latency and index builds: in this process, model loaded once.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ..api import Assistant
from ..corpus import Corpus, load_corpus
from ..errors import QuestionError
from ..index import TUNED_MARKER, Embedder, LlamaEmbedder, ensure_index, ensure_tuned, forget_client
from ..models import Ranking
from ..retrieval import Features
from ..settings import Fusion, Settings, replaced

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers", "chromadb", "llama_index")

# Used when the eval files are absent: realistic questions of mentors, trainers and staff.
BUILTIN_QUESTIONS = [
    "My mentee offered me shares in her start-up instead of my fee. Can I accept?",
    "Can I tell my mentee's manager what we discussed in our sessions?",
    "I want to date someone I mentored last year, is that allowed?",
    "Where should I keep my session notes and for how long?",
    "My mentee asked me for legal advice about his divorce. What should I do?",
    "Is it ok to mentor two people from the same team who are competing for a promotion?",
    "The sponsor wants a report on my mentee's progress. What can I share?",
    "What happens if a member breaches the code?",
    "Can IMC suspend my membership for a complaint?",
    "What does the code mean by a sponsor?",
    "Who counts as a client?",
    "I think my mentee is in danger of harming himself. Can I break confidentiality?",
    "I'm not qualified in finance but my mentee wants help with investments.",
    "Should I tell a new mentee that I used to work with her boss?",
    "Can I advertise myself as an accredited mentor before I finish the course?",
    "My mentee gave me a bottle of wine at Christmas. Do I need to decline it?",
    "How often should I get supervision for my mentoring practice?",
    "Can I share a mentee's story anonymously in a training workshop?",
    "A mentee keeps cancelling sessions at the last minute. Can I end the relationship?",
    "I was asked to mentor my own line report. Is that a conflict?",
    "Do I need a written contract before the first session?",
    "What should I do if I see another mentor behaving unethically?",
    "Can I recommend my friend's consultancy to my mentee?",
    "How do I handle a mentee who wants to become friends on social media?",
    "What are the values of the code?",
    "What does 1.C.4 say?",
    "My mentee disclosed fraud at her company. What are my obligations?",
    "Is it acceptable to record our sessions on my phone?",
    "How do I end a mentoring relationship that isn't working?",
    "What should I charge per hour as a new mentor?",
]


def machine() -> dict[str, Any]:
    """Cores, RAM, CPU model, OS and library versions (read without importing torch)."""

    def version(pkg: str) -> str | None:
        with contextlib.suppress(metadata.PackageNotFoundError):
            return metadata.version(pkg)
        return None

    cpu, ram_gb = platform.processor() or "unknown", None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "torch": version("torch"),
        "sentence_transformers": version("sentence-transformers"),
        "chromadb": version("chromadb"),
        "llama_index_core": version("llama-index-core"),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def shown(path: Path | str) -> str:
    """A path as written into results meant for the repository: relative to the project root
    when inside it, so committed figures do not carry one machine's folders."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def load_questions(evals_dir: Path) -> tuple[list[str], str]:
    """All eval questions (dev + test), or the built-in list when the files are absent."""
    qs: list[str] = []
    for split in ("dev", "test"):
        path = evals_dir / f"{split}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                qs.append(json.loads(line)["question"])
    if qs:
        return qs, f"{shown(evals_dir)}/dev+test.jsonl"
    return list(BUILTIN_QUESTIONS), "built-in list"


def pct(values: Sequence[float], q: float) -> float:  # shared with scale.py
    """Nearest-rank percentile (q in 0..1); NaN for no values."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def ms(x: float) -> float:
    return round(1000 * x, 2)


# ---------------------------------------------------------------------------- subprocesses


@dataclass
class Run:
    """One fresh process: time to its first output byte, to its exit, and its peak RSS."""

    argv: list[str]
    first_output_s: float | None
    wall_s: float
    maxrss_mb: float
    returncode: int
    stdout: bytes
    stderr: str
    line_times: list[float] = field(default_factory=list)


def run_process(
    argv: Sequence[str], env: dict[str, str], timeout: float = 600, lines: bool = False
) -> Run:
    """Run a process, timing its output; peak RSS comes from wait4 on this very child."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        first, chunks, stamps = None, [], []
        try:
            while b := (p.stdout.readline() if lines else p.stdout.read1(65536)):
                stamps.append(time.perf_counter() - t0)
                first = stamps[0]
                chunks.append(b)
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        p.stdout.close()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    rss = round(usage.ru_maxrss / 1024, 1)  # KiB on Linux
    lt = stamps if lines else []
    return Run(list(argv), first, wall, rss, p.returncode, b"".join(chunks), stderr, lt)


def check(run: Run, what: str) -> Run:
    if run.returncode != 0:
        tail = run.stderr.strip().splitlines()[-5:]
        raise RuntimeError(f"{what} failed (exit {run.returncode}): " + " | ".join(tail))
    return run


IMPORT_ONLY = (
    "import sys\n"
    "from assistant.cli import build_parser\n"
    "from assistant.cli.common import load_assistant\n"
    "load_assistant(build_parser().parse_args(sys.argv[1:] + ['ask', 'x']))\n"
    "print('ready', flush=True)\n"
)


def heavy_imports(argv: Sequence[str], env: dict[str, str]) -> list[str]:
    """Heavy top-level packages a command imports (from ``python -X importtime``)."""
    run = check(run_process([sys.executable, "-X", "importtime", *argv[1:]], env), "importtime")
    found = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip().split(".")[0]
            if name in HEAVY:
                found.add(name)
    return sorted(found)


def cold_starts(
    cmds: dict[str, list[str]], env: dict[str, str], repeats: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Median time to first output over `repeats` fresh processes per command, interleaved."""
    runs: dict[str, list[Run]] = {k: [] for k in cmds}
    for i in range(repeats):
        for name, argv in cmds.items():
            runs[name].append(check(run_process(argv, env), f"cold {name}"))
        log(f"cold start: round {i + 1}/{repeats} done")
    out: dict[str, Any] = {}
    for name, rs in runs.items():
        firsts = [r.first_output_s or r.wall_s for r in rs]
        out[name] = {
            "median_s": round(statistics.median(firsts), 3),
            "runs_s": [round(x, 3) for x in firsts],
            "exit_median_s": round(statistics.median(r.wall_s for r in rs), 3),
            "peak_rss_mb": max(r.maxrss_mb for r in rs),
        }
    return out


def throughput(argv: list[str], questions: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    """`ask --batch FILE --json` in one fresh process: total and steady-state questions/s."""
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as d:
        path = Path(d) / "questions.txt"
        path.write_text("\n".join(q.replace("\n", " ") for q in questions) + "\n", "utf-8")
        run = check(run_process([*argv, "--batch", str(path), "--json"], env, lines=True), "batch")
    n, t = len(run.line_times), run.line_times
    steady = (n - 1) / (t[-1] - t[0]) if n > 1 and t[-1] > t[0] else float("nan")
    return {
        "questions": n,
        "wall_s": round(run.wall_s, 2),
        "first_answer_s": round(t[0], 2) if t else None,
        "total_qps": round(n / run.wall_s, 2),
        "steady_qps": round(steady, 2),
        "peak_rss_mb": run.maxrss_mb,
    }


# ---------------------------------------------------------------------------- in process


def warm_ask(assistant: Assistant, questions: Sequence[str], warmup: int = 3) -> dict[str, Any]:
    """Latency of `Assistant.ask` per question, split into embed, retrieve, fuse and compose."""
    captured: list[dict[str, float]] = []
    original = assistant.retriever.fuse

    # Every ranking, by `ask` (features then fuse) or `rank`, ends in `fuse`, whose result
    # carries the stage timings.
    def fuse(features: Features, fusion: Fusion | None = None) -> Ranking:
        r = original(features, fusion)
        captured.append(r.timings.model_dump())
        return r

    assistant.retriever.fuse = fuse
    try:
        for q in questions[:warmup]:
            with contextlib.suppress(QuestionError):
                assistant.ask(q)
        totals: list[float] = []
        stages: dict[str, list[float]] = {"embed": [], "retrieve": [], "fuse": [], "compose": []}
        for q in questions:
            captured.clear()
            t0 = time.perf_counter()
            try:
                assistant.ask(q)
            except QuestionError:
                continue
            total = time.perf_counter() - t0
            tm = {k: sum(c.get(k, 0.0) for c in captured) for k in ("embed", "retrieve")}
            tm["fuse"] = sum(c.get("features", 0.0) + c.get("fuse", 0.0) for c in captured)
            tm["compose"] = max(0.0, total - tm["embed"] - tm["retrieve"] - tm["fuse"])
            totals.append(total)
            for k, v in tm.items():
                stages[k].append(v)
    finally:
        del assistant.retriever.fuse  # back to the class method
    return {
        "questions": len(totals),
        "p50_ms": ms(statistics.median(totals)),
        "p95_ms": ms(pct(totals, 0.95)),
        "mean_ms": ms(statistics.fmean(totals)),
        "stages": {
            k: {"p50_ms": ms(statistics.median(v)), "p95_ms": ms(pct(v, 0.95))}
            for k, v in stages.items()
        },
    }


@contextlib.contextmanager
def count_embedded(embedder: Embedder) -> Iterator[list[int]]:
    """Count the texts (not queries) the model embeds inside the block."""
    counted: list[int] = []
    many = embedder.embed_documents
    model = embedder.llama if isinstance(embedder, LlamaEmbedder) else None
    cls = type(model) if model is not None else None
    if cls is not None:  # llama-index's build calls the model directly
        one, batch = cls._get_text_embedding, cls._get_text_embeddings
        cls._get_text_embedding = lambda self, t: (counted.append(1), one(self, t))[1]
        cls._get_text_embeddings = lambda self, ts: (counted.append(len(ts)), batch(self, ts))[1]
    if cls is None:  # otherwise the model's own methods see every text: count once
        embedder.embed_documents = lambda ts: (counted.append(len(ts)), many(ts))[1]
    try:
        yield counted
    finally:
        if cls is None:
            del embedder.embed_documents
        if cls is not None:
            cls._get_text_embedding, cls._get_text_embeddings = one, batch


def _build_phase(s: Settings, corpus: Corpus, embedder: Embedder) -> dict[str, float]:
    """One open-or-build, timed for the store alone and until the assistant can answer."""
    with count_embedded(embedder) as counted:
        t0 = time.perf_counter()
        index = ensure_index(corpus, s.index, embedder, progress=False)
        t1 = time.perf_counter()
        Assistant.load(s, embedder=embedder)
        t2 = time.perf_counter()
    return {"store_s": t1 - t0, "s": t2 - t0, "texts": sum(counted), "vectors": index.store.count()}


def index_build(settings: Settings, embedder: Embedder, fine_tune: bool = True) -> dict[str, Any]:
    """Cold build into a fresh folder, then the no-change re-open (which must not re-embed).
    With `fine_tune`, also the one-off fine-tuning on the cards that precedes a build from scratch
    (redone only when the cards, clauses or base weights change).

    Each is timed twice: the vector store alone (`ensure_index`, which also fits the classifiers
    of a new build) and everything until the assistant can answer (`Assistant.load` with the
    model already loaded).
    """
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    index_settings = replaced(settings.index, index_dir=tmp, chroma_host=None)
    s = Settings(
        corpus=settings.corpus,
        index=index_settings,
        retrieval=settings.retrieval,
        answer=settings.answer,
    )
    corpus = load_corpus(s.corpus)
    out: dict[str, Any] = {"corpus": corpus.name}
    try:
        for phase in ("cold", "incremental"):
            forget_client()  # reopen as a fresh process would
            r = _build_phase(s, corpus, embedder)
            out[f"{phase}_store_s"] = round(r["store_s"], 3)
            out[f"{phase}_s"] = round(r["s"], 3)
            out[f"{phase}_texts_embedded"] = r["texts"]
            out["vectors"] = r["vectors"]
        out["reembedded"] = out["incremental_texts_embedded"] > 0
        if fine_tune and settings.index.fine_tune:
            t0 = time.perf_counter()
            tuned_settings = replaced(index_settings, tuned_dir=tmp)
            tuned = ensure_tuned(corpus, tuned_settings, index_settings.resolved_model_path())
            out["fine_tune_s"] = round(time.perf_counter() - t0, 1)
            out["fine_tune_pairs"] = json.loads((tuned / TUNED_MARKER).read_text())["pairs"]
            out["from_scratch_s"] = round(out["fine_tune_s"] + out["cold_s"], 1)
        return out
    finally:
        forget_client()
        shutil.rmtree(tmp, ignore_errors=True)
