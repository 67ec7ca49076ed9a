"""Smoke test of `bench --quick --json`: every figure is reported. No timing assertions here:
the speed targets are checked (and printed) by the bench command itself."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, run_cli

FIGURES = {
    "machine": {"cpu", "cores", "ram_gb", "python", "torch", "loadavg_start", "loadavg_end"},
    "config": {"corpus", "clauses", "store", "questions", "quick", "repeats"},
    "cold_start": {"ask", "lookup", "clauses", "ask_import_only", "ask_ratio", "heavy_imports"},
    "warm_ask": {"questions", "p50_ms", "p95_ms", "stages", "load_s"},
    "throughput": {"questions", "total_qps", "steady_qps", "wall_s", "first_answer_s"},
    "index_build": {"cold_s", "cold_store_s", "incremental_s", "incremental_store_s", "reembedded"},
    "memory": {"ask_peak_rss_mb", "app_peak_rss_mb", "app"},
    "scaling": {"rows", "plot", "seed", "queries"},
}


@pytest.mark.slow  # the real model, fine-tuned on the mini corpus, in many fresh processes
def test_bench_quick_json_reports_every_figure(tmp_path):
    out = tmp_path / "out"
    r = run_cli(
        *("--corpus", "mini-code", "--index-dir", str(tmp_path / "index")),
        *("bench", "--quick", "--json", "--out", str(out), "--scale-sizes", "60"),
        env={"IMC_CORPUS_DIR": str(DATA), "IMC_EVALS_DIR": str(DATA / "evals")},
        timeout=600,
    )
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    res = json.loads(r.stdout)  # stdout holds the JSON object only
    for section, keys in FIGURES.items():
        assert keys <= set(res[section]), (section, keys - set(res[section]))
    for cmd in ("ask", "lookup", "clauses", "ask_import_only"):
        assert {"median_s", "runs_s", "peak_rss_mb"} <= set(res["cold_start"][cmd])
    assert set(res["warm_ask"]["stages"]) == {"embed", "retrieve", "fuse", "compose"}
    assert res["cold_start"]["heavy_imports"] == {"lookup": [], "clauses": []}
    assert res["index_build"]["reembedded"] is False
    assert res["index_build"]["incremental_texts_embedded"] == 0
    (row,) = res["scaling"]["rows"]
    assert row["clauses"] == 60
    assert {"build_s", "p50_ms", "p95_ms", "p50_no_embed_ms", "stages_p50_ms"} <= set(row)
    assert (out / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "bench.json").read_text())["targets"] == res["targets"]
    assert {t["name"] for t in res["targets"]} >= {
        "warm ask p50",
        "index build from scratch incl. fine-tuning",
    }
