"""Clause cards: valid, and never a copy or near-duplicate of an eval question."""

import json

import numpy as np
import pytest

from assistant.corpus import load_cards, load_clauses, tokens
from assistant.evaluation import split_cases
from assistant.settings import CorpusSettings, IndexSettings

S = CorpusSettings()
CARDS = load_cards(S.path(".cards.json"))
CASES = split_cases(S.evals_dir, "all")
CARD_TEXTS = [t for c in CARDS for t in (*c.situations, ", ".join(c.keywords))]
# Project-written off-scope examples (abstention training) obey the same rule.
CARD_TEXTS += json.loads(S.path(".oos.json").read_text(encoding="utf-8"))["questions"]


def test_cards_point_to_real_clauses_and_cover_every_principle():
    ids = {c.id for c in load_clauses()}
    assert CARDS, "no clause cards"
    assert all(c.clause_id in ids for c in CARDS)
    assert len({c.clause_id for c in CARDS}) == len(CARDS)
    principles = {c.id for c in load_clauses() if c.kind in ("principle", "sanction")}
    assert principles <= {c.clause_id for c in CARDS}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def test_no_eval_question_copied_into_cards_by_words():
    card_tokens = [set(tokens(t)) for t in CARD_TEXTS]
    for case in CASES:
        q = set(tokens(case.question))
        if len(q) < 4:
            continue
        for text, t in zip(CARD_TEXTS, card_tokens, strict=True):
            jaccard = len(q & t) / len(q | t)
            assert jaccard < 0.6 and not (len(t) >= 4 and _overlap(q, t) > 0.85), (
                f"eval case {case.id} is too close to card text: {text!r}"
            )


@pytest.mark.slow  # encodes every eval question and card line with the real model
@pytest.mark.filterwarnings("ignore")
def test_no_eval_question_near_duplicate_by_embedding():
    from sentence_transformers import SentenceTransformer

    path = IndexSettings(encoder="minilm").resolved_model_path()  # as scripts/decontaminate.py
    model = SentenceTransformer(str(path), device="cpu")
    q = model.encode([c.question for c in CASES], normalize_embeddings=True, batch_size=64)
    k = model.encode(CARD_TEXTS, normalize_embeddings=True, batch_size=64)
    sims = q @ k.T
    worst = np.unravel_index(np.argmax(sims), sims.shape)
    assert sims.max() <= 0.9, (
        f"{CASES[worst[0]].id} ~ card text {CARD_TEXTS[worst[1]]!r}: cosine {sims.max():.3f}"
    )
