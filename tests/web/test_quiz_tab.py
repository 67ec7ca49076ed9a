"""The Quiz tab: build a quiz in the live app and download it in every format with gradio_client.

The live app is the session's shared one (app.py over real HTTP, the real model and index)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from gradio_client import Client

from assistant.cli.quiz import parse_types
from assistant.corpus import load_corpus
from assistant.quiz import QuizBuilder, QuizSettings, load_bank
from assistant.quiz.export import LETTERS, PAGE_BREAK, items_from_csv, quiz_from_json, to_json
from assistant.web.quiz_tab import build_quiz_tab
from tests.quiz.test_builder import CORPUS, check_item
from tests.quiz.test_gift import parse_gift
from tests.web.pages import needs_chromium, open_app

CLI_FLAGS = ("--answer", "--distractors", "--n", "Change it with")
RECALL = ["which_clause", "fill_gap", "definition"]
SEED = re.compile(r"seed \*\*(\d+)\*\*")
ID = re.compile(r"^(?:[123]\.[A-F]\.\d|S\.\d)$")


def _by_ext(files: list[str]) -> dict[str, Path]:
    return {p.rsplit(".", 1)[-1]: Path(p) for p in files}


def _tabs(demo: gr.Blocks) -> list[str]:
    return [b.label for b in demo.blocks.values() if isinstance(b, gr.Tab)]


def _no_model_assistant() -> SimpleNamespace:
    """What the tab reads of an assistant to lay itself out (recall only, no retriever)."""
    corpus = load_corpus()
    return SimpleNamespace(corpus=corpus, clauses=corpus.clauses, clause_by_id=corpus.by_id)


def test_tab_fills_an_enclosing_tab_or_makes_its_own():
    with gr.Blocks() as own:
        build_quiz_tab(_no_model_assistant())
    assert _tabs(own) == ["Quiz"]
    with gr.Blocks() as hosted, gr.Tabs(), gr.Tab("Quiz"):
        build_quiz_tab(_no_model_assistant())
    assert _tabs(hosted) == ["Quiz"]  # no tab nested in the host's tab


def test_quiz_tab_downloads_every_format(live_app, real_assistant, tmp_path):
    client = Client(live_app.url, verbose=False, download_files=str(tmp_path))
    types = ["scenario", "which_clause", "fill_gap"]
    status, preview, files = client.predict(
        8, types, "Any", "1.C", "Any", 7, api_name="/build_quiz"
    )
    assert status.startswith("Built 8 items"), status
    assert SEED.search(status).group(1) == "7"
    by_ext = {p.rsplit(".", 1)[-1]: p for p in files}
    stem = f"imc-quiz-{date.today().isoformat()}-seed7"
    assert sorted(Path(p).name for p in files) == sorted(f"{stem}.{e}" for e in by_ext)
    assert sorted(by_ext) == ["csv", "gift", "json", "md"]
    quiz = quiz_from_json(Path(by_ext["json"]).read_text(encoding="utf-8"))
    assert len(quiz.items) == 8 and quiz.seed == 7
    # What the tab built is exactly what the core builds for the same request and seed.
    bank = load_bank(real_assistant.corpus.evals_dir, set(CORPUS))
    ref = QuizBuilder(real_assistant.clauses, bank, assistant=real_assistant).build(
        QuizSettings(n=8, types=parse_types(types), section="1.C"), seed=7
    )
    assert to_json(quiz) == to_json(ref)
    by_source = {s.source: s.case for s in bank}
    for item in quiz.items:
        check_item(item, by_source)
    gift = parse_gift(Path(by_ext["gift"]).read_text(encoding="utf-8"))
    assert [q["text"] for q in gift] == [i.prompt for i in quiz.items]
    assert items_from_csv(Path(by_ext["csv"]).read_bytes().decode("utf-8")) == quiz.items
    rows = list(csv.DictReader(io.StringIO(Path(by_ext["csv"]).read_text(encoding="utf-8"))))
    assert [r["answer"] for r in rows] == [LETTERS[i.answer] for i in quiz.items]
    md = Path(by_ext["md"]).read_text(encoding="utf-8")
    assert PAGE_BREAK in md and "## Answer key" in md.split(PAGE_BREAK)[1]
    assert "## Answer key" in preview

    status, _, files = client.predict(
        8, ["definition"], "Any", "1.C", "Any", 7, api_name="/build_quiz"
    )
    assert status.startswith("**Could not build the quiz:** 8 items asked but only 0") and not files


def test_quiz_tab_drafts_a_trainer_scenario(live_app, tmp_path):
    client = Client(live_app.url, verbose=False, download_files=str(tmp_path))
    text = "My client's sponsor wants <b>all</b> my session notes."
    status, preview, files = client.predict(
        text, "1.B.1", "2.A.1, 3.B.2, 1.D.1", api_name="/draft_quiz_item"
    )
    assert status.startswith("Draft ready"), status
    assert "Suggested answer key" in preview and "Your answer key: 1.B.1" in preview
    assert not [flag for flag in CLI_FLAGS if flag in preview], preview  # no CLI hint on the web
    data = json.loads(
        Path(next(p for p in files if p.endswith(".json"))).read_text(encoding="utf-8")
    )
    item = data["items"][0]
    assert item["clause_id"] == "1.B.1" and text in item["prompt"]
    assert {o["clause_id"] for o in item["options"]} == {"1.B.1", "2.A.1", "3.B.2", "1.D.1"}
    status, _, files = client.predict(text, "9.9.9", "", api_name="/draft_quiz_item")
    assert "is not a clause id" in status and not files
    assert "Answer key" in status and "--answer" not in status, status
    status, _, files = client.predict(text, "", "2.A.1, 3.B.2", api_name="/draft_quiz_item")
    assert "three distinct clause ids" in status and not files
    assert "Distractors" in status and "--distractors" not in status, status


def test_build_without_seed_is_random_and_reports_the_seed(live_app, tmp_path):
    """gradio_client without a seed: two different quizzes, each with the seed it used, and
    that seed builds the same quiz again."""
    client = Client(live_app.url, verbose=False, download_files=str(tmp_path))
    runs = [client.predict(n=6, types=RECALL, api_name="/build_quiz") for _ in range(2)]
    quizzes = [quiz_from_json(_by_ext(files)["json"].read_text("utf-8")) for _, _, files in runs]
    seeds = [int(SEED.search(status).group(1)) for status, _, _ in runs]
    assert seeds == [q.seed for q in quizzes] and seeds[0] != seeds[1]
    assert quizzes[0].items != quizzes[1].items
    again = client.predict(n=6, types=RECALL, seed=str(seeds[0]), api_name="/build_quiz")
    assert quiz_from_json(_by_ext(again[2])["json"].read_text("utf-8")) == quizzes[0]


@pytest.mark.parametrize(
    "n, seed, message",
    [
        (0, "", "from 1 to 100"),
        (101, "", "from 1 to 100"),
        (None, "", "enter the number of items"),
        (5, "abc", "the seed must be a whole number"),
    ],
)
def test_bad_input_gets_a_message_and_no_files(live_app, n, seed, message):
    client = Client(live_app.url, verbose=False)
    status, preview, files = client.predict(n=n, types=RECALL, seed=seed, api_name="/build_quiz")
    assert status.startswith("**Could not build the quiz:**") and message in status, status
    assert preview == "" and not files
    assert not [flag for flag in CLI_FLAGS if flag in status], status


def test_trainee_facing_exports_name_clauses_by_id_only(live_app, tmp_path):
    client = Client(live_app.url, verbose=False, download_files=str(tmp_path))
    _, preview, files = client.predict(
        n=12, types=["scenario", "which_clause"], seed="11", api_name="/build_quiz"
    )
    paths = _by_ext(files)
    quiz = quiz_from_json(paths["json"].read_text("utf-8"))
    for item in quiz.items:
        assert all(ID.match(o.label) for o in item.options), item.options
        assert "title inferred" not in item.prompt + item.explanation
    md = paths["md"].read_text("utf-8")
    page, key = md.split(PAGE_BREAK)
    assert "Source:" not in md and "dev:" not in md and "test:" not in md
    assert "title inferred" not in md and "title inferred" not in paths["gift"].read_text("utf-8")
    assert "Options name clauses" in page and " \u2014 " not in page.split("Name:")[1]
    assert " \u2014 " in key  # the key may name the section
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text("utf-8"))))
    scenario = [r for r in rows if r["kind"] == "scenario"]
    assert scenario and all(r["source"] for r in scenario)  # provenance kept for trainers
    assert preview.split(PAGE_BREAK)[0].count("Source:") == 0


def test_draft_file_names_and_wrapped_scenario(live_app, tmp_path):
    client = Client(live_app.url, verbose=False, download_files=str(tmp_path))
    text = (
        "My mentee's father owns the hotel where we hold our sessions and has offered me a "
        "free week there for my family as a thank-you for the mentoring I have given his son."
    )
    status, preview, files = client.predict(text, "", "", api_name="/draft_quiz_item")
    assert status.startswith("Draft ready"), status
    assert preview.count("Scenario:") == 2  # the scenario once, then the item's prompt once
    lines = preview.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Scenario: My mentee"))
    assert lines[first + 1].startswith(" " * len("Scenario: ")) and "father" in lines[first]
    names = sorted(Path(p).name for p in files)
    stem = "imc-quiz-item-my-mentees-father-owns-the-hotel"
    assert names == sorted(f"{stem}.{e}" for e in ("csv", "gift", "json", "md")), names


@pytest.mark.browser
@needs_chromium
def test_zero_items_in_the_page_is_an_inline_message(page, live_app):
    open_app(page, live_app.url)
    page.get_by_role("tab", name="Quiz").click()
    seed = page.get_by_role("textbox", name="Seed (optional)")
    assert seed.input_value() == ""  # really empty: each build is random
    page.get_by_role("button", name="Build quiz").click()
    status = page.locator("#imc-quiz-status")
    status.get_by_text("Built").wait_for()
    page.get_by_role("heading", name="Answer key").wait_for()
    items = page.get_by_role("spinbutton", name="Items (1 to 100)")
    items.fill("0")
    page.get_by_role("button", name="Build quiz").click()
    status.get_by_text("Could not build the quiz").wait_for()
    assert "from 1 to 100" in status.inner_text()
    assert page.get_by_role("heading", name="Answer key").count() == 0  # previous quiz cleared
    assert page.locator(".toast-body, .toast-wrap .error").count() == 0  # no error popup
    assert page.locator('[data-testid="status-tracker"] .error').count() == 0  # no red badges
