"""The Gradio app: a thin layer over `assistant.Assistant`.

    python app.py [--host H] [--port P] [--audit-log PATH] [--insecure]

Binds 127.0.0.1:7860 by default (IMC_HOST / IMC_PORT also work). Any other address needs
IMC_APP_USER / IMC_APP_PASSWORD (Gradio auth) unless --insecure is given. Nothing typed is logged
or stored unless --audit-log is given. API endpoints for gradio_client: /ask, /lookup, /search.
"""

from __future__ import annotations

from ..settings import offline_environment

offline_environment()  # before gradio (or anything heavy) is imported

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

import gradio as gr  # noqa: E402
from pydantic import Field, ValidationError  # noqa: E402
from pydantic_settings import BaseSettings, SettingsConfigDict  # noqa: E402

from .. import Assistant, Settings  # noqa: E402
from ..errors import AssistantError  # noqa: E402
from . import render  # noqa: E402
from .ask_tab import build_ask_tab  # noqa: E402
from .assets import CSS, GOTO_JS, JS, MEDIA_CSS, SHOW_RESULT_JS  # noqa: E402
from .browse_tab import BrowseParts, build_browse_tab, lookup_html  # noqa: E402
from .endpoints import register_api  # noqa: E402
from .privacy import AUDIT_NOTE, PRIVACY_NOTE, AuditLog, auth_for, is_loopback  # noqa: E402
from .quiz_tab import build_quiz_tab  # noqa: E402
from .theme import HEAD, light_theme  # noqa: E402

CONCURRENCY = 8  # queued events run at once; Assistant serialises the model call itself


class WebSettings(BaseSettings):
    """Where the app listens."""

    model_config = SettingsConfigDict(env_prefix="IMC_", extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="App bind address.")
    port: int = Field(7860, ge=0, le=65535, description="App port.")


def build_app(assistant: Assistant, audit: AuditLog | None = None) -> gr.Blocks:
    with gr.Blocks(
        title="IMC Code of Ethics — guidance assistant", analytics_enabled=False
    ) as demo:
        privacy = AUDIT_NOTE if audit is not None else PRIVACY_NOTE
        gr.HTML(
            '<div id="imc-header"><h1>IMC Code of Ethics — guidance assistant</h1>'
            f'<p class="imc-disclaimer">{render.esc(render.DISCLAIMER)}</p>'
            f'<p class="imc-privacy">{render.esc(privacy)}</p></div>',
            js_on_load=None,
        )
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("Ask", id="ask"):
                build_ask_tab(assistant, audit)
            with gr.Tab("Browse the Code", id="browse"):
                browse = build_browse_tab(assistant)
            with gr.Tab("Quiz", id="quiz"):
                build_quiz_tab(assistant)
        register_api(assistant, audit)
        _wire_clause_links(demo, assistant, tabs, browse)
    return demo


def _wire_clause_links(
    demo: gr.Blocks, assistant: Assistant, tabs: gr.Tabs, browse: BrowseParts
) -> None:
    """`/?clause=1.C.4` opens the Browse tab on that clause when the page loads; a click on a
    clause link anywhere on the page does the same in place, through a hidden button that the
    page script clicks (the page is never reloaded, so the Ask conversation stays)."""
    outputs = [tabs, browse.lookup_box, browse.search_box, browse.result, browse.citation]

    def show(clause: str):
        body, cite = lookup_html(assistant, clause)
        return (
            gr.Tabs(selected="browse"),
            clause[:200],
            "",
            body,
            gr.update(value=cite, visible=bool(cite)),
        )

    def deep_link(request: gr.Request):
        clause = (request.query_params.get("clause") or "").strip() if request else ""
        return show(clause) if clause else tuple(gr.skip() for _ in outputs)

    def goto(clause: str):
        clause = (clause or "").strip()
        return show(clause) if clause else tuple(gr.skip() for _ in outputs)

    private = {"api_visibility": "private"}
    demo.load(deep_link, None, outputs, queue=False, **private)
    button = gr.Button("Open clause", elem_id="imc-goto", elem_classes="imc-goto", visible="hidden")
    button.click(goto, [browse.lookup_box], outputs, js=GOTO_JS, queue=False, **private).then(
        None, None, None, js=SHOW_RESULT_JS, **private
    )


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


def _launch(demo: gr.Blocks, host: str, port: int, auth: tuple[str, str] | None) -> None:
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
        theme=light_theme(),
        head=f"{HEAD}<style>{MEDIA_CSS}</style>",
        css=CSS,
        js=JS,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings, web = Settings(), WebSettings()
    except ValidationError as exc:  # from IMC_* variables
        print(f"error: invalid setting: {exc}", file=sys.stderr)
        return 2
    host = args.host or web.host
    port = web.port if args.port is None else args.port
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
    try:
        assistant = Assistant.load(settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _launch(build_app(assistant, audit), host, port, auth)
    return 0
