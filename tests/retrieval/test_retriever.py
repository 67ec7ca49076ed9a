"""The retriever over the mini corpus with the fake embedder: rankings, fusions, scope and
confidence, and a constructor that only reads the index."""

from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.corpus import load_corpus
from assistant.index import ensure_index
from assistant.models import Ranking
from assistant.retrieval import PAIR_FEATURES, QUERY_FEATURES, RankerModel, Retriever
from assistant.settings import CorpusSettings, IndexSettings, RetrievalSettings, Settings
from tests.conftest import DATA
from tests.fakes import fake_embedder

QUESTIONS = [
    "My protege gave me an expensive watch",
    "I keep client notes on a USB stick",
    "What is the best pizza topping?",
    "define sponsor",
]


def model(abstain=0.5, high=0.9, medium=0.6, dense_threshold=0.3) -> RankerModel:
    """Thresholds only: no learned ranker or abstainer, so fusion falls back to RRF."""
    return RankerModel(None, None, abstain, high, medium, "dev", dense_threshold)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The mini corpus indexed once for this module with the fake embedder: the conftest's
    mini_settings, mini_corpus and fake_embed, module-wide (a build per test doubles the time)."""
    settings = Settings(
        corpus=CorpusSettings(name="mini-code", corpus_dir=DATA, evals_dir=DATA / "evals"),
        index=IndexSettings(index_dir=tmp_path_factory.mktemp("retriever") / "index"),
        retrieval=RetrievalSettings(fusion="rrf"),
    )
    corpus, embedder = load_corpus(settings.corpus), fake_embedder()
    index = ensure_index(corpus, settings.index, embedder, progress=False)
    return SimpleNamespace(settings=settings, corpus=corpus, embedder=embedder, index=index)


@pytest.fixture
def retriever(mini):
    """A fresh retriever per test: tests swap its model."""
    clauses, cards = mini.corpus.clauses, mini.corpus.cards
    return Retriever(mini.settings.retrieval, clauses, cards, mini.index, mini.embedder)


def test_rank_returns_every_clause_once_best_first(retriever):
    for q in QUESTIONS:
        r = retriever.rank(q)
        assert sorted(r.clause_ids) == sorted(c.id for c in retriever.clauses)
        assert len(r.clause_ids) == 10
        assert len(r.scores) == len(r.clause_ids)
        assert list(r.scores) == sorted(r.scores, reverse=True)
        assert 0.0 <= r.in_scope <= 1.0 and r.confidence in {"high", "medium", "low"}


def test_ranking_is_frozen(retriever):
    r = retriever.rank(QUESTIONS[0])
    assert isinstance(r, Ranking) and isinstance(r.clause_ids, tuple)
    with pytest.raises(ValidationError, match="frozen"):
        r.abstain = not r.abstain
    with pytest.raises(ValidationError, match="frozen"):
        r.timings.embed = 0.0


def test_stage_timings_are_filled(retriever):
    t = retriever.rank(QUESTIONS[1]).timings
    assert all(v > 0 for v in (t.embed, t.retrieve, t.features, t.fuse))


def test_features_have_one_row_per_clause(retriever):
    f = retriever.features(QUESTIONS[0])
    assert f.pair.shape == (10, len(PAIR_FEATURES))
    assert f.query.shape == (len(QUERY_FEATURES),)
    assert set(f.timings) == {"embed", "retrieve", "features"}


@pytest.mark.parametrize("fusion", ["dense", "bm25", "rrf"])
def test_each_fusion_ranks_every_clause(retriever, fusion):
    f = retriever.features("define sponsor")
    r = retriever.fuse(f, fusion)
    assert len(r.clause_ids) == 10
    assert list(r.scores) == sorted(r.scores, reverse=True)
    assert all(0.0 <= s <= 1.0 + 1e-6 for s in r.scores)
    assert r.clause_ids == retriever.rank("define sponsor", fusion).clause_ids


def test_fusions_follow_their_own_signal(retriever):
    """BM25 puts the clause naming the query's words first; RRF normalises its best to 1."""
    f = retriever.features("define sponsor")
    assert retriever.fuse(f, "bm25").clause_ids[0] == "D.sponsor"
    assert retriever.fuse(f, "rrf").scores[0] == pytest.approx(1.0, abs=1e-6)
    dense = retriever.fuse(f, "dense")
    best = retriever.clauses[int(np.argmax(f.pair[:, PAIR_FEATURES.index("d_max")]))].id
    assert dense.clause_ids[0] == best


def test_learned_fusion_without_a_ranker_falls_back_to_rrf(retriever):
    f = retriever.features(QUESTIONS[0])
    assert retriever.fuse(f, "learned").clause_ids == retriever.fuse(f, "rrf").clause_ids


def test_abstain_threshold_decides_scope(retriever):
    retriever.model = model(abstain=1.1)
    assert all(retriever.rank(q).abstain for q in QUESTIONS)
    retriever.model = model(abstain=-1.0)
    assert not any(retriever.rank(q).abstain for q in QUESTIONS)


def test_confidence_follows_the_model_thresholds(retriever):
    sure = dict(dense_threshold=-10.0)  # every query well in scope
    retriever.model = model(high=0.0, medium=0.0, **sure)
    assert {retriever.rank(q).confidence for q in QUESTIONS} == {"high"}
    retriever.model = model(high=2.0, medium=0.0, **sure)
    assert {retriever.rank(q).confidence for q in QUESTIONS} == {"medium"}
    retriever.model = model(high=2.0, medium=2.0, **sure)
    assert {retriever.rank(q).confidence for q in QUESTIONS} == {"low"}
    retriever.model = model(high=0.0, medium=0.0, dense_threshold=10.0)  # out of scope
    assert {retriever.rank(q).confidence for q in QUESTIONS} == {"medium"}


def test_confidence_levels_directly(retriever):
    retriever.model = model(high=0.9, medium=0.6)
    assert retriever.confidence(0.8, 0.95) == "high"
    assert retriever.confidence(0.4, 0.95) == "medium"  # high needs the query in scope
    assert retriever.confidence(0.8, 0.7) == "medium"
    assert retriever.confidence(0.8, 0.5) == "low"
    retriever.model = None
    assert retriever.confidence(0.5, 0.0) == "medium" and retriever.confidence(0.49, 1.0) == "low"
    assert retriever.abstains(0.49) and not retriever.abstains(0.5)


def test_a_low_score_is_refused_only_when_the_scope_classifier_agrees(retriever):
    """Unusual or emotional wording can score low; it is refused only if the question also looks
    like the off-scope examples. Otherwise it is answered with the hedge."""
    retriever.model = model(abstain=0.4)
    retriever.model.hedge_threshold = 0.8
    assert retriever.abstains(0.3, p_scope=0.2) and not retriever.hedges(0.3, p_scope=0.2)
    assert not retriever.abstains(0.3, p_scope=0.7) and retriever.hedges(0.3, p_scope=0.7)
    assert not retriever.abstains(0.5, p_scope=0.2) and retriever.hedges(0.5, p_scope=0.2)
    assert retriever.abstains(0.3)  # no scope classifier: the threshold alone decides


def test_constructing_a_retriever_fits_and_writes_nothing(
    mini_settings, mini_corpus, fake_embed, monkeypatch
):
    from sklearn.linear_model import LogisticRegression

    index = ensure_index(mini_corpus, mini_settings.index, fake_embed, progress=False)

    def no_fit(*args, **kwargs):
        raise AssertionError("the retriever fitted a model")

    monkeypatch.setattr(LogisticRegression, "fit", no_fit)
    folder = mini_settings.index.index_dir
    files = lambda: sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    before, calls = files(), fake_embed.llama.calls
    Retriever(mini_settings.retrieval, mini_corpus.clauses, mini_corpus.cards, index, fake_embed)
    assert files() == before
    assert fake_embed.llama.calls == calls  # nothing embedded either
