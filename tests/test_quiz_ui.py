"""The Quiz tab: build a quiz in a live app and download it in every format with gradio_client."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import gradio as gr
import pytest

from assistant.quiz import QuizBuilder, QuizSettings, load_bank
from assistant.quiz_cli import parse_types
from assistant.quiz_export import LETTERS, PAGE_BREAK, items_from_csv, quiz_from_json, to_json
from assistant.quiz_ui import build_quiz_tab
from tests.conftest import ROOT, free_port
from tests.test_quiz import CORPUS, check_item, parse_gift


def _tabs(demo: gr.Blocks) -> list[str]:
    return [b.label for b in demo.blocks.values() if isinstance(b, gr.Tab)]


def test_tab_fills_an_enclosing_tab_or_makes_its_own():
    with gr.Blocks() as own:
        build_quiz_tab(None)
    assert _tabs(own) == ["Quiz"]
    with gr.Blocks() as hosted, gr.Tabs(), gr.Tab("Quiz"):
        build_quiz_tab(None)
    assert _tabs(hosted) == ["Quiz"]  # no tab nested in the host's tab


def _live_app(assistant) -> tuple[gr.Blocks, str]:
    """The real app (app.py's build_app) when it mounts the Quiz tab, else a tiny host app."""
    path = ROOT / "app.py"
    if path.exists() and "build_quiz_tab" in path.read_text(encoding="utf-8"):
        spec = importlib.util.spec_from_file_location("imc_app_under_test", path)
        app = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(app)
        return app.build_app(assistant), "app.py"
    with gr.Blocks() as demo:  # app.py not ready: host the tab the way app.py will
        build_quiz_tab(assistant)
    return demo, "tiny host app"


@pytest.fixture
def live_quiz_app(real_assistant):
    demo, kind = _live_app(real_assistant)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/", kind
    finally:
        demo.close()


def test_quiz_tab_downloads_every_format(live_quiz_app, real_assistant, tmp_path):
    from gradio_client import Client

    url, kind = live_quiz_app
    client = Client(url, verbose=False, download_files=str(tmp_path))
    types = ["scenario", "which_clause", "fill_gap"]
    status, preview, files = client.predict(
        8, types, "Any", "1.C", "Any", 7, api_name="/build_quiz"
    )
    assert status.startswith("Built 8 items"), (kind, status)
    by_ext = {p.rsplit(".", 1)[-1]: p for p in files}
    assert sorted(by_ext) == ["csv", "gift", "json", "md"]
    quiz = quiz_from_json(Path(by_ext["json"]).read_text(encoding="utf-8"))
    assert len(quiz.items) == 8 and quiz.seed == 7
    # What the tab built is exactly what the core builds for the same request and seed.
    bank = load_bank(real_assistant.settings.evals_dir, set(CORPUS))
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
    print(f"Quiz tab served by: {kind}")


def test_quiz_tab_drafts_a_trainer_scenario(live_quiz_app, tmp_path):
    from gradio_client import Client

    url, _ = live_quiz_app
    client = Client(url, verbose=False, download_files=str(tmp_path))
    text = "My client's sponsor wants <b>all</b> my session notes."
    status, preview, files = client.predict(
        text, "1.B.1", "2.A.1, 3.B.2, 1.D.1", api_name="/draft_quiz_item"
    )
    assert status.startswith("Draft ready"), status
    assert "Suggested answer key" in preview and "Your answer key: 1.B.1" in preview
    data = json.loads(
        Path(next(p for p in files if p.endswith(".json"))).read_text(encoding="utf-8")
    )
    item = data["items"][0]
    assert item["clause_id"] == "1.B.1" and text in item["prompt"]
    assert {o["clause_id"] for o in item["options"]} == {"1.B.1", "2.A.1", "3.B.2", "1.D.1"}
    status, _, files = client.predict(text, "9.9.9", "", api_name="/draft_quiz_item")
    assert "is not a clause id" in status and not files
