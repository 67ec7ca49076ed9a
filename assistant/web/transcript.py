"""Answers as text to keep: plain text for "Copy all" and Markdown for "Download conversation".

Both carry the answer, the checklist and every clause (id, section, verbatim text), with each
example situation labelled as written for this tool. Nothing here is stored: the text is built
for the page, and the browser copies or downloads it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from .. import Answer, Citation

CODE = "IMC Code of Ethics"
EXAMPLE = "Example situation written for this tool — not the Code's words"
STEPS = "What the Code asks you to do (the Code's own words, in the order to act on them)"
CONTEXT = "For context (the Code's words, not the answer)"
NEAREST = "Nearest clauses (for reference only — not an answer)"
_MD_SPECIAL = "\\`*_{}[]<>#|~"


def _steps(answer: Answer) -> list[tuple[str, str]]:
    actions = {c.clause_id: c.action for c in answer.citations if c.action}
    return [(cid, actions[cid]) for cid in answer.steps if cid in actions]


def ordered_context(answer: Answer) -> list[Citation]:
    """Background clauses as given, with the sanctions in their own order (S.1 ... S.6)."""
    is_sanction = lambda c: c.clause_id.startswith("S.")
    sanctions = sorted(
        filter(is_sanction, answer.context), key=lambda c: (len(c.clause_id), c.clause_id)
    )
    return [c for c in answer.context if not is_sanction(c)] + sanctions


def _groups(answer: Answer) -> Iterator[tuple[str, Sequence[Citation]]]:
    """The clause lists of an answer with their headings, in page order."""
    if answer.citations:
        yield "Cited clauses", answer.citations
    if answer.nearest:
        yield NEAREST, answer.nearest
    if answer.context:
        yield CONTEXT, ordered_context(answer)


def _summary(answer: Answer) -> list[tuple[str, str]]:
    """(label, text) lines: the follow-up marker, the answer, the question back, the confidence."""
    out = []
    if answer.context_question:
        out.append(("Interpreted as a follow-up to", answer.context_question))
    out.append(("Answer", answer.answer))
    if not (answer.abstained or answer.clarify or answer.kind == "unknown_id"):
        out.append(("Confidence", answer.confidence))
    return out


# ------------------------------------------------------------------------------------ plain


def answer_text(answer: Answer) -> str:
    """One answer as plain text (the "Copy all" button)."""
    lines = [f"Question: {answer.question}"]
    lines += [f"{label}: {text}" for label, text in _summary(answer)]
    steps = _steps(answer)
    if steps:
        lines += ["", f"{STEPS}:"]
        lines += [f"{i}. “{text}” ({cid})" for i, (cid, text) in enumerate(steps, 1)]
    for title, group in _groups(answer):
        lines += ["", f"{title}:"]
        for c in group:
            lines += ["", f"[{c.clause_id}] {c.section}", f"“{c.text}”"]
            if c.example:
                lines.append(f"{EXAMPLE}: {c.example}")
    lines += ["", answer.note]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ markdown


def md(text: str) -> str:
    """Escape Markdown and HTML syntax, on one line, so any text reads as written."""
    text = " ".join(str(text).split())
    return "".join(f"\\{ch}" if ch in _MD_SPECIAL else ch for ch in text)


def _answer_md(answer: Answer) -> list[str]:
    out = [f"**{label}:** {md(text)}" + "  " for label, text in _summary(answer)]
    out[-1] = out[-1].rstrip()
    steps = _steps(answer)
    if steps:
        out += ["", f"### {md(STEPS)}", ""]
        out += [f"{i}. “{md(text)}” ({md(cid)})" for i, (cid, text) in enumerate(steps, 1)]
    for title, group in _groups(answer):
        out += ["", f"### {md(title)}"]
        for c in group:
            out += ["", f"**{md(c.clause_id)}** — {md(c.section)}", "", f"> {md(c.text)}"]
            if c.example:
                out += ["", f"*{md(EXAMPLE)}:* {md(c.example)}"]
    return out


def markdown(turns: Sequence[tuple[str, Answer | None, str | None]], today: date) -> str:
    """The conversation as Markdown: title with the Code's name and the date, then every
    question with its answer (or the message it got), checklist and clauses."""
    out = [
        f"# {CODE} — conversation of {today.isoformat()}",
        "",
        f"Guidance quoting the {CODE}, not a ruling by IMC. Clauses are quoted word for word; "
        "example situations were written for this tool and are not the Code's words.",
    ]
    for n, (question, answer, error) in enumerate(turns, 1):
        out += ["", f"## Question {n}", "", f"> {md(question)}", ""]
        if answer is not None:
            out += _answer_md(answer)
        else:
            out.append(f"*{md(error or '')}*")
    out += ["", "---", "", f"*Guidance quoting the {CODE}, not a ruling by IMC.*", ""]
    return "\n".join(out)
