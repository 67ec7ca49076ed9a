"""The Ask tab: a conversation of questions and answers quoting the Code."""

from __future__ import annotations

import gradio as gr

from .. import Assistant, QuestionError
from . import render
from .assets import SCROLL_JS
from .errors import INTERNAL_ERROR, log_internal
from .privacy import AuditLog

MAX_SHOWN_CHARS = 2000  # longest question echoed back on the page


def _shown(text: str) -> str:
    text = text if isinstance(text, str) else ""
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"


def build_ask_tab(assistant: Assistant, audit: AuditLog | None) -> None:
    corpus = assistant.clause_by_id
    turns = gr.State([])
    chat = gr.HTML(render.render_conversation([], corpus), elem_id="imc-chat", js_on_load=None)
    with gr.Row(equal_height=True):
        box = gr.Textbox(
            placeholder="Describe the situation, or ask e.g. 'what does 1.B.2 say?' "
            "(Enter to ask, Shift+Enter for a new line)",
            show_label=False,
            lines=1,
            max_lines=8,
            scale=6,
            elem_id="imc-question",
            autofocus=True,
        )
        with gr.Column(scale=1, min_width=120):
            ask_btn = gr.Button("Ask", variant="primary", elem_id="imc-ask")
            clear_btn = gr.Button("Clear conversation", size="sm", elem_id="imc-clear")

    def start(text: str, state: list[render.Turn]):
        state = [*(state or []), render.Turn(question=text or "")]
        return "", state, render.render_conversation(state, corpus)

    def finish(state: list[render.Turn]):
        """Answer every pending turn (normally just the last one), oldest first."""
        state = state or []
        for i, turn in enumerate(state):
            if not turn.pending:
                continue
            history = [t.question for t in state[:i] if t.answer is not None]
            try:
                turn.answer = assistant.ask(turn.question, history)
            except QuestionError as exc:
                turn.error = str(exc)
            except Exception as exc:  # keep serving; say so without a traceback
                log_internal("ask", exc)
                turn.error = INTERNAL_ERROR
            turn.pending = False
            if audit is not None:
                audit.record(turn.question, turn.answer, turn.error, via="ui")
            turn.question = _shown(turn.question)
        return state, render.render_conversation(state, corpus)

    def wire(event):
        event.then(finish, [turns], [turns, chat], api_visibility="private").then(
            None, None, None, js=SCROLL_JS, api_visibility="private"
        )

    for trigger in (box.submit, ask_btn.click):
        wire(
            trigger(start, [box, turns], [box, turns, chat], queue=False, api_visibility="private")
        )
    clear_btn.click(
        lambda: ([], render.render_conversation([], corpus), ""),
        None,
        [turns, chat, box],
        queue=False,
        api_visibility="private",
    )

    gr.Markdown("**Example questions** (click to ask):")
    with gr.Row():
        for persona, questions in render.EXAMPLES.items():
            with gr.Column(min_width=220):
                gr.HTML(f'<div class="imc-persona">{render.esc(persona)}</div>', js_on_load=None)
                for q in questions:
                    btn = gr.Button(q, size="sm", variant="secondary", elem_classes="imc-example")
                    wire(
                        btn.click(
                            start,
                            [btn, turns],
                            [box, turns, chat],
                            queue=False,
                            api_visibility="private",
                        )
                    )
