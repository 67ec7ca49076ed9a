"""The whole benchmark run: every measurement, the targets, and the table printed for people.

`run(options)` measures; `format_table(result)` prints. The command line maps its flags onto
`BenchOptions`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..api import Assistant
from ..corpus import load_corpus
from ..index import Embedder
from ..models import Clause
from ..settings import Settings, offline_environment
from . import app_memory, measure, scale

DEFAULT_SIZES = "1000,10000"
QUICK_SIZES = "50,150"
_T0 = time.perf_counter()


class BenchOptions(BaseModel):
    """What to measure and how often."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quick: bool = Field(False, description="Few repetitions and tiny scaling sizes (smoke test).")
    out: Path | None = Field(None, description="Where the plot and results go (docs/bench).")
    scale_sizes: str | None = Field(None, description="Synthetic corpus sizes, comma-separated.")
    repeats: int | None = Field(None, ge=1, description="Fresh processes per cold start.")
    threads: int | None = Field(None, ge=1, description="Torch threads in measured processes.")
    profile: bool = Field(False, description="Also write pyinstrument profiles.")
    chroma_url: str | None = Field(None, description="The Chroma server measured, if any.")


def _log(msg: str) -> None:
    print(f"[bench {time.perf_counter() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def _global_flags(options: BenchOptions, settings: Settings) -> list[str]:
    flags = ["--corpus", settings.corpus.name, "--index-dir", str(settings.index.index_dir)]
    if options.chroma_url:
        flags += ["--chroma-url", options.chroma_url]
    return flags


def _env(threads: int | None) -> dict[str, str]:
    offline_environment()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if threads:  # OpenMP for builds; the assistant sets IMC_QUERY_THREADS after loading
        os.environ["IMC_QUERY_THREADS"] = str(threads)
        env.update(OMP_NUM_THREADS=str(threads), IMC_QUERY_THREADS=str(threads))
    return env


def _config(options: BenchOptions, settings: Settings, clauses, questions, source, repeats):
    return {
        "corpus": settings.corpus.name,
        "clauses": len(clauses),
        "store": f"chroma server {options.chroma_url}" if options.chroma_url else "embedded",
        "questions": len(questions),
        "questions_from": source,
        "quick": options.quick,
        "repeats": repeats,
        "threads": options.threads or f"default (questions: {settings.retrieval.query_threads})",
    }


def _processes(py: list[str], env, questions, clause_id, repeats, quick) -> dict[str, Any]:
    """Fresh processes: cold starts, heavy imports of the light commands, batch throughput."""
    measure.check(measure.run_process([*py, "index", "status"], env), "index status")
    ask_q = questions[0]
    cmds = {
        "lookup": [*py, "lookup", clause_id],
        "clauses": [*py, "clauses"],
        "ask_import_only": [sys.executable, "-c", measure.IMPORT_ONLY, *py[3:]],
        "ask": [*py, "ask", ask_q],
    }
    cold = measure.cold_starts(cmds, env, repeats, _log)
    cold["ask_ratio"] = round(cold["ask"]["median_s"] / cold["ask_import_only"]["median_s"], 2)
    cold["heavy_imports"] = {k: measure.heavy_imports(cmds[k], env) for k in ("lookup", "clauses")}
    n_batch = 20 if quick else len(questions)
    _log(f"throughput: ask --batch over {n_batch} questions")
    throughput = measure.throughput([*py, "ask"], questions[:n_batch], env)
    return {"cold_start": cold, "throughput": throughput}


def _app(settings: Settings, env, questions, quick) -> dict[str, Any]:
    _log("app: start the app and ask a few questions through its API")
    app_env = {**env, "IMC_CORPUS": settings.corpus.name}
    app_env["IMC_INDEX_DIR"] = str(settings.index.index_dir)
    app_env["IMC_CORPUS_DIR"] = str(settings.corpus.corpus_dir)
    if settings.index.chroma_host:
        app_env["CHROMA_HOST"] = settings.index.chroma_host
        app_env["CHROMA_PORT"] = str(settings.index.chroma_port)
    return app_memory.app_memory(app_env, questions[: 1 if quick else 5], _free_port())


def run(options: BenchOptions, settings: Settings) -> dict[str, Any]:
    quick = options.quick
    repeats = options.repeats or (1 if quick else 5)
    sizes_arg = options.scale_sizes
    if sizes_arg is None:
        sizes_arg = QUICK_SIZES if quick else DEFAULT_SIZES
    sizes = [int(x) for x in sizes_arg.replace(" ", "").split(",") if x]
    out_dir = options.out or measure.ROOT / "docs" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    env = _env(options.threads)
    py = [sys.executable, "-m", "assistant", *_global_flags(options, settings)]
    questions, source = measure.load_questions(settings.corpus.evals_dir)
    clauses = load_corpus(settings.corpus).clauses
    clause_id = next((c.id for c in clauses if c.kind == "principle"), clauses[0].id)
    res: dict[str, Any] = {"machine": measure.machine()}
    res["config"] = _config(options, settings, clauses, questions, source, repeats)
    t_start = time.perf_counter()
    # Fresh processes first, while this one is small: a child's peak RSS (wait4) starts from
    # its parent's RSS at fork time, so loading the model here first would inflate them all.
    _log("opening (or building) the index once before timing")
    res |= _processes(py, env, questions, clause_id, repeats, quick)
    res["memory"] = {"ask_peak_rss_mb": res["cold_start"]["ask"]["peak_rss_mb"]}
    app = _app(settings, env, questions, quick)
    res["memory"]["app_peak_rss_mb"] = app.pop("peak_rss_mb")
    res["memory"]["app"] = app
    _log("warm ask: loading the assistant in this process")
    if options.threads:
        import torch

        torch.set_num_threads(options.threads)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        assistant = Assistant.load(settings)
    warm_qs = questions[:40] if quick else questions
    res["warm_ask"] = {
        "load_s": round(time.perf_counter() - t0, 2),
        **measure.warm_ask(assistant, warm_qs),
    }
    if options.profile:
        res["profiles"] = _profiles(assistant, warm_qs, py, questions[0], env, out_dir)
    _log("index build: cold into a fresh folder, then with nothing changed")
    embedder = assistant.retriever.embedder
    res["index_build"] = measure.index_build(settings, embedder, fine_tune=not quick)
    res["scaling"] = _scaling(settings, embedder, clauses, questions, sizes, quick, out_dir)
    res["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    res["bench_s"] = round(time.perf_counter() - t_start, 1)
    res["targets"] = targets(res)
    (out_dir / "bench.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n")
    return res


def _free_port() -> int:
    import socket

    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scaling(
    settings: Settings,
    embedder: Embedder,
    clauses: tuple[Clause, ...],
    questions: list[str],
    sizes: list[int],
    quick: bool,
    out_dir: Path,
) -> dict[str, Any]:
    rows = []
    queries = questions[: 10 if quick else 50]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as work:
        for n in sizes:
            try:
                row = scale.measure_size(n, settings, embedder, clauses, queries, Path(work), _log)
            except Exception as exc:  # report the failure, go on with the other sizes
                _log(f"scaling: {n} clauses failed: {type(exc).__name__}: {exc}")
                row = {"clauses": n, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            rows.append(row)
    built = [r for r in rows if "build_s" in r]
    plot = measure.shown(scale.plot(built, out_dir / "scaling.png")) if built else None
    return {"seed": scale.SEED, "queries": len(queries), "rows": rows, "plot": plot}


def _profiles(assistant: Assistant, questions, py, question, env, out_dir) -> dict[str, str]:
    """pyinstrument text profiles of the warm asks (in process) and of one cold ask."""
    from pyinstrument import Profiler

    prof = Profiler(interval=0.0005)
    with prof:
        for q in questions:
            with contextlib.suppress(Exception):
                assistant.ask(q)
    warm = out_dir / "profile-warm-ask.txt"
    warm.write_text(prof.output_text(unicode=True, show_all=False))
    cold = out_dir / "profile-cold-ask.txt"
    argv = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(cold), *py[1:]]
    measure.check(measure.run_process([*argv, "ask", question], env), "cold ask profile")
    return {"warm_ask": measure.shown(warm), "cold_ask": measure.shown(cold)}


def targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and whether it is met."""
    cold, warm, build = res["cold_start"], res["warm_ask"], res["index_build"]
    ten_k = next(
        (r for r in res["scaling"]["rows"] if r["clauses"] == 10000 and "p50_ms" in r), None
    )
    rows = [
        ("warm ask p50", "<= 150 ms", warm["p50_ms"], warm["p50_ms"] <= 150),
        ("warm ask p95", "<= 300 ms", warm["p95_ms"], warm["p95_ms"] <= 300),
        ("lookup cold start", "< 1 s", cold["lookup"]["median_s"], cold["lookup"]["median_s"] < 1),
        (
            "clauses cold start",
            "< 1 s",
            cold["clauses"]["median_s"],
            cold["clauses"]["median_s"] < 1,
        ),
        (
            "lookup/clauses import no torch, transformers, chromadb",
            "none",
            sorted(set(cold["heavy_imports"]["lookup"] + cold["heavy_imports"]["clauses"])),
            not (cold["heavy_imports"]["lookup"] or cold["heavy_imports"]["clauses"]),
        ),
        ("ask cold start / import cost", "<= 1.5x", cold["ask_ratio"], cold["ask_ratio"] <= 1.5),
        (
            "index build from scratch incl. fine-tuning",
            "<= 600 s",
            build.get("from_scratch_s"),
            (build["from_scratch_s"] <= 600) if "from_scratch_s" in build else None,
        ),
        (
            "index build, nothing changed",
            "<= 2 s, no re-embedding",
            build["incremental_s"],
            build["incremental_s"] <= 2 and not build["reembedded"],
        ),
        (
            "10k clauses retrieval p50",
            "<= 100 ms",
            ten_k["p50_ms"] if ten_k else None,
            (ten_k["p50_ms"] <= 100) if ten_k else None,
        ),
    ]
    return [dict(name=n, target=t, value=v, met=m) for n, t, v, m in rows]


def _f(x: Any, unit: str = "", nd: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{nd}f}{unit}" if isinstance(x, float | int) else str(x)


def format_table(res: dict[str, Any]) -> str:
    """The human-readable report: machine, every figure, the targets, the scaling rows."""
    m, c, cold = res["machine"], res["config"], res["cold_start"]
    warm, tp, b, mem = res["warm_ask"], res["throughput"], res["index_build"], res["memory"]
    st = warm["stages"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['ram_gb']} GB RAM, {m['os']}",
        f"         Python {m['python']}, torch {m['torch']}, sentence-transformers "
        f"{m['sentence_transformers']}, chromadb {m['chromadb']}; load average "
        f"{m['loadavg_start']} at start, {m.get('loadavg_end')} at end",
        f"Corpus:  {c['corpus']} ({c['clauses']} clauses), {c['store']} store; "
        f"{c['questions']} questions ({c['questions_from']}); threads {c['threads']}",
        "",
    ]
    rows = [
        (f"Cold start, lookup (median of {c['repeats']})", _f(cold["lookup"]["median_s"], " s")),
        ("Cold start, clauses", _f(cold["clauses"]["median_s"], " s")),
        ("Cold start, ask: first answer", _f(cold["ask"]["median_s"], " s")),
        ("  ask's imports + model + index only", _f(cold["ask_import_only"]["median_s"], " s")),
        ("  ratio", _f(cold["ask_ratio"], "x")),
        (
            "  heavy imports: lookup / clauses",
            f"{', '.join(cold['heavy_imports']['lookup']) or 'none'} / "
            f"{', '.join(cold['heavy_imports']['clauses']) or 'none'}",
        ),
        (f"Warm ask p50 / p95 ({warm['questions']} q)", f"{warm['p50_ms']} / {warm['p95_ms']} ms"),
        *[(f"  {k} p50 / p95", f"{v['p50_ms']} / {v['p95_ms']} ms") for k, v in st.items()],
        (
            f"Throughput ask --batch ({tp['questions']} q)",
            f"{_f(tp['total_qps'])} q/s total, {_f(tp['steady_qps'])} q/s steady",
        ),
        (
            f"Index build, cold ({b['vectors']} vectors)",
            f"{_f(b['cold_s'], ' s')} (store {_f(b['cold_store_s'], ' s')}; "
            f"{b['cold_texts_embedded']} texts embedded)",
        ),
        (
            "Index build, nothing changed",
            f"{_f(b['incremental_s'], ' s', 3)} (store {_f(b['incremental_store_s'], ' s', 3)}; "
            f"{b['incremental_texts_embedded']} texts embedded)",
        ),
        (
            "Fine-tuning on the cards (once)",
            f"{_f(b.get('fine_tune_s'), ' s', 1)} ({b.get('fine_tune_pairs', 'n/a')} card lines; "
            f"from scratch with the cold build: {_f(b.get('from_scratch_s'), ' s', 1)})",
        ),
        ("Peak RSS, ask (fresh process)", _f(mem["ask_peak_rss_mb"], " MB", 0)),
        ("Peak RSS, app (VmHWM)", _f(mem["app_peak_rss_mb"], " MB", 0)),
    ]
    w = max(len(r[0]) for r in rows) + 2
    lines += [f"{name:<{w}}{value}" for name, value in rows]
    if mem["app"].get("note"):
        lines.append(f"{'':<{w}}({mem['app']['note']})")
    lines += _target_lines(res["targets"]) + _scaling_lines(res["scaling"])
    lines.append(f"\nbench took {res['bench_s']} s")
    return "\n".join(lines)


def _target_lines(targets_: list[dict[str, Any]]) -> list[str]:
    lines = ["", f"{'Target':<56}{'wanted':<26}{'measured':<14}met"]
    for t in targets_:
        met = {True: "yes", False: "NO", None: "n/a"}[t["met"]]
        value = ", ".join(t["value"]) or "none" if isinstance(t["value"], list) else t["value"]
        lines.append(f"{t['name']:<56}{t['target']:<26}{_f(value):<14}{met}")
    return lines


def _scaling_lines(sc: dict[str, Any]) -> list[str]:
    if not sc["rows"]:
        return []
    lines = [
        "",
        f"Scaling (synthetic corpora, seed {sc['seed']}; Retriever.rank, rrf, no cards; "
        f"{sc['queries']} queries; stage columns are p50 ms)",
        f"{'clauses':>9}{'vectors':>9}{'build s':>10}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'embed':>8}{'retrieve':>10}{'features':>10}{'fuse':>7}{'p50 w/o embed':>15}",
    ]
    for r in sc["rows"]:
        if "p50_ms" not in r:
            built = f"built in {r['build_s']} s; " if "build_s" in r else ""
            lines.append(f"{r['clauses']:>9}  {built}failed: {r['error']}")
            continue
        s = r["stages_p50_ms"]
        lines.append(
            f"{r['clauses']:>9}{r['vectors']:>9}{r['build_s']:>10}{r['p50_ms']:>9}"
            f"{r['p95_ms']:>9}{s['embed']:>8}{s['retrieve']:>10}{s['features']:>10}"
            f"{s['fuse']:>7}{r['p50_no_embed_ms']:>15}"
        )
    lines.append(f"Plot: {sc['plot']}")
    return lines
