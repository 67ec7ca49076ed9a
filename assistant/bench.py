"""Benchmark measurements: cold start, warm latency by stage, throughput, build time, memory.

Cold starts, throughput and `ask`'s memory: fresh ``python -m assistant`` processes (what a user
runs); warm latency and index builds: in this process, model loaded once. Stdlib-only imports.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
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
        return qs, f"{evals_dir}/dev+test.jsonl"
    return list(BUILTIN_QUESTIONS), "built-in list"


def pct(values: Sequence[float], q: float) -> float:
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
    "from assistant.cli import _load_assistant, build_parser\n"
    "_load_assistant(build_parser().parse_args(sys.argv[1:] + ['ask', 'x']))\n"
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


def warm_ask(assistant: Any, questions: Sequence[str], warmup: int = 3) -> dict[str, Any]:
    """Latency of `Assistant.ask` per question, split into embed, retrieve, fuse and compose."""
    from .guard import QuestionError

    captured: list[dict[str, float]] = []
    original = assistant.retriever.rank

    def rank(query: str, fusion: str | None = None) -> Any:
        r = original(query, fusion)
        captured.append(dict(r.timings))
        return r

    assistant.retriever.rank = rank
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
        del assistant.retriever.rank  # back to the class method
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
def count_embedded(embed_model: Any):
    """Count the texts (not queries) the model embeds inside the block."""
    cls, counted = type(embed_model), []
    one, many = cls._get_text_embedding, cls._get_text_embeddings
    cls._get_text_embedding = lambda self, t: (counted.append(1), one(self, t))[1]
    cls._get_text_embeddings = lambda self, ts: (counted.append(len(ts)), many(self, ts))[1]
    try:
        yield counted
    finally:
        cls._get_text_embedding, cls._get_text_embeddings = one, many


def index_build(settings: Any, embed_model: Any, fine_tune: bool = True) -> dict[str, Any]:
    """Cold build into a fresh folder, then the no-change re-open (which must not re-embed).
    With `fine_tune`, also the one-off fine-tuning on the cards that precedes a build from scratch
    (redone only when the cards, clauses or base weights change).

    Each is timed twice: the vector store alone (`ensure_index`) and everything until the
    assistant can answer (`Assistant.load` with the model already loaded: it also fits, or reads
    from the index folder, the classifiers derived from the index).
    """
    from .api import Assistant
    from .index import _forget_client, ensure_index

    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    s = settings.model_copy(update={"index_dir": tmp, "chroma_host": None})
    out: dict[str, Any] = {"corpus": s.corpus}
    try:
        for phase in ("cold", "incremental"):
            _forget_client(s.store_dir)  # reopen as a fresh process would
            with count_embedded(embed_model) as counted:
                t0 = time.perf_counter()
                store = ensure_index(s, embed_model, progress=False)
                t1 = time.perf_counter()
                Assistant.load(s, embed_model=embed_model)
                t2 = time.perf_counter()
            out[f"{phase}_store_s"] = round(t1 - t0, 3)
            out[f"{phase}_s"] = round(t2 - t0, 3)
            out[f"{phase}_texts_embedded"] = sum(counted)
            out["vectors"] = store.count()
        out["reembedded"] = out["incremental_texts_embedded"] > 0
        if fine_tune and settings.fine_tune:
            from .tune import MARKER, ensure_tuned

            t0 = time.perf_counter()
            tuned = ensure_tuned(s.model_copy(update={"tuned_dir": tmp}), s.resolved_model_path())
            out["fine_tune_s"] = round(time.perf_counter() - t0, 1)
            out["fine_tune_pairs"] = json.loads((tuned / MARKER).read_text())["pairs"]
            out["from_scratch_s"] = round(out["fine_tune_s"] + out["cold_s"], 1)
        return out
    finally:
        _forget_client(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
