"""Eval metrics on hand-made outcomes, and the text tables they are reported in."""

import pytest

from assistant.evaluation import EvalCase, Outcome, format_report, metrics, table

REST = ["1.C.3", "1.C.4", "1.D.5", "2.C.4", "S.5", "D.sponsor"]


def case(cid, gold=(), acceptable=(), kind="dilemma"):
    return EvalCase(
        id=cid,
        question=f"question {cid}",
        gold=list(gold),
        acceptable=list(acceptable),
        kind=kind,
        persona="mentor",
    )


@pytest.fixture
def outcomes():
    return [
        # hit at 1 through the gold clause
        Outcome(case("hit", ["1.C.2"], ["1.C.3"]), ["1.C.2", "1.B.1", *REST], False, ["1.C.2"]),
        # acceptable clause first: a hit, but no primary clause in the top 3
        Outcome(case("ok", ["1.C.4"], ["1.C.3"]), ["1.C.3", "1.B.1", "S.1", "1.C.4"], False, []),
        # two gold clauses, one at rank 2 and one at rank 4: a miss at 1
        Outcome(
            case("half", ["1.B.3", "1.B.1"]),
            ["1.C.4", "1.B.1", "2.C.4", "1.B.3", "S.1"],
            False,
            ["1.C.4", "1.B.1"],
        ),
        # a sanction case wrongly abstained, its gold at rank 5
        Outcome(case("abst", ["S.1"]), ["1.C.3", "1.C.2", "S.5", "1.B.1", "S.1"], True, []),
        Outcome(case("oos-right", kind="out_of_scope"), ["1.C.2"], True, []),
        Outcome(case("oos-wrong", kind="out_of_scope"), ["1.C.2"], False, ["1.C.2"]),
    ]


def test_counts_and_ranking_metrics(outcomes):
    r = metrics(outcomes, "dev", "rrf")
    assert (r.split, r.config) == ("dev", "rrf")
    assert (r.n_cases, r.n_in_scope, r.n_out_of_scope) == (6, 4, 2)
    assert r.hit_at_1 == 0.5  # hit, ok
    assert r.recall_at_3 == pytest.approx(round((1 + 0 + 0.5 + 0) / 4, 4))
    assert r.recall_at_5 == pytest.approx(round((1 + 1 + 1 + 1) / 4, 4))
    assert r.mrr == pytest.approx(round((1 + 1 + 1 / 2 + 1 / 5) / 4, 4))
    assert r.recall_all_at_5 == pytest.approx(round((1 + 0 + 0.5 + 0) / 4, 4))
    assert 0.0 < r.ndcg_at_5 < 1.0


def test_abstention_metrics(outcomes):
    r = metrics(outcomes, "dev", "rrf")
    assert r.false_abstention == 0.25  # one in-scope case of four
    assert r.abstain_precision == 0.5  # two abstentions, one out of scope
    assert r.abstain_recall == 0.5  # one out-of-scope case of two


def test_no_abstention_counts_as_precise():
    r = metrics([Outcome(case("a", ["1.C.2"]), ["1.C.2"], False, ["1.C.2"])], "test", "dense")
    assert r.abstain_precision == 1.0 and r.abstain_recall == 0.0 and r.false_abstention == 0.0
    assert r.hit_at_1 == r.mrr == r.ndcg_at_5 == 1.0


def test_per_part_and_misses(outcomes):
    r = metrics(outcomes, "dev", "rrf")
    assert r.per_part == {"1": pytest.approx(2 / 3, abs=1e-4), "S": 0.0}
    assert list(r.per_part) == ["1", "S"]
    assert r.misses == ["half", "abst"]


def test_empty_outcomes_give_zeros():
    r = metrics([], "dev", "rrf")
    assert r.n_cases == 0 and r.hit_at_1 == 0.0 and r.per_part == {} and r.misses == []


def test_table_has_one_row_per_report(outcomes):
    a = metrics(outcomes, "dev", "rrf")
    b = metrics(outcomes[:1], "dev", "learned")
    lines = table([a, b]).splitlines()
    assert lines[0].startswith("| config | n | hit@1 | R@3 | R@5 | MRR | nDCG@5 |")
    assert lines[0].endswith("| abst. P | abst. R | false abst. |")
    assert lines[1] == "|" + "---|" * 11
    assert lines[2].startswith("| rrf | 6 | 0.500 | 0.375 | 1.000 |")
    assert lines[3].startswith("| learned | 1 | 1.000 |")
    assert table([a], first="split").splitlines()[2].startswith("| dev | 6 |")


def test_format_report_names_the_split_parts_and_misses(outcomes):
    text = format_report(metrics(outcomes, "dev", "rrf"))
    lines = text.splitlines()
    assert lines[0] == "split: dev   config: rrf   cases: 6 (4 in scope, 2 out of scope)"
    assert "| split | n | hit@1 |" in text and "| dev | 6 | 0.500 |" in text
    assert "hit@1 per part: 1: 0.667, S: 0.000" in lines
    assert lines[-1] == "missed at 1 (2): half, abst"
    clean = format_report(metrics(outcomes[:1], "test", "rrf"))
    assert "missed at 1" not in clean
