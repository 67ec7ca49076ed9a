"""Screenshots of every tab of the web app, for the docs:

    python scripts/screenshots.py OUT_DIR        (make screenshots writes docs/screenshots/)

Starts the app on a free loopback port with the existing index (IMC_INDEX_DIR, default
index/; build it first with `python -m assistant index status`), drives Debian's headless
Chromium (/usr/bin/chromium) and writes, for a desktop (1280x900) and a phone (390x844):

    ask-{desktop,phone}.png     a real answer with its checklist and example situations
    browse-{desktop,phone}.png  the Browse tab with clause 1.B.3 open (a deep link)
    quiz-{desktop,phone}.png    the Quiz tab with the preview of a quiz (seed 7)

The app is light only (docs/app.md, "Accessibility"): there are no dark screenshots; the last
one, ask-dark-system.png, shows the page in a browser set to dark mode, still light.
Nothing leaves the machine: the app and the browser talk over loopback only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
QUESTION = "My mentee's manager, who pays for the mentoring, wants to see my session notes."
QUIZ_CLIP = {"width": 1280, "height": 1500}
CEILING_MS = 180_000
START_CEILING_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(log: Path) -> tuple[subprocess.Popen, str]:
    """app.py on a free loopback port, once it serves."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    cmd = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    t0 = time.monotonic()
    while time.monotonic() - t0 < START_CEILING_S:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=5):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"app.py did not serve within {START_CEILING_S} s:\n{log.read_text()[-3000:]}")


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#imc-question textarea", state="attached", timeout=CEILING_MS)
    page.wait_for_timeout(500)  # fonts and layout settle


def shoot_ask(page, url: str, path: Path, phone: bool) -> None:
    _open(page, url)
    box = page.locator("#imc-question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    page.locator('#imc-chat .imc-turn[data-turn="0"] .imc-answer').wait_for(timeout=CEILING_MS)
    page.wait_for_timeout(800)  # the scroll to the new answer
    if not phone:  # the page from its top: title, question, answer and checklist
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def shoot_browse(page, url: str, path: Path, phone: bool) -> None:
    _open(page, url + "?clause=1.B.3")
    card = page.locator('#imc-browse-result details[data-clause-id="1.B.3"]')
    card.wait_for(timeout=CEILING_MS)
    page.wait_for_timeout(300)
    if phone:  # from the tab bar down: the search and id boxes, then the clause
        page.get_by_role("tablist").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def shoot_quiz(page, url: str, path: Path, phone: bool) -> None:
    _open(page, url)
    page.get_by_role("tab", name="Quiz").click()
    page.get_by_role("spinbutton", name="Items (1 to 100)").fill("6")
    page.get_by_role("textbox", name="Seed (optional)").fill("7")
    page.get_by_role("button", name="Build quiz").click()
    page.get_by_role("heading", name="Answer key").wait_for(timeout=CEILING_MS)
    page.wait_for_timeout(500)
    if phone:  # the printable quiz, as a trainee sees it
        page.locator("#imc-quiz-preview").evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))
        return
    # The controls, the status line with the seed, the downloads and the start of the preview.
    top = page.get_by_role("tablist").bounding_box()["y"] + page.evaluate("window.scrollY")
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": top, **QUIZ_CLIP})


def take(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
    args += ["--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        for size, viewport in SIZES.items():
            phone = size == "phone"
            options = {"viewport": viewport, "is_mobile": phone, "has_touch": phone}
            for name, shoot in (("ask", shoot_ask), ("browse", shoot_browse), ("quiz", shoot_quiz)):
                context = browser.new_context(color_scheme="light", **options)
                page = context.new_page()
                page.set_default_timeout(CEILING_MS)
                path = out / f"{name}-{size}.png"
                shoot(page, url, path, phone)
                context.close()
                written.append(path)
        context = browser.new_context(color_scheme="dark", viewport=SIZES["desktop"])
        page = context.new_page()
        shoot_ask(page, url + "?__theme=dark", out / "ask-dark-system.png", False)
        written.append(out / "ask-dark-system.png")
        browser.close()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    log = Path(tempfile.mkdtemp(prefix="imc-screenshots-")) / "app.log"
    proc, url = start_app(log)
    try:
        for path in take(url, out):
            print(f"wrote {path}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)
        log.parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
