"""Which messages a rule answers before ranking, and so which ones the abstainer may refuse."""

import pytest

from assistant.answer import direct_route, may_refuse, names_its_principle, refusable
from assistant.corpus import load_clauses

CLAUSES = load_clauses()
BY_ID = {c.id: c for c in CLAUSES}


@pytest.mark.parametrize(
    ("message", "rule", "first"),
    [
        ("show me 1.C.2", "reference", "1.C.2"),
        ("What's the section on trust?", "topic", "3.A.1"),
        ("what does mentoring mean?", "definition", "D.mentoring"),
        ("¿Puedo aceptar un regalo de mi cliente?", "not_english", None),
        ("what does 9.Z.9 say", "unknown_id", None),
    ],
)
def test_rules_answer_before_ranking(message, rule, first):
    route = direct_route(message, CLAUSES)
    assert route is not None and route.rule == rule
    assert (route.clauses[0].id if route.clauses else None) == first
    assert (route.error is not None) == (rule == "unknown_id")
    assert not refusable(message, CLAUSES)


@pytest.mark.parametrize(
    "message",
    [
        "my client gave me a bottle of wine at christmas, can I keep it?",
        "How much should I charge per hour?",  # off scope, but only the abstainer can say so
    ],
)
def test_situations_reach_the_ranker_and_may_be_refused(message):
    assert direct_route(message, CLAUSES) is None
    assert refusable(message, CLAUSES)


@pytest.mark.parametrize(
    "message",
    [
        "help",  # too vague: asked back, never refused
        "what happens if a mentor breaks the code and a client complains?",  # the sanctions
    ],
)
def test_vague_and_consequence_questions_are_never_refused(message):
    assert direct_route(message, CLAUSES) is None
    assert not refusable(message, CLAUSES)


@pytest.mark.parametrize(
    ("message", "refuse"),
    [
        ("my client offered me shares instead of my fee: is this a conflict of interest?", False),
        ("does keeping a journal about my clients break confidentiality?", False),
        ("how do I show more empathy on video calls?", False),
        ("How much should I charge per hour?", True),
        ("which CRM should I use to manage my contracts?", True),  # "contract" is not enough
    ],
)
def test_naming_a_principle_of_the_code_is_never_refused(message, refuse):
    assert may_refuse(message) is refuse


@pytest.mark.parametrize(
    ("message", "clause_id", "named"),
    [
        (
            "my client offered me shares instead of my fee: is this a conflict of interest?",
            "1.C.2",
            True,
        ),
        ("Are these conflicts of interest?", "1.C.1", True),
        ("is this a conflict of interest?", "1.B.1", False),  # another principle's clause
        ("my client offered me shares instead of my fee", "1.C.2", False),  # not named
    ],
)
def test_a_clause_of_the_principle_the_message_names(message, clause_id, named):
    assert names_its_principle(message, BY_ID[clause_id]) is named
