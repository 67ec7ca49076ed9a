"""The public `Assistant`: load once, then ask, look up and search."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .answer import (
    NON_ENGLISH_TEXT,
    Composer,
    TemplateComposer,
    followup_context,
    lookup_answer,
    select_citations,
)
from .corpus import (
    Corpus,
    clean_question,
    load_corpus,
    looks_non_english,
    plain_text,
    reference_in_message,
    resolve,
)
from .errors import UnknownClauseError
from .models import Answer, Clause, Ranking
from .settings import Settings, offline_environment

if TYPE_CHECKING:  # the stages below import numpy, bm25s...: only `load` needs them
    from .index import Embedder
    from .retrieval import Retriever


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

    def __init__(
        self,
        settings: Settings,
        corpus: Corpus,
        retriever: Retriever,
        composer: Composer | None = None,
    ):
        self.settings = settings
        self.corpus = corpus
        self.retriever = retriever
        self.composer = composer or TemplateComposer()
        self._lock = threading.Lock()  # torch on 2 cores: serialise the model call

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        rebuild: bool = False,
        progress: bool | None = None,
    ) -> Assistant:
        """Open (building if needed) the index and load the model. Heavy: imports torch.
        Raises CorpusError when the corpus files are missing."""
        offline_environment()
        settings = settings or Settings()
        corpus = load_corpus(settings.corpus)
        from .index import ensure_index, load_embedder
        from .retrieval import RankerModel, Retriever

        embedder = embedder or load_embedder(corpus, settings.index)
        index = ensure_index(corpus, settings.index, embedder, force=rebuild, progress=progress)
        _query_threads(settings.retrieval.query_threads)
        cards = corpus.cards if settings.index.use_cards else ()
        model = RankerModel.load(corpus.ranker_file)
        retriever = Retriever(settings.retrieval, corpus.clauses, cards, index, embedder, model)
        return cls(settings, corpus, retriever)

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """Every clause of the Code, in source order."""
        return self.corpus.clauses

    @property
    def clause_by_id(self) -> Mapping[str, Clause]:
        return self.corpus.by_id

    def index_info(self) -> dict[str, object]:
        """The manifest of the index in use: corpus, model, fingerprint, number of vectors."""
        return dict(self.retriever.store.manifest)

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

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question. `history` holds earlier questions of the same conversation."""
        return self.answer_and_ranking(question, history)[0]

    def answer_and_ranking(
        self, question: str, history: Sequence[str] = ()
    ) -> tuple[Answer, list[str]]:
        """The answer and the full clause ranking behind it (for evaluation)."""
        q = clean_question(question, self.settings.answer.max_question_chars)
        by_id = self.corpus.by_id
        try:
            named = reference_in_message(q, self.clauses)
        except UnknownClauseError as exc:
            data = {"question": q, "kind": "unknown_id", "answer": str(exc)}
            data |= {"abstained": True, "confidence": "low"}
            return Answer.checked(data, by_id), []
        if named:
            return lookup_answer(q, named, by_id), [c.id for c in named]
        context = followup_context(q, [clean_question(h, 10**6) for h in history if h.strip()])
        ranking = self.rank(plain_text(f"{context} {q}" if context else q))
        ranked = [
            (by_id[cid], s) for cid, s in zip(ranking.clause_ids, ranking.scores, strict=False)
        ]
        if ranking.abstain:
            answer = self.composer.compose(
                q, ranked, abstained=True, confidence="low", context_question=context, corpus=by_id
            )
            if looks_non_english(q):
                answer = answer.model_copy(update={"answer": NON_ENGLISH_TEXT})
            return answer, list(ranking.clause_ids)
        learned = self.settings.retrieval.fusion == "learned" and self.retriever.model is not None
        answer = self.composer.compose(
            q,
            select_citations(ranked, self.settings.answer, learned),
            abstained=False,
            confidence=ranking.confidence,
            context_question=context,
            corpus=by_id,
        )
        return answer, list(ranking.clause_ids)

    def rank(self, query: str) -> Ranking:
        """Every clause for a query, best first, with the scope decision and confidence."""
        with self._lock:
            return self.retriever.rank(query)

    def search(self, text: str, k: int = 10) -> list[tuple[Clause, float]]:
        """Keyword + semantic search for browsing: clauses best first with scores."""
        q = clean_question(text, self.settings.answer.max_question_chars)
        ranking = self.rank(q)
        pairs = zip(ranking.clause_ids[:k], ranking.scores[:k], strict=False)
        return [(self.corpus.by_id[cid], s) for cid, s in pairs]
