"""The index: build, reopen without re-embedding, rebuild on change, recover from damage."""

import json
import shutil

import pytest

from assistant.corpus import load_corpus
from assistant.index import ensure_index
from assistant.settings import replaced


def build(corpus, settings, embedder, **kwargs):
    return ensure_index(corpus, settings.index, embedder, **kwargs).store


def test_build_then_reopen_without_reembedding(mini_settings, mini_corpus, fake_embed):
    store = build(mini_corpus, mini_settings, fake_embed)
    n = store.count()
    assert n >= 10 and store.manifest["entries"] == n
    calls = fake_embed.llama.calls
    again = build(mini_corpus, mini_settings, fake_embed)
    assert again.count() == n
    assert fake_embed.llama.calls == calls  # nothing re-embedded
    store_dir = mini_settings.index.store_dir(mini_corpus.name)
    m = json.loads((store_dir / "manifest.json").read_text())
    assert {"corpus_sha256", "weights_sha256", "model", "settings", "versions"} <= set(m)


def test_rebuilds_when_settings_change(mini_settings, mini_corpus, fake_embed):
    first = build(mini_corpus, mini_settings, fake_embed)
    no_cards = replaced(mini_settings.index, use_cards=False)
    second = ensure_index(mini_corpus, no_cards, fake_embed).store
    assert second.manifest["fingerprint"] != first.manifest["fingerprint"]
    assert second.count() == 10  # clause vectors only


def test_rebuilds_when_corpus_changes(mini_settings, fake_embed, tmp_path, capsys):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(mini_settings.corpus.corpus_dir, corpus_dir)
    corpus_settings = replaced(mini_settings.corpus, corpus_dir=corpus_dir)
    first = build(load_corpus(corpus_settings), mini_settings, fake_embed)
    path = corpus_dir / "mini-code.clauses.json"
    data = json.loads(path.read_text())
    data["clauses"] = data["clauses"][:-1]
    path.write_text(json.dumps(data))
    second = build(load_corpus(corpus_settings), mini_settings, fake_embed)
    assert second.manifest["corpus_sha256"] != first.manifest["corpus_sha256"]
    assert "corpus_sha256" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage", ["delete-dir", "drop-manifest", "bad-manifest", "truncate-sqlite", "corrupt-sqlite"]
)
def test_recovers_from_damage(mini_settings, mini_corpus, fake_embed, damage, capsys):
    store = build(mini_corpus, mini_settings, fake_embed)
    n = store.count()
    d = mini_settings.index.store_dir(mini_corpus.name)
    if damage == "delete-dir":
        shutil.rmtree(d)
    elif damage == "drop-manifest":
        (d / "manifest.json").unlink()
    elif damage == "bad-manifest":
        (d / "manifest.json").write_text('{"fingerprint": "stale"}')
    else:
        db = d / "chroma.sqlite3"
        raw = db.read_bytes()
        db.write_bytes(raw[: len(raw) // 3] if damage == "truncate-sqlite" else b"garbage" * 500)
    store = build(mini_corpus, mini_settings, fake_embed)
    assert store.count() == n
    assert "rebuild" in capsys.readouterr().err or damage == "delete-dir"


def test_force_rebuild_and_no_leftover_temp_dirs(mini_settings, mini_corpus, fake_embed):
    build(mini_corpus, mini_settings, fake_embed)
    build(mini_corpus, mini_settings, fake_embed, force=True)
    index_dir = mini_settings.index.index_dir
    leftovers = [p.name for p in index_dir.iterdir() if p.name.startswith(".build")]
    assert leftovers == []


def test_interrupted_build_leaves_serving_index_intact(
    mini_settings, mini_corpus, fake_embed, monkeypatch
):
    import assistant.index.local as local

    good = build(mini_corpus, mini_settings, fake_embed)

    def boom(*a, **k):
        raise KeyboardInterrupt("killed halfway")

    monkeypatch.setattr(local, "fill_collection", boom)
    with pytest.raises(KeyboardInterrupt):
        build(mini_corpus, mini_settings, fake_embed, force=True)
    monkeypatch.undo()
    again = build(mini_corpus, mini_settings, fake_embed)
    assert again.manifest["fingerprint"] == good.manifest["fingerprint"]
    assert not list(mini_settings.index.index_dir.glob(".build-*"))


def test_fingerprint_follows_weights_not_install_path(mini_settings, mini_corpus, tmp_path):
    """Two instances installed in different folders, same weights: one collection on a server."""
    from assistant.index.store import manifest_for

    class Model:
        """An embedder known by its folder only: its weights are hashed from disk."""

        fingerprint = None

        def __init__(self, path):
            self.model_id = str(path)

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.safetensors").write_bytes(b"same weights")
    index = mini_settings.index
    a = manifest_for(mini_corpus, index, Model(tmp_path / "a"))
    b = manifest_for(mini_corpus, index, Model(tmp_path / "b"))
    assert a["model"] != b["model"] and a["fingerprint"] == b["fingerprint"]
    (tmp_path / "b" / "model.safetensors").write_bytes(b"other weights")
    other = manifest_for(mini_corpus, index, Model(tmp_path / "b"))
    assert other["fingerprint"] != a["fingerprint"]
