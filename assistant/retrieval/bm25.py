"""BM25 over pre-tokenised documents (bm25s), with our own vocabulary so unknown query words are
simply ignored."""

from __future__ import annotations

from typing import Any

import bm25s
import numpy as np


class BM25Index:
    def __init__(self, docs: list[list[str]]):
        vocab: dict[str, int] = {}
        for d in docs:
            for t in d:
                vocab.setdefault(t, len(vocab))
        vocab.setdefault("", len(vocab))
        ids = [[vocab[t] for t in d] or [vocab[""]] for d in docs]
        model: Any = bm25s.BM25(k1=1.2, b=0.75)
        model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
        self._model, self._vocab = model, vocab

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [self._vocab[t] for t in query_tokens if t in self._vocab and t]
        if not known:
            return np.zeros(self._model.scores["num_docs"], np.float32)
        return np.asarray(self._model.get_scores(known), np.float32)
