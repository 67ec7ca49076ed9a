"""Fine-tuning the model on the clause cards: keyed cache, atomic write, real training."""

import json
import shutil
from pathlib import Path

import pytest

from assistant.corpus import load_cards, load_corpus
from assistant.index import tune
from assistant.index.documents import training_pairs
from assistant.settings import replaced


@pytest.fixture
def tune_corpus(mini_settings, tmp_path):
    """The mini corpus, copied so a test may edit its cards."""
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(mini_settings.corpus.corpus_dir, corpus_dir)
    return load_corpus(replaced(mini_settings.corpus, corpus_dir=corpus_dir))


@pytest.fixture
def tune_index(mini_settings, tmp_path):
    return replaced(mini_settings.index, tuned_dir=tmp_path / "tuned")


@pytest.fixture
def said(monkeypatch):
    """The messages `ensure_tuned` logs."""
    messages = []
    monkeypatch.setattr(tune, "log", messages.append)
    return messages


def test_pairs_come_from_cards_and_clause_text(tune_corpus, tune_index):
    pairs = training_pairs(tune_corpus, tune_index.section_context)
    cards = json.loads(tune_corpus.cards_file.read_text())["cards"]
    assert len(pairs) == sum(len(c["situations"]) + bool(c["keywords"]) for c in cards)
    clauses = json.loads(tune_corpus.clauses_file.read_text())["clauses"]
    texts = {c["text"] for c in clauses}
    assert all(any(t in anchor for t in texts) for _, anchor in pairs)


def test_key_follows_cards_and_recipe(tune_corpus, tune_index, tmp_path, monkeypatch):
    base = tmp_path / "base"
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"weights")
    key = tune.tuned_key(tune_corpus, tune_index, base)
    assert tune.tuned_key(tune_corpus, tune_index, base) == key  # stable
    data = json.loads(tune_corpus.cards_file.read_text())
    data["cards"][0]["situations"].append("a new situation")
    tune_corpus.cards_file.write_text(json.dumps(data))
    load_cards.cache_clear()
    changed_cards = load_corpus(tune_corpus.settings)
    assert tune.tuned_key(changed_cards, tune_index, base) != key
    monkeypatch.setattr(tune, "EPOCHS", 2)
    changed = tune.tuned_key(changed_cards, tune_index, base)
    monkeypatch.setattr(tune, "EPOCHS", 1)
    assert changed != tune.tuned_key(changed_cards, tune_index, base)


def test_failed_training_leaves_nothing_behind(tune_corpus, tune_index, monkeypatch, said):
    def boom(settings, base, pairs, out, progress):
        out.mkdir(parents=True)
        (out / "half-written").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(tune, "_train", boom)
    with pytest.raises(KeyboardInterrupt):
        tune.ensure_tuned(tune_corpus, tune_index, tune_index.resolved_model_path())
    root = tune_index.tuned_dir
    assert not [
        p for p in root.iterdir() if p.name.startswith((".tuned-", ".tuning-")) and p.is_dir()
    ]


@pytest.mark.slow
def test_real_training_is_cached(tune_corpus, tune_index, said):
    """The shipped recipe (mpnet, top layers), real optimiser: the tuned folder loads and is
    reused while nothing changes, and two builds give the same bytes."""
    from sentence_transformers import SentenceTransformer

    base = tune_index.resolved_model_path()
    path = tune.ensure_tuned(tune_corpus, tune_index, base)
    assert any("fine-tuning" in m for m in said)
    assert (path / tune.MARKER).exists() and path.parent == tune_index.tuned_dir
    model = SentenceTransformer(str(path), device="cpu")
    tuned = model.encode(["a gift from a client"], normalize_embeddings=True)
    base_vec = SentenceTransformer(str(base), device="cpu").encode(
        ["a gift from a client"], normalize_embeddings=True
    )
    assert tuned.shape == base_vec.shape and abs(tuned - base_vec).max() > 1e-4  # it did train
    said.clear()
    assert tune.ensure_tuned(tune_corpus, tune_index, base) == path
    assert not said  # cached: no training
    # Deterministic: a second machine-identical build gets the same bytes (so the same index
    # fingerprint, hence the same collection on a shared Chroma server).
    other = replaced(tune_index, tuned_dir=tune_index.tuned_dir / "again")
    again = tune.ensure_tuned(tune_corpus, other, base)
    assert (again / "model.safetensors").read_bytes() == (path / "model.safetensors").read_bytes()


def test_real_assistant_uses_the_tuned_model(real_assistant):
    name = real_assistant.retriever.embedder.model_id
    assert "/.tuned-imc-code-of-ethics-" in name
    assert Path(str(real_assistant.index_info()["model"])).resolve() == Path(name).resolve()


@pytest.mark.slow
def test_two_processes_tune_once(tune_corpus, tune_index):
    """Two processes starting on a fresh clone (say the app and a CLI call): one trains, the
    other waits on the lock and reuses the result."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; "
        "from assistant.corpus import load_corpus; from assistant.index import tune; "
        "from assistant.settings import CorpusSettings, IndexSettings; "
        "tune.log = lambda m: print('LOG', m); "
        "c = load_corpus(CorpusSettings(name='mini-code', corpus_dir=Path(sys.argv[1]))); "
        "s = IndexSettings(index_dir=Path(sys.argv[2]), tuned_dir=Path(sys.argv[2])); "
        "print(tune.ensure_tuned(c, s, s.resolved_model_path()))"
    )
    corpus_dir, tuned_dir = tune_corpus.settings.corpus_dir, tune_index.tuned_dir
    args = [sys.executable, "-c", code, str(corpus_dir), str(tuned_dir)]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    paths = {o.strip().splitlines()[-1] for o in outs}
    assert len(paths) == 1
    assert sum("LOG fine-tuning" in o for o in outs) == 1
    tuned = [p for p in tuned_dir.iterdir() if p.is_dir()]
    assert [p.name for p in tuned] == [paths.pop().rsplit("/", 1)[-1]]


def test_batches_use_every_pair_once_and_never_repeat_a_clause():
    import random

    pairs = [(f"line {i} " + "x" * (i % 90), f"clause {i % 7}") for i in range(200)]
    batches = tune._batches(pairs, random.Random(0))
    used = [p for b in batches for p in b]
    assert len(set(used)) == len(used) and set(used) <= set(pairs)  # no pair twice
    assert len(used) >= len(pairs) - 3 * len(batches)  # only runts of < 4 pairs are dropped
    assert all(len({a for _, a in b}) == len(b) for b in batches)
    assert all(len(b) <= tune.BATCH for b in batches)
    assert batches == tune._batches(pairs, random.Random(0))  # deterministic for a seed


@pytest.mark.slow
def test_top_layer_recipe_saves_vectors_the_saved_model_reproduces(tmp_path, monkeypatch):
    """Training only the top layers from kept lower states, then saving the texts' vectors,
    must give the vectors the saved model computes itself: the index build uses them instead
    of embedding the texts again. Checked on the small model (BERT), top 2 of its 6 layers."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from assistant.index import tune_top
    from assistant.settings import IndexSettings

    monkeypatch.setattr(tune_top, "FROZEN_LAYERS", 4)
    base = IndexSettings(encoder="minilm").resolved_model_path()
    pairs = [(f"situation {i} about clause {i % 5}", f"clause {i % 5} text") for i in range(40)]
    batches = [pairs[i : i + 5] for i in range(0, 40, 5)]
    out = tmp_path / "tuned"
    tune_top.train_top_layers(base, batches, out, scale=20.0, warmup=0.1, seed=0)
    with np.load(out / "text-vectors.npz") as d:
        texts, stored = d["texts"].tolist(), d["vectors"]
    assert set(texts) == {t for p in pairs for t in p}
    model = SentenceTransformer(str(out), device="cpu")
    fresh = model.encode(texts, normalize_embeddings=True)
    assert np.min(np.sum(fresh * stored, axis=1)) > 0.999
    untouched = SentenceTransformer(str(base), device="cpu").encode(texts[:3])
    assert not np.allclose(untouched, model.encode(texts[:3]), atol=1e-4)  # it did train
