"""Quiz builder: items keyed to gold clauses, hard distractors, exports that parse back, CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from assistant.cli.quiz import parse_types
from assistant.corpus import load_clauses, tokens
from assistant.models import Ranking
from assistant.quiz import QuizBuilder, QuizError, QuizSettings, draft, load_bank
from assistant.quiz.export import (
    LETTERS,
    PAGE_BREAK,
    gift_escape,
    items_from_csv,
    quiz_from_json,
    render,
    to_csv,
    to_gift,
    to_json,
    to_markdown,
    write_all,
)
from assistant.quiz.models import GAP
from tests.conftest import ROOT, run_cli
from tests.quiz.test_gift import parse_gift

CLAUSES = load_clauses()
CORPUS = {c.id: c for c in CLAUSES}
IDS = set(CORPUS)
EVALS = ROOT / "evals" if (ROOT / "evals" / "dev.jsonl").exists() else ROOT / "tests/data/evals"
RECALL = {"which_clause": None, "fill_gap": None, "definition": None}
NASTY = "Odd {chars}: a=b ~ c #1 \\ back <b>bold</b> *star* `tick` [link](x)"


# ------------------------------------------------------------------ helpers


class FakeAssistant:
    """Ranks clauses by word overlap with the question: deterministic, no model."""

    def __init__(self):
        self.calls = 0

    def rank(self, question: str) -> Ranking:
        self.calls += 1
        q = set(tokens(question))
        order = sorted(CLAUSES, key=lambda c: (-len(q & set(tokens(c.text))), c.id))
        return Ranking(
            clause_ids=tuple(c.id for c in order),
            scores=tuple(1.0 / (i + 1) for i in range(len(order))),
            in_scope=1.0,
            abstain=False,
            confidence="medium",
        )


def no_model():
    raise AssertionError("the retriever was loaded for a recall-only quiz")


def write_bank(path: Path, cases: list[dict]) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


BANK_CASES = [
    dict(
        id="t1",
        question="A client offers shares in " + NASTY,
        gold=["1.C.2"],
        acceptable=["1.C.1"],
        kind="dilemma",
        persona="trainer",
    ),  # fmt: skip
    dict(
        id="t2",
        question="Notes left on a train; client data lost",
        gold=["1.B.3", "1.B.1"],
        acceptable=["1.B.2"],
        kind="dilemma",
        persona="staff",
    ),  # fmt: skip
    dict(
        id="t3",
        question="Was warned twice, what now?",
        gold=["S.1"],
        acceptable=[],
        kind="lookup",
        persona="staff",
    ),  # fmt: skip
]


def check_item(item, scenarios: dict | None = None) -> None:
    """Correct option = gold clause; options distinct; distractors not gold/acceptable."""
    c = CORPUS[item.clause_id]
    assert item.options[item.answer].clause_id == c.id
    assert c.text in item.explanation and c.id in item.explanation  # verbatim quote
    labels = [o.label for o in item.options]
    assert len(set(labels)) == 4
    if item.kind != "fill_gap":
        assert len({o.clause_id for o in item.options}) == 4
    if item.kind == "scenario":
        case = scenarios[item.source]
        assert item.clause_id in case.gold
        ok = {*case.gold, *case.acceptable}
        others = [o for i, o in enumerate(item.options) if i != item.answer]
        assert not ok & {o.clause_id for o in others}
        assert case.question.split()[0] in item.prompt
    elif item.kind == "which_clause":
        assert f"\u201c{c.text}\u201d" in item.prompt
        assert labels[item.answer].startswith(c.id)
    elif item.kind == "fill_gap":
        gapped = re.search("\u201c(.*)\u201d", item.prompt).group(1)
        assert gapped.count(GAP) == 1
        assert gapped.replace(GAP, labels[item.answer]) == c.text
        for i, o in enumerate(item.options):
            if i != item.answer:  # drawn from another clause, absent from this one
                assert o.clause_id != c.id and o.label in CORPUS[o.clause_id].text
                assert not re.search(rf"\b{re.escape(o.label)}\b", c.text, re.I)
    elif item.kind == "definition":
        assert labels[item.answer] == c.title and c.kind == "definition"
        assert all(CORPUS[o.clause_id].kind == "definition" for o in item.options)


@pytest.fixture
def bank_file(tmp_path):
    return write_bank(tmp_path / "bank.jsonl", BANK_CASES)


@pytest.fixture
def fake_builder(bank_file):
    bank = load_bank(EVALS, IDS, bank_file)
    return QuizBuilder(CLAUSES, bank, assistant=FakeAssistant()), bank


# ------------------------------------------------------------------ items


def test_recall_items_are_keyed_to_their_clause_without_loading_the_model():
    b = QuizBuilder(CLAUSES, [], load_assistant=no_model)
    quiz = b.build(QuizSettings(n=40, types=RECALL), seed=3)
    assert len(quiz.items) == 40
    assert {i.kind for i in quiz.items} == set(RECALL)
    for item in quiz.items:
        check_item(item)
    assert [i.id for i in quiz.items] == [f"q{n}" for n in range(1, 41)]


def test_scenario_items_have_gold_answers_and_hard_negatives(fake_builder):
    b, bank = fake_builder
    by_source = {s.source: s.case for s in bank}
    quiz = b.build(QuizSettings(n=24, types={"scenario": None}), seed=11)
    for item in quiz.items:
        check_item(item, by_source)
        case = by_source[item.source]
        ranking = b.assistant.rank(case.question).clause_ids
        gold_sections = {CORPUS[g].section_id for g in {*case.gold, *case.acceptable}}
        others = [o.clause_id for i, o in enumerate(item.options) if i != item.answer]
        kind = CORPUS[item.clause_id].kind
        assert all(CORPUS[o].kind == kind for o in others)
        if kind != "principle":
            continue
        # Hard: the best-ranked non-gold clauses of other sections, one per section.
        expected = []
        for cid in ranking:
            c = CORPUS[cid]
            if cid in case.gold or cid in case.acceptable or c.kind != kind:
                continue
            if c.section_id not in gold_sections and c.section_id not in {
                CORPUS[e].section_id for e in expected
            }:
                expected.append(cid)
        assert sorted(others) == sorted(expected[:3])


def test_trainer_bank_and_filters(fake_builder):
    b, bank = fake_builder
    by_source = {s.source: s.case for s in bank}
    assert {"bank:t1", "bank:t2", "bank:t3"} <= set(by_source)
    n = len(b.pools(section="1.B", persona="staff")["scenario"])
    q = b.build(QuizSettings(n=n, types={"scenario": None}, persona="staff", section="1.B"), 0)
    assert {i.source for i in q.items} <= {s.source for s in bank if s.case.persona == "staff"}
    assert "bank:t2" in {i.source for i in q.items}
    for item in q.items:
        check_item(item, by_source)
        assert item.clause_id.startswith("1.B.")
    q = b.build(QuizSettings(n=1, types={"scenario": None}, part="S", persona="staff"), 0)
    assert q.items[0].clause_id.startswith("S.")
    assert all(CORPUS[o.clause_id].kind == "sanction" for o in q.items[0].options)
    q = b.build(QuizSettings(n=12, section="1.C"), seed=5)
    assert all(CORPUS[i.clause_id].section_id == "1.C" for i in q.items)
    q = b.build(QuizSettings(n=8, types=RECALL, part="2"), seed=5)
    assert all(CORPUS[i.clause_id].part == "2" for i in q.items)


def test_item_mix_and_same_seed_same_quiz(fake_builder):
    b, _ = fake_builder
    spec = QuizSettings(n=10, types=parse_types("scenario=4,fill_gap=3,which_clause,definition"))
    one, two, other = b.build(spec, 42), b.build(spec, 42), b.build(spec, 43)
    assert one.settings.types == {"scenario": 4, "fill_gap": 3, "which_clause": 2, "definition": 1}
    assert [i.kind for i in one.items].count("scenario") == 4
    for fmt in ("markdown", "csv", "gift", "json"):
        assert render(one, fmt, CORPUS) == render(two, fmt, CORPUS)
    assert to_json(one) != to_json(other)


def test_bad_requests_are_clear(fake_builder, tmp_path):
    b, _ = fake_builder
    with pytest.raises(QuizError, match="unknown section '9.Z'"):
        b.build(QuizSettings(section="9.Z"))
    with pytest.raises(QuizError, match="only 12 available"):
        b.build(QuizSettings(n=50, section="1.C", types=RECALL))
    with pytest.raises(QuizError, match="unknown item type 'essay'"):
        parse_types("scenario,essay")
    with pytest.raises(QuizError, match="not in part 2"):
        b.build(QuizSettings(part="2", section="1.C"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(BANK_CASES[0]) + "\n{not json\n")
    with pytest.raises(QuizError, match=r"bad\.jsonl:2: not valid JSON"):
        load_bank(EVALS, IDS, bad)


def test_eval_files_are_only_read(bank_file):
    digest = lambda: {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in EVALS.iterdir() if p.is_file()
    }
    before = digest()
    bank = load_bank(EVALS, IDS, bank_file)
    QuizBuilder(CLAUSES, bank, assistant=FakeAssistant()).build(QuizSettings(n=20), seed=1)
    assert digest() == before


# ------------------------------------------------------------------ exports


def test_gift_parses_back_to_the_items(fake_builder):
    b, _ = fake_builder
    quiz = b.build(QuizSettings(n=12), seed=9)
    quiz.items[0].prompt += " " + NASTY  # every GIFT special character, escaped
    text = to_gift(quiz)
    assert "\\{chars\\}\\: a\\=b \\~ c \\#1 \\\\ back" in text
    parsed = parse_gift(text)
    assert len(parsed) == len(quiz.items)
    for item, q in zip(quiz.items, parsed, strict=True):
        assert q["text"] == item.prompt
        assert [a for _, a in q["answers"]] == [o.label for o in item.options]
        assert [ok for ok, _ in q["answers"]] == [i == item.answer for i in range(4)]
        assert q["general"] == item.explanation
        assert q["title"].startswith(f"Q{item.id[1:]} ")
    assert gift_escape("a:b~c=d#e{f}g\\h") == "a\\:b\\~c\\=d\\#e\\{f\\}g\\\\h"


def test_csv_and_json_round_trip(fake_builder, tmp_path):
    b, _ = fake_builder
    quiz = b.build(QuizSettings(n=12), seed=2)
    assert items_from_csv(to_csv(quiz)) == quiz.items
    assert quiz_from_json(to_json(quiz)) == quiz
    paths = write_all(quiz, tmp_path, corpus=CORPUS)
    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8"))))
    assert [r["answer"] for r in rows] == [LETTERS[i.answer] for i in quiz.items]
    assert items_from_csv(paths["csv"].read_bytes().decode("utf-8")) == quiz.items
    assert quiz_from_json(paths["json"].read_text(encoding="utf-8")) == quiz


def test_markdown_is_printable_with_the_key_on_its_own_page(fake_builder):
    _, bank = fake_builder
    t1 = next(s for s in bank if s.case.id == "t1")
    # Only the trainer's own file: whether t1 is drawn must not depend on how many eval cases exist.
    own = [s for s in bank if s.origin == "bank"]
    b = QuizBuilder(CLAUSES, own, assistant=FakeAssistant())
    quiz = b.build(QuizSettings(n=6, section="1.C", persona="trainer"), seed=4)
    md = to_markdown(quiz, CORPUS)
    questions, key = md.split(PAGE_BREAK)
    assert "## Answer key" in key and "## Answer key" not in questions
    assert questions.count("- **A.**") == 6 and "- **A.**" not in key
    for n, item in enumerate(quiz.items, 1):
        assert f"**{n}. {LETTERS[item.answer]}**" in key
    assert t1.source in {i.source for i in quiz.items}
    assert "<b>" not in md and "\\<b\\>bold\\</b\\>" in md  # user text is escaped


# ------------------------------------------------------------------ the CLI


@pytest.mark.parametrize(
    "args, message",
    [
        (["--section", "9.Z"], "unknown section '9.Z'"),
        (["--n", "500", "--section", "1.C"], "500 items asked but only"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
        (["-o", "quiz.pdf"], "cannot tell the format"),
        (["--types", "scenario,essay"], "unknown item type 'essay'"),
        (["--n", "0"], "at least 1"),
        (["--persona", "ceo"], "unknown persona"),
        (["--answer", "1.C.2"], "go with --scenario"),
        (["--scenario", "gift from client", "--answer", "9.9.9"], "--answer: '9.9.9'"),
        (["--scenario", "x", "--distractors", "1.A.1,1.A.1,1.A.2"], "three distinct"),
        (["--scenario", "   "], "empty"),
        (["--bank", "no-such-bank.jsonl"], "no such eval file"),
    ],
)
def test_cli_bad_input_exits_2(args, message, tmp_path):
    r = run_cli("quiz", *args, env={"IMC_INDEX_DIR": str(tmp_path / "index")}, timeout=60)
    assert r.returncode == 2, r.stderr.decode()
    assert message in r.stderr.decode()
    assert b"Traceback" not in r.stderr
    assert not (tmp_path / "index").exists()  # failed before loading the model


def test_cli_malformed_bank_line_is_named(tmp_path):
    bank = tmp_path / "mine.jsonl"
    bank.write_text(json.dumps(BANK_CASES[0]) + '\n{"id": "x", "question": "q"}\n')
    r = run_cli("quiz", "--bank", str(bank), env={"IMC_INDEX_DIR": str(tmp_path / "i")})
    assert r.returncode == 2 and "mine.jsonl:2: kind: Field required" in r.stderr.decode()


def test_cli_recall_quiz_to_stdout_is_deterministic(tmp_path):
    args = ("quiz", "--n", "5", "--types", "which_clause,fill_gap", "--seed", "3", "--format")
    env = {"IMC_INDEX_DIR": str(tmp_path / "index")}
    one, two = run_cli(*args, "json", env=env), run_cli(*args, "json", env=env)
    assert one.returncode == 0 and one.stdout == two.stdout
    assert not (tmp_path / "index").exists()  # recall items need no model
    quiz = quiz_from_json(one.stdout.decode())
    assert len(quiz.items) == 5 and quiz.seed == 3
    for item in quiz.items:
        check_item(item)


# ------------------------------------------------------------------ the real model and index


def test_cli_command_writes_valid_gift(real_assistant, real_env, tmp_path):
    """The documented command, from the repo, with the real model and the session's index."""
    out = tmp_path / "quiz.gift"
    cmd = ["quiz", "--n", "10", "--section", "1.C", "--format", "gift", "--seed", "7"]
    r = run_cli(*cmd, "-o", str(out), env=real_env)
    assert r.returncode == 0, r.stderr.decode()
    parsed = parse_gift(out.read_text(encoding="utf-8"))
    assert len(parsed) == 10
    for q in parsed:
        assert [ok for ok, _ in q["answers"]].count(True) == 1 and len(q["answers"]) == 4
        assert q["general"].startswith("IMC Code of Ethics, 1.C.")
    # Same seed, same bytes: the in-process build matches the subprocess's file.
    bank = load_bank(real_assistant.corpus.evals_dir, IDS)
    b = QuizBuilder(real_assistant.clauses, bank, assistant=real_assistant)
    quiz = b.build(QuizSettings(n=10, section="1.C", types=parse_types(None)), seed=7)
    assert to_gift(quiz) == out.read_text(encoding="utf-8")
    by_source = {s.source: s.case for s in bank}
    assert any(i.kind == "scenario" for i in quiz.items)
    for item in quiz.items:
        check_item(item, by_source)
        if item.kind == "scenario":  # distractors rank high for the scenario
            ranking = real_assistant.rank(by_source[item.source].question).clause_ids
            others = [o.clause_id for i, o in enumerate(item.options) if i != item.answer]
            assert all(ranking.index(o) < 25 for o in others)


def test_trainer_draft_with_real_retriever(real_assistant):
    b = QuizBuilder(real_assistant.clauses, [], assistant=real_assistant)
    text = "My mentee's father offered me a free week at his hotel as a thank-you."
    quiz, sug = draft(b, text)
    item = quiz.items[0]
    assert sug.confidence in {"high", "medium", "low"} and len(sug.ranked) == 5
    assert item.clause_id == sug.ranking[0] and item.source == "trainer"
    assert text in item.prompt
    quiz, _ = draft(b, text, answer="1.C.2", distractors=["2.A.1", "3.B.2", "1.D.1"])
    item = quiz.items[0]
    assert item.options[item.answer].clause_id == "1.C.2"
    assert {o.clause_id for o in item.options} == {"1.C.2", "2.A.1", "3.B.2", "1.D.1"}
    assert CORPUS["1.C.2"].text in item.explanation
    assert parse_gift(to_gift(quiz))[0]["text"] == item.prompt


def test_gap_distractors_are_the_same_kind_of_word():
    """A blanked adjective gets adjectives, a blanked noun nouns: no option is ruled out by
    grammar alone ("thoughtful ___" once came with "originator" and "disclosure")."""
    kinds = {
        "adjective": re.compile(r"(ful|ous|ive|able|ible|al|ic)$"),
        "noun": re.compile(r"(ion|ity|ness|ment|ship|ance|ence|ism)$"),
    }
    spec = QuizSettings(n=40, types=parse_types("fill_gap"))
    checked = 0
    for item in QuizBuilder(CLAUSES).build(spec, seed=0).items:
        answer = item.correct.label
        for pattern in kinds.values():
            if pattern.search(answer):
                assert all(pattern.search(o.label) for o in item.options), item.options
                checked += 1
    assert checked >= 10
