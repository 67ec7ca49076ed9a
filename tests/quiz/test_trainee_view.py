"""What a trainee sees: options that do not reveal the section, no internal ids or inferred
titles in prompts, options or the printable quiz; provenance kept for trainers in CSV and JSON."""

from __future__ import annotations

import csv
import io
import re

import pytest

from assistant.quiz import QuizBuilder, QuizError, QuizSettings, draft, format_draft, load_bank
from assistant.quiz.builder import allocate
from assistant.quiz.export import PAGE_BREAK, to_csv, to_gift, to_json, to_markdown
from assistant.quiz.labels import key_label, option_label, quiz_citation
from tests.quiz.test_builder import CLAUSES, CORPUS, EVALS, IDS, FakeAssistant

ID = re.compile(r"^(?:[123]\.[A-F]\.\d|S\.\d)$")


@pytest.fixture
def quiz():
    bank = load_bank(EVALS, IDS)
    builder = QuizBuilder(CLAUSES, bank, assistant=FakeAssistant())
    return builder.build(QuizSettings(n=30), seed=5)


def test_labels():
    assert option_label(CORPUS["1.C.1"]) == "1.C.1"
    assert key_label(CORPUS["1.C.1"]) == "1.C.1 — Conflict of Interest"
    assert key_label(CORPUS["1.E.1"]) == "1.E.1"  # the section title is inferred: left out
    assert key_label(CORPUS["S.3"]) == "S.3 — Probation"
    assert quiz_citation(CORPUS["1.E.1"]) == f'IMC Code of Ethics, 1.E.1: "{CORPUS["1.E.1"].text}"'
    assert quiz_citation(CORPUS["1.C.1"]).startswith("IMC Code of Ethics, 1.C.1 (Conflict of ")


def test_options_and_prompts_reveal_no_section(quiz):
    assert {i.kind for i in quiz.items} >= {"scenario", "which_clause", "fill_gap"}
    for item in quiz.items:
        if item.kind in ("scenario", "which_clause"):
            assert all(ID.match(o.label) for o in item.options), item.options
        trainee = item.prompt + " ".join(o.label for o in item.options) + item.explanation
        assert "title inferred" not in trainee and "[" not in item.prompt
        for c in CLAUSES:
            if c.kind == "principle" and item.kind != "fill_gap":
                assert c.section_title not in " ".join(o.label for o in item.options)


def test_printable_quiz_has_no_source_and_names_sections_in_the_key_only(quiz):
    md = to_markdown(quiz, CORPUS)
    page, key = md.split(PAGE_BREAK)
    assert "Source:" not in md and not re.search(r"\b(dev|test|bank):", md)
    assert "title inferred" not in md
    assert "Conflict of Interest" not in "".join(
        line for line in page.splitlines() if line.startswith("- **")
    )
    assert "Why not the others:" in key and " — " in key
    assert "title inferred" not in to_gift(quiz)


def test_trainer_exports_keep_the_source(quiz):
    rows = list(csv.DictReader(io.StringIO(to_csv(quiz))))
    sources = {r["source"] for r in rows if r["kind"] == "scenario"}
    assert sources and all(re.match(r"^(dev|test):", s) for s in sources)
    assert '"source": "' in to_json(quiz)


def test_messages_name_no_command_line_flag():
    with pytest.raises(QuizError) as exc:
        allocate(5, {"scenario": 2, "fill_gap": 1}, {"scenario": 9, "fill_gap": 9})
    assert "--" not in str(exc.value) and "5 items asked" in str(exc.value)


def test_draft_scenario_wraps_without_repeating_its_label():
    builder = QuizBuilder(CLAUSES, [], assistant=FakeAssistant())
    text = " ".join(["My client's sponsor keeps asking for my session notes."] * 4)
    quiz, sug = draft(builder, text)
    out = format_draft(quiz, sug, False, False)
    lines = out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Scenario: ")))
    assert lines[start + 1].startswith(" " * len("Scenario: ")) and lines[start + 1].strip()
    assert sum(line.lstrip().startswith("Scenario:") for line in lines) == 2  # label, prompt
    distractors = lines[
        lines.index(
            "Suggested distractors (ranked high for the scenario, not "
            "the key, other sections first):"
        )
        + 1 :
    ][:3]
    assert all(" — " in d or ID.match(d.strip()) for d in distractors), distractors
