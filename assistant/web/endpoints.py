"""The app's named API endpoints for `gradio_client`: ``/ask``, ``/lookup`` and ``/search``."""

from __future__ import annotations

import json

import gradio as gr

from .. import Assistant, QuestionError, UnknownClauseError
from . import render
from .errors import INTERNAL_ERROR, log_internal
from .privacy import AuditLog


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
            log_internal("api ask", exc)
            return {"error": INTERNAL_ERROR, "error_type": "InternalError"}
        if audit is not None:
            audit.record(question, answer, via="api")
        return render.answer_dict(answer)

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
        return [render.clause_json(c) for c in found]

    def search(text: str, k: int = 10) -> list | dict:
        """Keyword + semantic search: clauses best first, each with a score."""
        try:
            k = max(1, min(int(k), 50))
            return [render.clause_json(c, s) for c, s in assistant.search(text, k=k)]
        except (QuestionError, ValueError, TypeError) as exc:
            return {"error": str(exc), "error_type": "QuestionError"}

    gr.api(ask, api_name="ask")
    gr.api(lookup, api_name="lookup", queue=False)
    gr.api(search, api_name="search")
