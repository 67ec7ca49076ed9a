"""The Ask and Browse HTML, "Copy all" and the Markdown download, without a browser or a model:
answers are built by hand from the real clauses, so each case shows exactly one feature."""

from __future__ import annotations

import html
import re
from datetime import date

import gradio as gr
import pytest

from assistant.corpus import load_clauses
from assistant.models import Answer, Citation
from assistant.web import answers, transcript
from assistant.web.ask_tab import EMPTY_HINT, AskTab
from assistant.web.render import EXAMPLE_LABEL, keyword_matches, render_search

CLAUSES = load_clauses()
CORPUS = {c.id: c for c in CLAUSES}
SITUATION = "A financial adviser offered me a referral fee for every mentee I send his way."


def cite(cid: str, *, action: bool = True, example: str | None = None) -> Citation:
    c = CORPUS[cid]
    act = None
    if action and c.kind == "principle":
        act = c.text.split(" will ", 1)[1].rstrip(".")
    return Citation(
        clause_id=cid,
        title=c.display_title(),
        section=c.display_section(),
        text=c.text,
        score=0.9,
        action=act,
        example=example,
    )


def dilemma() -> Answer:
    citations = [cite("1.C.2", example=SITUATION), cite("1.C.1"), cite("1.C.4")]
    return Answer.checked(
        {
            "question": "A supplier pays me a referral commission <b>x</b>",
            "answer": "This is a question of conflict of interest.",
            "abstained": False,
            "confidence": "high",
            "citations": citations,
            "steps": ["1.C.1", "1.C.2", "1.C.4"],
            "context": [cite("S.3"), cite("D.client"), cite("S.1")],
        },
        CORPUS,
    )


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_checklist_quotes_each_action_in_step_order():
    a = dilemma()
    page = answers.render_answer(a, CORPUS)
    steps = html.unescape(re.search(r"<section class=\"imc-steps\".*?</section>", page).group(0))
    assert "What the Code asks you to do" in steps and "The Code's own words" in steps
    items = re.findall(r"<li>(.*?)</li>", steps)
    actions = {c.clause_id: c.action for c in a.citations}
    assert len(items) == 3
    for item, cid in zip(items, a.steps, strict=True):
        assert html.unescape(re.search(r"<q[^>]*>(.*?)</q>", item).group(1)) == actions[cid]
        assert f'href="?clause={cid}"' in item
    assert page.index("imc-steps") < page.index("Cited clauses")  # above the citations


def test_example_situation_is_labelled_and_apart_from_the_quote():
    page = answers.render_answer(dilemma(), CORPUS)
    card = re.search(r'<details class="imc-clause" data-clause-id="1.C.2".*?</details>', page)
    quote = re.search(r'<blockquote class="imc-text">(.*?)</blockquote>', card.group(0)).group(1)
    assert html.unescape(quote) == CORPUS["1.C.2"].text  # the Code's words only
    situation = re.search(r'<div class="imc-situation">(.*?)</div>', card.group(0)).group(1)
    assert html.unescape(EXAMPLE_LABEL) in html.unescape(situation)
    assert SITUATION in html.unescape(situation)


def test_context_is_apart_and_sanctions_in_order():
    page = answers.render_answer(dilemma(), CORPUS)
    block = re.search(r'<section class="imc-context".*?</section>', page).group(0)
    assert "For context (the Code's words, not the answer)" in html.unescape(block)
    assert re.findall(r"\?clause=([^\"]+)", block) == ["D.client", "S.1", "S.3"]


def test_question_back_has_no_confidence_and_no_clause():
    ask = "Could you tell me a little more? Who is involved?"
    a = Answer(
        question="help",
        kind="clarify",
        answer=ask + " Sections that often apply: Contract (1.A).",
        abstained=False,
        confidence="low",
        clarify=ask,
    )
    page = answers.render_answer(a, CORPUS)
    assert f'<p class="imc-clarify">{ask}</p>' in page
    assert "Confidence" not in page and "imc-clause" not in page and "imc-steps" not in page


def test_abstention_says_not_an_answer_once():
    a = Answer(
        question="banana bread?",
        answer="The Code does not address this. The clauses below are the nearest ones, shown "
        "for reference only: they are not an answer.",
        abstained=True,
        confidence="low",
        nearest=[cite("2.B.2"), cite("3.E.1"), cite("1.A.7")],
    )
    text = text_of(answers.render_answer(a, CORPUS))
    assert text.count("not an answer") == 1 and "The Code does not address this" in text
    english = Answer(
        question="¿Puedo aceptar un regalo?",
        answer="Only English is supported. Please ask in English.",
        abstained=True,
        confidence="low",
    )
    assert "Only English is supported" in text_of(answers.render_answer(english, CORPUS))


def test_copy_all_text_holds_answer_checklist_and_every_citation():
    a = dilemma()
    text = transcript.answer_text(a)
    assert a.answer in text and "Confidence: high" in text
    for n, cid in enumerate(a.steps, 1):
        action = next(c.action for c in a.citations if c.clause_id == cid)
        assert f"{n}. “{action}” ({cid})" in text
    for c in [*a.citations, *a.context]:
        assert f"[{c.clause_id}] {c.section}" in text and f"“{c.text}”" in text
    assert f"{EXAMPLE_LABEL}: {SITUATION}" in text
    page = answers.render_answer(a, CORPUS)
    button = re.search(r'class="imc-copy imc-copy-all" data-copy="([^"]*)"', page).group(1)
    assert html.unescape(button) == text


def test_markdown_download_has_title_date_and_every_citation():
    a = dilemma()
    turns = [(a.question, a, None), ("", None, "The question is empty.")]
    md = transcript.markdown(turns, date(2025, 1, 31))
    assert md.startswith("# IMC Code of Ethics — conversation of 2025-01-31\n")
    assert "> A supplier pays me a referral commission \\<b\\>x\\</b\\>" in md  # escaped
    assert "### What the Code asks you to do" in md
    for c in [*a.citations, *a.context]:
        assert f"**{c.clause_id}** — {transcript.md(c.section)}" in md and f"> {c.text}" in md
    assert f"*{EXAMPLE_LABEL}:* {SITUATION}" in md
    assert "*The question is empty.*" in md
    turn = answers.Turn(question=a.question, answer=a, pending=False)
    page = answers.render_conversation([turn], CORPUS, today=date(2025, 1, 31))
    assert 'data-filename="imc-conversation-2025-01-31.md"' in page
    pre = re.search(r'<pre class="imc-transcript" hidden>(.*?)</pre>', page, re.S).group(1)
    assert html.unescape(pre) == transcript.markdown([(a.question, a, None)], date(2025, 1, 31))


def test_keyword_matches_come_first_and_related_closed():
    found = keyword_matches(CLAUSES, "records", ["1.E.1", "1.B.3", "S.3"])
    assert [c.id for c in found] == ["1.B.3"]
    two = keyword_matches(CLAUSES, "confidential records", [])
    assert two[0].id == "1.B.3"  # both words matched: first
    page = render_search("records", found, [CORPUS["1.E.1"], CORPUS["S.3"]])
    head, related = page.split('<details class="imc-related">')
    assert "<mark>records</mark>" in head and 'data-clause-id="1.B.3" open' in head
    assert "Related (by meaning)" in related and " open" not in related.split("</summary>")[0]
    none = render_search("zebra", [], [CORPUS["1.E.1"]])
    assert "No clause contains the words" in none and '<details class="imc-related" open>' in none


class _Never:
    clause_by_id = CORPUS

    def ask(self, *a, **kw):
        raise AssertionError("not asked")


def test_enter_then_click_and_empty_box_add_no_turn():
    tab = AskTab(_Never(), None)
    box, state, chat, hint = tab.start("My client offered me a gift", [])
    assert box == "" and len(state) == 1 and state[0].pending
    again = tab.start("My client offered me a gift", state)  # the click, before the box emptied
    assert isinstance(again[1], type(gr.skip())) and again[3] == ""
    after = tab.start("", state)  # the click, after the box emptied: silent
    assert isinstance(after[1], type(gr.skip())) and after[3] == ""
    state[0].pending = False
    assert tab.start("", state)[3] == ""  # answered already, but just asked: still silent
    state[0].asked_at -= 60
    empty = tab.start("   ", state)
    assert isinstance(empty[1], type(gr.skip())) and EMPTY_HINT in empty[3]
    box, state2, _, _ = tab.start_example("define sponsor", state)
    assert isinstance(box, type(gr.skip())) and len(state2) == 2  # the typed text stays


@pytest.mark.parametrize("kind", ["retrieval", "lookup"])
def test_no_checklist_without_steps(kind):
    a = Answer(
        question="define sponsor",
        kind=kind,
        answer="D.sponsor says:",
        abstained=False,
        confidence="high",
        citations=[cite("D.sponsor")],
    )
    assert "imc-steps" not in answers.render_answer(a, CORPUS)
