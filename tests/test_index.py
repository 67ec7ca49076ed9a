"""The index: build, reopen without re-embedding, rebuild on change, recover from damage."""

import json
import shutil

import pytest

from assistant.index import ensure_index


def test_build_then_reopen_without_reembedding(mini_settings, fake_embed):
    store = ensure_index(mini_settings, fake_embed)
    n = store.count()
    assert n >= 10 and store.manifest["entries"] == n
    calls = fake_embed.calls
    again = ensure_index(mini_settings, fake_embed)
    assert again.count() == n
    assert fake_embed.calls == calls  # nothing re-embedded
    m = json.loads((mini_settings.store_dir / "manifest.json").read_text())
    assert {"corpus_sha256", "weights_sha256", "model", "settings", "versions"} <= set(m)


def test_rebuilds_when_settings_change(mini_settings, fake_embed):
    first = ensure_index(mini_settings, fake_embed)
    changed = mini_settings.model_copy(update={"use_cards": False})
    second = ensure_index(changed, fake_embed)
    assert second.manifest["fingerprint"] != first.manifest["fingerprint"]
    assert second.count() == 10  # clause vectors only


def test_rebuilds_when_corpus_changes(mini_settings, fake_embed, tmp_path, capsys):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(mini_settings.corpus_dir, corpus_dir)
    s = mini_settings.model_copy(update={"corpus_dir": corpus_dir})
    first = ensure_index(s, fake_embed)
    path = corpus_dir / "mini-code.clauses.json"
    data = json.loads(path.read_text())
    data["clauses"] = data["clauses"][:-1]
    path.write_text(json.dumps(data))
    second = ensure_index(s, fake_embed)
    assert second.manifest["corpus_sha256"] != first.manifest["corpus_sha256"]
    assert "corpus_sha256" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage", ["delete-dir", "drop-manifest", "bad-manifest", "truncate-sqlite", "corrupt-sqlite"]
)
def test_recovers_from_damage(mini_settings, fake_embed, damage, capsys):
    store = ensure_index(mini_settings, fake_embed)
    n = store.count()
    d = mini_settings.store_dir
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
    store = ensure_index(mini_settings, fake_embed)
    assert store.count() == n
    assert "rebuild" in capsys.readouterr().err or damage == "delete-dir"


def test_force_rebuild_and_no_leftover_temp_dirs(mini_settings, fake_embed):
    ensure_index(mini_settings, fake_embed)
    ensure_index(mini_settings, fake_embed, force=True)
    leftovers = [p.name for p in mini_settings.index_dir.iterdir() if p.name.startswith(".build")]
    assert leftovers == []


def test_interrupted_build_leaves_serving_index_intact(mini_settings, fake_embed, monkeypatch):
    import assistant.index as ix

    good = ensure_index(mini_settings, fake_embed)

    def boom(*a, **k):
        raise KeyboardInterrupt("killed halfway")

    monkeypatch.setattr(ix, "_fill", boom)
    with pytest.raises(KeyboardInterrupt):
        ensure_index(mini_settings, fake_embed, force=True)
    monkeypatch.undo()
    again = ensure_index(mini_settings, fake_embed)
    assert again.manifest["fingerprint"] == good.manifest["fingerprint"]
    assert not list(mini_settings.index_dir.glob(".build-*"))


def test_fingerprint_follows_weights_not_install_path(mini_settings, tmp_path):
    """Two instances installed in different folders, same weights: one collection on a server."""
    from assistant.index import manifest_for

    class Model:
        def __init__(self, path):
            self.model_name = str(path)

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.safetensors").write_bytes(b"same weights")
    a = manifest_for(mini_settings, Model(tmp_path / "a"))
    b = manifest_for(mini_settings, Model(tmp_path / "b"))
    assert a["model"] != b["model"] and a["fingerprint"] == b["fingerprint"]
    (tmp_path / "b" / "model.safetensors").write_bytes(b"other weights")
    assert manifest_for(mini_settings, Model(tmp_path / "b"))["fingerprint"] != a["fingerprint"]
