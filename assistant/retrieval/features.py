"""Per-query features of every clause: dense similarities (clause text, card lines, keywords,
card centroids, neighbour votes), the card classifier, BM25 over clauses and cards, and the kind of
clause. Pure numpy over arrays the `Retriever` holds; see `PAIR_FEATURES` for the columns."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

_DEFQ = re.compile(
    r"\b(define|definition|defined|mean by|meaning|what is an?|who counts|"
    r"what counts|who is considered|what's an?|term)\b",
    re.I,
)
_SANQ = re.compile(
    r"\b(sanction|sanctions|penalt|punish|disciplin|revok|suspend|suspension|"
    r"probation|warning|struck off|kicked out|lose my|breach|complaint|report(ed)? "
    r"to)\w*",
    re.I,
)


@dataclass
class Features:
    """The features of one query: one row per clause (corpus order) and one query-level row."""

    pair: np.ndarray  # columns: PAIR_FEATURES
    query: np.ndarray  # QUERY_FEATURES; top_score and margin are filled in at fusion
    timings: dict[str, float] = field(default_factory=dict)
    vector: np.ndarray | None = None  # the query's embedding


@dataclass
class DenseView:
    """What the nearest-neighbour hits say about each clause."""

    floor: float
    votes: np.ndarray
    knn: np.ndarray
    sit_max: np.ndarray
    sit_top3: np.ndarray


def dense_view(hits: list[tuple[str, str, float]], index_of: dict[str, int], n: int) -> DenseView:
    """Votes of the top-10 hits, soft kNN votes and best situation similarities per clause.
    Clauses not hit get a floor just under the weakest hit."""
    floor = (min(s for _, _, s in hits) - 0.02) if hits else 0.0
    sits: dict[int, list[float]] = {}  # only clauses hit through a situation: O(hits)
    votes = np.zeros(n, np.float32)
    knn = np.zeros(n, np.float32)
    top_sim = hits[0][2] if hits else 0.0
    for rank, (cid, source, sim) in enumerate(hits):
        i = index_of.get(cid)
        if i is None:
            continue
        if rank < 10:
            votes[i] += 1
        if source == "situation":
            sits.setdefault(i, []).append(sim)
            knn[i] += math.exp((sim - top_sim) / 0.05)
    sit_max = np.full(n, floor, np.float32)
    sit_top3 = np.full(n, np.mean([floor] * 3), np.float32)
    for i, s in sits.items():
        sit_max[i] = max(s)
        sit_top3[i] = np.mean((sorted(s, reverse=True) + [floor] * 3)[:3])
    return DenseView(floor, votes, knn / (knn.sum() + 1e-9), sit_max, sit_top3)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), np.float32)
    ranks[order] = np.arange(len(scores))
    return ranks


@dataclass
class Lexical:
    """BM25 scores of one query: raw, normalised, mixed, and the query's tokens."""

    raw_clause: np.ndarray
    raw_card: np.ndarray
    clause: np.ndarray
    card: np.ndarray
    mix: np.ndarray
    tokens: list[str]


def lexical(bm_clause, bm_card, query_tokens: list[str], n: int) -> Lexical:
    bm_c = bm_clause.scores(query_tokens) if query_tokens else np.zeros(n)
    bm_k = bm_card.scores(query_tokens) if (query_tokens and bm_card) else np.zeros(n)
    bm_c_n = bm_c / (bm_c.max() + 1e-9)
    bm_k_n = bm_k / (bm_k.max() + 1e-9)
    mix = 0.5 * (bm_c_n + bm_k_n) if bm_card else bm_c_n
    return Lexical(bm_c, bm_k, bm_c_n, bm_k_n, mix, query_tokens)


def pair_matrix(
    query: str,
    sims: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    dense: DenseView,
    clf: np.ndarray,
    lex: Lexical,
    kind_masks: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """The PAIR_FEATURES matrix; `sims` is (clause text, keywords, max, centroid) similarity."""
    d_clause, d_kw, d_max, d_proto = sims
    rrf = 30.0 * (1.0 / (60 + _ranks(d_max)) + 1.0 / (60 + _ranks(lex.mix)))
    defq = 1.0 if _DEFQ.search(query) else 0.0
    sanq = 1.0 if _SANQ.search(query) else 0.0
    is_def, is_san, is_prose = kind_masks
    columns = [
        d_clause,
        dense.sit_max,
        dense.sit_top3,
        d_kw,
        d_max,
        d_max - d_max.max(),
        dense.votes,
        d_proto,
        d_proto - d_proto.max(),
        dense.knn,
        clf,
        clf - clf.max(),
        lex.clause,
        lex.card,
        lex.mix - lex.mix.max(),
        rrf,
        is_def,
        is_san,
        is_prose,
        defq * is_def,
        sanq * is_san,
    ]
    return np.column_stack(columns).astype(np.float32)


def query_row(
    d_max: np.ndarray,
    d_clause: np.ndarray,
    lex: Lexical,
    known_share: float,
    votes: np.ndarray,
    clf: np.ndarray,
    p_scope: float,
) -> np.ndarray:
    """The QUERY_FEATURES row, with top_score and margin left at 0 until fusion."""
    return np.array(
        [
            0.0,
            0.0,
            d_max.max(),
            d_clause.max(),
            float(lex.raw_clause.max()),
            float(lex.raw_card.max()),
            known_share,
            math.log1p(len(lex.tokens)),
            votes.max(),
            float(clf.max()),
            p_scope,
        ],
        np.float32,
    )
