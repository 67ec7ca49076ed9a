"""HTML rendering, styles and small helpers for app.py. Light: no gradio, no torch.
All user and clause text goes through `esc()`: the only markup on the page is built here."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .cli import answer_json
from .models import Answer, Citation, Clause
from .text import STOPWORDS, stem, words

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


CSS = """
.gradio-container { max-width: 1100px !important; margin: auto; }
#imc-header h1 { font-size: 1.6rem; margin: 0 0 .2rem 0; } #imc-header p { margin: .15rem 0; }
.imc-disclaimer { color: var(--body-text-color-subdued); }
.imc-privacy { font-size: .9rem; color: var(--body-text-color-subdued); }
.imc-chat { display: flex; flex-direction: column; gap: 1.1rem; }
.imc-empty { color: var(--body-text-color-subdued); padding: .6rem 0; }
.imc-user { display: flex; justify-content: flex-end; }
.imc-bubble { background: var(--color-accent-soft); border-radius: 14px 14px 2px 14px;
  padding: .55rem .9rem; max-width: 80%; white-space: pre-wrap; overflow-wrap: anywhere; }
.imc-bot { border: 1px solid var(--border-color-primary); border-radius: 12px;
  padding: .8rem 1rem; background: var(--background-fill-primary); }
.imc-pending { color: var(--body-text-color-subdued); font-style: italic; }
.imc-short { font-size: 1.02rem; margin: 0 0 .4rem 0; }
.imc-followup { font-size: .9rem; color: var(--body-text-color-subdued); margin: 0 0 .4rem 0; }
.imc-confidence { font-size: .88rem; margin: 0 0 .6rem 0; }
.imc-conf-high strong { color: #137333; } .imc-conf-medium strong { color: #9a6700; }
.imc-conf-low strong { color: #b3261e; } .imc-abstain { font-size: 1.05rem; margin: 0 0 .3rem 0; }
.imc-cited, .imc-ref { font-weight: 600; margin: .2rem 0 .4rem 0; font-size: .9rem; }
.imc-nearest { border-left: 4px solid #c9a227; padding-left: .7rem; margin-top: .5rem; }
.imc-clause { border: 1px solid var(--border-color-primary); border-radius: 8px; margin: .4rem 0;
  padding: .35rem .7rem; background: var(--background-fill-secondary); }
.imc-clause summary { cursor: pointer; font-weight: 600; }
.imc-cid { font-family: var(--font-mono); background: var(--color-accent-soft);
  border-radius: 4px; padding: 0 .35rem; margin-right: .3rem; text-decoration: none; }
.imc-tag { font-size: .75rem; font-weight: 500; border: 1px solid var(--border-color-primary);
  border-radius: 10px; padding: 0 .45rem; margin-left: .5rem; }
.imc-text { margin: .45rem 0 .35rem 0; padding-left: .8rem;
  border-left: 3px solid var(--color-accent); line-height: 1.5; }
.imc-actions { display: flex; gap: .8rem; align-items: center; font-size: .82rem; }
.imc-copy { border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: .1rem .5rem; font-size: .8rem !important; font-weight: 500;
  background: var(--background-fill-primary); cursor: pointer; }
.imc-link { color: var(--body-text-color-subdued); }
.imc-note { font-size: .8rem; color: var(--body-text-color-subdued); margin: .6rem 0 0 0; }
.imc-error { color: #b3261e; margin: 0; } .imc-outline h4 { margin: .6rem 0 .2rem 0; }
.imc-item { margin: .3rem 0 .3rem .4rem; line-height: 1.5; }
.imc-part > summary { font-weight: 700; font-size: 1.05rem; cursor: pointer; margin-top: .5rem; }
.imc-count { font-weight: 400; color: var(--body-text-color-subdued); }
.imc-persona { font-weight: 600; margin-bottom: .2rem; }
.imc-preview { font-weight: 400; color: var(--body-text-color-subdued); }
details[open] > summary .imc-preview { display: none; }
mark { background: #fff1a8; padding: 0 .1rem; border-radius: 2px; }
"""

# Copy-citation buttons (delegated, so they work in HTML rendered later) and a fallback for
# plain-http LAN pages where navigator.clipboard is unavailable.
JS = """
() => {
  document.addEventListener('click', (ev) => {
    const b = ev.target.closest ? ev.target.closest('button.imc-copy') : null;
    if (!b) return;
    const text = b.dataset.copy || '';
    const done = () => { b.textContent = 'Copied ✓';
      setTimeout(() => { b.textContent = 'Copy citation'; }, 1500); };
    const fallback = () => { const t = document.createElement('textarea'); t.value = text;
      document.body.appendChild(t); t.select();
      try { document.execCommand('copy'); done(); } finally { t.remove(); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else { fallback(); }
  });
}
"""
SCROLL_JS = """
() => { const el = document.querySelector('#imc-chat .imc-last');
  if (el) el.scrollIntoView({block: 'start'}); }
"""


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


answer_dict = answer_json  # the JSON of `python -m assistant ask --json`


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
