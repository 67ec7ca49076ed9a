"""The Browse tab: search the Code, look a clause up by id, and the whole Code as an outline.

A search lists first the clauses that contain the words searched for (matched words highlighted,
most words matched first), then, closed, the clauses related by meaning only. A new search
empties the id box and a lookup empties the search box, so the result always answers what is in
view."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from .. import Assistant, QuestionError, UnknownClauseError
from . import render
from .errors import INTERNAL_ERROR, log_internal

SEARCH_K = 10  # results of the semantic search shown as "related"


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


def search_html(assistant: Assistant, text: str) -> str:
    """Keyword matches first, then the clauses related by meaning only."""
    results = [c for c, _ in assistant.search(text, k=SEARCH_K)]
    keyword = render.keyword_matches(assistant.clauses, text, [c.id for c in results])
    matched = {c.id for c in keyword}
    return render.render_search(text, keyword, [c for c in results if c.id not in matched])


@dataclass
class BrowseParts:
    """The components other parts of the page drive (deep links, clause links)."""

    search_box: gr.Textbox
    lookup_box: gr.Textbox
    result: gr.HTML
    citation: gr.Textbox


def build_browse_tab(assistant: Assistant) -> BrowseParts:
    with gr.Row():
        search_box = gr.Textbox(
            label="Search the Code (keywords and meaning)",
            placeholder="e.g. gifts from clients, recording sessions",
            scale=3,
            min_width=280,
            submit_btn="Search",
            elem_id="imc-search",
        )
        lookup_box = gr.Textbox(
            label="Look up by id",
            placeholder="1.C.4, S.2, D.sponsor, 1.B",
            scale=2,
            min_width=240,
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
    gr.HTML('<h2 class="imc-outline-title">The whole Code</h2>', js_on_load=None)
    gr.HTML(render.render_outline(assistant.clauses), elem_id="imc-outline", js_on_load=None)

    def on_search(text: str):
        try:
            body = search_html(assistant, text)
        except QuestionError as exc:
            body = f'<p class="imc-error">{render.esc(exc)}</p>'
        except Exception as exc:
            log_internal("search", exc)
            body = f'<p class="imc-error">{render.esc(INTERNAL_ERROR)}</p>'
        return body, gr.update(value="", visible=False), ""

    def on_lookup(text: str):
        body, cite = lookup_html(assistant, text)
        return body, gr.update(value=cite, visible=bool(cite)), ""

    private = {"api_visibility": "private"}
    search_box.submit(on_search, [search_box], [result, citation, lookup_box], **private)
    lookup_box.submit(
        on_lookup, [lookup_box], [result, citation, search_box], queue=False, **private
    )
    return BrowseParts(search_box, lookup_box, result, citation)
