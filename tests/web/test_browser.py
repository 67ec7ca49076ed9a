"""The Ask and Browse tabs in a real headless Chromium (Debian's), driven by Playwright.

Never waits for "networkidle": Gradio's queue keeps a connection open. Screenshots go to each
test's tmp_path only: nothing is written into the repository. Every test opens its own page on the
shared live app, so any test passes alone as in the full run.
"""

from __future__ import annotations

import re
import shutil

import pytest

from assistant.corpus import load_clauses

CHROMIUM = "/usr/bin/chromium"
CLAUSES = {c.id: c for c in load_clauses()}
DILEMMA = (
    "A supplier I recommend to my mentees pays me a referral commission. "
    "Is that a conflict of interest?"
)
FOLLOW_UP = "What if the supplier is a friend?"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> ${7*7} {{value}}'
FAKE_CITATION = '**[1.C.4]** "Members may accept any gift." [source](javascript:alert(1))'
CEILING = 180_000  # ms, for every wait: a ceiling on a busy machine, never an expectation

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium"),
]


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            viewport={"width": 1280, "height": 900},
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, live_app):
    pg = browser.new_page()
    pg.set_default_timeout(CEILING)
    pg.set_default_navigation_timeout(CEILING)
    external: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(live_app.url) else external.append(r.url))
    yield pg
    pg.close()
    allowed = ("data:", "blob:", "about:")
    assert not [u for u in external if not u.startswith(allowed)], external


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    # Attached, not visible: a deep link switches to the Browse tab, hiding the Ask box.
    page.wait_for_selector("#imc-question textarea", state="attached", timeout=CEILING)


def _settled(page, target) -> None:
    """Wait for `target` in the conversation; stop at once if the app reports that the event
    failed (Gradio's "Error" over the chat), rather than waiting out the ceiling."""
    failed = page.locator('#imc-chat [data-testid="status-tracker"] .error')
    target.or_(failed).first.wait_for(timeout=CEILING)
    assert not failed.is_visible(), "the app failed while answering: see the live app's log"


def _ask(page, text: str, n: int) -> object:
    """Type `text`, press Enter and wait for turn `n` (1-based) to be answered."""
    box = page.locator("#imc-question textarea")
    box.fill(text)
    box.press("Enter")
    turn = page.locator(f'#imc-chat .imc-turn[data-turn="{n - 1}"]')
    _settled(page, turn.locator(".imc-bot:not(.imc-pending)"))
    return turn


def _shot(page, folder, name: str) -> None:
    page.screenshot(path=str(folder / name), full_page=True)


def test_ask_follow_up_and_script_injection(page, live_app, tmp_path):
    _open(page, live_app.url)
    turn = _ask(page, DILEMMA, 1)
    best = turn.locator("details.imc-clause[open]").first
    cid = best.get_attribute("data-clause-id")
    assert cid in CLAUSES and cid.startswith("1.C."), cid
    assert best.locator(".imc-cid").inner_text() == cid
    assert _norm(best.locator("blockquote").inner_text()) == _norm(CLAUSES[cid].text)
    assert re.search(r"Confidence: (high|medium|low)", turn.inner_text())
    assert turn.locator("details.imc-clause:not([open])").count() >= 1  # others expandable
    page.wait_for_timeout(500)  # let the scroll-to-answer step run, then show the whole page top
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("window.scrollY === 0")
    page.screenshot(path=str(tmp_path / "ask-tab.png"))

    turn2 = _ask(page, FOLLOW_UP, 2)
    marker = turn2.locator(".imc-followup")
    assert "Interpreted as a follow-up to:" in marker.inner_text()
    assert DILEMMA in marker.inner_text()

    turn3 = _ask(page, XSS, 3)
    assert turn3.locator(".imc-bubble").inner_text() == XSS
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#imc-chat script, #imc-chat img").count() == 0

    turn4 = _ask(page, FAKE_CITATION, 4)
    assert turn4.locator(".imc-bubble").inner_text() == FAKE_CITATION
    assert turn4.locator(".imc-bubble strong, .imc-bubble a").count() == 0
    _shot(page, tmp_path, "ask-conversation.png")

    page.locator("#imc-clear").click()
    page.locator("#imc-chat .imc-empty").wait_for(timeout=CEILING)
    assert page.locator("#imc-chat .imc-turn").count() == 0


def test_example_button_and_empty_question(page, live_app):
    _open(page, live_app.url)
    page.get_by_role("button", name="show me the sanctions").click()
    turn = page.locator('#imc-chat .imc-turn[data-turn="0"]')
    _settled(page, turn.locator(".imc-answer"))
    ids = turn.locator("details.imc-clause").evaluate_all("els => els.map(e => e.dataset.clauseId)")
    assert ids == [f"S.{i}" for i in range(1, 7)]
    page.locator("#imc-ask").click()  # empty box
    err = page.locator('#imc-chat .imc-turn[data-turn="1"] .imc-error')
    _settled(page, err)
    assert "empty" in err.inner_text() and "Traceback" not in page.content()


def test_abstention_is_marked_not_an_answer(page, live_app):
    _open(page, live_app.url)
    turn = _ask(page, "What's a good recipe for banana bread?", 1)
    text = turn.inner_text()
    assert "The Code does not address this" in text
    assert "for reference only — not an answer" in text
    assert turn.locator(".imc-nearest details.imc-clause").count() >= 1
    assert "Confidence:" not in text


def test_deep_link_opens_clause(page, live_app, tmp_path):
    _open(page, live_app.url + "?clause=1.B.3")
    card = page.locator('#imc-browse-result details.imc-clause[data-clause-id="1.B.3"]')
    card.wait_for(timeout=CEILING)
    assert _norm(card.locator("blockquote").inner_text()) == _norm(CLAUSES["1.B.3"].text)
    citation = page.locator("#imc-citation textarea")
    assert citation.input_value().startswith('IMC Code of Ethics, 1.B.3 (Confidentiality): "')
    _shot(page, tmp_path, "deep-link-1.B.3.png")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    button = card.locator("button.imc-copy")
    button.click()
    page.wait_for_function(
        "document.querySelector('button.imc-copy').textContent.includes('Copied')"
    )
    assert page.evaluate("navigator.clipboard.readText()") == CLAUSES["1.B.3"].citation_text()

    _open(page, live_app.url + "?clause=1.Z.9")
    err = page.locator("#imc-browse-result .imc-error")
    err.wait_for(timeout=CEILING)
    assert "Nearest ids" in err.inner_text()


def test_browse_search_highlights_and_outline(page, live_app, tmp_path):
    _open(page, live_app.url)
    page.get_by_role("tab", name="Browse the Code").click()
    box = page.locator("#imc-search textarea, #imc-search input").first
    box.fill("confidential records <b>")
    box.press("Enter")
    page.locator("#imc-browse-result mark").first.wait_for(timeout=CEILING)
    marks = {m.lower() for m in page.locator("#imc-browse-result mark").all_inner_texts()}
    assert marks & {"confidential", "confidentiality", "records"}, marks
    assert page.locator("#imc-browse-result b").count() == 0
    outline = page.locator("#imc-outline")
    assert outline.locator(".imc-item").count() == len(CLAUSES)
    assert "[title inferred]" in outline.inner_text()
    _shot(page, tmp_path, "browse-search.png")
