"""The checklist of actions, its order, the lead sentence and the triage of a message, on the\nreal clauses of the Code."""

from __future__ import annotations

import pytest

from assistant.answer import guidance as g
from assistant.answer import triage
from assistant.corpus import load_clauses

CLAUSES = {c.id: c for c in load_clauses()}
PRINCIPLES = [c for c in CLAUSES.values() if c.kind == "principle"]

# Built by reading all 51 principles: each action's first word.
FIRST_WORDS = {
    "abstain",
    "acknowledge",
    "act",
    "actively",
    "address",
    "ask",
    "assess",
    "carefully",
    "clarify",
    "clearly",
    "conduct",
    "create",
    "disengage",
    "enhance",
    "ensure",
    "establish",
    "exemplify",
    "explicitly",
    "explore",
    "foster",
    "hold",
    "maintain",
    "make",
    "offer",
    "openly",
    "prioritize",
    "properly",
    "provide",
    "recognize",
    "strictly",
    "take",
    "uphold",
    "understand",
    "use",
    "verify",
    "work",
}


def test_corpus_shape():
    assert len(CLAUSES) == 79
    assert len(PRINCIPLES) == 51


@pytest.mark.parametrize("clause", PRINCIPLES, ids=lambda c: c.id)
def test_action_is_verbatim_tail(clause):
    act = g.action(clause)
    assert act is not None
    assert act in clause.text
    assert clause.text.endswith(act) or clause.text.endswith(act + ".")
    first = act.split()[0].rstrip(",")
    assert first in FIRST_WORDS
    assert first not in {"will", "Members", "IMC"}
    assert not act.startswith(("will", "Members", "IMC"))


@pytest.mark.parametrize(
    "clause", [c for c in CLAUSES.values() if c.kind != "principle"], ids=lambda c: c.id
)
def test_no_action_for_other_kinds(clause):
    assert g.action(clause) is None


def test_action_spot_checks():
    assert g.action(CLAUSES["1.C.1"]).startswith("openly and honestly discuss")
    assert g.action(CLAUSES["1.C.4"]).startswith("disengage")
    assert g.action(CLAUSES["1.B.1"]).startswith("maintain the strictest level")
    assert g.action(CLAUSES["1.A.1"]).startswith("make the principles available")
    assert g.action(CLAUSES["1.A.2"]).startswith("clarify and ensure")
    act = g.action(CLAUSES["2.D.2"])
    assert act.startswith("hold the clients accountable")
    assert act in CLAUSES["2.D.2"].text
    assert CLAUSES["2.D.2"].text.endswith(act + ".")


def _ordered(ids):
    return [i for r, i in sorted(enumerate(ids), key=lambda p: g.step_order(CLAUSES[p[1]], p[0]))]


def test_order_understand_first_disengage_last():
    order = _ordered(["1.C.4", "1.C.1", "1.B.3"])
    assert order[0] == "1.C.1"
    assert order[-1] == "1.C.4"


def test_concluding_after_goals():
    assert _ordered(["1.D.5", "1.D.2"]) == ["1.D.2", "1.D.5"]


def test_hold_accountable_before_ending():
    assert _ordered(["1.D.5", "2.D.2", "2.A.2", "1.D.1", "1.D.3"]) == [
        "2.A.2",
        "1.D.1",
        "1.D.3",
        "2.D.2",
        "1.D.5",
    ]


def test_ties_keep_rank():
    same_stage = ["1.B.3", "1.D.3", "2.B.1"]  # all stage 3
    assert len({g.step_order(CLAUSES[i], 0)[0] for i in same_stage}) == 1
    assert _ordered(same_stage) == same_stage
    assert _ordered(list(reversed(same_stage))) == list(reversed(same_stage))


def test_non_principles_sort_last():
    assert _ordered(["S.2", "D.sponsor", "1.C.4"]) == ["1.C.4", "S.2", "D.sponsor"]


def test_issue_names():
    cs = [CLAUSES[i] for i in ("1.C.2", "1.B.1", "1.C.1")]
    assert g.issue_names(cs) == "conflict of interest and confidentiality"
    cs = [CLAUSES[i] for i in ("1.C.2", "1.B.1", "1.B.2", "1.D.1", "1.C.4")]
    assert g.issue_names(cs) == (
        "conflict of interest, confidentiality and professional relationship and expectations"
    )
    assert g.issue_names([CLAUSES["D.sponsor"]]) == "the definition of sponsor"
    assert g.issue_names([CLAUSES["D.imc-members"]]) == "the definition of IMC members"
    assert g.issue_names([CLAUSES["S.1"], CLAUSES["S.5"], CLAUSES["1.B.1"]]) == (
        "sanctions and confidentiality"
    )
    assert g.issue_names([CLAUSES["P.pledge.1"]]) == "the pledge"
    assert g.issue_names([CLAUSES["P.implementation.1"]]) == "implementing the code"
    assert g.issue_names([CLAUSES["3.E.1"]]) == "self-awareness and reflection"
    assert g.issue_names([]) == ""


def test_lead_sentence():
    cs = [CLAUSES[i] for i in ("1.C.2", "1.B.1", "1.C.1")]
    issue = "conflict of interest and confidentiality"
    assert g.lead_sentence(cs, "high") == f"This is a question of {issue}."
    assert g.lead_sentence(cs, "medium") == f"This is probably a question of {issue}."
    assert g.lead_sentence(cs, "low") == (
        f"This may be a question of {issue}. Read the clauses below to judge whether they fit."
    )


VAGUE = [
    "help",
    "hi",
    "Hello!",
    "i have a problem with my mentee",
    "question",
    "ethics?",
    "my client",
    "something happened",
    "I need advice",
    "can you help me with a situation",
    "thanks",
    "please help",
    "I have a question",
    "ethical dilemma",
    "what should I do?",
    "I'm stuck with my mentor",
    "mentee issue",
    "help me please",
    "",
    "   ",
    "???",
    "I need some ethics advice about a client",
    "problem",
]
SPECIFIC = [
    "my client offered me shares instead of my fee",
    "gift from client",
    "define sponsor",
    "confidentiality",
    "what does 1.C.4 say",
    "sanctions",
    "recording sessions",
    "what does the code say about respect",
    "conflict of interest",
    "session notes",
    "dating a mentee",
    "my mentee wants to be friends on Facebook",
    "sponsor wants a report",
    "can I mentor my cousin?",
    "client didn't pay",
    "Trust",
    "1.B.2",
    "HR asked me what my mentee said",
    "boundaries",
]


@pytest.mark.parametrize("message", VAGUE)
def test_vague(message):
    assert triage.is_vague(message)


@pytest.mark.parametrize("message", SPECIFIC)
def test_not_vague(message):
    assert not triage.is_vague(message)


def test_clarify_question():
    q = triage.CLARIFY_QUESTION
    for word in ("client", "sponsor", "organisation", "happened", "decision", "example"):
        assert word in q.lower()
    assert 2 <= q.count("?") <= 3


@pytest.mark.parametrize(
    "message",
    [
        "my mentee's company pays for the sessions",
        "HR wants a summary",
        "the sponsor insists",
        "her boss is funding it",
        "my client's employer asked for notes",
        "the organisation commissioned the programme",
        "his manager wants an update",
        "the mentoring is paid for by a third party",
    ],
)
def test_involves_sponsor(message):
    assert triage.involves_sponsor(message)


@pytest.mark.parametrize(
    "message",
    [
        "my client offered me shares instead of my fee",
        "my mentee wants to date me",
        "my client pays me late",
        "can I record our sessions",
        "shrink",
        "hrm, not sure",
    ],
)
def test_not_involves_sponsor(message):
    assert not triage.involves_sponsor(message)


@pytest.mark.parametrize(
    "message",
    [
        "what happens if I break confidentiality",
        "can I lose my credential",
        "will I be struck off?",
        "what are the penalties",
        "consequences",
        "could I be sanctioned",
        "will I get kicked out of IMC",
        "could my client report me",
        "would my membership be revoked",
    ],
)
def test_asks_consequences(message):
    assert triage.asks_consequences(message)


@pytest.mark.parametrize(
    "message",
    [
        "can I accept a gift from my client",
        "what does 1.C.4 say",
        "my sponsor wants a report",
        "what happens in a first session",
        "should I disengage",
        "my client is reporting to a new manager",
    ],
)
def test_not_asks_consequences(message):
    assert not triage.asks_consequences(message)
