"""Many staff on one server: 20 concurrent gradio_client clients, 10 different questions each,
over loopback against the live app. Zero errors, every answer identical to the single-user
answer, p95 latency printed. And two processes building one index at once (the file lock)."""

import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from assistant.evaluation import split_cases
from assistant.settings import CorpusSettings
from tests.conftest import DATA, ROOT

N_CLIENTS, PER_CLIENT = 20, 10


def _key(out: dict) -> tuple:
    return (
        out.get("answer"),
        out.get("abstained"),
        tuple((c["clause_id"], c["score"]) for c in out.get("citations", [])),
    )


@pytest.mark.slow
def test_twenty_concurrent_clients(live_app):
    questions = [c.question for c in split_cases(CorpusSettings().evals_dir, "dev")]
    questions = questions[: N_CLIENTS * 2]
    single = Client(live_app.url, verbose=False)
    expected = {q: _key(single.predict(question=q, history=[], api_name="/ask")) for q in questions}

    def user(i: int) -> list[tuple[str, dict, float]]:
        client = Client(live_app.url, verbose=False)
        mine = [questions[(i + j) % len(questions)] for j in range(PER_CLIENT)]
        out = []
        for q in mine:
            t0 = time.perf_counter()
            out.append(
                (
                    q,
                    client.predict(question=q, history=[], api_name="/ask"),
                    time.perf_counter() - t0,
                )
            )
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=N_CLIENTS) as pool:
        results = [r for rs in pool.map(user, range(N_CLIENTS)) for r in rs]
    wall = time.perf_counter() - t0
    assert len(results) == N_CLIENTS * PER_CLIENT
    errors = [out for _, out, _ in results if "error" in out]
    assert errors == []
    mismatched = [q for q, out, _ in results if _key(out) != expected[q]]
    assert mismatched == []
    lat = sorted(t for _, _, t in results)
    p95 = lat[int(0.95 * len(lat)) - 1]
    print(
        f"\n{len(results)} requests from {N_CLIENTS} clients in {wall:.1f}s: "
        f"p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    assert live_app.proc.poll() is None


BUILD = """
import sys
from assistant.corpus import load_corpus
from assistant.index import ensure_index
from assistant.settings import CorpusSettings, IndexSettings
from tests.fakes import fake_embedder
corpus = load_corpus(CorpusSettings(name="mini-code", corpus_dir=sys.argv[1]))
store = ensure_index(corpus, IndexSettings(index_dir=sys.argv[2]), fake_embedder(), force=True).store
print(store.count(), store.manifest["fingerprint"])
"""


def test_two_processes_building_at_once(tmp_path):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD, str(DATA), str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.decode()[-500:] for _, e in outs]
    results = {o.decode().strip() for o, _ in outs}
    assert len(results) == 1  # same count and fingerprint
    assert not list(tmp_path.glob(".build-*")) and not list(tmp_path.glob(".old-*"))
    again = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILD.replace("force=True", "force=False"),
            str(DATA),
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
    )
    assert again.stdout.decode().strip() == results.pop()
