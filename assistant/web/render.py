"""HTML building blocks of the page: escaping, keyword highlighting, clause cards, the Browse
tab's outline, search results and lookups, and the JSON of the app's endpoints. Light: no gradio,
no torch. All user and clause text goes through `esc()`: the only markup on the page is built
here and in `answers.py`.

Every link to a clause has the form ``?clause=ID``. The page script (assets.JS) opens such links
in the Browse tab of the same page, so a click never reloads the page and never loses the Ask
conversation; a middle or Ctrl-click still opens a new browser tab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from .. import Answer, Clause
from ..corpus import STOPWORDS, stem, words

DISCLAIMER = (
    "Guidance quoting the IMC Code of Ethics, not a ruling by IMC. Read the quoted clauses "
    "and use your own judgement; for a formal view, contact IMC."
)
EXAMPLE_LABEL = "Example situation written for this tool — not the Code's words"
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


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


def _terms(query: str) -> tuple[set[str], set[str]]:
    """The content words of a query and their stems."""
    wanted = {w for w in words(query) if w not in STOPWORDS and len(w) > 1}
    return wanted, {stem(w) for w in wanted}


def _matching(text: str, wanted: set[str], stems: set[str]):
    """The words of `text` that match the query: the same word, or one sharing its stem."""
    for m in _WORD.finditer(text):
        w = m.group(0).lower().replace("’", "'")
        if w in wanted or (w not in STOPWORDS and stem(w) in stems):
            yield m


def highlight(text: str, query: str) -> str:
    """Escaped `text` with the words of `query` (or words sharing their stem) in <mark>."""
    wanted, stems = _terms(query)
    out, last = [], 0
    for m in _matching(text, wanted, stems) if wanted else ():
        out.append(esc(text[last : m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def keyword_matches(
    clauses: Sequence[Clause], query: str, order: Sequence[str] = ()
) -> list[Clause]:
    """The clauses whose text holds a word of the query (or a word sharing its stem), best
    first: most query words matched, then most matches, then the order of `order` (the semantic
    ranking), then the Code's order."""
    wanted, stems = _terms(query)
    if not wanted:
        return []
    rank = {cid: i for i, cid in enumerate(order)}
    scored = []
    for pos, c in enumerate(clauses):
        found = [
            stem(m.group(0).lower().replace("’", "'")) for m in _matching(c.text, wanted, stems)
        ]
        if found:
            scored.append((-len(set(found)), -len(found), rank.get(c.id, len(rank)), pos, c))
    return [row[-1] for row in sorted(scored, key=lambda row: row[:-1])]


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


def clause_link(clause_id: str, text: str | None = None, cls: str = "imc-cid") -> str:
    """A link that opens the clause in the Browse tab of this page."""
    label = esc(clause_id if text is None else text)
    return f'<a class="{cls}" href="?clause={esc(clause_id)}">{label}</a>'


def example_html(example: str | None) -> str:
    """An example situation, labelled as written for this tool (never the Code's words)."""
    if not example:
        return ""
    return (
        f'<div class="imc-situation"><p class="imc-situation-label">{esc(EXAMPLE_LABEL)}</p>'
        f'<p class="imc-situation-text">{esc(example)}</p></div>'
    )


def clause_card(
    c: Clause,
    *,
    open_: bool = True,
    body: str | None = None,
    tag: str = "",
    link: bool = True,
    example: str | None = None,
) -> str:
    """A <details> card: id, heading, verbatim text, an optional example situation, a
    copy-citation button and a link to the clause in Browse (`link`) or its permalink."""
    text = body if body is not None else esc(c.text)
    preview = c.text if len(c.text) <= 90 else c.text[:88].rsplit(" ", 1)[0] + " …"
    tag_html = f'<span class="imc-tag">{esc(tag)}</span>' if tag else ""
    where = "open in Browse" if link else "permalink"
    label = f"Copy the citation of {c.id}"
    return (
        f'<details class="imc-clause" data-clause-id="{esc(c.id)}"{" open" if open_ else ""}>'
        f'<summary><span class="imc-cid">{esc(c.id)}</span> '
        f'<span class="imc-sec">{esc(heading(c))}</span>{tag_html}'
        f'<span class="imc-preview"> — {esc(preview)}</span></summary>'
        f'<blockquote class="imc-text">{text}</blockquote>{example_html(example)}'
        f'<div class="imc-actions"><button type="button" class="imc-copy" aria-label="{esc(label)}" '
        f'data-copy="{esc(c.citation_text())}">Copy citation</button>'
        f"{clause_link(c.id, where, 'imc-link')}</div>"
        "</details>"
    )


# ------------------------------------------------------------------------------------ browse


def _outline_blocks(clauses: Sequence[Clause]) -> list[tuple[str, list[Clause]]]:
    blocks: list[tuple[str, list[Clause]]] = []
    for c in clauses:
        key = c.part if c.part in "123" else f"{c.part}.{c.section}"
        if not blocks or blocks[-1][0] != key:
            blocks.append((key, []))
        blocks[-1][1].append(c)
    return blocks


def render_outline(clauses: Sequence[Clause]) -> str:
    """The whole Code in source order: numbered parts with their sections, then the other
    sections (preamble, definitions, values, sanctions, pledge); inferred titles marked."""
    out = ['<div class="imc-outline">']
    for key, cs in _outline_blocks(clauses):
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
                out.append(f"<h3>{esc(c.display_section())}</h3>")
            title = "" if c.kind == "principle" or c.title == c.section_title else c.display_title()
            out.append(
                f'<div class="imc-item" id="clause-{esc(c.id)}">{clause_link(c.id)} '
                + (f'<span class="imc-sec">{esc(title)}:</span> ' if title else "")
                + f'<span class="imc-otext">{esc(c.text)}</span></div>'
            )
        out.append("</details>")
    out.append("</div>")
    return "".join(out)


def render_search(query: str, keyword: Sequence[Clause], related: Sequence[Clause]) -> str:
    """Keyword matches (matched words highlighted, best first), then a closed list of clauses
    related by meaning only (open when nothing matched the words)."""
    if not keyword and not related:
        return '<p class="imc-error">No clauses found.</p>'
    q = f"<q>{esc(query)}</q>"
    if keyword:
        n = len(keyword)
        head = f"Keyword matches for {q} ({n} clause{'s' * (n != 1)}), best match first:"
    else:
        head = f"No clause contains the words of {q}."
    out = [f'<p class="imc-cited">{head}</p>']
    out += [
        clause_card(c, open_=i < 3, body=highlight(c.text, query), link=False)
        for i, c in enumerate(keyword)
    ]
    if related:
        out.append(
            f'<details class="imc-related"{"" if keyword else " open"}><summary>'
            f"Related (by meaning) ({len(related)}) — no matching words</summary>"
        )
        out += [clause_card(c, open_=False, link=False) for c in related]
        out.append("</details>")
    return "".join(out)


def render_lookup(found: Sequence[Clause]) -> str:
    return "".join(clause_card(c, open_=True, link=False) for c in found)


def render_unknown(query: str, nearest: Sequence[str], ambiguous: bool = False) -> str:
    links = ", ".join(clause_link(i, cls="imc-near") for i in nearest)
    if ambiguous:
        return f'<p class="imc-error"><q>{esc(query)}</q> is ambiguous: did you mean {links}?</p>'
    hint = f" Nearest ids: {links}." if links else ""
    return f'<p class="imc-error">No clause <q>{esc(query)}</q> in the Code.{hint}</p>'
