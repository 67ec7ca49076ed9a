"""An independent Moodle GIFT parser for the quiz tests, and a check of the parser itself."""

from __future__ import annotations

import re


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), s)


def _split_unescaped(s: str, chars: str) -> list[tuple[str, str]]:
    """Split on unescaped marker characters: [(marker, raw text)]."""
    out, cur, marker, i = [], "", "", 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur += s[i : i + 2]
            i += 2
            continue
        if s[i] in chars:
            out.append((marker, cur))
            marker, cur = s[i], ""
        else:
            cur += s[i]
        i += 1
    out.append((marker, cur))
    return out


def parse_gift(text: str) -> list[dict]:
    """Moodle GIFT multiple choice: ::title::[format]text{=right ~wrong ####general feedback}."""
    questions = []
    blocks = re.split(r"\n\s*\n", text)
    for block in blocks:
        lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith("//")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        m = re.match(r"^::((?:\\.|[^:\\])*)::(.*)$", body, re.S)
        assert m, f"no ::title:: in {body[:80]!r}"
        title, rest = _unescape(m.group(1)), m.group(2)
        opens = [i for i, _ in enumerate(rest) if rest[i] == "{" and _is_unescaped(rest, i)]
        closes = [i for i, _ in enumerate(rest) if rest[i] == "}" and _is_unescaped(rest, i)]
        assert len(opens) == 1 and len(closes) == 1, f"unbalanced braces in {title}"
        qtext = rest[: opens[0]].strip()
        fmt = re.match(r"^\[(plain|html|moodle|markdown)\]", qtext)
        qtext = qtext[fmt.end() :] if fmt else qtext
        answers_raw = rest[opens[0] + 1 : closes[0]]
        assert rest[closes[0] + 1 :].strip() == ""
        general = None
        gparts = re.split(r"(?<!\\)####", answers_raw)
        if len(gparts) == 2:
            answers_raw, general = gparts[0], _unescape(gparts[1].strip())
        answers = []
        for marker, raw in _split_unescaped(answers_raw, "=~"):
            if not marker:
                assert raw.strip() == "", f"text before the first answer: {raw!r}"
                continue
            fb = _split_unescaped(raw, "#")
            answers.append((marker == "=", _unescape(fb[0][1].strip())))
        questions.append(
            {"title": title, "text": _unescape(qtext), "answers": answers, "general": general}
        )
    return questions


def _is_unescaped(s: str, i: int) -> bool:
    n = 0
    while i - n - 1 >= 0 and s[i - n - 1] == "\\":
        n += 1
    return n % 2 == 0


SAMPLE = r"""// a comment line
::Q1 Odd\: title::[plain]What does \{x\} \= y\~z \#1 \\ mean? {
=right\: one#well done
~wrong \= two
~wrong \{three\}
####key\: \#4
}

::Q2::Second {=a ~b ~c ~d}
"""


def test_parser_reads_escapes_answers_and_feedback():
    q1, q2 = parse_gift(SAMPLE)
    assert q1["title"] == "Q1 Odd: title"
    assert q1["text"] == "What does {x} = y~z #1 \\ mean?"
    assert q1["answers"] == [(True, "right: one"), (False, "wrong = two"), (False, "wrong {three}")]
    assert q1["general"] == "key: #4"
    assert q2["answers"] == [(True, "a"), (False, "b"), (False, "c"), (False, "d")]
    assert q2["general"] is None
