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


def test_two_processes_tune_once(tune_settings):
    """Two processes starting on a fresh clone (say the app and a CLI call): one trains, the
    other waits on the lock and reuses the result."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from assistant.settings import Settings; "
        "from assistant import tune; "
        "s = Settings(corpus_dir=Path(sys.argv[1]), corpus='mini-code', tuned_dir=Path(sys.argv[2])); "
        "print(tune.ensure_tuned(s, s.resolved_model_path(), log=lambda m: print('LOG', m)))"
    )
    args = [sys.executable, "-c", code, str(tune_settings.corpus_dir), str(tune_settings.tuned_dir)]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    paths = {o.strip().splitlines()[-1] for o in outs}
    assert len(paths) == 1
    assert sum("LOG fine-tuning" in o for o in outs) == 1
    tuned = [p for p in tune_settings.tuned_dir.iterdir() if p.is_dir()]
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
