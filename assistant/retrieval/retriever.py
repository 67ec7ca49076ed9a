"""The retriever: hybrid dense + BM25 features for every clause, fused into one ranking.

Fusion is one of: dense only, BM25 only, reciprocal-rank fusion, or the learned logistic ranker
(trained on the dev split only). Scope uses the learned abstainer on query-level features;
without one, a dev-calibrated threshold on the top dense similarity. Nothing is fitted here: the
classifiers come with the index, the ranker from its file.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from ..corpus import ClauseCard, normalise_query, tokens
from ..index import Embedder, Index
from ..models import Clause, Confidence, Ranking, StageTimings
from ..settings import Fusion, RetrievalSettings
from .bm25 import BM25Index
from .features import Features, dense_view, lexical, pair_matrix, query_row
from .ranker import PAIR_FEATURES, QUERY_FEATURES, RankerModel

_COL = {f: i for i, f in enumerate(PAIR_FEATURES)}
_QCOL = {f: i for i, f in enumerate(QUERY_FEATURES)}


class Retriever:
    """Ranks the clauses of one corpus for a question."""

    def __init__(
        self,
        settings: RetrievalSettings,
        clauses: Sequence[Clause],
        cards: Sequence[ClauseCard],
        index: Index,
        embedder: Embedder,
        model: RankerModel | None = None,
    ):
        self.settings = settings
        self.clauses = list(clauses)
        self.index_of = {c.id: i for i, c in enumerate(self.clauses)}
        self.store = index.store
        self.embedder = embedder
        self.model = model
        self.card_classifier = index.classifiers.cards
        self.scope_classifier = index.classifiers.scope
        card_of = {c.clause_id: c for c in cards}
        clause_docs = [tokens(f"{c.section_title} {c.title} {c.text}") for c in self.clauses]
        card_docs = []
        for c in self.clauses:
            card = card_of.get(c.id)
            card_docs.append(tokens(" ".join((*card.keywords, *card.situations))) if card else [])
        self.vocab = {t for d in clause_docs + card_docs for t in d}
        self.bm_clause = BM25Index(clause_docs)
        self.bm_card = BM25Index(card_docs) if any(card_docs) else None
        kind = np.array([c.kind for c in self.clauses])
        self.kind_masks = (
            (kind == "definition").astype(np.float32),
            (kind == "sanction").astype(np.float32),
            np.isin(kind, ["prose", "value", "pledge"]).astype(np.float32),
        )
        # Clause-text and keyword vectors, read once from the store: scored exactly for every
        # clause on every query.
        self.clause_vecs = self._matrix("clause")
        self.kw_vecs = self._matrix("keywords") if card_of else None
        self.situations: dict[str, tuple[list[str], np.ndarray]] = {}
        self.proto_vecs = self._prototypes(card_of) if card_of else None

    def _prototypes(self, card_of: dict[str, ClauseCard]) -> np.ndarray | None:
        """Per clause, the normalised centroid of its card situations (a nearest-centroid view).
        Also keeps each clause's situations with their vectors, for `examples`."""
        keys, ids, vecs = self.store.entries("situation")
        if not ids:
            return None
        rows: dict[str, list[int]] = {}
        for row, cid in enumerate(ids):
            rows.setdefault(cid, []).append(row)
        for cid, rs in rows.items():
            card = card_of.get(cid)
            texts = [card.situations[int(keys[r].rsplit("#s", 1)[1])] for r in rs] if card else []
            if texts:
                self.situations[cid] = (texts, vecs[rs])
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

    def features(self, query: str, vector: np.ndarray | None = None) -> Features:
        """Every clause's pair features and the query's features; scores not yet fused."""
        t0 = time.perf_counter()
        vec = self.embedder.embed_query(query) if vector is None else vector
        t1 = time.perf_counter()
        hits = self.store.query(vec, self.settings.dense_candidates)
        t2 = time.perf_counter()
        n = len(self.clauses)
        dense = dense_view(hits, self.index_of, n)
        floor = dense.floor
        d_clause = self.clause_vecs @ vec if self.clause_vecs is not None else np.full(n, floor)
        d_kw = self.kw_vecs @ vec if self.kw_vecs is not None else np.full(n, floor, np.float32)
        d_max = np.maximum.reduce([d_clause, dense.sit_max, d_kw])
        d_proto = self.proto_vecs @ vec if self.proto_vecs is not None else d_max
        clf = self.card_classifier.proba(vec) if self.card_classifier is not None else dense.knn
        q = normalise_query(query) if self.settings.normalise_queries else query
        lex = lexical(self.bm_clause, self.bm_card, tokens(q), n)
        X = pair_matrix(query, (d_clause, d_kw, d_max, d_proto), dense, clf, lex, self.kind_masks)
        known = sum(t in self.vocab for t in lex.tokens) / max(1, len(lex.tokens))
        p_scope = self.scope_classifier.proba(vec) if self.scope_classifier is not None else 0.5
        qf = query_row(d_max, d_clause, lex, known, dense.votes, clf, p_scope)
        timings = {"embed": t1 - t0, "retrieve": t2 - t1, "features": time.perf_counter() - t2}
        return Features(X, qf, timings, vec)

    def examples(self, vector: np.ndarray, clause_ids: Sequence[str]) -> dict[str, str]:
        """For each clause, the situation on its card closest to the query."""
        out = {}
        for cid in clause_ids:
            if cid in self.situations:
                texts, vecs = self.situations[cid]
                out[cid] = texts[int(np.argmax(vecs @ vector))]
        return out

    # ---------------------------------------------------------------- fusion

    def _fused_scores(self, X: np.ndarray, fusion: Fusion) -> tuple[np.ndarray, Fusion]:
        if fusion == "learned" and not (self.model and self.model.ranker):
            fusion = "rrf"
        if fusion == "dense":
            return np.clip(X[:, _COL["d_max"]], 0.0, 1.0), fusion
        if fusion == "bm25":
            return X[:, _COL["bm_gap"]] + 1.0, fusion
        if fusion == "rrf":
            return X[:, _COL["rrf"]] / (X[:, _COL["rrf"]].max() + 1e-9), fusion
        return self.model.ranker.predict(X), fusion

    def _in_scope(self, qf: np.ndarray, fusion: Fusion) -> float:
        if self.model and self.model.abstainer and fusion == "learned":
            return float(self.model.abstainer.predict(qf[None, :])[0])
        thr = self.model.dense_threshold if self.model else 0.3
        return 1.0 / (1.0 + math.exp(-25.0 * (float(qf[2]) - thr)))

    def fuse(self, f: Features, fusion: Fusion | None = None) -> Ranking:
        t0 = time.perf_counter()
        s, fusion = self._fused_scores(f.pair, fusion or self.settings.fusion)
        order = np.argsort(-s, kind="stable")
        top = float(s[order[0]])
        second = float(s[order[1]]) if len(order) > 1 else 0.0
        qf = f.query.copy()
        qf[0], qf[1] = top, top - second
        in_scope = self._in_scope(qf, fusion)
        p_scope = self._scope_proba(qf)
        scores = tuple(float(s[i]) for i in order)
        return Ranking(
            clause_ids=tuple(self.clauses[i].id for i in order),
            scores=scores,
            in_scope=in_scope,
            abstain=self.abstains(in_scope, p_scope),
            hedged=self.hedges(in_scope, p_scope),
            confidence=self.confidence(in_scope, scores[0] if scores else 0.0),
            timings=StageTimings(**f.timings, fuse=time.perf_counter() - t0),
        )

    def rank(self, query: str, fusion: Fusion | None = None) -> Ranking:
        return self.fuse(self.features(query), fusion)

    def _scope_proba(self, qf: np.ndarray) -> float | None:
        """The scope classifier's probability that the query is in scope, when there is one."""
        return float(qf[_QCOL["p_scope"]]) if self.scope_classifier is not None else None

    def abstains(self, in_scope: float, p_scope: float | None = None) -> bool:
        """Refuse: under the refusal threshold and, when a scope classifier is available, closer
        to the off-scope examples than to the card situations."""
        thr = self.model.abstain_threshold if self.model else 0.5
        veto = self.model.scope_veto if self.model else 0.5
        return in_scope < thr and (p_scope is None or p_scope < veto)

    def hedges(self, in_scope: float, p_scope: float | None = None) -> bool:
        """In scope, but not clearly: answer with a hedge rather than refuse."""
        return (
            self.model is not None
            and not self.abstains(in_scope, p_scope)
            and (in_scope < self.model.hedge_threshold)
        )

    def confidence(self, in_scope: float, top: float) -> Confidence:
        if self.model is None:
            return "medium" if in_scope >= 0.5 else "low"
        if in_scope >= 0.5 and top >= self.model.high_confidence:
            return "high"
        if top >= self.model.medium_confidence:
            return "medium"
        return "low"
