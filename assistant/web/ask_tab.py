"""The Ask tab: a conversation of questions and answers quoting the Code.

Asking is two steps: `start` shows the question at once (and empties the box), `finish` answers
every turn still waiting. An empty box never becomes a turn: Enter followed by a click on Ask
(the click finds the box already emptied, or the same question still being answered) adds
nothing, and an empty Ask gets a short inline hint instead. An example question is asked without
touching what is typed in the box."""

from __future__ import annotations

import time

import gradio as gr

from .. import Assistant, QuestionError
from . import answers
from .assets import SCROLL_JS
from .errors import INTERNAL_ERROR, log_internal
from .privacy import AuditLog
from .render import esc

MAX_SHOWN_CHARS = 2000  # longest question echoed back on the page
JUST_ASKED_S = 2.0  # an empty Ask this soon after a question is the click after Enter: silent
EMPTY_HINT = "Type a question first, or click one of the example questions."


def _shown(text: str) -> str:
    text = text if isinstance(text, str) else ""
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"


def _hint(text: str) -> str:
    return f"<p>{esc(text)}</p>" if text else ""


class AskTab:
    """The handlers behind the tab (one instance per app; the conversation lives in gr.State)."""

    def __init__(self, assistant: Assistant, audit: AuditLog | None):
        self.assistant = assistant
        self.audit = audit
        self.corpus = assistant.clause_by_id

    def render(self, state: list[answers.Turn]) -> str:
        return answers.render_conversation(state, self.corpus)

    def start(self, text: str, state: list[answers.Turn], keep_box: bool = False):
        """Show the question as a new turn. Outputs: box, state, chat, hint."""
        state = state or []
        text = text if isinstance(text, str) else ""
        last = state[-1] if state else None
        busy = last is not None and last.pending
        recent = last is not None and time.monotonic() - last.asked_at < JUST_ASKED_S
        if not text.strip():  # an empty box: nothing to ask (or Enter was just pressed)
            return gr.skip(), gr.skip(), gr.skip(), "" if busy or recent else _hint(EMPTY_HINT)
        if busy and last.question == text:  # the same question, sent twice (Enter, then click)
            return gr.skip(), gr.skip(), gr.skip(), ""
        state = [*state, answers.Turn(question=text)]
        return gr.skip() if keep_box else "", state, self.render(state), ""

    def start_example(self, text: str, state: list[answers.Turn]):
        return self.start(text, state, keep_box=True)

    def finish(self, state: list[answers.Turn]):
        """Answer every turn still waiting (normally the last one), oldest first. Outputs:
        state, chat, announcement."""
        state = state or []
        todo = [(i, t) for i, t in enumerate(state) if t.pending and not t.claimed]
        if not todo:
            return gr.skip(), gr.skip(), gr.skip()
        for i, turn in todo:
            turn.claimed = True  # the state object is shared: a second finish skips this turn
            history = [t.question for t in state[:i] if t.answer is not None]
            try:
                turn.answer = self.assistant.ask(turn.question, history)
            except QuestionError as exc:
                turn.error = str(exc)
            except Exception as exc:  # keep serving; say so without a traceback
                log_internal("ask", exc)
                turn.error = INTERNAL_ERROR
            turn.pending = False
            if self.audit is not None:
                self.audit.record(turn.question, turn.answer, turn.error, via="ui")
            turn.question = _shown(turn.question)
        return state, self.render(state), answers.announcement(state)

    def clear(self):
        return [], self.render([]), "", "", ""


def _question_row() -> tuple[gr.Textbox, gr.Button]:
    with gr.Row(equal_height=True, elem_id="imc-input-row"):
        box = gr.Textbox(
            label="Your question",
            placeholder="Describe the situation or ask a question (Enter to ask)",
            show_label=False,
            lines=1,
            max_lines=8,
            scale=6,
            elem_id="imc-question",
            autofocus=True,
        )
        ask_btn = gr.Button("Ask", variant="primary", elem_id="imc-ask", scale=0, min_width=64)
    return box, ask_btn


def build_ask_tab(assistant: Assistant, audit: AuditLog | None) -> None:
    tab = AskTab(assistant, audit)
    turns = gr.State([])
    chat = gr.HTML(tab.render([]), elem_id="imc-chat", js_on_load=None)
    announce = gr.HTML("", elem_id="imc-announce", js_on_load=None)
    box, ask_btn = _question_row()
    hint = gr.HTML("", elem_id="imc-hint", js_on_load=None)
    # Clicked by the "Clear conversation" button under the conversation (assets.JS).
    clear_btn = gr.Button("Clear conversation", elem_id="imc-clear", visible="hidden")
    private = {"api_visibility": "private"}
    quick = {"queue": False, **private}

    def wire(event):
        event.then(tab.finish, [turns], [turns, chat, announce], **private).then(
            None, None, None, js=SCROLL_JS, **private
        )

    outputs = [box, turns, chat, hint]
    for trigger in (box.submit, ask_btn.click):
        wire(trigger(tab.start, [box, turns], outputs, **quick))
    clear_btn.click(tab.clear, None, [turns, chat, box, hint, announce], **quick)

    with gr.Column(elem_classes="imc-examples"):
        gr.Markdown("**Example questions** (click to ask; what you typed stays in the box):")
        with gr.Row():
            for persona, questions in answers.EXAMPLES.items():
                with gr.Column(min_width=220):
                    gr.HTML(f'<div class="imc-persona">{esc(persona)}</div>', js_on_load=None)
                    for q in questions:
                        btn = gr.Button(
                            q, size="sm", variant="secondary", elem_classes="imc-example"
                        )
                        wire(btn.click(tab.start_example, [btn, turns], outputs, **quick))
