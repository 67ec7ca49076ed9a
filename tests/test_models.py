import pytest
from pydantic import ValidationError

from assistant.corpus import load_clauses
from assistant.models import Answer

CORPUS = {c.id: c for c in load_clauses()}


def _answer(cid, text):
    return {
        "question": "q",
        "answer": "a",
        "abstained": False,
        "confidence": "high",
        "citations": [{"clause_id": cid, "title": "t", "section": "s", "text": text, "score": 0.9}],
    }


def test_answer_accepts_verbatim_citation():
    a = Answer.checked(_answer("1.C.4", CORPUS["1.C.4"].text), CORPUS)
    assert a.citations[0].clause_id == "1.C.4"


def test_answer_rejects_unknown_id():
    with pytest.raises(ValidationError, match="not a clause"):
        Answer.checked(_answer("Z.99", "Members will do anything."), CORPUS)


def test_answer_rejects_altered_text():
    with pytest.raises(ValidationError, match="verbatim"):
        Answer.checked(_answer("1.C.4", CORPUS["1.C.4"].text.replace("disengage", "stay")), CORPUS)


def test_abstained_answer_cites_nothing():
    data = _answer("1.C.4", CORPUS["1.C.4"].text)
    data["abstained"] = True
    with pytest.raises(ValidationError):
        Answer.checked(data, CORPUS)
