import json
import re
from collections import Counter

from assistant.corpus import load_clauses, render_clauses_json
from assistant.corpus.clauses import DEFAULT as DEFAULT_SOURCE
from assistant.corpus.clauses import clauses_path
from assistant.corpus.parse import DEFINITION_TERMS, parse

SOURCE = DEFAULT_SOURCE.read_text(encoding="utf-8")
CLAUSES = parse(SOURCE)
BY_ID = {c.id: c for c in CLAUSES}


def test_source_is_the_shared_seed_verbatim():
    seed = DEFAULT_SOURCE.parent.parent.parent / "shared" / "seed" / "imc-code-of-ethics.txt"
    if seed.exists():
        assert seed.read_bytes() == DEFAULT_SOURCE.read_bytes()


def test_counts():
    principles = Counter(c.part for c in CLAUSES if c.kind == "principle")
    assert principles == {"1": 22, "2": 13, "3": 16}
    assert sum(c.kind == "sanction" for c in CLAUSES) == 6
    assert sum(c.kind == "definition" for c in CLAUSES) == 12


def test_section_sizes():
    sizes = Counter(f"{c.part}.{c.section}" for c in CLAUSES if c.kind == "principle")
    assert sizes == {
        "1.A": 7,
        "1.B": 3,
        "1.C": 4,
        "1.D": 5,
        "1.E": 3,
        "2.A": 3,
        "2.B": 3,
        "2.C": 5,
        "2.D": 2,
        "3.A": 3,
        "3.B": 3,
        "3.C": 2,
        "3.D": 3,
        "3.E": 2,
        "3.F": 3,
    }


def test_every_text_is_verbatim_at_its_offsets():
    for c in CLAUSES:
        assert c.text and c.text in SOURCE
        assert SOURCE[c.start : c.end] == c.text


def test_no_numbered_item_lost_or_merged():
    items = re.findall(r"^\s+\d+\. (.+?)\s*$", SOURCE, flags=re.M)
    numbered = [c.text for c in CLAUSES if c.kind in ("principle", "sanction")]
    assert numbered == items
    for c in CLAUSES:
        assert not re.search(r"\n\s*\d+\. ", c.text)


def test_ids_unique_and_stable():
    ids = [c.id for c in CLAUSES]
    assert len(ids) == len(set(ids))
    assert BY_ID["1.C.4"].text == (
        "Members will disengage from the client relationship if a "
        "conflict cannot be effectively addressed or managed."
    )
    assert BY_ID["1.B.3"].text.startswith("Members will maintain, store, and appropriately dispose")
    assert BY_ID["S.1"].text == "Warning – written once or twice"
    assert BY_ID["3.F.3"].text.startswith("IMC professionals will assess the effectiveness")
    assert [c.id for c in CLAUSES if c.kind == "sanction"] == [f"S.{i}" for i in range(1, 7)]
    assert parse(SOURCE) == CLAUSES


def test_source_slips_stay_verbatim():
    assert "will their hold the clients" in BY_ID["2.D.2"].text
    assert BY_ID["2.C.2"].text.count("Members will acknowledge, respect, and value diverse") == 2


def test_definitions_in_order_with_inferred_terms_flagged():
    defs = [c for c in CLAUSES if c.kind == "definition"]
    assert [c.title for c in defs] == [t for _, t in DEFINITION_TERMS]
    assert [c.id for c in defs][:3] == ["D.client", "D.mentor", "D.sponsor"]
    inferred = {c.title for c in defs if c.title_inferred}
    assert inferred == {
        "Client",
        "Mentor",
        "Sponsor",
        "Code of Ethics / professional standards",
        "Mentoring",
        "IMC Members",
    }
    assert BY_ID["D.sponsor"].text.startswith("The individual, entity, or representative paying")


def test_lost_headings_are_marked_inferred():
    assert BY_ID["1.E.1"].section_title_inferred and BY_ID["3.F.1"].section_title_inferred
    assert BY_ID["2.A.1"].part_title_inferred and BY_ID["3.A.1"].part_title_inferred
    assert not BY_ID["1.A.1"].part_title_inferred
    assert "[title inferred]" in BY_ID["1.E.2"].display_title()
    assert "[title inferred]" not in BY_ID["1.C.4"].display_title()


def test_prose_paragraphs_have_ids():
    kinds = Counter(c.kind for c in CLAUSES if c.part == "P")
    assert kinds == {"prose": 6, "value": 2, "pledge": 2}
    assert "P.pledge.1" in BY_ID and "P.implementation.1" in BY_ID


def test_committed_clause_data_regenerates_identically():
    committed = clauses_path(DEFAULT_SOURCE).read_text(encoding="utf-8")
    assert render_clauses_json(DEFAULT_SOURCE) == committed
    data = json.loads(committed)
    assert "7 Cs are not listed in this text" in data["note"]
    assert tuple(c.id for c in load_clauses()) == tuple(c.id for c in CLAUSES)
