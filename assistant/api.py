"""The public `Assistant`: load once, then ask, look up and search."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

from .cards import load_cards
from .compose import Composer, TemplateComposer, lookup_answer
from .corpus import load_clauses
from .guard import QuestionError, clean_question, looks_non_english, plain_text
from .lookup import UnknownClauseError, reference_in_message, resolve
from .models import Answer, Clause
from .settings import Settings, offline_environment

NON_ENGLISH_TEXT = (
    "Only English is supported. The Code does not appear to address this question as written; "
    "please ask in English."
)
_FOLLOWUP_START = re.compile(
    r"^\s*(what if|and if|and what|what about|how about|but if|but what|and|but|also|same|"
    r"if (?:she|he|they|it|the|my)|even if|suppose|and now|then)\b",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|that|this|they|them|he|she|him|her|those|these|so)\b", re.I)

__all__ = ["Assistant", "QuestionError", "UnknownClauseError"]


def _query_threads(n: int) -> None:
    """One short question is embedded fastest on one thread; with two, torch's thread barrier
    stalls for hundreds of milliseconds whenever another process holds a core."""
    import torch

    torch.set_num_threads(n)


class Assistant:
    """Answers questions about the Code with verbatim clause citations.

    >>> a = Assistant.load()
    >>> a.ask("My mentee offered me shares instead of my fee").citations[0].clause_id
    """

    def __init__(self, settings: Settings, retriever: Any, composer: Composer | None = None):
        self.settings = settings
        self.retriever = retriever
        self.composer = composer or TemplateComposer()
        self.clauses: tuple[Clause, ...] = load_clauses(settings.clauses_path)
        self.corpus = {c.id: c for c in self.clauses}
        self._lock = threading.Lock()  # torch on 2 cores: serialise the model call

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        embed_model: Any = None,
        rebuild: bool = False,
        progress: bool | None = None,
    ) -> Assistant:
        """Open (building if needed) the index and load the model. Heavy: imports torch."""
        offline_environment()
        settings = settings or Settings()
        from .embedding import real_embed_model
        from .index import ensure_index
        from .retrieval import RankerModel, Retriever, ranker_path

        embed_model = embed_model or real_embed_model(settings)
        store = ensure_index(settings, embed_model, force=rebuild, progress=progress)
        _query_threads(settings.query_threads)
        clauses = load_clauses(settings.clauses_path)
        cards = load_cards(settings.cards_path) if settings.use_cards else ()
        model = RankerModel.load(ranker_path(settings))
        retriever = Retriever(settings, clauses, cards, store, embed_model, model)
        return cls(settings, retriever)

    # ------------------------------------------------------------------ lookups

    def lookup(self, clause_id: str) -> list[Clause]:
        """Clauses named by an id, short form, section or term. Raises UnknownClauseError."""
        return resolve(clause_id, self.clauses)

    def clause(self, clause_id: str) -> Clause:
        found = self.lookup(clause_id)
        if len(found) != 1:
            raise UnknownClauseError(clause_id, [c.id for c in found[:5]], ambiguous=True)
        return found[0]

    # ------------------------------------------------------------------ asking

    def followup_context(self, question: str, history: Sequence[str]) -> str | None:
        """The earlier question a follow-up depends on, or None if it stands alone."""
        if not history:
            return None
        n_words = len(question.split())
        if _FOLLOWUP_START.search(question) and n_words <= 20:
            return history[-1]
        if n_words <= 8 and _PRONOUN.search(question):
            return history[-1]
        return None

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question. `history` holds earlier questions of the same conversation."""
        return self.answer_and_ranking(question, history)[0]

    def answer_and_ranking(
        self, question: str, history: Sequence[str] = ()
    ) -> tuple[Answer, list[str]]:
        """The answer and the full clause ranking behind it (for evaluation)."""
        q = clean_question(question, self.settings.max_question_chars)
        try:
            named = reference_in_message(q, self.clauses)
        except UnknownClauseError as exc:
            return Answer.checked(
                {
                    "question": q,
                    "kind": "unknown_id",
                    "answer": str(exc),
                    "abstained": True,
                    "confidence": "low",
                },
                self.corpus,
            ), []
        if named:
            return lookup_answer(q, named, self.corpus), [c.id for c in named]
        context = self.followup_context(q, [clean_question(h, 10**6) for h in history if h.strip()])
        query = plain_text(f"{context} {q}" if context else q)
        ranking = self.rank(query)
        abstained = self.retriever.abstains(ranking)
        ranked = [
            (self.corpus[cid], s)
            for cid, s in zip(ranking.clause_ids, ranking.scores, strict=False)
        ]
        if abstained:
            answer = self.composer.compose(
                q,
                ranked,
                abstained=True,
                confidence="low",
                context_question=context,
                corpus=self.corpus,
            )
            if looks_non_english(q):
                answer = answer.model_copy(update={"answer": NON_ENGLISH_TEXT})
            return answer, ranking.clause_ids
        confidence = self.retriever.confidence(ranking)
        answer = self.composer.compose(
            q,
            self._select(ranked),
            abstained=False,
            confidence=confidence,
            context_question=context,
            corpus=self.corpus,
        )
        return answer, ranking.clause_ids

    def rank(self, query: str) -> Any:
        with self._lock:
            return self.retriever.rank(query)

    def _select(self, ranked: list[tuple[Clause, float]]) -> list[tuple[Clause, float]]:
        """The clauses worth citing: the best, the runner-up, then others likely enough (top_k).

        With the learned ranker, scores are probabilities that a clause is an acceptable
        citation; `cite_min_score` (0.8) was chosen on the dev split (2.9 citations on average,
        94% of gold clauses cited). Other fusions use a cut relative to the best score.
        """
        learned = self.settings.fusion == "learned" and self.retriever.model is not None
        cut = self.settings.cite_min_score if learned else 0.3 * ranked[0][1]
        keep = [ranked[0]]
        for c, s in ranked[1 : self.settings.top_k]:
            if len(keep) < 2 or s >= cut:
                keep.append((c, s))
        return keep

    def search(self, text: str, k: int = 10) -> list[tuple[Clause, float]]:
        """Keyword + semantic search for browsing: clauses best first with scores."""
        q = clean_question(text, self.settings.max_question_chars)
        ranking = self.rank(q)
        return [
            (self.corpus[cid], s)
            for cid, s in zip(ranking.clause_ids[:k], ranking.scores[:k], strict=False)
        ]
