"""How a quiz names clauses.

Options name a clause by its id only ("1.C.1"): a title such as "Conflict of Interest" would give
the answer away whenever the scenario is about that section. The answer key may name the section
("1.C.1 — Conflict of Interest"). Titles the project supplied (not the Code's words, marked
"[title inferred]" elsewhere) are left out of everything a trainee sees: the key shows the id alone.
"""

from __future__ import annotations

from ..models import Clause


def _title(c: Clause) -> str | None:
    """The Code's own title for the clause's section (principles) or term, else None."""
    if c.kind == "principle":
        return None if c.section_title_inferred else c.section_title
    return None if c.title_inferred else c.title


def option_label(c: Clause) -> str:
    """What a trainee sees as an option: the clause id only."""
    return c.id


def key_label(c: Clause) -> str:
    """The answer key's name for a clause: id and title, when the title is the Code's own."""
    title = _title(c)
    return f"{c.id} \u2014 {title}" if title else c.id


def quiz_citation(c: Clause) -> str:
    """The answer key's quotation: 'IMC Code of Ethics, 1.C.1 (Conflict of Interest): "..."'."""
    title = _title(c)
    return f'IMC Code of Ethics, {c.id}{f" ({title})" if title else ""}: "{c.text}"'
