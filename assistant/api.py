"""The public `Assistant`: load once, then ask, look up and search."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .answer import (
    Composer,
    Evidence,
    TemplateComposer,
    abstention,
    background,
    clarification,
    direct_route,
    followup_context,
    followup_note,
    is_vague,
    lookup_answer,
    may_refuse,
    names_its_principle,
    not_english,
    select_citations,
)
from .corpus import (
    Corpus,
    clean_question,
    load_corpus,
    plain_text,
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

        embedder = embedder or load_embedder(corpus, settings.index, progress)
        index = ensure_index(corpus, settings.index, embedder, force=rebuild, progress=progress)
        _query_threads(settings.retrieval.query_threads)
        cards = corpus.cards if settings.index.use_cards else ()
        model = RankerModel.load(corpus.ranker_file_for(settings.index.encoder))
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
        direct = self._direct(q)
        if direct is not None:
            return direct, [c.clause_id for c in direct.citations]
        earlier = [clean_question(h, 10**6) for h in history if h.strip()]
        context = followup_context(q, earlier)
        if context is None and is_vague(q):
            return clarification(q, self.corpus.by_id), []
        ranking, examples = self._ranking(plain_text(f"{context} {q}" if context else q))
        by_id = self.corpus.by_id
        ranked = [(by_id[c], s) for c, s in zip(ranking.clause_ids, ranking.scores, strict=True)]
        text = f"{context or ''} {q}"
        before = self.rank(plain_text(context)) if context else None  # the earlier question alone
        if ranking.abstain and may_refuse(text) and not _answered_alone(context, before):
            return abstention(q, ranked, context, by_id), list(ranking.clause_ids)
        learned = self.settings.retrieval.fusion == "learned" and self.retriever.model is not None
        cited = select_citations(ranked, self.settings.answer, learned)
        evidence = Evidence(
            question=q,
            cited=cited,
            confidence=ranking.confidence,
            not_direct=(ranking.hedged or ranking.abstain)
            and not (cited and names_its_principle(text, cited[0][0])),
            context_question=context,
            examples={c.id: examples[c.id] for c, _ in cited if c.id in examples},
            background=background(text, cited, self.clauses),
            followup=followup_note(before, [c.id for c, _ in cited]) if before else None,
        )
        return self.composer.compose(evidence, by_id), list(ranking.clause_ids)

    def _direct(self, q: str) -> Answer | None:
        """Answers that need no ranking: a named clause, section or term, a topic question, a
        definition asked by its term, a question not in English."""
        by_id = self.corpus.by_id
        route = direct_route(q, self.clauses)
        if route is None:
            return None
        if route.rule == "unknown_id":
            data = {"question": q, "kind": "unknown_id", "answer": str(route.error)}
            return Answer.checked({**data, "abstained": True, "confidence": "low"}, by_id)
        if route.rule == "not_english":
            return not_english(q, by_id)
        if route.rule == "topic":
            text = f"Section {route.clauses[0].display_section()} covers this theme, in order:"
            return lookup_answer(q, route.clauses, by_id, text)
        if route.rule == "definition":
            term = route.clauses[0]
            return lookup_answer(q, route.clauses, by_id, f"The Code defines {term.title}:")
        return lookup_answer(q, route.clauses, by_id)

    def _ranking(self, query: str) -> tuple[Ranking, dict[str, str]]:
        """The ranking of a query and, for its leading clauses, the closest card situation."""
        with self._lock:
            features = self.retriever.features(query)
            ranking = self.retriever.fuse(features)
            lead = ranking.clause_ids[: self.settings.answer.top_k]
            return ranking, self.retriever.examples(features.vector, lead)

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


def _answered_alone(context: str | None, before: Ranking | None) -> bool:
    """A follow-up continues a conversation: when the earlier question alone is answered, the
    follow-up is answered too (with the hedge) rather than refused."""
    return before is not None and (not may_refuse(context or "") or not before.abstain)
