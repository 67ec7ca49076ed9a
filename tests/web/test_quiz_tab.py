"""The Quiz tab: build a quiz in the live app and download it in every format with gradio_client.

The live app is the session's shared one (app.py over real HTTP, the real model and index)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
from gradio_client import Client

from assistant.cli.quiz import parse_types
from assistant.corpus import load_corpus
from assistant.quiz import QuizBuilder, QuizSettings, load_bank
from assistant.quiz.export import LETTERS, PAGE_BREAK, items_from_csv, quiz_from_json, to_json
from assistant.web.quiz_tab import build_quiz_tab
from tests.quiz.test_builder import CORPUS, check_item
from tests.quiz.test_gift import parse_gift

CLI_FLAGS = ("--answer", "--distractors", "Change it with")


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
    by_ext = {p.rsplit(".", 1)[-1]: p for p in files}
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
