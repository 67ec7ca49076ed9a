"""Scale-out: the index on a real ``chroma run`` server, several corpora side by side.

A module fixture starts ``chroma run`` on loopback (free port, tmp path), waits for its heartbeat
and stops it by its process id at the end. The IMC Code is indexed without cards here (79 vectors
instead of ~1,300) to keep the test fast; the mini corpus keeps its cards, so both kinds of entry
go through the server.
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
def embed_model():
    from assistant.embedding import real_embed_model
    from assistant.settings import Settings

    return real_embed_model(Settings())


def _settings(tmp: Path, server=None, **kw):
    from assistant.settings import Settings

    if server is not None:
        kw.update(chroma_host=server.host, chroma_port=server.port)
    return Settings(index_dir=tmp, **kw)


def _same(a, b) -> None:
    """Two answers agree: text, abstention, confidence, cited clauses and their scores."""
    assert (a.answer, a.abstained, a.confidence) == (b.answer, b.abstained, b.confidence)
    for x, y in ((a.citations, b.citations), (a.nearest, b.nearest)):
        assert [c.clause_id for c in x] == [c.clause_id for c in y]
        assert [c.score for c in x] == pytest.approx([c.score for c in y], abs=1e-5)


def _collections(server) -> dict[str, int]:
    from assistant.index_server import _http_client

    client = _http_client(_settings(Path("."), server))
    return {c.name: c.count() for c in client.list_collections()}


def test_two_corpora_side_by_side_answer_like_the_embedded_store(
    chroma_server, embed_model, tmp_path, capsys
):
    from assistant import Assistant

    corpora = {
        "imc-code-of-ethics": (dict(use_cards=False), IMC_QUESTIONS),
        "mini-code": (
            dict(corpus="mini-code", corpus_dir=DATA, evals_dir=DATA / "evals"),
            _mini_questions(),
        ),
    }
    served_in: dict[str, str] = {}
    for name, (kw, questions) in corpora.items():
        served = Assistant.load(
            _settings(tmp_path / "srv", chroma_server, **kw), embed_model=embed_model
        )
        local = Assistant.load(_settings(tmp_path / "local", **kw), embed_model=embed_model)
        served_in[name] = served.retriever.store.manifest["collection"]
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
        _settings(tmp_path / "srv", chroma_server, use_cards=False), embed_model=embed_model
    )
    assert "building" not in capsys.readouterr().err  # reopened, not re-embedded
    assert again.retriever.store.manifest["collection"] == imc


def test_cli_asks_through_the_server(chroma_server, tmp_path):
    """`--chroma-url` and `--corpus` on the command line: same answer as the embedded store."""
    from assistant import Assistant
    from assistant.cli import answer_json

    q = _mini_questions()[0]
    r = run_cli(
        *("--chroma-url", chroma_server.url, "--corpus", "mini-code"),
        *("--index-dir", str(tmp_path), "ask", q, "--json"),
        env={"IMC_CORPUS_DIR": str(DATA)},
    )
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    got = json.loads(r.stdout)
    kw = dict(corpus="mini-code", corpus_dir=DATA)
    local = Assistant.load(_settings(tmp_path / "local", **kw))  # the model tuned on mini's cards
    assert "tuned-mini-code-" in local.retriever.embed_model.model_name
    want = answer_json(local.ask(q))
    assert (got["answer"], got["abstained"]) == (want["answer"], want["abstained"])
    assert [c["clause_id"] for c in got["citations"]] == [c["clause_id"] for c in want["citations"]]
    assert not (tmp_path / "mini-code").exists()  # the vectors live on the server
    assert any(n.startswith("mini-code-") for n in _collections(chroma_server))


def test_chroma_host_and_port_variables_select_the_server(
    chroma_server, fake_embed, tmp_path, monkeypatch
):
    from assistant.index import ensure_index
    from assistant.settings import Settings

    monkeypatch.setenv("CHROMA_HOST", chroma_server.host)
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server.port))
    s = Settings(corpus_dir=DATA, corpus="mini-code", index_dir=tmp_path)
    assert (s.chroma_host, s.chroma_port) == (chroma_server.host, chroma_server.port)
    store = ensure_index(s, fake_embed)
    assert store.manifest["collection"] in _collections(chroma_server)
    assert not s.store_dir.exists()


def test_unreachable_server_is_a_clear_error(tmp_path, fake_embed):
    from assistant.index import IndexError_, ensure_index
    from assistant.settings import Settings

    s = Settings(
        corpus_dir=DATA,
        corpus="mini-code",
        index_dir=tmp_path,
        chroma_host="127.0.0.1",
        chroma_port=free_port(),
    )
    with pytest.raises(IndexError_, match="cannot reach the Chroma server"):
        ensure_index(s, fake_embed)


def test_older_builds_of_one_corpus_leave_other_corpora_alone(chroma_server, fake_embed, tmp_path):
    """Corpus names that share a prefix (mini-code, mini-code-v2) stay separate collections."""
    import shutil

    from assistant.index import ensure_index
    from assistant.settings import Settings

    corpus_dir = tmp_path / "corpus"
    shutil.copytree(DATA, corpus_dir)
    shutil.copy(corpus_dir / "mini-code.clauses.json", corpus_dir / "mini-code-v2.clauses.json")
    base = dict(
        corpus_dir=corpus_dir,
        index_dir=tmp_path / "ix",
        chroma_host=chroma_server.host,
        chroma_port=chroma_server.port,
    )
    v2 = ensure_index(Settings(corpus="mini-code-v2", **base), fake_embed)
    ensure_index(Settings(corpus="mini-code", **base), fake_embed, force=True)
    ensure_index(Settings(corpus="mini-code", use_cards=False, **base), fake_embed)
    names = _collections(chroma_server)
    assert v2.manifest["collection"] in names
    assert names[v2.manifest["collection"]] == v2.count()
    assert not any("-building-" in n for n in names)
