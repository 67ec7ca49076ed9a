"""Hybrid retrieval: dense vectors from the Chroma index, BM25 over clauses and cards, fused.

Fusion is one of: dense only, BM25 only, reciprocal-rank fusion, or a small learned logistic
ranker (trained on the dev split only, see `assistant.train`). Abstention uses a second small
classifier on query-level features; without one, a dev-calibrated threshold on the top score.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from .cards import ClauseCard
from .index import VectorStore
from .models import Clause
from .settings import Settings
from .text import normalise, tokens

PAIR_FEATURES = [
    "d_clause",
    "d_sit_max",
    "d_sit_top3",
    "d_kw",
    "d_max",
    "d_gap",
    "d_votes",
    "d_proto",
    "d_proto_gap",
    "knn_vote",
    "clf",
    "clf_gap",
    "bm_clause",
    "bm_card",
    "bm_gap",
    "rrf",
    "is_definition",
    "is_sanction",
    "is_prose",
    "defq_definition",
    "sanq_sanction",
]
QUERY_FEATURES = [
    "top_score",
    "margin",
    "top_d_max",
    "top_d_clause",
    "bm_raw_clause",
    "bm_raw_card",
    "known_share",
    "n_tokens",
    "top_votes",
    "top_clf",
    "p_scope",
]
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
class LinearModel:
    """Standardised logistic regression, evaluated with numpy only."""

    features: list[str]
    mean: list[float]
    std: list[float]
    coef: list[float]
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        z = (X - np.asarray(self.mean)) / np.asarray(self.std)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))


@dataclass
class RankerModel:
    """The learned ranker, abstainer and their dev-calibrated thresholds."""

    ranker: LinearModel | None
    abstainer: LinearModel | None
    abstain_threshold: float
    high_confidence: float
    medium_confidence: float
    trained_on: str = "dev"
    dense_threshold: float = 0.3

    @classmethod
    def load(cls, path: Path) -> RankerModel | None:
        if not path.exists():
            return None
        d = json.loads(path.read_text())
        lm = lambda x: LinearModel(**x) if x else None  # noqa: E731
        return cls(
            ranker=lm(d.get("ranker")),
            abstainer=lm(d.get("abstainer")),
            abstain_threshold=d["abstain_threshold"],
            high_confidence=d["high_confidence"],
            medium_confidence=d["medium_confidence"],
            trained_on=d.get("trained_on", "dev"),
            dense_threshold=d.get("dense_threshold", 0.3),
        )

    def dump(self, path: Path) -> None:
        d = {k: v for k, v in self.__dict__.items() if not isinstance(v, LinearModel)}
        d["ranker"] = self.ranker.__dict__ if self.ranker else None
        d["abstainer"] = self.abstainer.__dict__ if self.abstainer else None
        path.write_text(json.dumps(d, indent=1, sort_keys=True) + "\n")


@dataclass
class Ranking:
    """Ranked clauses for one query, best first, with the abstention signal."""

    clause_ids: list[str]
    scores: list[float]
    in_scope: float
    pair_features: np.ndarray | None = None
    query_features: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)


def ranker_path(settings: Settings) -> Path:
    return settings.corpus_dir / f"{settings.corpus}.ranker.json"


class Retriever:
    """Ranks the clauses of one corpus for a question."""

    def __init__(
        self,
        settings: Settings,
        clauses: Sequence[Clause],
        cards: Sequence[ClauseCard],
        store: VectorStore,
        embed_model: Any,
        model: RankerModel | None = None,
    ):
        self.settings = settings
        self.clauses = list(clauses)
        self.by_id = {c.id: c for c in self.clauses}
        self.index_of = {c.id: i for i, c in enumerate(self.clauses)}
        self.store = store
        self.embed_model = embed_model
        self.model = model
        card_of = {c.clause_id: c for c in cards} if settings.use_cards else {}
        clause_docs = [tokens(f"{c.section_title} {c.title} {c.text}") for c in self.clauses]
        card_docs = []
        for c in self.clauses:
            card = card_of.get(c.id)
            card_docs.append(tokens(" ".join((*card.keywords, *card.situations))) if card else [])
        self.vocab = {t for d in clause_docs + card_docs for t in d}
        self.bm_clause = _bm25(clause_docs)
        self.bm_card = _bm25(card_docs) if any(card_docs) else None
        self.kind = np.array([c.kind for c in self.clauses])
        self._kind_masks = (
            (self.kind == "definition").astype(np.float32),
            (self.kind == "sanction").astype(np.float32),
            np.isin(self.kind, ["prose", "value", "pledge"]).astype(np.float32),
        )
        # Clause-text and keyword vectors, cached from the store: scored exactly for every clause.
        self.clause_vecs = self._matrix("clause")
        self.kw_vecs = self._matrix("keywords") if card_of else None
        self.proto_vecs = self._prototypes() if card_of else None
        # Classifiers fitted on the cards once per index fingerprint (never on eval questions).
        self.cardclf = self.scope = None
        if card_of:
            from .cardclf import load_or_fit, load_or_fit_scope

            fp = store.manifest.get("fingerprint", "none")
            where = (settings.index_dir, settings.corpus, fp, store)
            self.cardclf = load_or_fit(*where, self.index_of)
            self.scope = load_or_fit_scope(*where, embed_model, settings.oos_path)

    def _prototypes(self) -> np.ndarray | None:
        """Per clause, the normalised centroid of its card situations (a nearest-centroid view)."""
        ids, vecs = self.store.vectors("situation")
        if not ids:
            return None
        out = np.zeros((len(self.clauses), vecs.shape[1]), np.float32)
        for cid, v in zip(ids, vecs, strict=True):
            if cid in self.index_of:
                out[self.index_of[cid]] += v
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def _matrix(self, source: str) -> np.ndarray | None:
        ids, vecs = self.store.vectors(source)
        if not ids:
            return None
        out = np.zeros((len(self.clauses), vecs.shape[1]), np.float32)
        for cid, v in zip(ids, vecs, strict=True):
            if cid in self.index_of:
                out[self.index_of[cid]] = v
        return out

    # ---------------------------------------------------------------- features

    def embed(self, query: str) -> np.ndarray:
        return np.asarray(self.embed_model.get_query_embedding(query), dtype=np.float32)

    def features(self, query: str, vector: np.ndarray | None = None) -> Ranking:
        """All candidate clauses with pair features; scores not yet fused."""
        t0 = time.perf_counter()
        vec = self.embed(query) if vector is None else vector
        t1 = time.perf_counter()
        hits = self.store.query(vec, self.settings.dense_candidates)
        t2 = time.perf_counter()
        n = len(self.clauses)
        floor = (min(s for _, _, s in hits) - 0.02) if hits else 0.0
        d_clause = self.clause_vecs @ vec if self.clause_vecs is not None else np.full(n, floor)
        d_kw = self.kw_vecs @ vec if self.kw_vecs is not None else np.full(n, floor, np.float32)
        sits: dict[int, list[float]] = {}  # only clauses hit through a situation: O(hits)
        votes = np.zeros(n, np.float32)
        knn = np.zeros(n, np.float32)
        top_sim = hits[0][2] if hits else 0.0
        for rank, (cid, source, sim) in enumerate(hits):
            i = self.index_of.get(cid)
            if i is None:
                continue
            if rank < 10:
                votes[i] += 1
            if source == "situation":
                sits.setdefault(i, []).append(sim)
                knn[i] += math.exp((sim - top_sim) / 0.05)
        d_sit_max = np.full(n, floor, np.float32)
        d_sit_top3 = np.full(n, np.mean([floor] * 3), np.float32)
        for i, s in sits.items():
            d_sit_max[i] = max(s)
            d_sit_top3[i] = np.mean((sorted(s, reverse=True) + [floor] * 3)[:3])
        d_max = np.maximum.reduce([d_clause, d_sit_max, d_kw])
        d_proto = self.proto_vecs @ vec if self.proto_vecs is not None else d_max
        knn = knn / (knn.sum() + 1e-9)
        clf = self.cardclf.proba(vec) if self.cardclf is not None else knn
        q = normalise(query) if self.settings.normalise_queries else query
        qt = tokens(q)
        bm_c = self.bm_clause.get_scores(qt) if qt else np.zeros(n)
        bm_k = self.bm_card.get_scores(qt) if (qt and self.bm_card) else np.zeros(n)
        bm_c_n = bm_c / (bm_c.max() + 1e-9)
        bm_k_n = bm_k / (bm_k.max() + 1e-9)
        bm_mix = 0.5 * (bm_c_n + bm_k_n) if self.bm_card else bm_c_n
        rank_d = _ranks(d_max)
        rank_b = _ranks(bm_mix)
        rrf = 30.0 * (1.0 / (60 + rank_d) + 1.0 / (60 + rank_b))
        defq = 1.0 if _DEFQ.search(query) else 0.0
        sanq = 1.0 if _SANQ.search(query) else 0.0
        is_def, is_san, is_prose = self._kind_masks
        X = np.column_stack(
            [
                d_clause,
                d_sit_max,
                d_sit_top3,
                d_kw,
                d_max,
                d_max - d_max.max(),
                votes,
                d_proto,
                d_proto - d_proto.max(),
                knn,
                clf,
                clf - clf.max(),
                bm_c_n,
                bm_k_n,
                bm_mix - bm_mix.max(),
                rrf,
                is_def,
                is_san,
                is_prose,
                defq * is_def,
                sanq * is_san,
            ]
        ).astype(np.float32)
        known = sum(t in self.vocab for t in qt) / max(1, len(qt))
        qf = np.array(
            [
                0.0,
                0.0,
                d_max.max(),
                d_clause.max(),
                float(bm_c.max()),
                float(bm_k.max()),
                known,
                math.log1p(len(qt)),
                votes.max(),
                float(clf.max()),
                self.scope.proba(vec) if self.scope is not None else 0.5,
            ],
            np.float32,
        )
        t3 = time.perf_counter()
        return Ranking(
            clause_ids=[c.id for c in self.clauses],
            scores=[],
            in_scope=1.0,
            pair_features=X,
            query_features=qf,
            timings={"embed": t1 - t0, "retrieve": t2 - t1, "features": t3 - t2},
        )

    # ---------------------------------------------------------------- fusion

    def fuse(self, r: Ranking, fusion: str | None = None) -> Ranking:
        t0 = time.perf_counter()
        fusion = fusion or self.settings.fusion
        X = r.pair_features
        col = {f: i for i, f in enumerate(PAIR_FEATURES)}
        if fusion == "learned" and not (self.model and self.model.ranker):
            fusion = "rrf"
        if fusion == "dense":
            s = np.clip(X[:, col["d_max"]], 0.0, 1.0)
        elif fusion == "bm25":
            s = X[:, col["bm_gap"]] + 1.0
        elif fusion == "rrf":
            s = X[:, col["rrf"]] / (X[:, col["rrf"]].max() + 1e-9)
        else:
            s = self.model.ranker.predict(X)
        order = np.argsort(-s, kind="stable")
        top = float(s[order[0]])
        second = float(s[order[1]]) if len(order) > 1 else 0.0
        qf = r.query_features.copy()
        qf[0], qf[1] = top, top - second
        if self.model and self.model.abstainer and fusion == "learned":
            in_scope = float(self.model.abstainer.predict(qf[None, :])[0])
        else:
            thr = self.model.dense_threshold if self.model else 0.3
            in_scope = 1.0 / (1.0 + math.exp(-25.0 * (float(qf[2]) - thr)))
        r.clause_ids = [self.clauses[i].id for i in order]
        r.scores = [float(s[i]) for i in order]
        r.pair_features = X[order]
        r.query_features = qf
        r.in_scope = in_scope
        r.timings["fuse"] = time.perf_counter() - t0
        return r

    def rank(self, query: str, fusion: str | None = None) -> Ranking:
        return self.fuse(self.features(query), fusion)

    def abstains(self, r: Ranking) -> bool:
        thr = self.model.abstain_threshold if self.model else 0.5
        return r.in_scope < thr

    def confidence(self, r: Ranking) -> str:
        if self.model is None:
            return "medium" if r.in_scope >= 0.5 else "low"
        top = r.scores[0] if r.scores else 0.0
        if r.in_scope >= 0.5 and top >= self.model.high_confidence:
            return "high"
        if top >= self.model.medium_confidence:
            return "medium"
        return "low"


def _bm25(docs: list[list[str]]) -> Any:
    vocab: dict[str, int] = {}
    for d in docs:
        for t in d:
            vocab.setdefault(t, len(vocab))
    vocab.setdefault("", len(vocab))
    ids = [[vocab[t] for t in d] or [vocab[""]] for d in docs]
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    return _BM25(model, vocab)


class _BM25:
    def __init__(self, model: Any, vocab: dict[str, int]):
        self.model, self.vocab = model, vocab

    def get_scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [self.vocab[t] for t in query_tokens if t in self.vocab and t]
        if not known:
            return np.zeros(self.model.scores["num_docs"], np.float32)
        return np.asarray(self.model.get_scores(known), np.float32)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), np.float32)
    ranks[order] = np.arange(len(scores))
    return ranks
