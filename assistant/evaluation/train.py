"""Fit the learned fusion ranker and the abstainer on the dev split only.

The ranker is a logistic regression over (question, clause) pair features; the abstainer a
logistic regression over question-level features computed out-of-fold, so that its threshold is
calibrated on scores the ranker did not see in training. The abstainer is fitted and calibrated
only on the questions it can refuse: those a rule answers first (topic questions, named clauses,
definitions, questions about sanctions...) never reach it, and counting them would set the
threshold on a population it never sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..answer import refusable
from ..corpus import clean_question
from ..models import Clause
from ..retrieval import PAIR_FEATURES, QUERY_FEATURES, LinearModel, RankerModel, Retriever
from .cases import EvalCase, split_cases

# Refusing: out-of-fold on dev, at most 1 in 200 of the in-scope questions that reach the abstainer.
MAX_FALSE_ABSTENTION = 0.005
MAX_UNHEDGED = 0.02  # below this budget's threshold an answer carries the "may not" hedge
# An acceptable clause is a right answer at rank 1, but only gold clauses count for recall: they
# are positives, weighted lightly (5 x 5-fold CV on dev: 0.05 beat 0.5 and 1.0 on hit@1, R@3, MRR).
ACCEPTABLE_WEIGHT = 0.05
SEED = 13


def _fit(X: np.ndarray, y: np.ndarray, names: list[str], C: float, weight=None) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std < 1e-6] = 1.0
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    lr.fit((X - mean) / std, y, sample_weight=weight)
    return LinearModel(
        features=names,
        mean=mean.tolist(),
        std=std.tolist(),
        coef=lr.coef_[0].tolist(),
        intercept=float(lr.intercept_[0]),
    )


def _pairs(feats: list[tuple[EvalCase, np.ndarray]], ids: list[str]):
    Xs, ys, ws = [], [], []
    for case, X in feats:
        if case.kind == "out_of_scope":
            continue
        gold, ok = set(case.gold), set(case.acceptable)
        Xs.append(X)
        ys.append(np.array([1 if (c in gold or c in ok) else 0 for c in ids]))
        ws.append(
            np.array([1.0 if c in gold else ACCEPTABLE_WEIGHT if c in ok else 1.0 for c in ids])
        )
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)


def _query_row(qf: np.ndarray, scores: np.ndarray) -> np.ndarray:
    order = np.sort(scores)[::-1]
    row = qf.copy()
    row[0], row[1] = order[0], order[0] - order[1]
    return row


def train(retriever: Retriever, evals_dir: Path, out: Path, C: float = 0.5, folds: int = 5) -> Path:
    """Fit on the dev split of `evals_dir`, write the model to `out` and use it in `retriever`."""
    cases = split_cases(evals_dir, "dev", set(retriever.index_of))
    ids = [c.id for c in retriever.clauses]
    feats = []
    for case in cases:
        f = retriever.features(case.question)
        feats.append((case, f.pair, f.query))
    pair_feats = [(c, X) for c, X, _ in feats]

    # Out-of-fold ranker scores, for the abstainer and the confidence levels.
    rng = np.random.default_rng(SEED)
    fold_of = rng.permutation(len(cases)) % folds
    q_rows, q_labels, top_hit, top_score, order = [], [], [], [], []
    for f in range(folds):
        train_part = [pair_feats[i] for i in range(len(cases)) if fold_of[i] != f]
        model = _fit(*_pairs(train_part, ids)[:2], PAIR_FEATURES, C)
        for i in np.flatnonzero(fold_of == f):
            case, X, qf = feats[i]
            s = model.predict(X)
            order.append(i)
            q_rows.append(_query_row(qf, s))
            q_labels.append(0 if case.kind == "out_of_scope" else 1)
            if case.kind != "out_of_scope":
                top = ids[int(np.argmax(s))]
                top_hit.append(top in set(case.gold) | set(case.acceptable))
                top_score.append(float(s.max()))
    Q, yq = np.vstack(q_rows), np.array(q_labels)
    reach = reaches_abstainer([feats[i][0] for i in order], retriever.clauses)
    if len(set(yq[reach])) < 2:  # a tiny split with rules answering one whole class
        reach[:] = True
    abstainer = _fit(Q[reach], yq[reach], QUERY_FEATURES, C=0.3)
    p_in = abstainer.predict(Q[reach & (yq == 1)])
    threshold = threshold_at_budget(p_in, 0.5)
    hedge = max(threshold, threshold_at_budget(p_in, 0.5, MAX_UNHEDGED))
    high, medium = _confidence_levels(np.array(top_score), np.array(top_hit))
    X, y, w = _pairs(pair_feats, ids)
    ranker = _fit(X, y, PAIR_FEATURES, C, w)
    dense_thr = threshold_at_budget(Q[yq == 1, QUERY_FEATURES.index("top_d_max")], 0.3)
    model = RankerModel(
        ranker=ranker,
        abstainer=abstainer,
        abstain_threshold=threshold,
        high_confidence=high,
        medium_confidence=medium,
        trained_on="dev",
        dense_threshold=dense_thr,
        hedge_threshold=hedge,
    )
    model.dump(out)
    retriever.model = model
    return out


def reaches_abstainer(cases: list[EvalCase], clauses: Sequence[Clause]) -> np.ndarray:
    """For each case, whether its question can be refused at all (see `answer.refusable`)."""
    return np.array([refusable(clean_question(c.question), clauses) for c in cases], dtype=bool)


def threshold_at_budget(
    in_scope: np.ndarray, default: float, budget: float = MAX_FALSE_ABSTENTION
) -> float:
    """The highest threshold under which at most `budget` of these in-scope scores fall (scores
    computed out of fold on dev)."""
    ins = np.sort(np.asarray(in_scope))
    k = int(np.floor(budget * len(ins)))
    return float(ins[k] - 1e-6) if len(ins) else default


def _confidence_levels(scores: np.ndarray, hits: np.ndarray) -> tuple[float, float]:
    """Score cut-offs where dev top-1 precision reaches 0.95 (high) and 0.8 (medium)."""
    order = np.argsort(-scores)
    s, h = scores[order], hits[order].astype(float)
    prec = np.cumsum(h) / np.arange(1, len(h) + 1)

    def cut(target: float) -> float:
        ok = np.flatnonzero(prec >= target)
        return float(s[ok.max()]) if len(ok) else float(s[0]) + 1e-6

    return cut(0.95), cut(0.8)
