"""Two small classifiers fitted on the index's card vectors at build time (never on eval questions),
saved beside the index and evaluated with numpy at query time.

- `CardClassifier`: multinomial logistic regression from a question embedding to the clause whose
  card lines (situations and keywords) it resembles.
- `ScopeClassifier`: P(in scope | question embedding), card lines against the project-written
  off-scope questions of ``corpus/<corpus>.oos.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..corpus import Corpus
from .embedder import Embedder
from .runtime import build_threads
from .store import VectorStore

C = 10.0
VERSION = 1


class CardClassifier:
    """P(clause | question) from the question's embedding."""

    def __init__(self, W: np.ndarray, b: np.ndarray, clause_index: np.ndarray, n: int):
        self.W, self.b, self.clause_index, self.n = W, b, clause_index, n

    def proba(self, vec: np.ndarray) -> np.ndarray:
        """P(clause | question) over all clauses of the corpus (zero for clauses without cards)."""
        z = self.W @ vec + self.b
        z = np.exp(z - z.max())
        out = np.zeros(self.n, np.float32)
        out[self.clause_index] = z / z.sum()
        return out


def _path(index_dir: Path, corpus: str, fingerprint: str) -> Path:
    return index_dir / f".cardclf-{corpus}-{fingerprint[:16]}-v{VERSION}.npz"


Arrays = dict[str, np.ndarray]


def _cached(
    path: Path, stale: str, keys: tuple[str, ...], fit: Callable[[], Arrays | None]
) -> Arrays | None:
    """Arrays saved beside the index: read them from `path`, or `fit()` them and save them
    atomically, removing older files matching `stale`. A damaged file is fitted again."""
    if path.exists():
        try:
            with np.load(path) as d:
                if set(keys) <= set(d.files):
                    return {k: d[k] for k in keys}
        except (OSError, ValueError):
            pass
    arrays = fit()
    if arrays is None:
        return None
    for old in path.parent.glob(stale):
        old.unlink(missing_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
    return arrays


def fit_card_classifier(
    index_dir: Path, corpus: str, fingerprint: str, store: VectorStore, index_of: dict[str, int]
) -> CardClassifier | None:
    """The card classifier of this index build, fitted and saved unless already saved."""

    def fit() -> Arrays | None:
        xs, ys = [], []
        for source in ("situation", "keywords"):
            ids, vecs = store.vectors(source)
            xs.append(vecs)
            ys.extend(ids)
        if not ys or len(set(ys)) < 2:
            return None
        from sklearn.linear_model import LogisticRegression

        X = np.vstack([x for x in xs if len(x)])
        clf = LogisticRegression(C=C, max_iter=3000).fit(X, np.array(ys))
        keep = [i for i, c in enumerate(clf.classes_) if c in index_of]
        return {
            "W": clf.coef_[keep].astype(np.float32),
            "b": clf.intercept_[keep].astype(np.float32),
            "clause_index": np.array([index_of[clf.classes_[i]] for i in keep]),
        }

    path = _path(index_dir, corpus, fingerprint)
    d = _cached(path, f".cardclf-{corpus}-*.npz", ("W", "b", "clause_index"), fit)
    return CardClassifier(d["W"], d["b"], d["clause_index"], len(index_of)) if d else None


# ------------------------------------------------------------------------------------------------
# Scope: is a question about something the Code addresses at all?


class ScopeClassifier:
    """P(in scope | question embedding): card lines (in scope) vs project-written off-scope
    questions in ``corpus/<corpus>.oos.json``. Eval questions are never used."""

    def __init__(self, w: np.ndarray, b: float):
        self.w, self.b = w, b

    def proba(self, vec: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(self.w @ vec + self.b))))


def fit_scope_classifier(
    index_dir: Path,
    corpus: str,
    fingerprint: str,
    store: VectorStore,
    embedder: Embedder,
    oos_path: Path,
) -> ScopeClassifier | None:
    """The scope classifier of this index build, fitted and saved unless already saved."""
    if not oos_path.exists():
        return None
    raw = oos_path.read_bytes()
    key = hashlib.sha256(raw + fingerprint.encode()).hexdigest()[:16]
    path = index_dir / f".scope-{corpus}-{key}-v{VERSION}.npz"

    def fit() -> Arrays:
        from sklearn.linear_model import LogisticRegression

        questions = json.loads(raw.decode("utf-8"))["questions"]
        with build_threads():
            neg = embedder.embed_documents(questions)
        pos = np.vstack([store.vectors(s)[1] for s in ("situation", "keywords", "clause")])
        X = np.vstack([pos, neg])
        y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
        clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000).fit(X, y)
        return {"w": clf.coef_[0].astype(np.float32), "b": np.float32(clf.intercept_[0])}

    d = _cached(path, f".scope-{corpus}-*.npz", ("w", "b"), fit)
    return ScopeClassifier(d["w"], float(d["b"]))


@dataclass(frozen=True)
class Classifiers:
    """The classifiers of one index build; both None for an index without cards."""

    cards: CardClassifier | None = None
    scope: ScopeClassifier | None = None


def ensure_classifiers(
    corpus: Corpus, index_dir: Path, store: VectorStore, embedder: Embedder
) -> Classifiers:
    """Load the classifiers of this build, fitting (and saving) those not saved yet."""
    fp = store.manifest.get("fingerprint", "none")
    index_of = {c.id: i for i, c in enumerate(corpus.clauses)}
    cards = fit_card_classifier(index_dir, corpus.name, fp, store, index_of)
    scope = fit_scope_classifier(index_dir, corpus.name, fp, store, embedder, corpus.off_scope_file)
    return Classifiers(cards, scope)
