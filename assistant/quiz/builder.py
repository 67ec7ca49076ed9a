"""Quiz builder for trainers: scenario and recall items with answer keys quoting the Code.

Scenario items come from the scenario bank; their distractors are hard negatives: clauses the
retriever ranks high that are not gold. Recall items (which clause says..., fill the gap,
definitions) need no model: the retriever is loaded lazily, only for scenario items.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..corpus import STOPWORDS, tokens
from ..models import Clause, Ranking
from .bank import Scenario
from .labels import option_label, quiz_citation
from .models import (
    CLAUSE_KINDS,
    GAP,
    ITEM_KINDS,
    N_OPTIONS,
    PERSONAS,
    SCENARIO_QUESTION,
    Option,
    Quiz,
    QuizError,
    QuizItem,
    QuizSettings,
)


class Ranker(Protocol):
    """What the builder needs of an assistant: a ranking of the clauses for a scenario."""

    def rank(self, query: str) -> Ranking: ...


# ------------------------------------------------------------------------------ text helpers

_WORD_RE = re.compile(r"(?<![\w’'-])([A-Za-z][A-Za-z-]*[A-Za-z])(?![\w’'-])")
_SUFFIX_RE = re.compile(
    r"(ing|ion|ity|ness|ment|ship|ance|ence|ism|ly|ed|ful|ous|ive|able|ible|al|ic|ize|es|s)$"
)
# Endings grouped by the part of speech they usually mark, so that a gap's distractors read as
# the same kind of word: otherwise "thoughtful" gets "originator" beside it and a trainee can
# rule options out by grammar alone.
_WORD_CLASS = {
    **dict.fromkeys(("ion", "ity", "ness", "ment", "ship", "ance", "ence", "ism"), "noun"),
    **dict.fromkeys(("ful", "ous", "ive", "able", "ible", "al", "ic"), "adjective"),
}
_SKIP = STOPWORDS | {"members", "professionals", "clients", "client", "mentoring", "relationship"}


one_line = lambda text: " ".join(text.split())
sentence = lambda t: one_line(t) if one_line(t)[-1:] in ".?!" else one_line(t) + "."
_quote = lambda text: f"\u201c{text}\u201d"
_suffix = lambda word: m.group(1) if (m := _SUFFIX_RE.search(word)) else ""
_word_class = lambda word: _WORD_CLASS.get(_suffix(word), _suffix(word))
_jaccard = lambda a, b: len(a & b) / len(a | b) if a | b else 0.0
_lower_words = lambda text: [m.group(1).lower() for m in _WORD_RE.finditer(text)]


def _content_words(text: str) -> list[tuple[str, int]]:
    """Lower-case content words (with hyphens) and their offsets."""
    found = ((m.group(1), m.start(1)) for m in _WORD_RE.finditer(text))
    return [(w, p) for w, p in found if w.islower() and len(w) >= 5 and w not in _SKIP]


# ------------------------------------------------------------------------------ the builder


@dataclass(frozen=True)
class Candidate:  # one item the bank could produce, before it is built
    kind: str
    clause: Clause
    variant: int = 0  # fill_gap: which word of the clause is blanked
    scenario: Scenario | None = None


class QuizBuilder:
    """Builds quizzes over one corpus. `load_assistant` is called only if a scenario needs it."""

    def __init__(
        self,
        clauses: Sequence[Clause],
        scenarios: Sequence[Scenario] = (),
        *,
        assistant: Ranker | None = None,
        load_assistant: Callable[[], Ranker] | None = None,
        corpus: str = "imc-code-of-ethics",
    ):
        self.clauses = tuple(clauses)
        self.by_id = {c.id: c for c in self.clauses}
        self.scenarios = list(scenarios)
        self._assistant = assistant
        self._load_assistant = load_assistant
        self.corpus = corpus
        self.principles = [c for c in self.clauses if c.kind == "principle"]
        self.definitions = [c for c in self.clauses if c.kind == "definition"]
        self._tokens = {c.id: set(tokens(c.text)) for c in self.clauses}
        self._df: dict[str, int] = {}
        for c in self.principles:
            for w in {w for w, _ in _content_words(c.text)}:
                self._df[w] = self._df.get(w, 0) + 1
        self._gaps = {c.id: self._gap_words(c) for c in self.principles}
        quizzable = [c for c in self.clauses if c.kind in CLAUSE_KINDS]
        order = lambda k: (not k[0].isdigit(), k)  # 1.A ... 3.F, then D, S
        self.sections = sorted({c.section_id for c in quizzable}, key=order)
        self.parts = sorted({c.part for c in quizzable}, key=order)

    @property
    def assistant(self) -> Ranker:
        if self._assistant is None:
            if self._load_assistant is None:
                raise QuizError("scenario items need the retriever, and none is available")
            self._assistant = self._load_assistant()
        return self._assistant

    # -------------------------------------------------------------- filters and pools

    def check_filters(self, part: str | None, section: str | None, persona: str | None) -> None:
        if part is not None and part not in self.parts:
            raise QuizError(f"unknown part {part!r}; parts: {', '.join(self.parts)}")
        if section is not None:
            known = ", ".join(self.sections)
            if section not in self.sections:
                raise QuizError(f"unknown section {section!r}; sections: {known}")
            if part is not None and not section.startswith(f"{part}."):
                raise QuizError(f"section {section} is not in part {part}")
        if persona is not None and persona not in PERSONAS:
            raise QuizError(f"unknown persona {persona!r}; personas: {', '.join(PERSONAS)}")

    def pools(
        self, part: str | None = None, section: str | None = None, persona: str | None = None
    ) -> dict[str, list[Candidate]]:
        """Every item the bank can produce under the filters, by kind (persona: scenarios only)."""
        self.check_filters(part, section, persona)

        def ok(c: Clause) -> bool:
            return (part is None or c.part == part) and (section is None or c.section_id == section)

        pools: dict[str, list[Candidate]] = {k: [] for k in ITEM_KINDS}
        for s in self.scenarios:
            gold = [self.by_id[g] for g in s.case.gold if g in self.by_id]
            match = next((g for g in gold if ok(g) and g.kind in CLAUSE_KINDS), None)
            if match is not None and (persona is None or s.case.persona == persona):
                pools["scenario"].append(Candidate("scenario", match, scenario=s))
        for c in self.principles:
            if ok(c):
                pools["which_clause"].append(Candidate("which_clause", c))
                gaps = self._gaps[c.id]
                pools["fill_gap"] += [Candidate("fill_gap", c, v) for v in range(len(gaps))]
        pools["definition"] = [Candidate("definition", c) for c in self.definitions if ok(c)]
        return pools

    # -------------------------------------------------------------- building

    def build(self, spec: QuizSettings, seed: int | None = None) -> Quiz:
        """A quiz as asked. Same spec and seed, same quiz."""
        pools = self.pools(spec.part, spec.section, spec.persona)
        wanted = spec.types or dict.fromkeys(ITEM_KINDS)
        counts = allocate(spec.n, wanted, {k: len(v) for k, v in pools.items()})
        seed = secrets.randbelow(10**6) if seed is None else seed
        rng = random.Random(seed)
        chosen: list[Candidate] = []
        used: dict[tuple[bool, str], int] = {}  # spread items over clauses: no give-aways
        key = lambda c: (c.kind == "scenario", c.clause.id)
        for kind in ITEM_KINDS:
            pool = list(pools[kind])
            rng.shuffle(pool)
            for _ in range(counts.get(kind, 0)):
                best = min(pool, key=lambda c: (used.get(key(c), 0), c.variant))
                pool.remove(best)
                chosen.append(best)
                used[key(best)] = used.get(key(best), 0) + 1
        rng.shuffle(chosen)
        items = [self.item(c, rng, f"q{i}") for i, c in enumerate(chosen, 1)]
        settings = spec.model_copy(update={"types": counts, "corpus": self.corpus})
        return Quiz(seed=seed, settings=settings, items=items)

    def item(self, cand: Candidate, rng: random.Random, item_id: str) -> QuizItem:
        c = cand.clause
        if cand.kind == "scenario":
            case = cand.scenario.case
            ranking = self.assistant.rank(case.question).clause_ids
            distractors = self.hard_negatives(ranking, c, {*case.gold, *case.acceptable})
            others = [g for g in case.gold if g != c.id]
            extra = f" Also applies: {', '.join(others)}." if others else ""
            prompt = f"Scenario: {sentence(case.question)} {SCENARIO_QUESTION}"
            src = cand.scenario.source
            return self.clause_item("scenario", prompt, c, distractors, rng, item_id, src, extra)
        if cand.kind == "which_clause":
            near = self._similar(c, self.principles, rng)
            prompt = f"Which clause of the IMC Code of Ethics says {_quote(c.text)}?"
            return self.clause_item("which_clause", prompt, c, near, rng, item_id)
        if cand.kind == "definition":
            near = self._similar(c, self.definitions, rng)
            opts = [Option(label=d.title, clause_id=d.id) for d in near]
            prompt = f"Which term does the Code define as {_quote(_mask_term(c))}?"
            correct = Option(label=c.title, clause_id=c.id)
            return self._finish("definition", prompt, c, correct, opts, rng, item_id)
        word, pos = self._gaps[c.id][cand.variant]
        gapped = c.text[:pos] + GAP + c.text[pos + len(word) :]
        prompt = f"Fill the gap in clause {c.id}: {_quote(gapped)}"
        opts = [Option(label=w, clause_id=cid) for w, cid in self._gap_distractors(c, word, rng)]
        correct = Option(label=word, clause_id=c.id)
        return self._finish("fill_gap", prompt, c, correct, opts, rng, item_id)

    def clause_item(self, kind, prompt, c, distractors, rng, item_id, source=None, extra=""):
        opts = [Option(label=option_label(d), clause_id=d.id) for d in distractors]
        correct = Option(label=option_label(c), clause_id=c.id)
        return self._finish(kind, prompt, c, correct, opts, rng, item_id, source, extra)

    def _finish(self, kind, prompt, c, correct, opts, rng, item_id, source=None, extra=""):
        options = [correct, *opts]
        rng.shuffle(options)
        return QuizItem(
            id=item_id,
            kind=kind,
            prompt=prompt,
            options=options,
            answer=options.index(correct),
            clause_id=c.id,
            explanation=quiz_citation(c) + extra,
            source=source,
        )

    # -------------------------------------------------------------- distractors

    def hard_negatives(self, ranking: Sequence[str], correct: Clause, gold: set[str]) -> list:
        """Top-ranked clauses that are not gold: other sections first, one per section."""
        gold = gold | {correct.id}
        gold_sections = {self.by_id[g].section_id for g in gold if g in self.by_id}
        ranked = [self.by_id[i] for i in ranking if i in self.by_id and i not in gold]
        ranked += [c for c in self.clauses if c.id not in gold and c.id not in ranking]
        same = correct.kind if correct.kind in CLAUSE_KINDS else "principle"

        def tier(c: Clause, used: set[str]) -> int:
            if c.kind != same:
                return 3 if c.kind in CLAUSE_KINDS else 9
            return 2 if c.section_id in gold_sections else int(c.section_id in used)

        picked: list[Clause] = []
        for level in range(4):
            for c in ranked:
                used = {p.section_id for p in picked}
                if len(picked) < N_OPTIONS - 1 and c not in picked and tier(c, used) <= level:
                    picked.append(c)
        if len(picked) < N_OPTIONS - 1:
            raise QuizError(f"not enough clauses for distractors of {correct.id}")
        return picked

    def _similar(self, c: Clause, among: Sequence[Clause], rng: random.Random) -> list[Clause]:
        """Three of the six clauses whose wording is closest to `c` (no model needed)."""
        others = [o for o in among if o.id != c.id]
        mine = self._tokens[c.id] | set(tokens(c.title))
        others.sort(key=lambda o: -_jaccard(mine, self._tokens[o.id] | set(tokens(o.title))))
        return rng.sample(others[:6], N_OPTIONS - 1)

    def _gap_words(self, c: Clause) -> list[tuple[str, int]]:
        """Up to two distinctive words of a clause to blank out: rare in the Code, once here."""
        cands = [(w, p) for w, p in _content_words(c.text) if _lower_words(c.text).count(w) == 1]
        cands.sort(key=lambda wp: (self._df[wp[0]], -len(wp[0]), wp[1]))
        return cands[:2]

    def _gap_distractors(self, c: Clause, word: str, rng: random.Random) -> list[tuple[str, str]]:
        """Words of the same kind and shape from other clauses, not found in this clause."""
        here = set(_lower_words(c.text))
        found = [(w, o.id) for o in self.principles for w, _ in _content_words(o.text)]
        pool = {w: cid for w, cid in reversed(found) if w not in here}  # first clause wins
        ranked = sorted(
            pool,
            key=lambda w: (
                _word_class(w) != _word_class(word),
                _suffix(w) != _suffix(word),
                abs(len(w) - len(word)),
                w,
            ),
        )
        return [(w, pool[w]) for w in rng.sample(ranked[:10], N_OPTIONS - 1)]


def _mask_term(c: Clause) -> str:
    """The definition with the term itself blanked, so the prompt does not give it away."""
    text = c.text
    for part in sorted(c.title.split(" / "), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(part)}\b", GAP, text, flags=re.I)
    return text


def allocate(n: int, types: dict[str, int | None], sizes: dict[str, int]) -> dict:
    """How many items of each kind: explicit counts, else spread evenly by capacity."""
    if n < 1:
        raise QuizError("the number of items must be at least 1")
    fixed = {k: v for k, v in types.items() if v is not None}
    for k, v in fixed.items():
        if v > sizes[k]:
            raise QuizError(f"{v} {k} items asked, but only {sizes[k]} available")
    counts = {k: fixed.get(k, 0) for k in types}
    free = [k for k in types if k not in fixed]
    left = n - sum(fixed.values())
    if left < 0 or (left > 0 and not free and fixed):
        raise QuizError(f"the item counts add up to {sum(fixed.values())}, not the {n} items asked")
    while left > 0 and (room := [k for k in free if counts[k] < sizes[k]][:left]):
        for k in room:
            counts[k] += 1
        left -= len(room)
    if left > 0:
        have = ", ".join(f"{k.replace('_', ' ')} {sizes[k]}" for k in types)
        raise QuizError(
            f"{n} items asked but only {n - left} available under these filters ({have}); "
            "ask for fewer items or widen the filters"
        )
    return {k: v for k, v in counts.items() if v}
