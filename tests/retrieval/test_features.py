"""The pure feature helpers: what the nearest-neighbour hits say, BM25, the pair matrix."""

import numpy as np
import pytest

from assistant.retrieval import PAIR_FEATURES, QUERY_FEATURES
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.features import dense_view, lexical, pair_matrix, query_row

INDEX_OF = {"a": 0, "b": 1, "c": 2, "d": 3}
N = len(INDEX_OF)
COL = {name: i for i, name in enumerate(PAIR_FEATURES)}


# ------------------------------------------------------------------ dense_view


def test_votes_count_only_the_top_ten_hits():
    hits = [("a", "clause", 0.9 - i * 0.01) for i in range(8)]
    hits += [("b", "situation", 0.8), ("zzz", "situation", 0.79)]  # an unknown id takes a rank
    hits += [("c", "keywords", 0.7), ("d", "clause", 0.6)]  # ranks 11 and 12: no vote
    view = dense_view(hits, INDEX_OF, N)
    assert view.votes.tolist() == [8, 1, 0, 0]


def test_clauses_not_hit_get_a_floor_under_the_weakest_hit():
    hits = [("a", "situation", 0.9), ("b", "clause", 0.5)]
    view = dense_view(hits, INDEX_OF, N)
    assert view.floor == pytest.approx(0.48)
    assert view.sit_max[1:] == pytest.approx([0.48] * 3)  # b was hit, but not by a situation
    assert view.sit_top3[2:] == pytest.approx([0.48] * 2)
    assert view.sit_max[0] == pytest.approx(0.9)


def test_sit_top3_averages_the_best_three_situations_padded_with_the_floor():
    hits = [
        ("a", "situation", 0.9),
        ("a", "situation", 0.8),
        ("a", "situation", 0.7),
        ("a", "situation", 0.6),
        ("b", "situation", 0.5),
        ("c", "clause", 0.4),
    ]
    view = dense_view(hits, INDEX_OF, N)
    floor = 0.38
    assert view.sit_top3[0] == pytest.approx(0.8)  # 0.9, 0.8, 0.7: the fourth is ignored
    assert view.sit_top3[1] == pytest.approx((0.5 + 2 * floor) / 3)
    assert view.sit_max[:2] == pytest.approx([0.9, 0.5])


def test_knn_votes_come_from_situations_and_sum_to_one():
    hits = [("a", "situation", 0.9), ("b", "situation", 0.85), ("c", "clause", 0.95)]
    view = dense_view(hits, INDEX_OF, N)
    assert view.knn.sum() == pytest.approx(1.0, abs=1e-6)
    assert view.knn[0] > view.knn[1] > 0 and view.knn[2] == 0 and view.knn[3] == 0


def test_no_hits_means_zeros():
    view = dense_view([], INDEX_OF, N)
    assert view.floor == 0.0
    assert not view.votes.any() and not view.knn.any()
    assert not view.sit_max.any() and not view.sit_top3.any()


# ------------------------------------------------------------------ lexical


@pytest.fixture
def bm25():
    clause_docs = [["gift", "client"], ["record", "secure"], ["sponsor", "pay"], ["warn"]]
    card_docs = [["present", "watch"], ["usb", "notes"], [], ["warning", "twice"]]
    return BM25Index(clause_docs), BM25Index(card_docs)


def test_no_tokens_means_zero_scores(bm25):
    lex = lexical(*bm25, [], N)
    for scores in (lex.raw_clause, lex.raw_card, lex.clause, lex.card, lex.mix):
        assert np.shape(scores) == (N,) and not np.any(scores)
    unknown = lexical(*bm25, ["pizza"], N)  # words no clause has
    assert not unknown.raw_clause.any() and not unknown.mix.any()


def test_scores_are_normalised_to_the_best_clause(bm25):
    lex = lexical(*bm25, ["gift", "watch", "usb"], N)
    assert lex.clause.max() == pytest.approx(1.0, abs=1e-6) and lex.clause.argmax() == 0
    assert lex.card.max() == pytest.approx(1.0, abs=1e-6)
    assert lex.mix == pytest.approx(0.5 * (lex.clause + lex.card))
    assert lex.raw_clause.max() > 0 and lex.tokens == ["gift", "watch", "usb"]


def test_without_cards_the_mix_is_the_clause_score(bm25):
    lex = lexical(bm25[0], None, ["sponsor"], N)
    assert not lex.card.any()
    assert lex.mix == pytest.approx(lex.clause) and lex.mix.argmax() == 2


# ------------------------------------------------------------------ pair_matrix


KIND = np.array(["principle", "principle", "definition", "sanction"])
MASKS = (
    (KIND == "definition").astype(np.float32),
    (KIND == "sanction").astype(np.float32),
    np.zeros(N, np.float32),
)


def matrix(query: str, bm25) -> np.ndarray:
    view = dense_view([("a", "situation", 0.7), ("c", "clause", 0.5)], INDEX_OF, N)
    sims = tuple(np.array([0.7, 0.2, 0.5, 0.1], np.float32) for _ in range(4))
    clf = np.array([0.6, 0.2, 0.1, 0.1], np.float32)
    lex = lexical(*bm25, ["gift"], N)
    return pair_matrix(query, sims, view, clf, lex, MASKS)


def test_pair_matrix_has_one_row_per_clause_and_one_column_per_feature(bm25):
    X = matrix("a client gave me a gift", bm25)
    assert X.shape == (N, len(PAIR_FEATURES)) and X.dtype == np.float32
    assert X[:, COL["d_gap"]].max() == 0.0 and X[:, COL["clf_gap"]].max() == 0.0
    assert X[:, COL["is_definition"]].tolist() == [0, 0, 1, 0]
    assert X[:, COL["is_sanction"]].tolist() == [0, 0, 0, 1]
    assert X[:, COL["rrf"]].argmax() == 0  # best by both dense and BM25


@pytest.mark.parametrize(
    "query, definition, sanction",
    [
        ("a client gave me a gift", False, False),
        ("What is the definition of a sponsor?", True, False),
        ("who counts as a client", True, False),
        ("Could I be suspended for this?", False, True),
        ("what are the penalties for a breach", False, True),
    ],
)
def test_question_flags_mark_definition_and_sanction_clauses(bm25, query, definition, sanction):
    X = matrix(query, bm25)
    assert X[:, COL["defq_definition"]].tolist() == ([0, 0, 1, 0] if definition else [0] * N)
    assert X[:, COL["sanq_sanction"]].tolist() == ([0, 0, 0, 1] if sanction else [0] * N)


def test_query_row_leaves_top_score_and_margin_for_fusion(bm25):
    lex = lexical(*bm25, ["gift", "pizza"], N)
    d_max = np.array([0.7, 0.2, 0.5, 0.1], np.float32)
    votes = np.array([3, 1, 0, 0], np.float32)
    row = query_row(d_max, d_max * 0.9, lex, 0.5, votes, np.full(N, 0.25), 0.8)
    assert row.shape == (len(QUERY_FEATURES),)
    got = dict(zip(QUERY_FEATURES, row.tolist(), strict=True))
    assert got["top_score"] == 0.0 and got["margin"] == 0.0
    assert got["top_d_max"] == pytest.approx(0.7) and got["top_votes"] == 3
    assert got["known_share"] == 0.5 and got["p_scope"] == pytest.approx(0.8)
    assert got["n_tokens"] == pytest.approx(np.log1p(2))
