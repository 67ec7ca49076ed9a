"""Fine-tuning the model on the clause cards: keyed cache, atomic write, real training."""

import json
import shutil

import pytest

from assistant import tune


@pytest.fixture
def tune_settings(mini_settings, tmp_path):
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(mini_settings.corpus_dir, corpus_dir)
    return mini_settings.model_copy(
        update={"corpus_dir": corpus_dir, "tuned_dir": tmp_path / "tuned"}
    )


def test_pairs_come_from_cards_and_clause_text(tune_settings):
    pairs = tune.training_pairs(tune_settings)
    cards = json.loads(tune_settings.cards_path.read_text())["cards"]
    assert len(pairs) == sum(len(c["situations"]) + bool(c["keywords"]) for c in cards)
    clauses = json.loads(tune_settings.clauses_path.read_text())["clauses"]
    texts = {c["text"] for c in clauses}
    assert all(any(t in anchor for t in texts) for _, anchor in pairs)


def test_key_follows_cards_and_recipe(tune_settings, tmp_path, monkeypatch):
    base = tmp_path / "base"
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"weights")
    key = tune.tuned_key(tune_settings, base)
    assert tune.tuned_key(tune_settings, base) == key  # stable
    data = json.loads(tune_settings.cards_path.read_text())
    data["cards"][0]["situations"].append("a new situation")
    tune_settings.cards_path.write_text(json.dumps(data))
    tune.load_cards.cache_clear()
    assert tune.tuned_key(tune_settings, base) != key
    monkeypatch.setattr(tune, "EPOCHS", 2)
    changed = tune.tuned_key(tune_settings, base)
    monkeypatch.setattr(tune, "EPOCHS", 1)
    assert changed != tune.tuned_key(tune_settings, base)


def test_failed_training_leaves_nothing_behind(tune_settings, tmp_path, monkeypatch):
    def boom(base, pairs, out):
        out.mkdir(parents=True)
        (out / "half-written").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(tune, "train", boom)
    with pytest.raises(KeyboardInterrupt):
        tune.ensure_tuned(tune_settings, tune_settings.resolved_model_path(), log=lambda m: None)
    root = tune_settings.tuned_dir
    assert not [
        p for p in root.iterdir() if p.name.startswith((".tuned-", ".tuning-")) and p.is_dir()
    ]


def test_real_training_is_cached(tune_settings):
    """Real MiniLM, real optimiser: the tuned folder loads and is reused while nothing changes."""
    from sentence_transformers import SentenceTransformer

    base = tune_settings.resolved_model_path()
    said = []
    path = tune.ensure_tuned(tune_settings, base, log=said.append)
    assert any("fine-tuning" in m for m in said)
    assert (path / tune.MARKER).exists() and path.parent == tune_settings.tuned_dir
    model = SentenceTransformer(str(path), device="cpu")
    tuned = model.encode(["a gift from a client"], normalize_embeddings=True)
    base_vec = SentenceTransformer(str(base), device="cpu").encode(
        ["a gift from a client"], normalize_embeddings=True
    )
    assert tuned.shape == base_vec.shape and abs(tuned - base_vec).max() > 1e-4  # it did train
    said.clear()
    assert tune.ensure_tuned(tune_settings, base, log=said.append) == path
    assert not said  # cached: no training
    # Deterministic: a second machine-identical build gets the same bytes (so the same index
    # fingerprint, hence the same collection on a shared Chroma server).
    other = tune_settings.model_copy(update={"tuned_dir": tune_settings.tuned_dir / "again"})
    again = tune.ensure_tuned(other, base, log=said.append)
    assert (again / "model.safetensors").read_bytes() == (path / "model.safetensors").read_bytes()


def test_real_assistant_uses_the_tuned_model(real_assistant):
    name = real_assistant.retriever.embed_model.model_name
    assert "/.tuned-imc-code-of-ethics-" in name
    assert real_assistant.retriever.store.manifest["model"] == name
