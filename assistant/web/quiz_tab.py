"""The Quiz tab of the app: build a quiz, preview it, download it in every format.

    with gr.Blocks() as demo:
        build_quiz_tab(assistant)        # adds a "Quiz" tab (or fills the gr.Tab it is called in)

API endpoints (gradio_client): ``/build_quiz`` and ``/draft_quiz_item``; both return a status
line, a Markdown preview and the four export files.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
from pathlib import Path

import gradio as gr

from .. import Assistant
from ..quiz import (
    ITEM_KINDS,
    KIND_NAMES,
    PERSONAS,
    DraftFields,
    QuizBuilder,
    QuizError,
    QuizSettings,
    draft,
    format_draft,
    load_bank,
    md_escape,
    to_markdown,
    write_all,
)

ANY = "Any"
MAX_ITEMS = 100
KEEP = 16  # builds whose files stay on disk for download
TYPE_CHOICES = [(KIND_NAMES[k], k) for k in ITEM_KINDS]
INTRO = (
    "Build a multiple-choice quiz on the Code. Scenario items come from the curated scenario "
    "bank, with hard distractors chosen by the retriever; recall items quote the Code verbatim. "
    "The answer key quotes the Code. The same seed always gives the same quiz."
)


WEB_FIELDS = DraftFields("Answer key", "Distractors")


class QuizTab:
    """State and handlers behind the tab; one builder, made on first use."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self._builder: QuizBuilder | None = None
        self._lock = threading.Lock()
        self._root: Path | None = None

    @property
    def builder(self) -> QuizBuilder:
        with self._lock:
            if self._builder is None:
                a = self.assistant
                bank = load_bank(a.corpus.evals_dir, set(a.clause_by_id))
                self._builder = QuizBuilder(a.clauses, bank, assistant=a, corpus=a.corpus.name)
            return self._builder

    def choices(self) -> tuple[list, list]:
        """(part choices, section choices) for the dropdowns, with titles."""
        b = self.builder
        parts, sections = [(ANY, ANY)], [(ANY, ANY)]
        for key in b.parts:
            c = next(c for c in b.clauses if c.part == key and c.kind != "prose")
            parts.append((f"{key} \u2014 {c.part_title}", key))
        for key in b.sections:
            c = next(c for c in b.clauses if c.section_id == key)
            sections.append((f"{key} \u2014 {c.section_title}", key))
        return parts, sections

    def _files(self, quiz) -> list[str]:
        """The four exports in a fresh temp folder; only the last KEEP builds are kept."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="imc-quiz-"))
            atexit.register(shutil.rmtree, self._root, True)
        folder = Path(tempfile.mkdtemp(dir=self._root))
        for old in sorted(self._root.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
        paths = write_all(quiz, folder, f"imc-quiz-seed{quiz.seed}", self.builder.by_id)
        return [str(p) for p in paths.values()]

    def build(self, n, types, part, section, persona, seed):
        """Handler of "Build quiz": (status, preview markdown, files)."""
        try:
            n = int(n) if n not in (None, "") else 10
            if not 1 <= n <= MAX_ITEMS:
                raise QuizError(f"the number of items must be between 1 and {MAX_ITEMS}")
            if not types:
                raise QuizError("choose at least one item type")
            bad = [t for t in types if t not in ITEM_KINDS]
            if bad:
                raise QuizError(f"unknown item type {bad[0]!r}")
            spec = QuizSettings(
                n=n,
                types=dict.fromkeys(types),
                part=None if part in (None, "", ANY) else str(part),
                section=None if section in (None, "", ANY) else str(section),
                persona=None if persona in (None, "", ANY) else str(persona),
            )
            quiz = self.builder.build(spec, seed=None if seed in (None, "") else int(seed))
        except (QuizError, ValueError, TypeError) as exc:
            return f"**Could not build the quiz:** {md_escape(str(exc))}", "", None
        counts = ", ".join(f"{v} {KIND_NAMES[k].lower()}" for k, v in quiz.settings.types.items())
        status = f"Built {len(quiz.items)} items ({counts}), seed {quiz.seed}."
        return status, to_markdown(quiz, self.builder.by_id), self._files(quiz)

    def draft(self, text, answer, distractors):
        """Handler of "Draft item": a trainer's own scenario with suggested key and distractors."""
        try:
            ids = [d for d in (distractors or "").replace(" ", "").split(",") if d] or None
            quiz, sug = draft(
                self.builder, text or "", (answer or "").strip() or None, ids, fields=WEB_FIELDS
            )
        except (QuizError, ValueError) as exc:
            return f"**Could not draft the item:** {md_escape(str(exc))}", "", None
        summary = format_draft(quiz, sug, bool(answer), bool(ids))
        return "Draft ready: review it below.", _code_block(summary), self._files(quiz)


def _code_block(text: str) -> str:
    """Text shown as-is: a fenced block whose fence cannot be closed by the text."""
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    return f"{fence}text\n{text}\n{fence}"


def _in_tab() -> bool:
    from gradio.context import Context

    return isinstance(Context.block, gr.Tab)


def build_quiz_tab(assistant: Assistant) -> QuizTab:
    """Add the Quiz tab inside the current `gr.Blocks` (fills the enclosing gr.Tab, if any)."""
    tab = QuizTab(assistant)
    if _in_tab():
        _build_body(tab)
    else:
        with gr.Tab("Quiz", id="quiz"):
            _build_body(tab)
    return tab


def _build_body(tab: QuizTab) -> None:
    parts, sections = tab.choices()
    gr.Markdown(INTRO)
    with gr.Row():
        n = gr.Number(value=10, precision=0, minimum=1, maximum=MAX_ITEMS, label="Items")
        seed = gr.Number(value=None, precision=0, label="Seed (empty: random)")
        types = gr.CheckboxGroup(TYPE_CHOICES, value=list(ITEM_KINDS), label="Item types")
    with gr.Row():
        part = gr.Dropdown(parts, value=ANY, label="Part")
        section = gr.Dropdown(sections, value=ANY, label="Section")
        persona = gr.Dropdown([ANY, *PERSONAS], value=ANY, label="Persona (scenarios)")
    build = gr.Button("Build quiz", variant="primary")
    with gr.Accordion("Your own scenario", open=False):
        gr.Markdown(
            "Paste a scenario: the retriever suggests the answer key (with confidence) and "
            "distractors. Change them below, then draft again and download."
        )
        text = gr.Textbox(label="Scenario", lines=3, max_length=2000)
        with gr.Row():
            answer = gr.Textbox(label="Answer key (clause id, optional)", placeholder="1.C.2")
            distractors = gr.Textbox(
                label="Distractors (3 clause ids, optional)", placeholder="2.A.1, 3.B.2, 1.D.1"
            )
        draft_btn = gr.Button("Draft item")
    status = gr.Markdown()
    files = gr.File(label="Downloads (Markdown, CSV, Moodle GIFT, JSON)", file_count="multiple")
    preview = gr.Markdown(label="Preview", sanitize_html=True)
    outputs = [status, preview, files]
    build.click(tab.build, [n, types, part, section, persona, seed], outputs, api_name="build_quiz")
    draft_btn.click(tab.draft, [text, answer, distractors], outputs, api_name="draft_quiz_item")
