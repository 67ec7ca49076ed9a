"""Answer composition: the lead sentence, abstentions, what is cited, lookups and follow-ups."""

import pytest
from pydantic import ValidationError

from assistant.answer import (
    ABSTAIN_TEXT,
    Evidence,
    FollowUp,
    TemplateComposer,
    abstention,
    citation,
    clarification,
    followup_context,
    lookup_answer,
    not_english,
    select_citations,
)
from assistant.settings import AnswerSettings


@pytest.fixture
def by_id(mini_corpus):
    return mini_corpus.by_id


@pytest.fixture
def ranked(by_id):
    """Every mini clause, best first, with falling scores."""
    ids = ["1.C.2", "1.C.3", "1.B.3", "S.1", "D.sponsor", "1.B.1", "1.C.4", "1.D.5"]
    return [(by_id[cid], round(0.95 - 0.1 * i, 2)) for i, cid in enumerate(ids)]


def rescored(ranked, scores):
    return [(c, s) for (c, _), s in zip(ranked, scores, strict=True)]


def compose(ranked, by_id, confidence="high", abstained=False, context=None, **kw):
    if abstained:
        return abstention("My mentee gave me a gift", ranked, context, by_id)
    evidence = Evidence("My mentee gave me a gift", ranked, confidence, context, **kw)
    return TemplateComposer().compose(evidence, by_id)


@pytest.mark.parametrize(
    "confidence, lead",
    [
        ("high", "This is a question of conflict of interest."),
        ("medium", "This is probably a question of conflict of interest."),
        ("low", "This may be a question of conflict of interest."),
    ],
)
def test_lead_sentence_names_the_issue_and_hedges_with_confidence(ranked, by_id, confidence, lead):
    a = compose(ranked[:2], by_id, confidence)
    assert a.answer.startswith(lead)
    assert a.confidence == confidence and not a.abstained
    assert "Most directly: " in a.answer and "(1.C.2). Also relevant: " in a.answer
    assert a.answer.endswith("(1.C.3).")


def test_actions_examples_and_steps(ranked, by_id):
    examples = {"1.C.2": "A mentee gave me theatre tickets."}
    a = compose(ranked[:3], by_id, examples=examples)
    for c in a.citations:
        clause = by_id[c.clause_id]
        assert c.action is None or c.action in clause.text
    assert a.citations[0].example == examples["1.C.2"] and a.citations[1].example is None
    assert set(a.steps) == {c.clause_id for c in a.citations if c.action}


def test_background_clauses_are_context_not_citations(ranked, by_id):
    a = compose(ranked[:1], by_id, background=[by_id["D.sponsor"]])
    assert [c.clause_id for c in a.context] == ["D.sponsor"]
    assert "D.sponsor" not in [c.clause_id for c in a.citations]


def test_a_follow_up_that_changes_nothing_is_said_and_not_high(ranked, by_id):
    same = FollowUp("The new detail does not change which clauses apply.", False)
    a = compose(ranked[:2], by_id, "high", followup=same)
    assert a.confidence == "medium" and a.answer.endswith(same.note)
    new = FollowUp("With this detail, 1.B.3 now applies too.", True)
    assert compose(ranked[:2], by_id, "high", followup=new).confidence == "high"


def test_not_direct_answers_are_low_and_say_so(ranked, by_id):
    a = compose(ranked[:2], by_id, "high", not_direct=True)
    assert a.confidence == "low" and a.answer.startswith("The Code may not address this directly")


def test_clarification_cites_nothing(by_id):
    a = clarification("help", by_id)
    assert a.kind == "clarify" and a.clarify and not a.citations and a.confidence == "low"


def test_not_english_shows_no_clause(by_id):
    a = not_english("¿Puedo aceptar un regalo?", by_id)
    assert a.abstained and not a.citations and not a.nearest


def test_citations_quote_the_clauses_best_first(ranked, by_id):
    a = compose(ranked[:3], by_id)
    assert [c.clause_id for c in a.citations] == ["1.C.2", "1.C.3", "1.B.3"]
    assert all(c.text == by_id[c.clause_id].text for c in a.citations)
    assert [c.score for c in a.citations] == [0.95, 0.85, 0.75]
    assert a.nearest == [] and a.context_question is None


def test_single_citation_has_no_also_relevant(ranked, by_id):
    a = compose(ranked[:1], by_id, context="earlier question")
    assert "Also relevant" not in a.answer and a.context_question == "earlier question"


def test_definitions_are_named_as_such(by_id):
    a = compose([(by_id["D.sponsor"], 0.9)], by_id)
    assert "the definition of Sponsor" in a.answer


def test_abstained_answer_cites_nothing_and_shows_up_to_three_nearest(ranked, by_id):
    a = compose(ranked, by_id, abstained=True, context="before")
    assert a.abstained and a.answer == ABSTAIN_TEXT and a.confidence == "low"
    assert a.citations == []
    assert [c.clause_id for c in a.nearest] == ["1.C.2", "1.C.3", "1.B.3"]
    assert a.context_question == "before"
    assert len(compose(ranked[:2], by_id, abstained=True).nearest) == 2


def test_composer_output_is_checked_against_the_corpus(ranked):
    with pytest.raises(ValidationError, match="not a clause"):
        compose(ranked[:1], {})  # a corpus without the cited clause


def test_citation_clamps_and_rounds_the_score(by_id):
    assert citation(by_id["S.1"], 1.7).score == 1.0
    assert citation(by_id["S.1"], -0.2).score == 0.0
    assert citation(by_id["S.1"], 0.123456).score == 0.1235


# ------------------------------------------------------------------ select_citations


def test_learned_selection_keeps_top_two_then_others_above_the_cut(ranked):
    settings = AnswerSettings(top_k=5, cite_min_score=0.8)
    items = rescored(ranked, [0.95, 0.3, 0.85, 0.82, 0.9, 0.99, 0.2, 0.1])
    kept = select_citations(items, settings, learned=True)
    # the top 2 whatever their score, then ranks 3-5 at or above 0.8; rank 6 is beyond top_k
    assert [s for _, s in kept] == [0.95, 0.3, 0.85, 0.82, 0.9]


def test_selection_never_exceeds_top_k(ranked):
    items = [(c, 0.99) for c, _ in ranked]
    assert len(select_citations(items, AnswerSettings(top_k=3), learned=True)) == 3
    assert len(select_citations(items, AnswerSettings(top_k=1), learned=True)) == 1


def test_selection_keeps_two_even_when_the_rest_is_weak(ranked):
    items = rescored(ranked, [0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    kept = select_citations(items, AnswerSettings(cite_min_score=0.8), learned=True)
    assert [c.id for c, _ in kept] == ["1.C.2", "1.C.3"]


def test_other_fusions_cut_relative_to_the_best_score(ranked):
    items = rescored(ranked, [1.0, 0.1, 0.31, 0.29, 0.5, 0, 0, 0])
    kept = select_citations(items, AnswerSettings(top_k=5, cite_min_score=0.99), learned=False)
    assert [s for _, s in kept] == [1.0, 0.1, 0.31, 0.5]  # cut at 0.3 x best


# ------------------------------------------------------------------ lookups


def test_lookup_answer_for_one_clause(by_id):
    c = by_id["1.C.4"]
    a = lookup_answer("what does 1.C.4 say?", [c], by_id)
    assert a.answer == f"1.C.4 ({c.display_section()}) says:"
    assert [x.clause_id for x in a.citations] == ["1.C.4"] and a.citations[0].text == c.text
    assert a.confidence == "high" and not a.abstained and a.citations[0].score == 1.0


def test_lookup_answer_for_several_clauses(by_id):
    clauses = [by_id["S.1"], by_id["S.5"]]
    a = lookup_answer("show me the sanctions", clauses, by_id)
    assert a.answer == "2 clauses: S.1, S.5."
    assert [x.clause_id for x in a.citations] == ["S.1", "S.5"]


# ------------------------------------------------------------------ follow-ups

HISTORY = ["My mentee's father offered me a free week at his hotel.", "Is that a conflict?"]


@pytest.mark.parametrize(
    "question",
    ["What if she insists?", "and if I refuse the offer", "Suppose I say yes", "Is it ok?"],
)
def test_follow_ups_depend_on_the_last_question(question):
    assert followup_context(question, HISTORY) == HISTORY[-1]


@pytest.mark.parametrize(
    "question",
    [
        "My client asked me to keep their records on my personal laptop at home",
        "What if " + "the client of a colleague offers me a paid job in a field " * 2,
        "Can I accept a gift from a client?",
    ],
)
def test_questions_that_stand_alone_have_no_context(question):
    assert followup_context(question, HISTORY) is None


def test_no_history_means_no_context():
    assert followup_context("What if she insists?", []) is None
