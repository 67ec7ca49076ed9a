"""Gradio app for the IMC Code of Ethics assistant: a thin layer over `assistant.Assistant`.

    python app.py [--host H] [--port P] [--audit-log PATH] [--insecure]

Binds 127.0.0.1:7860 by default (IMC_HOST / IMC_PORT also work). Any other address needs
IMC_APP_USER / IMC_APP_PASSWORD (Gradio auth) unless --insecure is given. Nothing typed is logged
or stored unless --audit-log is given. API endpoints for gradio_client: /ask, /lookup, /search.
"""

from __future__ import annotations

import os

# Offline and telemetry-free before gradio (or anything heavy) is imported.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

import gradio as gr  # noqa: E402

from assistant import Assistant, ui  # noqa: E402
from assistant.guard import QuestionError  # noqa: E402
from assistant.lookup import UnknownClauseError  # noqa: E402
from assistant.privacy import AUDIT_NOTE, PRIVACY_NOTE, AuditLog, auth_for, is_loopback  # noqa: E402
from assistant.settings import Settings  # noqa: E402

try:  # The Quiz tab is optional: added when assistant/quiz_ui.py exists.
    from assistant.quiz_ui import build_quiz_tab
except ModuleNotFoundError as exc:
    if exc.name != "assistant.quiz_ui":
        raise
    build_quiz_tab = None

CONCURRENCY = 8  # queued events run at once; Assistant serialises the model call itself
MAX_SHOWN_CHARS = 2000  # longest question echoed back on the page
INTERNAL_ERROR = "Sorry, something went wrong while answering. Please try again."


def _shown(text: str) -> str:
    text = text if isinstance(text, str) else ""
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"


def _log_internal(where: str, exc: BaseException) -> None:
    """Log the exception type only: never the question text."""
    print(f"[app] internal error in {where}: {type(exc).__name__}", file=sys.stderr)


# ------------------------------------------------------------------------------------ Ask tab


def build_ask_tab(assistant: Assistant, audit: AuditLog | None) -> None:
    corpus = assistant.corpus
    turns = gr.State([])
    chat = gr.HTML(ui.render_conversation([], corpus), elem_id="imc-chat", js_on_load=None)
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

    def start(text: str, state: list[ui.Turn]):
        state = [*(state or []), ui.Turn(question=text or "")]
        return "", state, ui.render_conversation(state, corpus)

    def finish(state: list[ui.Turn]):
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
                _log_internal("ask", exc)
                turn.error = INTERNAL_ERROR
            turn.pending = False
            if audit is not None:
                audit.record(turn.question, turn.answer, turn.error, via="ui")
            turn.question = _shown(turn.question)
        return state, ui.render_conversation(state, corpus)

    def wire(event):
        event.then(finish, [turns], [turns, chat], api_visibility="private").then(
            None, None, None, js=ui.SCROLL_JS, api_visibility="private"
        )

    for trigger in (box.submit, ask_btn.click):
        wire(
            trigger(start, [box, turns], [box, turns, chat], queue=False, api_visibility="private")
        )
    clear_btn.click(
        lambda: ([], ui.render_conversation([], corpus), ""),
        None,
        [turns, chat, box],
        queue=False,
        api_visibility="private",
    )

    gr.Markdown("**Example questions** (click to ask):")
    with gr.Row():
        for persona, questions in ui.EXAMPLES.items():
            with gr.Column(min_width=220):
                gr.HTML(f'<div class="imc-persona">{ui.esc(persona)}</div>', js_on_load=None)
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


# ------------------------------------------------------------------------------------ Browse tab


def lookup_html(assistant: Assistant, query: str) -> tuple[str, str]:
    """HTML for a lookup, and the citation text to copy (one clause) or ''."""
    query = (query or "").strip()
    if not query:
        return '<p class="imc-error">Type a clause id such as 1.C.4, S.2 or D.sponsor.</p>', ""
    try:
        found = assistant.lookup(query[:200])
    except UnknownClauseError as exc:
        return ui.render_unknown(exc.query, exc.nearest, exc.ambiguous), ""
    citation = "\n\n".join(c.citation_text() for c in found)
    return ui.render_lookup(found), citation


def build_browse_tab(assistant: Assistant) -> tuple[gr.Textbox, gr.HTML, gr.Textbox]:
    with gr.Row():
        search_box = gr.Textbox(
            label="Search the Code (keywords and meaning)",
            placeholder="e.g. gifts from clients, recording sessions",
            scale=3,
            submit_btn="Search",
            elem_id="imc-search",
        )
        lookup_box = gr.Textbox(
            label="Look up by id",
            placeholder="1.C.4, S.2, D.sponsor, 1.B",
            scale=2,
            submit_btn="Look up",
            elem_id="imc-lookup",
        )
    result = gr.HTML("", elem_id="imc-browse-result", js_on_load=None)
    citation = gr.Textbox(
        label="Citation (copy with the button on the right)",
        buttons=["copy"],
        interactive=False,
        visible=False,
        lines=2,
        elem_id="imc-citation",
    )
    gr.Markdown("### The whole Code")
    gr.HTML(ui.render_outline(assistant.clauses), elem_id="imc-outline", js_on_load=None)

    def on_search(text: str):
        try:
            results = assistant.search(text, k=10)
        except QuestionError as exc:
            return f'<p class="imc-error">{ui.esc(exc)}</p>', gr.update(visible=False)
        except Exception as exc:
            _log_internal("search", exc)
            return f'<p class="imc-error">{ui.esc(INTERNAL_ERROR)}</p>', gr.update(visible=False)
        return ui.render_search(results, text), gr.update(visible=False)

    def on_lookup(text: str):
        body, cite = lookup_html(assistant, text)
        return body, gr.update(value=cite, visible=bool(cite))

    search_box.submit(on_search, [search_box], [result, citation], api_visibility="private")
    lookup_box.submit(
        on_lookup, [lookup_box], [result, citation], queue=False, api_visibility="private"
    )
    return lookup_box, result, citation


# ------------------------------------------------------------------------------------ API


def register_api(assistant: Assistant, audit: AuditLog | None) -> None:
    def ask(question: str, history: list[str] | str | None = None) -> dict:
        """Answer a question. `history`: earlier questions of the conversation (list or JSON)."""
        if isinstance(history, str):
            try:
                history = json.loads(history) if history.strip() else []
            except json.JSONDecodeError:
                history = "not JSON"
        history = [] if history is None else history
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            return {
                "error": "history must be a list of earlier questions, or a JSON array of strings.",
                "error_type": "QuestionError",
            }
        try:
            answer = assistant.ask(question, history)
        except QuestionError as exc:
            if audit is not None:
                audit.record(str(question), None, str(exc), via="api")
            return {"error": str(exc), "error_type": "QuestionError"}
        except Exception as exc:
            _log_internal("api ask", exc)
            return {"error": INTERNAL_ERROR, "error_type": "InternalError"}
        if audit is not None:
            audit.record(question, answer, via="api")
        return ui.answer_dict(answer)

    def lookup(clause_id: str) -> list | dict:
        """The clauses named by an id, section or term; or an error with the nearest ids."""
        try:
            found = assistant.lookup(str(clause_id or "")[:200])
        except UnknownClauseError as exc:
            return {
                "error": str(exc),
                "error_type": "UnknownClauseError",
                "query": exc.query,
                "nearest": exc.nearest,
                "ambiguous": exc.ambiguous,
            }
        return [ui.clause_json(c) for c in found]

    def search(text: str, k: int = 10) -> list | dict:
        """Keyword + semantic search: clauses best first, each with a score."""
        try:
            k = max(1, min(int(k), 50))
            return [ui.clause_json(c, s) for c, s in assistant.search(text, k=k)]
        except (QuestionError, ValueError, TypeError) as exc:
            return {"error": str(exc), "error_type": "QuestionError"}

    gr.api(ask, api_name="ask")
    gr.api(lookup, api_name="lookup", queue=False)
    gr.api(search, api_name="search")


# ------------------------------------------------------------------------------------ app


def build_app(assistant: Assistant, audit: AuditLog | None = None) -> gr.Blocks:
    with gr.Blocks(
        title="IMC Code of Ethics — guidance assistant", analytics_enabled=False
    ) as demo:
        privacy = AUDIT_NOTE if audit is not None else PRIVACY_NOTE
        gr.HTML(
            '<div id="imc-header"><h1>IMC Code of Ethics — guidance assistant</h1>'
            f'<p class="imc-disclaimer">{ui.esc(ui.DISCLAIMER)}</p>'
            f'<p class="imc-privacy">{ui.esc(privacy)}</p></div>',
            js_on_load=None,
        )
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("Ask", id="ask"):
                build_ask_tab(assistant, audit)
            with gr.Tab("Browse the Code", id="browse"):
                lookup_box, result, citation = build_browse_tab(assistant)
            if build_quiz_tab is not None:
                with gr.Tab("Quiz", id="quiz"):
                    build_quiz_tab(assistant)
        register_api(assistant, audit)

        def deep_link(request: gr.Request):
            """`/?clause=1.C.4` opens the Browse tab on that clause."""
            clause = (request.query_params.get("clause") or "").strip() if request else ""
            if not clause:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip()
            body, cite = lookup_html(assistant, clause)
            return (
                gr.Tabs(selected="browse"),
                clause[:200],
                body,
                gr.update(value=cite, visible=bool(cite)),
            )

        demo.load(
            deep_link,
            None,
            [tabs, lookup_box, result, citation],
            queue=False,
            api_visibility="private",
        )
    return demo


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="IMC Code of Ethics assistant: web app.")
    p.add_argument("--host", help="bind address (default IMC_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default IMC_PORT or 7860)")
    p.add_argument(
        "--audit-log",
        metavar="PATH",
        help="append one redacted JSON line per question to PATH (off by default)",
    )
    p.add_argument(
        "--insecure",
        action="store_true",
        help="allow a non-loopback address without IMC_APP_USER/IMC_APP_PASSWORD",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError from IMC_* variables
        print(f"error: invalid setting: {exc}", file=sys.stderr)
        return 2
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    if not 0 <= port <= 65535:
        print(f"error: invalid port {port}", file=sys.stderr)
        return 2
    try:
        auth = auth_for(host, args.insecure)
        audit = AuditLog(args.audit_log) if args.audit_log else None
    except (ValueError, OSError) as exc:
        print(exc if isinstance(exc, ValueError) else f"error: audit log: {exc}", file=sys.stderr)
        return 2
    if not is_loopback(host) and auth is None:
        print(f"[app] WARNING: serving {host} without a login (--insecure).", file=sys.stderr)
    assistant = Assistant.load(settings)
    demo = build_app(assistant, audit)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=256)
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=auth,
        auth_message="IMC Code of Ethics assistant: please log in." if auth else None,
        show_error=False,
        run_history=False,  # Gradio would otherwise keep past inputs in the browser
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        pwa=False,
        footer_links=["api"],
        theme=gr.themes.Soft(
            primary_hue="teal",
            secondary_hue="slate",
            font=[
                gr.themes.LocalFont("Source Sans Pro"),
                "ui-sans-serif",
                "system-ui",
                "sans-serif",
            ],
        ),
        css=ui.CSS,
        js=ui.JS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
