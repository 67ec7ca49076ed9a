"""HTML of the Ask tab: an answer (short answer, checklist, cited clauses with their example
situations, background clauses), a question back, an abstention, and the whole conversation with
its "Copy all", "Download conversation" and "Print" controls.

What is the Code's and what is not is always marked: the checklist and the clauses quote the Code
word for word; example situations are labelled as written for this tool."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .. import Answer, Citation, Clause
from . import transcript
from .render import clause_card, clause_link, esc

EXAMPLES: dict[str, list[str]] = {
    "Mentor": [
        "A supplier I recommend to my mentees pays me a referral commission. Is that a conflict of interest?",
        "My mentee's manager, who pays for the mentoring, wants to see my session notes.",
        "Is it ok to become friends with my mentee on social media?",
    ],
    "Trainer": [
        "A trainee presents another mentor's framework as her own method. What should I tell her?",
        "What does the Code say about keeping client notes?",
        "define sponsor",
    ],
    "Staff": [
        "show me the sanctions",
        "What does 1.C.4 say?",
        "What are IMC's values according to the Code?",
    ],
}
CONFIDENCE_HELP = {
    "high": "the cited clauses clearly match the question",
    "medium": "the cited clauses probably apply: read them to check",
    "low": "the cited clauses may apply: read them carefully",
}
ABSTAIN_LEAD = "The Code does not address this."
STEPS_TITLE = "What the Code asks you to do"
STEPS_NOTE = "The Code's own words, in the order to act on them."
CONTEXT_TITLE = "For context (the Code's words, not the answer)"
NEAREST_NOTE = "The nearest clauses are shown below for reference only — not an answer."
EMPTY_CHAT = (
    '<div class="imc-chat imc-empty"><p>Describe a situation, ask what the Code says, '
    "or name a clause (<code>1.B.2</code>, <code>sanctions</code>, "
    "<code>define sponsor</code>). Answers quote the Code word for word. Press Enter to ask, "
    "Shift+Enter for a new line.</p></div>"
)


@dataclass
class Turn:
    """One exchange of the Ask tab: the question, then an answer or a friendly error."""

    question: str
    answer: Answer | None = None
    error: str | None = None
    pending: bool = True
    claimed: bool = False  # an answering step has taken it (two steps never answer one turn)
    asked_at: float = field(default_factory=time.monotonic)


# ------------------------------------------------------------------------------------ parts


def _card(cit: Citation, corpus: Mapping[str, Clause], **kw) -> str:
    clause = corpus.get(cit.clause_id)  # Answer.checked has verified id and verbatim text
    if clause is None:
        return f"<p>{esc(cit.clause_id)}: {esc(cit.text)}</p>"
    return clause_card(clause, example=cit.example, **kw)


def checklist(answer: Answer) -> str:
    """The numbered steps: each the clause's action, verbatim, with its clause id."""
    actions = {c.clause_id: c.action for c in answer.citations if c.action}
    steps = [(cid, actions[cid]) for cid in answer.steps if cid in actions]
    if not steps:
        return ""
    items = "".join(
        f'<li><q class="imc-action">{esc(text)}</q> {clause_link(cid)}</li>' for cid, text in steps
    )
    return (
        f'<section class="imc-steps" aria-label="{esc(STEPS_TITLE)}">'
        f'<h3 class="imc-steps-title">{esc(STEPS_TITLE)}</h3>'
        f'<p class="imc-steps-note">{esc(STEPS_NOTE)}</p><ol>{items}</ol></section>'
    )


def context_block(answer: Answer) -> str:
    """Definitions or sanctions shown as background: the Code's words, but not the answer."""
    rows = transcript.ordered_context(answer)
    if not rows:
        return ""
    items = "".join(
        f"<li>{clause_link(c.clause_id)} <strong>{esc(c.title)}</strong>: "
        f'<q class="imc-ctext">{esc(c.text)}</q></li>'
        for c in rows
    )
    return (
        f'<section class="imc-context" aria-label="{esc(CONTEXT_TITLE)}">'
        f'<h3 class="imc-context-title">{esc(CONTEXT_TITLE)}</h3><ul>{items}</ul></section>'
    )


def _abstained(answer: Answer, corpus: Mapping[str, Clause]) -> list[str]:
    text = answer.answer
    if not text.startswith(ABSTAIN_LEAD):  # e.g. "Only English is supported. ..."
        parts = [f'<p class="imc-abstain"><strong>{esc(text)}</strong></p>']
    else:
        parts = [f'<p class="imc-abstain"><strong>{esc(ABSTAIN_LEAD[:-1])}</strong></p>']
    if answer.nearest:  # said once, here: the cards carry no "not an answer" tag of their own
        parts.append(f'<div class="imc-nearest"><p class="imc-ref">{esc(NEAREST_NOTE)}</p>')
        parts += [_card(n, corpus, open_=False) for n in answer.nearest]
        parts.append("</div>")
    return parts


def _clarify(answer: Answer) -> list[str]:
    question = answer.clarify or answer.answer
    rest = answer.answer[len(question) :].strip() if answer.answer.startswith(question) else ""
    parts = [f'<p class="imc-clarify">{esc(question)}</p>']
    if rest:
        parts.append(f'<p class="imc-short">{esc(rest)}</p>')
    parts.append('<p class="imc-hint">Reply in the question box below.</p>')
    return parts


def _answered(answer: Answer, corpus: Mapping[str, Clause]) -> list[str]:
    conf = answer.confidence
    lookup = answer.kind == "lookup"
    parts = [
        f'<p class="imc-short">{esc(answer.answer)}</p>',
        f'<p class="imc-confidence imc-conf-{esc(conf)}">'
        f"Confidence: <strong>{esc(conf)}</strong> — {esc(CONFIDENCE_HELP[conf])}</p>",
        checklist(answer),
    ]
    n = len(answer.citations)
    parts.append(f'<h3 class="imc-cited">Cited clause{"s" * (n != 1)} ({n})</h3>')
    open_all = lookup and n <= 8
    for i, cit in enumerate(answer.citations):
        tag = "best match" if i == 0 and not lookup and n > 1 else ""
        parts.append(_card(cit, corpus, open_=open_all or i == 0, tag=tag))
    return parts


def render_answer(answer: Answer, corpus: Mapping[str, Clause]) -> str:
    parts = ['<div class="imc-answer">']
    if answer.context_question:
        parts.append(
            '<p class="imc-followup">Interpreted as a follow-up to: '
            f"<q>{esc(answer.context_question)}</q></p>"
        )
    if answer.kind == "unknown_id":
        parts.append(f'<p class="imc-abstain"><strong>{esc(answer.answer)}</strong></p>')
    elif answer.kind == "clarify" or answer.clarify:
        parts += _clarify(answer)
    elif answer.abstained:
        parts += _abstained(answer, corpus)
    else:
        parts += _answered(answer, corpus)
    parts.append(context_block(answer))
    copy = transcript.answer_text(answer)
    parts.append(
        f'<div class="imc-answer-tools"><button type="button" class="imc-copy imc-copy-all" '
        f'data-copy="{esc(copy)}">Copy all</button>'
        f'<span class="imc-note">{esc(answer.note)}</span></div></div>'
    )
    return "".join(parts)


# ------------------------------------------------------------------------------------ turns


def _turn(i: int, t: Turn, last: bool, corpus: Mapping[str, Clause]) -> str:
    out = [f'<div class="imc-turn{" imc-last" if last else ""}" data-turn="{i}">']
    out.append(f'<div class="imc-user"><div class="imc-bubble">{esc(t.question)}</div></div>')
    if t.pending:
        out.append('<div class="imc-bot imc-pending">Looking up the Code…</div>')
    elif t.error is not None:
        out.append(f'<div class="imc-bot"><p class="imc-error">{esc(t.error)}</p></div>')
    elif t.answer is not None:
        out.append(f'<div class="imc-bot">{render_answer(t.answer, corpus)}</div>')
    out.append("</div>")
    return "".join(out)


def render_conversation(
    turns: Sequence[Turn], corpus: Mapping[str, Clause], today: date | None = None
) -> str:
    """The conversation, then its tools: download as Markdown, print, clear."""
    if not turns:
        return EMPTY_CHAT
    out = ['<div class="imc-chat"><h2 class="imc-sr">Conversation</h2>']
    out += [_turn(i, t, i == len(turns) - 1, corpus) for i, t in enumerate(turns)]
    done = [(t.question, t.answer, t.error) for t in turns if not t.pending]
    if done:
        today = today or date.today()
        name = f"imc-conversation-{today.isoformat()}.md"
        out.append(
            '<div class="imc-chat-tools">'
            f'<button type="button" class="imc-download" data-filename="{esc(name)}">'
            "Download conversation</button>"
            '<button type="button" class="imc-print">Print</button>'
            '<button type="button" class="imc-clear-chat">Clear conversation</button>'
            f'<pre class="imc-transcript" hidden>{esc(transcript.markdown(done, today))}</pre>'
            "</div>"
        )
    out.append("</div>")
    return "".join(out)


def announcement(turns: Sequence[Turn]) -> str:
    """Text for the screen-reader live region: the newest answer, in short."""
    last = turns[-1] if turns else None
    if last is None or last.pending:
        return ""
    if last.error is not None:
        return esc(last.error)
    a = last.answer
    text = (a.clarify or a.answer) if a is not None else ""
    n = len(a.citations) if a is not None else 0
    cited = f" {n} clause{'s' * (n != 1)} cited." if n else ""
    return esc(f"New answer: {text}{cited}")
