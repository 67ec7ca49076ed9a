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
from datetime import date
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
    "Options name clauses by their id only, so they never give the answer away; the answer "
    "key quotes the Code. Each build is new unless you give a seed: the same seed always gives "
    "the same quiz."
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

    def _files(self, quiz, stem: str) -> list[str]:
        """The four exports in a fresh temp folder; only the last KEEP builds are kept."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="imc-quiz-"))
            atexit.register(shutil.rmtree, self._root, True)
        folder = Path(tempfile.mkdtemp(dir=self._root))
        for old in sorted(self._root.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
        paths = write_all(quiz, folder, stem, self.builder.by_id)
        return [str(p) for p in paths.values()]

    def build(self, n, types, part, section, persona, seed):
        """Handler of "Build quiz": (status, preview markdown, files). Bad input gets a message
        in the status line and clears the previous quiz; it never raises."""
        try:
            spec = QuizSettings(
                n=_items(n),
                types=_types(types),
                part=_choice(part),
                section=_choice(section),
                persona=_choice(persona),
            )
            quiz = self.builder.build(spec, seed=_seed(seed))
        except (QuizError, ValueError, TypeError) as exc:
            return f"**Could not build the quiz:** {md_escape(str(exc))}", "", None
        counts = ", ".join(f"{v} {KIND_NAMES[k].lower()}" for k, v in quiz.settings.types.items())
        status = (
            f"Built {len(quiz.items)} items ({counts}) with seed **{quiz.seed}**. "
            f"To build the same quiz again, enter {quiz.seed} in the Seed box."
        )
        stem = f"imc-quiz-{date.today().isoformat()}-seed{quiz.seed}"
        return status, to_markdown(quiz, self.builder.by_id), self._files(quiz, stem)

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
        files = self._files(quiz, f"imc-quiz-item-{_slug(sug.text)}")
        return "Draft ready: review it below.", _code_block(summary), files


def _items(n) -> int:
    """The number of items, 1 to MAX_ITEMS, from the Items box."""
    if n is None or n == "":
        raise QuizError(f"enter the number of items, from 1 to {MAX_ITEMS}")
    value = float(n)
    if value != int(value) or not 1 <= value <= MAX_ITEMS:
        raise QuizError(f"the number of items must be a whole number from 1 to {MAX_ITEMS}")
    return int(value)


def _types(types) -> dict:
    if not types:
        raise QuizError("choose at least one item type")
    bad = [t for t in types if t not in ITEM_KINDS]
    if bad:
        raise QuizError(f"unknown item type {bad[0]!r}")
    return dict.fromkeys(types)


def _choice(value) -> str | None:
    return None if value in (None, "", ANY) else str(value)


def _seed(seed) -> int | None:
    """The seed from the Seed box: empty means a new random quiz."""
    text = "" if seed is None else str(seed).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise QuizError("the seed must be a whole number, or empty for a random quiz") from None


def _slug(text: str, words: int = 6) -> str:
    """A file-name part from the first words of a scenario: 'my-mentees-father-offered-me-a'."""
    found = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))[:words]
    return "-".join(found)[:48].strip("-") or "scenario"


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
        n = gr.Number(value=10, precision=0, label=f"Items (1 to {MAX_ITEMS})")
        seed = gr.Textbox(
            value="",
            label="Seed (optional)",
            placeholder="Empty: a new random quiz. Same seed: same quiz.",
            max_lines=1,
        )
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
    status = gr.Markdown(elem_id="imc-quiz-status")
    files = gr.File(label="Downloads (Markdown, CSV, Moodle GIFT, JSON)", file_count="multiple")
    preview = gr.Markdown(label="Preview", sanitize_html=True, elem_id="imc-quiz-preview")
    outputs = [status, preview, files]
    build.click(tab.build, [n, types, part, section, persona, seed], outputs, api_name="build_quiz")
    draft_btn.click(tab.draft, [text, answer, distractors], outputs, api_name="draft_quiz_item")
