"""Topic and definition questions: "which clauses cover trust?", "what does the Code say about
respect?", "a workshop on empathy", "what does the Code mean by mentoring?".

A topic question names a section's theme and nothing else: it is answered with that section's
clauses in order, as a lookup of ``3.A`` would be. A definition question asks what a defined term
means: it is answered with that definition. Anything with more to it (a situation) is left to
retrieval. The topic words below are the project's own, not the Code's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Clause
from .lookup import term_index
from .text import STOPWORDS, stem, words

# Section -> names of its theme (in everyday words too). Matching is on stemmed content words.
TOPICS: dict[str, tuple[str, ...]] = {
    "1.A": ("contract", "contracts", "contracting", "agreement", "agreements", "terms"),
    "1.B": ("confidentiality", "confidential", "privacy", "secrecy", "keeping things private"),
    "1.C": ("conflict of interest", "conflicts of interest", "conflicting interests"),
    "1.D": ("professional relationship", "boundaries", "expectations", "relationship boundaries"),
    "1.E": ("integrity", "representation", "integrity and representation", "honest credentials"),
    "2.A": ("communication", "effective communication", "listening", "communicating"),
    "2.B": ("expertise", "subject matter expertise", "subject matter knowledge", "know-how"),
    "2.C": ("cultural competence", "culture", "cultural differences", "diversity", "cultures"),
    "2.D": ("feedback", "evaluation", "feedback and evaluation", "giving feedback"),
    "3.A": ("trust", "building trust", "trustworthiness"),
    "3.B": ("empathy", "being empathetic"),
    "3.C": ("respect", "mutual respect", "dignity"),
    "3.D": ("accountability", "being accountable"),
    "3.E": (
        "self-awareness",
        "reflection",
        "self awareness",
        "self-reflection",
        "reflective practice",
    ),
    "3.F": ("professional development", "continuous professional development", "cpd"),
    "S.sanctions": ("sanctions", "penalties", "discipline", "disciplinary measures"),
    "P.values": ("values", "imc's values", "the values of imc"),
}
# Words that frame a topic without changing it: "empathy for new mentors", "trust in mentoring".
_FRAME = {
    "mentor",
    "mentors",
    "mentee",
    "mentees",
    "client",
    "clients",
    "mentoring",
    "new",
    "trainee",
    "trainees",
    "staff",
    "team",
    "programme",
    "program",
    "course",
    "courses",
    "session",
    "sessions",
    "workshop",
    "workshops",
    "training",
    "module",
    "people",
    "topic",
    "theme",
    "imc",
    "code",
    "ethics",
    "our",
    "my",
    "the",
    "a",
    "an",
    "of",
    "for",
    "in",
    "on",
    "about",
    "with",
    "and",
    "to",
    "relationship",
    "relationships",
    "professional",
    "members",
    "member",
    "practice",
    "area",
    "principle",
    "principles",
    "clause",
    "clauses",
    "section",
    "part",
    "whole",
    "say",
    "says",
    "cover",
    "covers",
    "what",
    "which",
    "all",
    "please",
    "thanks",
    "running",
    "planning",
    "preparing",
    "teach",
    "teaching",
    "explain",
    "ethical",
    "skills",
    "skill",
    "relevant",
    "pls",
    "quick",
}
_TOPIC_QUESTIONS = [
    re.compile(p, re.I)
    for p in (
        r"(?:which|what)\s+(?:clauses?|sections?|parts?|principles?)\s+(?:of the code\s+)?"
        r"(?:covers?|are about|is about|deals? with|relates? to|addresses|address|apply to|"
        r"applies to|talks? about|(?:should|would|could|do|does) .{0,60}? cover|on)\s+(?P<t>.+)",
        r"what does (?:the|imc'?s?|our)?\s*(?:code|code of ethics)?\s*(?:say|state|tell us|"
        r"require)s?\s+(?:about|on|regarding)\s+(?P<t>.+)",
        r"(?:workshop|training|course|session|module|lesson|talk)s?\s+(?:on|about)\s+(?P<t>.+)",
        r"(?:clauses?|sections?|principles?|part|the code)\s+(?:on|about|for)\s+(?P<t>.+)",
        r"^\s*(?:what|which) are (?:the|imc'?s|all the)\s+(?P<t>.+)",
        r"^\s*(?:where(?:'s| is)|what(?:'s| is)|show me|find|open)\s+(?:the\s+)?(?P<t>[\w -]+?)"
        r"\s+(?:section|clauses?|part)\b",
        r"^\s*(?P<t>[\w' -]{3,60}?)\s+(?:clauses?|sections?|parts?)(?:\s+(?:please|pls))?"
        r"\s*[?.!]*\s*$",
        r"(?:workshop|training|course|session|module|lesson|talk)s?\s+(?:on|about)\s+(?P<t>.+?)"
        r"\s*-\s*(?:relevant\s+)?(?:clauses?|sections?)",
    )
]
_DEFINITION_Q = re.compile(
    r"^\s*(?:please\s+)?(?:"
    r"(?:define|definition of|what is the definition of|what's the definition of|meaning of|"
    r"what is meant by|what do(?:es)? (?:imc|the code|the code of ethics|you) mean by|"
    r"how does (?:imc|the code) define|who counts as|who is considered|what counts as)"
    r"\s+(?:an?\s+|the\s+)?(?P<a>[\w &/'-]+?)"
    r"|(?:what|who)(?:\s+is|'s|’s|\s+are) (?:an?\s+|the\s+)?(?P<b>[\w &/'-]+?)"
    r"(?:\s+(?:in|according to|under) (?:the code|imc|the code of ethics|imc's code))?"
    r"|what does (?:the (?:word|term)\s+)?(?P<c>[\w &/'-]+?) mean(?: in the code| for imc)?"
    r")\s*[?.!]?\s*$",
    re.I,
)


def _content(text: str) -> list[str]:
    return [w for w in words(text) if w not in _FRAME and w not in STOPWORDS]


def _same(a: list[str], b: list[str]) -> bool:
    """The same words up to their stems, allowing a slip of the keyboard in a long word
    ("confidentialty")."""
    if {stem(w) for w in a} == {stem(w) for w in b}:
        return True
    if len(a) != len(b):
        return False
    return all(any(x == y or (len(x) > 6 and _close(x, y)) for y in b) for x in a)


def _close(x: str, y: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, x, y).ratio() >= 0.85


def section_for_topic(topic: str) -> str | None:
    """The section whose theme `topic` names, when it names that and nothing else."""
    wanted = _content(topic)
    if not wanted:
        return None
    for section, names in TOPICS.items():
        for name in names:
            if _same(_content(name), wanted):
                return section
    return None


def topic_in_message(message: str, clauses: Sequence[Clause]) -> list[Clause] | None:
    """The clauses of the section a topic question asks about, in order; else None."""
    for pattern in _TOPIC_QUESTIONS:
        m = pattern.search(message)
        if m is None:
            continue
        section = section_for_topic(re.split(r"[?.!;]", m.group("t"), maxsplit=1)[0])
        if section is not None:
            part, key = section.split(".")
            return [c for c in clauses if c.part == part and c.section == key] or None
    return None


def definition_in_message(message: str, clauses: Sequence[Clause]) -> Clause | None:
    """The definition a question asks for by its exact term ("what does mentoring mean?")."""
    m = _DEFINITION_Q.match(message)
    if m is None:
        return None
    term = " ".join(next(g for g in m.groups() if g).lower().split())
    term = re.sub(r"^(?:a|an|the)\s+", "", term).strip(" '\"")
    terms = term_index(clauses)
    cid = terms.get(re.sub(r"[^a-z0-9]+", " ", term).strip())
    return next((c for c in clauses if c.id == cid and c.kind == "definition"), None)
