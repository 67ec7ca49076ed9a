"""HTML rendering of answers, clauses and the outline, and the JSON of the app's endpoints.
Light: no gradio, no torch. All user and clause text goes through `esc()`: the only markup on
the page is built here."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .. import Answer, Citation, Clause
from ..corpus import STOPWORDS, stem, words

DISCLAIMER = (
    "Guidance quoting the IMC Code of Ethics, not a ruling by IMC. Read the quoted clauses "
    "and use your own judgement; for a formal view, contact IMC."
)
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


# ------------------------------------------------------------------------------------ escaping


def esc(text: object) -> str:
    """HTML-escape text, also neutralising template syntax (`${...}`, `{{...}}`, backticks)."""
    out = html.escape(str(text), quote=True)
    return (
        out.replace("$", "&#36;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
        .replace("`", "&#96;")
    )


def highlight(text: str, query: str) -> str:
    """Escaped `text` with the words of `query` (or words sharing their stem) in <mark>."""
    wanted = {w for w in words(query) if w not in STOPWORDS and len(w) > 1}
    stems = {stem(w) for w in wanted}
    if not wanted:
        return esc(text)
    out, last = [], 0
    for m in re.finditer(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?", text):
        w = m.group(0).lower().replace("’", "'")
        if w in wanted or (w not in STOPWORDS and stem(w) in stems):
            out.append(esc(text[last : m.start()]))
            out.append(f"<mark>{esc(m.group(0))}</mark>")
            last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


# ------------------------------------------------------------------------------------ JSON


def clause_json(c: Clause, score: float | None = None) -> dict:
    """A clause for the API: the fields of `clauses --json`, display section and citation."""
    keys = ("id", "kind", "part", "part_title", "section", "section_title")
    keys += ("section_title_inferred", "title", "title_inferred", "text")
    d = {k: getattr(c, k) for k in keys}
    d.update(display_section=c.display_section(), citation=c.citation_text())
    if score is not None:
        d["score"] = round(float(score), 4)
    return d


def answer_dict(answer: Answer) -> dict:
    """The JSON of `python -m assistant ask --json`."""
    return answer.as_json()


# ------------------------------------------------------------------------------------ clauses


def heading(c: Clause) -> str:
    """Section title (and clause title when it differs), inferred titles marked."""
    sec = c.section_title + (" [title inferred]" if c.section_title_inferred else "")
    if c.kind == "principle" or c.title == c.section_title:
        return sec
    return f"{sec} · {c.display_title()}"


def clause_card(
    c: Clause, *, open_: bool = True, body: str | None = None, tag: str = "", link: bool = True
) -> str:
    """A <details> card: id, heading, verbatim text, copy-citation button and permalink."""
    text = body if body is not None else esc(c.text)
    preview = c.text if len(c.text) <= 90 else c.text[:88].rsplit(" ", 1)[0] + " …"
    tag_html = f'<span class="imc-tag">{esc(tag)}</span>' if tag else ""
    permalink = (
        f'<a class="imc-link" href="?clause={esc(c.id)}" target="_blank" rel="noopener">'
        "open in Browse ↗</a>"
        if link
        else f'<a class="imc-link" href="?clause={esc(c.id)}">permalink</a>'
    )
    return (
        f'<details class="imc-clause" data-clause-id="{esc(c.id)}"{" open" if open_ else ""}>'
        f'<summary><span class="imc-cid">{esc(c.id)}</span> '
        f'<span class="imc-sec">{esc(heading(c))}</span>{tag_html}'
        f'<span class="imc-preview"> — {esc(preview)}</span></summary>'
        f'<blockquote class="imc-text">{text}</blockquote>'
        f'<div class="imc-actions"><button type="button" class="imc-copy" '
        f'data-copy="{esc(c.citation_text())}">Copy citation</button>{permalink}</div>'
        "</details>"
    )


def _citation_card(cit: Citation, corpus: Mapping[str, Clause], **kw) -> str:
    clause = corpus.get(cit.clause_id)  # Answer.checked has verified id and verbatim text
    return clause_card(clause, **kw) if clause else f"<p>{esc(cit.clause_id)}: {esc(cit.text)}</p>"


# ------------------------------------------------------------------------------------ answers


def _is_lookup(answer: Answer) -> bool:
    """A direct lookup ("what does 1.B.2 say?")."""
    return answer.kind == "lookup"


def render_answer(answer: Answer, corpus: Mapping[str, Clause]) -> str:
    parts = ['<div class="imc-answer">']
    if answer.context_question:
        parts.append(
            '<p class="imc-followup">Interpreted as a follow-up to: '
            f"<q>{esc(answer.context_question)}</q></p>"
        )
    if answer.kind == "unknown_id":
        parts.append(f'<p class="imc-abstain"><strong>{esc(answer.answer)}</strong></p>')
    elif answer.abstained:
        text = answer.answer
        lead = "The Code does not address this."
        rest = text[len(lead) :].strip() if text.startswith(lead) else text
        parts.append(f'<p class="imc-abstain"><strong>{esc(lead[:-1])}</strong></p>')
        if rest:
            parts.append(f'<p class="imc-short">{esc(rest)}</p>')
        if answer.nearest:
            parts.append(
                '<div class="imc-nearest"><p class="imc-ref">Nearest clauses — '
                "<strong>for reference only — not an answer</strong></p>"
            )
            parts += [
                _citation_card(n, corpus, open_=False, tag="for reference only — not an answer")
                for n in answer.nearest
            ]
            parts.append("</div>")
    else:
        text = answer.answer
        conf = answer.confidence
        parts.append(f'<p class="imc-short">{esc(text)}</p>')
        parts.append(
            f'<p class="imc-confidence imc-conf-{esc(conf)}" title="{esc(CONFIDENCE_HELP[conf])}">'
            f"Confidence: <strong>{esc(conf)}</strong> — {esc(CONFIDENCE_HELP[conf])}</p>"
        )
        open_all = _is_lookup(answer) and len(answer.citations) <= 8
        n = len(answer.citations)
        parts.append(f'<p class="imc-cited">Cited clause{"s" if n != 1 else ""} ({n}):</p>')
        for i, cit in enumerate(answer.citations):
            tag = "best match" if i == 0 and not _is_lookup(answer) and n > 1 else ""
            parts.append(_citation_card(cit, corpus, open_=open_all or i == 0, tag=tag))
    parts.append(f'<p class="imc-note">{esc(answer.note)}</p></div>')
    return "".join(parts)


@dataclass
class Turn:
    """One exchange of the Ask tab: the question, then an answer or a friendly error."""

    question: str
    answer: Answer | None = None
    error: str | None = None
    pending: bool = True


def render_conversation(turns: Sequence[Turn], corpus: Mapping[str, Clause]) -> str:
    if not turns:
        return (
            '<div class="imc-chat imc-empty"><p>Describe a situation, ask what the Code says, '
            "or name a clause (<code>1.B.2</code>, <code>sanctions</code>, "
            "<code>define sponsor</code>). Answers quote the Code word for word.</p></div>"
        )
    out = ['<div class="imc-chat">']
    for i, t in enumerate(turns):
        last = " imc-last" if i == len(turns) - 1 else ""
        out.append(f'<div class="imc-turn{last}" data-turn="{i}">')
        q = esc(t.question) if t.question.strip() else "<em>(empty question)</em>"
        out.append(f'<div class="imc-user"><div class="imc-bubble">{q}</div></div>')
        if t.pending:
            out.append('<div class="imc-bot imc-pending">Looking up the Code…</div>')
        elif t.error is not None:
            out.append(f'<div class="imc-bot"><p class="imc-error">{esc(t.error)}</p></div>')
        elif t.answer is not None:
            out.append(f'<div class="imc-bot">{render_answer(t.answer, corpus)}</div>')
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


# ------------------------------------------------------------------------------------ browse


def render_outline(clauses: Sequence[Clause]) -> str:
    """The whole Code in source order: numbered parts with their sections, then the other
    sections (preamble, definitions, values, sanctions, pledge); inferred titles marked."""
    blocks: list[tuple[str, list[Clause]]] = []
    for c in clauses:
        key = c.part if c.part in "123" else f"{c.part}.{c.section}"
        if not blocks or blocks[-1][0] != key:
            blocks.append((key, []))
        blocks[-1][1].append(c)
    out = ['<div class="imc-outline">']
    for key, cs in blocks:
        c0 = cs[0]
        if key in "123":
            mark = " [title inferred]" if c0.part_title_inferred else ""
            title = f"Part {key}: {c0.part_title}{mark}"
        else:
            title = c0.section_title + (" [title inferred]" if c0.section_title_inferred else "")
        out.append(
            f'<details class="imc-part" open><summary>{esc(title)} '
            f'<span class="imc-count">({len(cs)})</span></summary>'
        )
        section = None
        for c in cs:
            if key in "123" and c.section != section:
                section = c.section
                out.append(f"<h4>{esc(c.display_section())}</h4>")
            title = "" if c.kind == "principle" or c.title == c.section_title else c.display_title()
            out.append(
                f'<div class="imc-item" id="clause-{esc(c.id)}">'
                f'<a class="imc-cid" href="?clause={esc(c.id)}">{esc(c.id)}</a> '
                + (f'<span class="imc-sec">{esc(title)}:</span> ' if title else "")
                + f'<span class="imc-otext">{esc(c.text)}</span></div>'
            )
        out.append("</details>")
    out.append("</div>")
    return "".join(out)


def render_search(results: Sequence[tuple[Clause, float]], query: str) -> str:
    if not results:
        return '<p class="imc-error">No clauses found.</p>'
    out = [f'<p class="imc-cited">{len(results)} clauses for <q>{esc(query)}</q>, best first:</p>']
    for i, (c, _score) in enumerate(results):
        out.append(clause_card(c, open_=i < 3, body=highlight(c.text, query), link=False))
    return "".join(out)


def render_lookup(found: Sequence[Clause]) -> str:
    return "".join(clause_card(c, open_=True, link=False) for c in found)


def render_unknown(query: str, nearest: Sequence[str], ambiguous: bool = False) -> str:
    links = ", ".join(f'<a href="?clause={esc(i)}">{esc(i)}</a>' for i in nearest)
    if ambiguous:
        return f'<p class="imc-error"><q>{esc(query)}</q> is ambiguous: did you mean {links}?</p>'
    hint = f" Nearest ids: {links}." if links else ""
    return f'<p class="imc-error">No clause <q>{esc(query)}</q> in the Code.{hint}</p>'
