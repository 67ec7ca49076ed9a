"""Headless Chromium (Debian's) driven by Playwright, for the browser tests of the app.

Never waits for "networkidle": Gradio's queue keeps a connection open. Every test opens its own
browser context on the shared live app, so any test passes alone as in the full run, and no
page state (clipboard, storage) leaks from one test to the next.
"""

from __future__ import annotations

import contextlib
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CEILING = 180_000  # ms, for every wait: a ceiling on a busy machine, never an expectation
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium")


def norm(text: str) -> str:
    return " ".join(text.split())


@contextlib.contextmanager
def new_page(browser, app_url: str, **context_options):
    """A page in a fresh context; fails the test if anything but the app was requested."""
    options = {"viewport": DESKTOP, "accept_downloads": True, **context_options}
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(CEILING)
    page.set_default_navigation_timeout(CEILING)
    external: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(app_url) else external.append(r.url))
    try:
        yield page
    finally:
        context.close()
    allowed = ("data:", "blob:", "about:")
    assert not [u for u in external if not u.startswith(allowed)], external


def open_app(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    # Attached, not visible: a deep link switches to the Browse tab, hiding the Ask box.
    page.wait_for_selector("#imc-question textarea", state="attached", timeout=CEILING)


def settled(page, target) -> None:
    """Wait for `target`; stop at once if the app reports that the event failed (Gradio's
    "Error" over the chat), rather than waiting out the ceiling."""
    failed = page.locator('#imc-chat [data-testid="status-tracker"] .error')
    target.or_(failed).first.wait_for(timeout=CEILING)
    assert not failed.is_visible(), "the app failed while answering: see the live app's log"


def turn(page, n: int):
    """Turn `n` (1-based) of the conversation."""
    return page.locator(f'#imc-chat .imc-turn[data-turn="{n - 1}"]')


def ask(page, text: str, n: int):
    """Type `text`, press Enter and wait for turn `n` (1-based) to be answered."""
    box = page.locator("#imc-question textarea")
    box.fill(text)
    box.press("Enter")
    t = turn(page, n)
    settled(page, t.locator(".imc-bot:not(.imc-pending)"))
    # Gradio dims the chat (opacity .2) until the event ends, which on a busy machine can be a
    # moment after the answer is drawn: wait for that too, so what a test inspects is final.
    page.wait_for_function(
        "() => !document.querySelector('#imc-chat.pending, #imc-chat .pending')", timeout=CEILING
    )
    return t


def browse_tab(page):
    return page.get_by_role("tab", name="Browse the Code")


def lookup_box(page):
    return page.locator("#imc-lookup textarea, #imc-lookup input").first


def search_box(page):
    return page.locator("#imc-search textarea, #imc-search input").first
