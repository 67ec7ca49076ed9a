"""Topic questions answered with a whole section, definitions asked by their exact term, and
questions not in English: recognised from the message alone (no model)."""

import pytest

from assistant.corpus import (
    definition_in_message,
    load_clauses,
    looks_non_english,
    topic_in_message,
)

CLAUSES = load_clauses()


@pytest.mark.parametrize(
    ("message", "section"),
    [
        ("which clauses should a workshop on empathy cover?", "3.B"),
        ("What does the Code say about respect?", "3.C"),
        ("I'm running a workshop on confidentiality for new mentors", "1.B"),
        ("which clauses cover conflicts of interest", "1.C"),
        ("clauses on feedback", "2.D"),
        ("training on cultural competence please", "2.C"),
        ("what does the code say about accountability?", "3.D"),
        ("which clauses cover CPD", "3.F"),
        ("where's the confidentialty section", "1.B"),  # a typo in a long word
        ("What's the section on trust?", "3.A"),
        ("what are the sanctions?", "S.sanctions"),
    ],
)
def test_topic_question_gets_the_whole_section_in_order(message, section):
    found = topic_in_message(message, CLAUSES)
    part, key = section.split(".")
    expected = [c.id for c in CLAUSES if c.part == part and c.section == key]
    assert found is not None and [c.id for c in found] == expected


@pytest.mark.parametrize(
    "message",
    [
        "What does the code say about trust when my mentee lies to me?",  # a situation
        "what does the code say about gifts?",  # not a section's theme
        "My client offered shares. What does the Code say about that?",
        "What does the Code say about keeping client notes?",
    ],
)
def test_situations_are_left_to_retrieval(message):
    assert topic_in_message(message, CLAUSES) is None


@pytest.mark.parametrize(
    ("message", "term"),
    [
        ("what does mentoring mean?", "D.mentoring"),
        ("who is a mentor?", "D.mentor"),
        ("What does the Code mean by mentoring", "D.mentoring"),
        ("who counts as a client", "D.client"),
        ("what's a sponsor", "D.sponsor"),
        ("what is mentoring supervision in the code?", "D.mentoring-supervision"),
        ("what is a mentor supervisor", "D.mentor-supervisor"),
    ],
)
def test_definition_by_its_exact_term(message, term):
    found = definition_in_message(message, CLAUSES)
    assert found is not None and found.id == term


@pytest.mark.parametrize(
    "message", ["what is a conflict of interest?", "what is trust", "is a mentor my friend?"]
)
def test_not_a_defined_term(message):
    assert definition_in_message(message, CLAUSES) is None


@pytest.mark.parametrize(
    "message",
    [
        "Mi cliente me regaló un reloj, ¿puedo aceptarlo?",
        "¿Puedo aceptar un regalo de mi cliente?",
        "Mon client m'a offert un cadeau, est-ce que je peux l'accepter ?",
        "Mein Klient hat mir ein Geschenk gemacht, darf ich es annehmen?",
        "Il mio cliente mi ha fatto un regalo, posso accettarlo?",
        "O meu cliente deu-me um presente, posso aceitar?",
    ],
)
def test_questions_in_other_languages_are_recognised(message):
    assert looks_non_english(message)


@pytest.mark.parametrize(
    "message",
    [
        "can I accept a bottle of wine from a client at christmas",
        "gift from client",
        "Hola, my client gave me a gift, is that ok?",
        "What does 1.C.4 say?",
    ],
)
def test_english_questions_are_not_flagged(message):
    assert not looks_non_english(message)
