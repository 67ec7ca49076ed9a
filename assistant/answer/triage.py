"""Triage of a message before retrieval: too vague to answer (ask back), a third party paying for
or overseeing the mentoring (show who is the client and who the sponsor), a question about
consequences (show the sanctions). Word lists are the project's own."""

from __future__ import annotations

import re

STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "about",
        "from",
        "by",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "i",
        "i'm",
        "im",
        "me",
        "my",
        "mine",
        "we",
        "our",
        "us",
        "you",
        "your",
        "yours",
        "he",
        "she",
        "him",
        "her",
        "his",
        "they",
        "them",
        "their",
        "it",
        "it's",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "what's",
        "whats",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "yes",
        "so",
        "just",
        "some",
        "any",
        "all",
        "get",
        "got",
        "go",
        "going",
        "want",
        "wants",
        "say",
        "says",
        "said",
        "tell",
        "know",
        "think",
        "like",
        "really",
        "very",
        "ok",
        "okay",
        "please",
        "there's",
        "don't",
        "dont",
        "cant",
        "can't",
        "anything",
    ]
)
GENERIC_WORDS: frozenset[str] = frozenset(
    [
        "help",
        "helping",
        "problem",
        "problems",
        "issue",
        "issues",
        "question",
        "questions",
        "advice",
        "advise",
        "situation",
        "situations",
        "mentee",
        "mentees",
        "client",
        "clients",
        "mentor",
        "mentors",
        "mentoring",
        "something",
        "someone",
        "happened",
        "happen",
        "happening",
        "need",
        "needs",
        "needed",
        "have",
        "has",
        "having",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "ethics",
        "ethical",
        "ethic",
        "dilemma",
        "dilemmas",
        "code",
        "imc",
        "guidance",
        "support",
        "assist",
        "urgent",
        "sure",
        "case",
        "thing",
        "things",
        "matter",
        "concern",
        "concerns",
        "worried",
        "stuck",
        "unsure",
        "quick",
        "one",
    ]
)
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['’.][a-z0-9]+)*")


def is_vague(message: str) -> bool:
    """True when no content word is left after dropping stopwords and generic words."""
    tokens = _TOKEN_RE.findall(message.lower().replace("’", "'"))
    return not [t for t in tokens if t not in STOPWORDS and t not in GENERIC_WORDS]


CLARIFY_QUESTION: str = (
    "Could you tell me a little more so I can point you to the right part of the Code? "
    "Who is involved (your client, a sponsor or an organisation), what happened, and what "
    "decision are you facing? For example: \"My client's employer pays for the mentoring and "
    'wants a summary of our sessions. Can I share it?"'
)

_SPONSOR_RE = re.compile(r"\bsponsor(?:s|ed|ing|ship)?\b", re.IGNORECASE)
_PAYER_RE = re.compile(
    r"\b(?:employers?|compan(?:y|ies)|firm|organi[sz]ations?|hr|human resources|managers?|"
    r"boss(?:es)?|third[- ]party|school|university|charity|investors?|board)\b",
    re.IGNORECASE,
)
_PAYS_RE = re.compile(
    r"\b(?:pa(?:y|ys|id|ying)|fund(?:s|ed|ing)?|budget|commission(?:ed|s)? (?:the|our|my)|"
    r"bills?|invoices?|footing)\b",
    re.IGNORECASE,
)
_REPORTING_RE = re.compile(
    r"\b(?:notes|updates?|summar(?:y|ies)|reports?|progress|feedback|what (?:we|she|he|they) "
    r"(?:discuss|talk|say))",
    re.IGNORECASE,
)
_CONSEQUENCES_RE = re.compile(
    r"\b(?:what (?:happens|would happen|will happen) (?:if|when)|consequences?|"
    r"penalt(?:y|ies)|sanction(?:s|ed)?|struck off|strike me off|kicked out|thrown out|"
    r"expelled|report(?:ed)? me|lose my (?:credential|membership|certification|licen[cs]e)s?|"
    r"(?:credential|membership)s? (?:removed|withdrawn)|suspended|disciplin\w*|"
    r"revok\w*|punish\w*|in trouble)\b",
    re.IGNORECASE,
)


def involves_sponsor(message: str) -> bool:
    """True when a third party pays for or oversees the mentoring: a sponsor is named, or an
    employer, HR, a manager or another organisation appears with paying or with asking for
    notes, updates or reports."""
    if _SPONSOR_RE.search(message):
        return True
    third_party = _PAYS_RE.search(message) or _REPORTING_RE.search(message)
    return bool(_PAYER_RE.search(message) and third_party)


def asks_consequences(message: str) -> bool:
    """True when the user asks what could happen to them: sanctions, penalties, losing status."""
    return _CONSEQUENCES_RE.search(message) is not None


# The headings of the Code's principles (parts 1-3) that only ever mean that principle; "Contract",
# "Trust", "Respect" and "Feedback" are left out, being everyday words of off-scope questions too.
_PRINCIPLE_RE = re.compile(
    r"\b(?:confidential(?:ity)?|conflicts? of interests?|professional relationships?|"
    r"professional integrity|effective communication|subject matter expertise|"
    r"cultural competence|empathy|accountability|self-awareness|"
    r"continuous professional development)\b",
    re.IGNORECASE,
)


def names_a_principle(message: str) -> bool:
    """True when the message names one of the Code's principles by its heading ("is this a
    conflict of interest?"): whatever else it says, it is about something the Code covers."""
    return _PRINCIPLE_RE.search(message) is not None
