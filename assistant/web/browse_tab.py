"""The Browse tab: search the Code, look a clause up by id, and the whole Code as an outline."""

from __future__ import annotations

import gradio as gr

from .. import Assistant, QuestionError, UnknownClauseError
from . import render
from .errors import INTERNAL_ERROR, log_internal


def lookup_html(assistant: Assistant, query: str) -> tuple[str, str]:
    """HTML for a lookup, and the citation text to copy (one clause) or ''."""
    query = (query or "").strip()
    if not query:
        return '<p class="imc-error">Type a clause id such as 1.C.4, S.2 or D.sponsor.</p>', ""
    try:
        found = assistant.lookup(query[:200])
    except UnknownClauseError as exc:
        return render.render_unknown(exc.query, exc.nearest, exc.ambiguous), ""
    citation = "\n\n".join(c.citation_text() for c in found)
    return render.render_lookup(found), citation


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
    gr.HTML(render.render_outline(assistant.clauses), elem_id="imc-outline", js_on_load=None)

    def on_search(text: str):
        try:
            results = assistant.search(text, k=10)
        except QuestionError as exc:
            return f'<p class="imc-error">{render.esc(exc)}</p>', gr.update(visible=False)
        except Exception as exc:
            log_internal("search", exc)
            return f'<p class="imc-error">{render.esc(INTERNAL_ERROR)}</p>', gr.update(
                visible=False
            )
        return render.render_search(results, text), gr.update(visible=False)

    def on_lookup(text: str):
        body, cite = lookup_html(assistant, text)
        return body, gr.update(value=cite, visible=bool(cite))

    search_box.submit(on_search, [search_box], [result, citation], api_visibility="private")
    lookup_box.submit(
        on_lookup, [lookup_box], [result, citation], queue=False, api_visibility="private"
    )
    return lookup_box, result, citation
