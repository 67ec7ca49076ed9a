"""The Assistant on the real stack: guidance a mentor can act on (issue 17) and the everyday
dilemmas the Code covers (issue 16). Every quoted action is checked against the clause text."""

import pytest

HR_SUMMARY = "My mentee's company pays for our sessions and HR wants a summary of what she tells me"
REFERRAL = (
    "A supplier I recommend to my mentees pays me a referral commission. Is that a conflict of "
    "interest?"
)


def _verbatim(assistant, answer) -> None:
    for c in answer.citations + answer.context:
        clause = assistant.clause_by_id[c.clause_id]
        assert c.text == clause.text
        if c.action is not None:
            assert c.action in clause.text and clause.text.rstrip(".").endswith(c.action)


def test_hr_summary_dilemma_gets_a_checklist_and_the_sponsor_definitions(real_assistant):
    a = real_assistant.ask(HR_SUMMARY)
    _verbatim(real_assistant, a)
    assert not a.abstained and a.steps
    cited = {c.clause_id for c in a.citations}
    assert cited & {"1.B.1", "1.B.2", "1.A.2"}
    assert {"D.client", "D.sponsor"} <= {c.clause_id for c in a.context} | cited
    assert a.answer.startswith("This ")  # names the issue plainly
    assert all(c.example for c in a.citations if c.clause_id[0].isdigit())


def test_conflict_of_interest_dilemma_orders_the_actions(real_assistant):
    a = real_assistant.ask(REFERRAL)
    _verbatim(real_assistant, a)
    assert a.citations[0].clause_id.startswith("1.C")
    assert a.steps and set(a.steps) <= {c.clause_id for c in a.citations}
    if "1.C.4" in a.steps:  # disengaging comes last
        assert a.steps[-1] == "1.C.4"
    if {"1.C.1", "1.C.4"} <= set(a.steps):
        assert a.steps.index("1.C.1") < a.steps.index("1.C.4")
    assert "conflict of interest" in a.answer.lower()


@pytest.mark.parametrize("message", ["help", "i have a problem with my mentee", "advice?"])
def test_vague_message_gets_a_question_back(real_assistant, message):
    a = real_assistant.ask(message)
    assert a.kind == "clarify" and a.clarify
    assert not a.citations and a.confidence != "high"


def test_follow_up_adding_consent_is_answered_for_the_combined_situation(real_assistant):
    a = real_assistant.ask("what if she agrees to it?", [HR_SUMMARY])
    _verbatim(real_assistant, a)
    assert a.context_question == HR_SUMMARY
    assert not a.abstained and a.citations
    # Either the new fact changed the clauses, or the answer says it did not, below "high".
    if "does not change" in a.answer:
        assert a.confidence != "high"


def test_consequences_question_shows_the_sanctions_ladder_in_order(real_assistant):
    a = real_assistant.ask("What happens if I break confidentiality? Can I lose my credential?")
    _verbatim(real_assistant, a)
    sanctions = [c.clause_id for c in a.context if c.clause_id.startswith("S.")]
    assert sanctions == ["S.1", "S.2", "S.3", "S.4", "S.5", "S.6"]


def test_topic_question_returns_the_whole_section(real_assistant):
    a = real_assistant.ask("which clauses should a workshop on empathy cover?")
    assert a.kind == "lookup" and [c.clause_id for c in a.citations] == ["3.B.1", "3.B.2", "3.B.3"]


def test_definition_by_exact_term_ranks_that_term_first(real_assistant):
    assert real_assistant.ask("what does mentoring mean?").citations[0].clause_id == "D.mentoring"
    assert real_assistant.ask("who is a mentor?").citations[0].clause_id == "D.mentor"


@pytest.mark.parametrize(
    "question",
    [
        "¿Puedo aceptar un regalo de mi cliente?",
        "Mi cliente me regaló un reloj, ¿puedo aceptarlo?",
        "Mon client m'a offert un cadeau, est-ce que je peux l'accepter ?",
    ],
)
def test_every_non_english_question_gets_the_same_message_and_no_clause(real_assistant, question):
    a = real_assistant.ask(question)
    assert a.abstained and a.answer.startswith("Only English is supported")
    assert not a.citations and not a.nearest


@pytest.mark.parametrize(
    "question",
    [
        "can I accept a bottle of wine from a client at christmas",
        "gift from client",
        "my client offered me shares instead of my fee",
    ],
)
def test_everyday_gift_questions_are_answered_with_1C2(real_assistant, question):
    a = real_assistant.ask(question)
    assert not a.abstained
    assert "1.C.2" in [c.clause_id for c in a.citations]
