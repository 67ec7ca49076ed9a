"""The Ask and Browse tabs in a real headless Chromium (Debian's), driven by Playwright: answers
with their checklist and example situations, "Copy all" and "Download conversation", one turn per
question however it is sent, clause links that never reload the page, and search.

Screenshots go to each test's tmp_path only: nothing is written into the repository."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from assistant.corpus import load_clauses
from tests.web.pages import (
    ask,
    browse_tab,
    lookup_box,
    needs_chromium,
    norm,
    open_app,
    search_box,
    settled,
    turn,
)

CLAUSES = {c.id: c for c in load_clauses()}
DILEMMA = (
    "A supplier I recommend to my mentees pays me a referral commission. "
    "Is that a conflict of interest?"
)
FOLLOW_UP = "What if the supplier is a friend?"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> ${7*7} {{value}}'
FAKE_CITATION = '**[1.C.4]** "Members may accept any gift." [source](javascript:alert(1))'

pytestmark = [pytest.mark.browser, needs_chromium]


def _browse_shows(page, clause_id: str):
    card = page.locator(f'#imc-browse-result details.imc-clause[data-clause-id="{clause_id}"]')
    card.wait_for()
    return card


def test_ask_follow_up_and_script_injection(page, live_app, tmp_path):
    open_app(page, live_app.url)
    t1 = ask(page, DILEMMA, 1)
    best = t1.locator("details.imc-clause[open]").first
    cid = best.get_attribute("data-clause-id")
    assert cid in CLAUSES and cid.startswith("1.C."), cid
    assert best.locator(".imc-cid").inner_text() == cid
    assert norm(best.locator("blockquote").inner_text()) == norm(CLAUSES[cid].text)
    assert re.search(r"Confidence: (high|medium|low)", t1.inner_text())
    assert t1.locator("details.imc-clause:not([open])").count() >= 1  # others expandable
    assert "New answer" in page.locator("#imc-announce").inner_text()  # for screen readers
    assert page.locator("#imc-announce").get_attribute("aria-live") == "polite"

    t2 = ask(page, FOLLOW_UP, 2)
    marker = t2.locator(".imc-followup")
    assert "Interpreted as a follow-up to:" in marker.inner_text()
    assert DILEMMA in marker.inner_text()

    t3 = ask(page, XSS, 3)
    assert t3.locator(".imc-bubble").inner_text() == XSS
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#imc-chat script, #imc-chat img").count() == 0

    t4 = ask(page, FAKE_CITATION, 4)
    assert t4.locator(".imc-bubble").inner_text() == FAKE_CITATION
    assert t4.locator(".imc-bubble strong, .imc-bubble a").count() == 0
    page.screenshot(path=str(tmp_path / "ask-conversation.png"), full_page=True)

    page.locator("button.imc-clear-chat").click()
    page.locator("#imc-chat .imc-empty").wait_for()
    assert page.locator("#imc-chat .imc-turn").count() == 0


def test_checklist_examples_copy_all_and_download(page, live_app, real_assistant, tmp_path):
    expected = real_assistant.ask(DILEMMA)
    assert expected.steps, "the dilemma should come with a checklist"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    open_app(page, live_app.url)
    t = ask(page, DILEMMA, 1)
    steps = t.locator(".imc-steps li")
    assert t.locator(".imc-steps").is_visible()
    assert "What the Code asks you to do" in t.locator(".imc-steps-title").inner_text()
    actions = {c.clause_id: c.action for c in expected.citations}
    assert steps.count() == len(expected.steps)
    for i, cid in enumerate(expected.steps):
        assert norm(steps.nth(i).locator("q").inner_text()) == norm(actions[cid])
        assert steps.nth(i).locator("a.imc-cid").inner_text() == cid
    label = t.locator("details[open] .imc-situation-label").first
    assert label.is_visible()
    assert "written for this tool" in label.inner_text().lower()
    assert "not the code's words" in label.inner_text().lower()

    t.locator("button.imc-copy-all").click()
    page.wait_for_function(
        "document.querySelector('button.imc-copy-all').textContent.includes('Copied')"
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "What the Code asks you to do" in copied
    for n, cid in enumerate(expected.steps, 1):
        assert f"{n}. “{actions[cid]}” ({cid})" in copied
    for c in expected.citations:
        assert f"[{c.clause_id}] {c.section}" in copied and c.text in copied

    with page.expect_download() as info:
        page.locator("button.imc-download").click()
    name = info.value.suggested_filename
    assert name == f"imc-conversation-{date.today().isoformat()}.md"
    info.value.save_as(tmp_path / name)
    md = Path(tmp_path / name).read_text(encoding="utf-8")
    assert md.splitlines()[0] == f"# IMC Code of Ethics — conversation of {date.today()}"
    assert DILEMMA.split(".")[0] in md
    for c in [*expected.citations, *expected.context]:
        assert f"**{c.clause_id}**" in md and f"> {c.text}" in md


def test_example_keeps_typed_text_and_empty_ask_adds_no_turn(page, live_app):
    open_app(page, live_app.url)
    box = page.locator("#imc-question textarea")
    box.fill("My client half-typed")
    page.get_by_role("button", name="show me the sanctions").click()
    t = turn(page, 1)
    settled(page, t.locator(".imc-answer"))
    ids = t.locator("details.imc-clause").evaluate_all("els => els.map(e => e.dataset.clauseId)")
    assert ids == [f"S.{i}" for i in range(1, 7)]
    assert box.input_value() == "My client half-typed"  # not erased by the example
    box.fill("")
    page.wait_for_timeout(2500)  # not the click that follows Enter (that one stays silent)
    page.locator("#imc-ask").click()  # empty box: a hint, not a turn
    hint = page.locator("#imc-hint")
    hint.get_by_text("Type a question first").wait_for()
    assert page.locator("#imc-chat .imc-turn").count() == 1
    assert "Traceback" not in page.content()


def test_enter_then_click_asks_once(page, live_app):
    open_app(page, live_app.url)
    box = page.locator("#imc-question textarea")
    box.fill(DILEMMA)
    box.press("Enter")
    page.locator("#imc-ask").click()
    settled(page, turn(page, 1).locator(".imc-answer"))
    page.wait_for_timeout(2000)  # room for a second turn, were one coming
    assert page.locator("#imc-chat .imc-turn").count() == 1
    assert "(empty question)" not in page.locator("#imc-chat").inner_text()
    assert page.locator("#imc-chat .imc-error").count() == 0
    assert not page.locator("#imc-hint").inner_text().strip()


def test_abstention_says_not_an_answer_once(page, live_app):
    open_app(page, live_app.url)
    t = ask(page, "What's a good recipe for banana bread?", 1)
    text = t.inner_text()
    assert "The Code does not address this" in text
    assert text.count("not an answer") == 1, text
    assert t.locator(".imc-nearest details.imc-clause").count() >= 1
    assert "Confidence:" not in text


def test_clause_links_never_lose_the_conversation(page, live_app):
    open_app(page, live_app.url)
    t = ask(page, DILEMMA, 1)
    page.evaluate("window.__same_page = true")
    best = t.locator("details.imc-clause[open]").first
    cid = best.get_attribute("data-clause-id")
    best.get_by_role("link", name="open in Browse").click()
    _browse_shows(page, cid)
    assert lookup_box(page).input_value() == cid
    page.locator('#imc-outline a.imc-cid[href="?clause=2.A.1"]').click()  # an outline id
    _browse_shows(page, "2.A.1")
    lookup_box(page).fill("1.Z.9")
    lookup_box(page).press("Enter")
    near = page.locator("#imc-browse-result a.imc-near").first  # "Nearest ids"
    target = near.inner_text()
    near.click()
    _browse_shows(page, target)
    _browse_shows(page, target).get_by_role("link", name="permalink").click()
    _browse_shows(page, target)
    page.get_by_role("tab", name="Ask").click()
    step = t.locator(".imc-steps a.imc-cid").first  # a checklist id
    step_id = step.inner_text()
    step.click()
    _browse_shows(page, step_id)
    page.get_by_role("tab", name="Ask").click()
    assert page.evaluate("window.__same_page") is True  # never reloaded
    assert DILEMMA in turn(page, 1).locator(".imc-bubble").inner_text()


def test_deep_link_opens_clause(page, live_app):
    open_app(page, live_app.url + "?clause=1.B.3")
    card = _browse_shows(page, "1.B.3")
    assert norm(card.locator("blockquote").inner_text()) == norm(CLAUSES["1.B.3"].text)
    citation = page.locator("#imc-citation textarea")
    assert citation.input_value().startswith('IMC Code of Ethics, 1.B.3 (Confidentiality): "')
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    card.locator("button.imc-copy").click()
    page.wait_for_function(
        "document.querySelector('button.imc-copy').textContent.includes('Copied')"
    )
    assert page.evaluate("navigator.clipboard.readText()") == CLAUSES["1.B.3"].citation_text()

    open_app(page, live_app.url + "?clause=1.Z.9")
    err = page.locator("#imc-browse-result .imc-error")
    err.wait_for()
    assert "Nearest ids" in err.inner_text()


def _result_ids(page, related: bool) -> list[str]:
    inside = "!!e.closest('.imc-related')" if related else "!e.closest('.imc-related')"
    return page.locator("#imc-browse-result details.imc-clause").evaluate_all(
        f"els => els.filter(e => {inside}).map(e => e.dataset.clauseId)"
    )


def test_search_shows_keyword_matches_then_related(page, live_app, tmp_path):
    open_app(page, live_app.url)
    browse_tab(page).click()
    lookup_box(page).fill("1.C.4")
    lookup_box(page).press("Enter")
    _browse_shows(page, "1.C.4")
    search_box(page).fill("records")
    search_box(page).press("Enter")
    related = page.locator("#imc-browse-result details.imc-related")
    related.wait_for()
    assert _result_ids(page, related=False) == ["1.B.3"]
    assert related.get_attribute("open") is None  # closed
    assert "Related (by meaning)" in related.locator("> summary").inner_text()
    assert "1.B.3" not in _result_ids(page, related=True) and _result_ids(page, related=True)
    marks = page.locator("#imc-browse-result mark").all_inner_texts()
    assert {m.lower() for m in marks} == {"records"}
    assert lookup_box(page).input_value() == ""  # the id box cleared on a new search
    lookup_box(page).fill("1.C.4")
    lookup_box(page).press("Enter")
    _browse_shows(page, "1.C.4")
    assert search_box(page).input_value() == ""  # and the search box on a lookup

    search_box(page).fill("confidential records <b>")
    search_box(page).press("Enter")
    page.locator("#imc-browse-result mark").first.wait_for()
    assert _result_ids(page, related=False)[0] == "1.B.3"  # both words: first
    marks = {m.lower() for m in page.locator("#imc-browse-result mark").all_inner_texts()}
    assert marks & {"confidential", "confidentiality", "records"}, marks
    assert page.locator("#imc-browse-result b").count() == 0
    outline = page.locator("#imc-outline")
    assert outline.locator(".imc-item").count() == len(CLAUSES)
    assert "[title inferred]" in outline.inner_text()
    page.screenshot(path=str(tmp_path / "browse-search.png"), full_page=True)
