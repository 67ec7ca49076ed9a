"""Training the learned ranker and abstainer on the mini corpus's dev split (fake embedder)."""

import json

import numpy as np
import pytest

from assistant.corpus import load_clauses
from assistant.evaluation import EvalCase
from assistant.evaluation.train import (
    MAX_FALSE_ABSTENTION,
    reaches_abstainer,
    threshold_at_budget,
    train,
)
from assistant.index import ensure_index
from assistant.retrieval import PAIR_FEATURES, QUERY_FEATURES, RankerModel, Retriever
from tests.conftest import DATA

# ------------------------------------------------------------------ threshold_at_budget


def test_threshold_lets_at_most_the_budget_of_in_scope_scores_fall_under():
    scores = np.linspace(0.0, 0.99, 100)
    thr = threshold_at_budget(scores, 0.5)
    below = (scores < thr).mean()
    assert below <= MAX_FALSE_ABSTENTION
    assert thr == pytest.approx(scores[int(MAX_FALSE_ABSTENTION * 100)], abs=1e-5)


def test_threshold_on_few_scores_sits_just_under_the_lowest():
    scores = [0.9, 0.4, 0.7]
    thr = threshold_at_budget(scores, 0.5)
    assert thr == pytest.approx(0.4 - 1e-6) and all(s >= thr for s in scores)


def test_threshold_without_scores_is_the_default():
    assert threshold_at_budget([], 0.3) == 0.3


def test_only_questions_the_abstainer_can_refuse_calibrate_it():
    """Topic questions, named clauses and questions about sanctions are answered by rules, so
    they must not pull the refusal threshold down."""

    def case(q, kind="dilemma"):
        gold = [] if kind == "out_of_scope" else ["1.C.2"]
        return EvalCase(id="x", question=q, gold=gold, kind=kind, persona="mentor")

    cases = [
        case("My client gave me an expensive watch as a thank-you"),
        case("which clauses cover trust?", "lookup"),
        case("what does 1.C.2 say?", "lookup"),
        case("what happens if I break the code?"),
        case("What's the best pizza topping?", "out_of_scope"),
    ]
    assert reaches_abstainer(cases, load_clauses()).tolist() == [True, False, False, False, True]


# ------------------------------------------------------------------ train


@pytest.fixture
def index(mini_settings, mini_corpus, fake_embed):
    return ensure_index(mini_corpus, mini_settings.index, fake_embed, progress=False)


def retriever_for(mini_settings, mini_corpus, index, embedder, model=None) -> Retriever:
    clauses, cards = mini_corpus.clauses, mini_corpus.cards
    return Retriever(mini_settings.retrieval, clauses, cards, index, embedder, model)


def test_train_writes_a_loadable_model_that_the_retriever_uses(
    mini_settings, mini_corpus, fake_embed, index, tmp_path
):
    retriever = retriever_for(mini_settings, mini_corpus, index, fake_embed)
    out = tmp_path / "mini-code.ranker.json"
    assert train(retriever, DATA / "evals", out) == out
    assert json.loads(out.read_text())["trained_on"] == "dev"
    model = RankerModel.load(out)
    assert model is not None and model.ranker is not None and model.abstainer is not None
    assert model.ranker.features == PAIR_FEATURES and len(model.ranker.coef) == len(PAIR_FEATURES)
    assert model.abstainer.features == QUERY_FEATURES
    assert 0.0 <= model.abstain_threshold <= model.hedge_threshold <= 1.0
    assert model.scope_veto == 0.5
    assert retriever.model == model  # in use at once

    features = retriever.features("My protege gave me an expensive watch")
    learned = retriever.fuse(features, "learned")
    expected = model.ranker.predict(features.pair)
    assert list(learned.scores) == pytest.approx(sorted(expected.tolist(), reverse=True))
    assert learned.clause_ids[0] == retriever.clauses[int(np.argmax(expected))].id
    row = features.query.copy()
    row[0], row[1] = learned.scores[0], learned.scores[0] - learned.scores[1]
    assert learned.in_scope == pytest.approx(float(model.abstainer.predict(row[None])[0]))
    assert learned.abstain == (learned.in_scope < model.abstain_threshold)


def test_a_new_retriever_with_the_loaded_model_ranks_the_same(
    mini_settings, mini_corpus, fake_embed, index, tmp_path
):
    trained = retriever_for(mini_settings, mini_corpus, index, fake_embed)
    out = tmp_path / "ranker.json"
    train(trained, DATA / "evals", out)
    loaded = retriever_for(mini_settings, mini_corpus, index, fake_embed, RankerModel.load(out))
    for q in ("I keep client notes on a USB stick", "What is the best pizza topping?"):
        a, b = trained.rank(q, "learned"), loaded.rank(q, "learned")
        assert (a.clause_ids, a.scores, a.in_scope, a.abstain, a.confidence) == (
            b.clause_ids,
            b.scores,
            b.in_scope,
            b.abstain,
            b.confidence,
        )


def test_training_is_deterministic(mini_settings, mini_corpus, fake_embed, index, tmp_path):
    retriever = retriever_for(mini_settings, mini_corpus, index, fake_embed)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    train(retriever, DATA / "evals", one)
    train(retriever, DATA / "evals", two)
    assert one.read_bytes() == two.read_bytes()


def test_missing_model_file_loads_as_none(tmp_path):
    assert RankerModel.load(tmp_path / "none.json") is None
