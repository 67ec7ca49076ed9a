"""Scale-out: the index on a real ``chroma run`` server, several corpora side by side.

A module fixture starts ``chroma run`` on loopback (free port, tmp path), waits for its heartbeat
and stops it by its process id at the end. The IMC Code is indexed without cards here (79 vectors
instead of ~1,300) to keep the test fast; the mini corpus keeps its cards, so both kinds of entry
go through the server. The real model is the session's fine-tuned one (waited for, never retrained
here); these tests deliberately build indexes of their own, on the server and beside it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import DATA, free_port, run_cli

CHROMA = Path(sys.executable).with_name("chroma")
IMC_QUESTIONS = [
    "My mentee offered me shares in her start-up instead of my fee. Can I accept?",
    "Can I tell my mentee's manager what we discussed in our sessions?",
    "What does the Code mean by a sponsor?",
    "How much should I charge per hour as a new mentor?",
]


def _mini_questions() -> list[str]:
    lines = (DATA / "evals" / "dev.jsonl").read_text().splitlines()
    return [json.loads(ln)["question"] for ln in lines if ln.strip()][:4]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115  (closed at teardown)
    proc = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(root / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"chroma run exited: {(root / 'server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            os.kill(proc.pid, signal.SIGKILL)
            pytest.fail("chroma run did not answer its heartbeat within 60 s")
        time.sleep(0.3)
    yield SimpleNamespace(url=url, host="127.0.0.1", port=port, pid=proc.pid, root=root)
    os.kill(proc.pid, signal.SIGTERM)  # stop it by its process id
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
    log.close()
    assert proc.returncode is not None


@pytest.fixture(scope="module")
def embed_model(real_settings):
    """The session's fine-tuned model (the session build made it: loading it trains nothing)."""
    from assistant.corpus import load_corpus
    from assistant.index import load_embedder

    return load_embedder(load_corpus(real_settings.corpus), real_settings.index)


MINI = dict(name="mini-code", corpus_dir=DATA, evals_dir=DATA / "evals")


def _server(server) -> dict:
    return dict(chroma_host=server.host, chroma_port=server.port)


def _settings(tmp: Path, server=None, corpus: dict | None = None, **index):
    """Settings with an index under `tmp` (on `server` if given) for a corpus (default: IMC)."""
    from assistant.settings import CorpusSettings, IndexSettings, Settings

    if server is not None:
        index.update(_server(server))
    return Settings(
        corpus=CorpusSettings(**(corpus or {})), index=IndexSettings(index_dir=tmp, **index)
    )


def _index(settings, embedder, force: bool = False):
    """The index of `settings` (built when needed), as `ensure_index` opens it."""
    from assistant.corpus import load_corpus
    from assistant.index import ensure_index

    return ensure_index(load_corpus(settings.corpus), settings.index, embedder, force=force)


def _same(a, b) -> None:
    """Two answers agree: text, abstention, confidence, cited clauses and their scores."""
    assert (a.answer, a.abstained, a.confidence) == (b.answer, b.abstained, b.confidence)
    for x, y in ((a.citations, b.citations), (a.nearest, b.nearest)):
        assert [c.clause_id for c in x] == [c.clause_id for c in y]
        assert [c.score for c in x] == pytest.approx([c.score for c in y], abs=1e-5)


def _collections(server) -> dict[str, int]:
    from assistant.index.server import _http_client
    from assistant.settings import IndexSettings

    client = _http_client(IndexSettings(**_server(server)))
    return {c.name: c.count() for c in client.list_collections()}


def test_two_corpora_side_by_side_answer_like_the_embedded_store(
    chroma_server, embed_model, tmp_path, capsys
):
    from assistant import Assistant

    corpora = {
        "imc-code-of-ethics": (dict(index=dict(use_cards=False)), IMC_QUESTIONS),
        "mini-code": (dict(corpus=MINI), _mini_questions()),
    }
    served_in: dict[str, str] = {}
    for name, (kw, questions) in corpora.items():
        corpus, index = kw.get("corpus"), kw.get("index", {})
        served = Assistant.load(
            _settings(tmp_path / "srv", chroma_server, corpus, **index), embedder=embed_model
        )
        local = Assistant.load(
            _settings(tmp_path / "local", None, corpus, **index), embedder=embed_model
        )
        served_in[name] = served.index_info()["collection"]
        assert served_in[name].startswith(f"{name}-")
        assert served.retriever.store.count() == local.retriever.store.count()
        for q in questions:
            _same(served.ask(q), local.ask(q))
        assert not (tmp_path / "srv" / name).exists()  # nothing stored locally in server mode

    names = _collections(chroma_server)  # separate collections, one per corpus
    imc, mini = served_in["imc-code-of-ethics"], served_in["mini-code"]
    assert imc != mini and {imc, mini} <= set(names)
    assert names[imc] == 79 and names[mini] > 10  # mini-code: clauses and card entries

    capsys.readouterr()
    again = Assistant.load(
        _settings(tmp_path / "srv", chroma_server, use_cards=False), embedder=embed_model
    )
    assert "building" not in capsys.readouterr().err  # reopened, not re-embedded
    assert again.index_info()["collection"] == imc


def test_cli_asks_through_the_server(chroma_server, real_artifacts, tmp_path):
    """`--chroma-url` and `--corpus` on the command line: same answer as the embedded store.

    A true subprocess, on purpose with an index of its own (another corpus, on the server); the
    session's tuned-model folder is shared, so the mini corpus's model is tuned once."""
    from assistant import Assistant

    q = _mini_questions()[0]
    r = run_cli(
        *("--chroma-url", chroma_server.url, "--corpus", "mini-code"),
        *("--index-dir", str(tmp_path), "ask", q, "--json"),
        env={"IMC_CORPUS_DIR": str(DATA)},
    )
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    got = json.loads(r.stdout)
    mini = dict(name="mini-code", corpus_dir=DATA)
    local = Assistant.load(_settings(tmp_path / "local", None, mini))  # model tuned on mini's cards
    assert "tuned-mini-code-" in local.retriever.embedder.model_id
    want = local.ask(q).as_json()
    assert (got["answer"], got["abstained"]) == (want["answer"], want["abstained"])
    assert [c["clause_id"] for c in got["citations"]] == [c["clause_id"] for c in want["citations"]]
    assert not (tmp_path / "mini-code").exists()  # the vectors live on the server
    assert any(n.startswith("mini-code-") for n in _collections(chroma_server))


def test_chroma_host_and_port_variables_select_the_server(
    chroma_server, fake_embed, tmp_path, monkeypatch
):
    monkeypatch.setenv("CHROMA_HOST", chroma_server.host)
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server.port))
    s = _settings(tmp_path, None, MINI)
    assert (s.index.chroma_host, s.index.chroma_port) == (chroma_server.host, chroma_server.port)
    store = _index(s, fake_embed).store
    assert store.manifest["collection"] in _collections(chroma_server)
    assert not s.index.store_dir(s.corpus.name).exists()


def test_unreachable_server_is_a_clear_error(tmp_path, fake_embed):
    from assistant.errors import IndexBuildError

    s = _settings(tmp_path, None, MINI, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(IndexBuildError, match="cannot reach the Chroma server"):
        _index(s, fake_embed)


def test_older_builds_of_one_corpus_leave_other_corpora_alone(chroma_server, fake_embed, tmp_path):
    """Corpus names that share a prefix (mini-code, mini-code-v2) stay separate collections."""
    import shutil

    corpus_dir = tmp_path / "corpus"
    shutil.copytree(DATA, corpus_dir)
    shutil.copy(corpus_dir / "mini-code.clauses.json", corpus_dir / "mini-code-v2.clauses.json")
    ix = tmp_path / "ix"
    v2_corpus = dict(name="mini-code-v2", corpus_dir=corpus_dir)
    mini = dict(name="mini-code", corpus_dir=corpus_dir)
    v2 = _index(_settings(ix, chroma_server, v2_corpus), fake_embed).store
    _index(_settings(ix, chroma_server, mini), fake_embed, force=True)
    _index(_settings(ix, chroma_server, mini, use_cards=False), fake_embed)
    names = _collections(chroma_server)
    assert v2.manifest["collection"] in names
    assert names[v2.manifest["collection"]] == v2.count()
    assert not any("-building-" in n for n in names)
