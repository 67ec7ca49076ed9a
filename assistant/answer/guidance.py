"""What the Code asks a mentor to do: each clause's own predicate, verbatim, in the order a mentor
would act on it, and the sentence that names the issue.

Action rule. A principle reads "<lead-in,> <subject> <modal> <predicate>", where the subject is
"Members" or "IMC professionals" and the modal is "will" or "have the primary obligation to". The
action is the predicate: ``clause.text[i:j]`` from the first word after the modal to the end, with
a trailing full stop dropped. An optional lead-in ending in a comma ("Prior to working with a
client, ") is skipped, so its condition is lost; we accept that rather than splice text, because
the action must stay one verbatim span. One stray possessive between modal and verb is skipped
too (2.D.2 reads "will their hold the clients accountable"), so every action starts with a verb
or with adverbs before one ("openly and honestly discuss"). Other kinds have no action: None.

Step order. ``step_order(clause, rank)`` returns ``(stage, rank)``. The stage comes from the
action's leading verb, found by skipping adverbs ("-ly" words) and "and", and looked up by stem in
``STAGE_BY_VERB``: 1 understand, listen, reflect, discuss or clarify openly; 2 set up or agree
(contract, goals, boundaries, environment); 3 act and maintain (records, feedback, support,
respect, development; also any verb not in the table); 4 address conflicts, escalate, hold to
account; 5 disengage or conclude. A word from ``ENDING_STEMS`` anywhere in the action forces stage
5, because 1.D.5 "clearly communicate concluding ..." is about the end although its verb is not.
Clauses without an action sort after all stages. Ties keep the citation's original rank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import Clause, Confidence

_ACTION_RE = re.compile(
    r"^(?:[^,]*,\s+)?(?:Members|IMC professionals)\s+"
    r"(?:will|have the primary obligation to)\s+(?:(?:their|its)\s+)?"
)

# Verb stems by stage, matched as prefixes so that "establish" also covers "establishes".
_STAGES = (
    # 1: understand and open up before agreeing anything.
    "listen understand reflect discuss disclos clarif communicat explain ask explor take recogni",
    # 2: set up or agree the frame of the work (contract, goals, boundaries, environment).
    "establish agree contract make verify ensure set creat",
    # 3: act and maintain during the relationship.
    "maintain keep stor provid offer support respect develop foster uphold use act work "
    "prioriti acknowledg abstain conduct exemplif enhanc participat assess",
    # 4: deal with what has gone wrong.
    "address resolv escalat report hold",
    # 5: leave.
    "disengag conclud end terminat",
)
STAGE_BY_VERB: dict[str, int] = {
    stem: n for n, stems in enumerate(_STAGES, 1) for stem in stems.split()
}
DEFAULT_STAGE = 3
ENDING_STEMS: tuple[str, ...] = ("disengag", "conclud", "terminat")
_NO_ACTION_STAGE = 6


def action(clause: Clause) -> str | None:
    """The clause's own predicate, verbatim; None unless it is a principle (see module doc)."""
    if clause.kind != "principle":
        return None
    text = clause.text
    m = _ACTION_RE.match(text)
    if m is None:
        raise ValueError(f"{clause.id}: no 'Members/IMC professionals will' subject found")
    end = len(text) - 1 if text.endswith(".") else len(text)
    return text[m.end() : end]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def _leading_verb(act: str) -> str:
    for word in _words(act):
        if word != "and" and not word.endswith("ly"):
            return word
    return ""


def _stage_of_verb(verb: str) -> int:
    # Longest stem wins so that "end" cannot shadow a longer, more specific stem.
    for stem in sorted(STAGE_BY_VERB, key=len, reverse=True):
        if verb.startswith(stem):
            return STAGE_BY_VERB[stem]
    return DEFAULT_STAGE


def step_order(clause: Clause, rank: int) -> tuple[int, int]:
    """Sort key ``(stage, rank)`` ordering actions as a mentor would act on them."""
    act = action(clause)
    if act is None:
        return (_NO_ACTION_STAGE, rank)
    if any(w.startswith(ENDING_STEMS) for w in _words(act)):
        return (5, rank)
    return (_stage_of_verb(_leading_verb(act)), rank)


def _lower(title: str) -> str:
    # All-caps words are acronyms (IMC, SMART) and stay as written.
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in title.split())


def _issue_name(clause: Clause) -> str:
    if clause.kind == "definition":
        return f"the definition of {_lower(clause.title)}"
    if clause.kind == "sanction":
        return "sanctions"
    name = _lower(clause.section_title)
    if clause.kind in ("prose", "value", "pledge") and "the" not in name.split():
        # "the preamble" reads as a topic; a bare "preamble" does not.
        return f"the {name}"
    return name


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def issue_names(clauses: Iterable[Clause]) -> str:
    """Plain name of the issue: the clauses' section titles, first-seen order, de-duplicated."""
    names: list[str] = []
    for clause in clauses:
        name = _issue_name(clause)
        if name not in names:
            names.append(name)
    return _join(names)


def lead_sentence(clauses: Iterable[Clause], confidence: Confidence) -> str:
    """One opening sentence naming the issue, hedged by retrieval confidence."""
    issue = issue_names(clauses)
    if confidence == "high":
        return f"This is a question of {issue}."
    if confidence == "medium":
        return f"This is probably a question of {issue}."
    return f"This may be a question of {issue}. Read the clauses below to judge whether they fit."
