"""Accessibility and layout in a real headless Chromium: axe-core on every tab (no serious or
critical violation), labelled inputs, keyboard use, the light theme kept in dark mode, the phone
layout and the print view."""

from __future__ import annotations

import pytest

from tests.web.pages import (
    PHONE,
    ask,
    browse_tab,
    lookup_box,
    needs_chromium,
    new_page,
    open_app,
)

DILEMMA = "My mentee's manager, who pays for the mentoring, wants to see my session notes."

pytestmark = [pytest.mark.browser, needs_chromium]


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_on_every_tab(page, live_app):
    open_app(page, live_app.url)
    ask(page, DILEMMA, 1)
    assert _serious(page) == []
    browse_tab(page).click()
    lookup_box(page).fill("1.B.3")
    lookup_box(page).press("Enter")
    page.locator('#imc-browse-result details[data-clause-id="1.B.3"][open]').wait_for()
    assert _serious(page) == []
    page.get_by_role("tab", name="Quiz").click()
    page.get_by_role("button", name="Build quiz").click()
    page.locator("#imc-quiz-status").get_by_text("Built").wait_for()
    page.get_by_role("heading", name="Answer key").wait_for()
    assert _serious(page) == []


def test_labelled_inputs_and_keyboard_use(page, live_app):
    open_app(page, live_app.url)
    box = page.get_by_role("textbox", name="Your question")
    box.focus()
    page.keyboard.type(DILEMMA)
    page.keyboard.press("Enter")
    page.locator('#imc-chat .imc-turn[data-turn="0"] .imc-answer').wait_for()
    cid = page.locator("#imc-chat details.imc-clause:not([open])").first.get_attribute(
        "data-clause-id"
    )
    card = page.locator(f'#imc-chat details.imc-clause[data-clause-id="{cid}"]')
    card.locator("> summary").focus()
    page.keyboard.press("Enter")  # a clause opens from the keyboard
    assert card.evaluate("d => d.open") is True
    link = page.locator("#imc-chat .imc-steps a.imc-cid").first
    cid = link.inner_text()
    link.focus()
    page.keyboard.press("Enter")  # a clause link, from the keyboard: Browse, same page
    page.locator(f'#imc-browse-result details[data-clause-id="{cid}"]').wait_for()
    assert page.get_by_role("textbox", name="Look up by id").input_value() == cid


def _channels(css_colour: str) -> list[int]:
    inside = css_colour[css_colour.index("(") + 1 : css_colour.index(")")]
    return [int(float(x)) for x in inside.split(",")[:3]]


@pytest.mark.parametrize("query", ["", "?__theme=dark"])
def test_light_theme_even_in_dark_mode(chromium, live_app, query):
    with new_page(chromium, live_app.url, color_scheme="dark") as page:
        open_app(page, live_app.url + query)
        page.wait_for_timeout(500)
        assert page.evaluate("document.body.classList.contains('dark')") is False
        bg = page.evaluate(
            "[document.querySelector('gradio-app'), document.body, document.documentElement]"
            ".map(e => getComputedStyle(e).backgroundColor)"
            ".find(c => c !== 'rgba(0, 0, 0, 0)') || 'rgb(255, 255, 255)'"
        )
        ink = page.evaluate("getComputedStyle(document.querySelector('#imc-header h1')).color")
        assert max(_channels(ink)) < 80, ink  # dark text
        assert min(_channels(bg)) > 200, bg  # on a light page


def test_phone_keeps_the_question_box_in_view(chromium, live_app, tmp_path):
    with new_page(chromium, live_app.url, viewport=PHONE, is_mobile=True, has_touch=True) as page:
        open_app(page, live_app.url)
        ask(page, DILEMMA, 1)
        page.wait_for_timeout(800)  # after the scroll to the new answer
        box = page.locator("#imc-question textarea").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
        ask_button = page.locator("#imc-ask").bounding_box()
        used = ask_button["x"] + ask_button["width"] - box["x"]
        assert box["width"] >= 0.6 * PHONE["width"] and used >= 0.85 * PHONE["width"], box
        page.screenshot(path=str(tmp_path / "phone-ask.png"))


def test_print_view_expands_cited_clauses_and_hides_buttons(page, live_app):
    open_app(page, live_app.url)
    ask(page, DILEMMA, 1)
    assert page.locator("#imc-chat details.imc-clause:not([open])").count() >= 1
    page.emulate_media(media="print")
    quotes = page.locator("#imc-chat details.imc-clause blockquote")
    assert quotes.count() >= 2
    assert all(quotes.nth(i).is_visible() for i in range(quotes.count()))
    shown = page.locator("button").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.textContent.trim())"
    )
    assert shown == []
    assert not page.locator("#imc-question").is_visible()
