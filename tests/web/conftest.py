"""Browser fixtures for the app's tests: one headless Chromium per session, a fresh context
(and page) per test. See tests/web/pages.py."""

from __future__ import annotations

import pytest

from tests.web.pages import ARGS, CHROMIUM, new_page


@pytest.fixture(scope="session")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_app):
    with new_page(chromium, live_app.url) as pg:
        yield pg
