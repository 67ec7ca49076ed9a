import json
import subprocess
import sys

import pytest

from assistant.corpus import load_clauses, reference_in_message, resolve
from assistant.errors import UnknownClauseError
from tests.conftest import ROOT, run_cli

CLAUSES = load_clauses()


@pytest.mark.parametrize(
    "query,expected",
    [
        ("1.C.4", ["1.C.4"]),
        ("1.c.4", ["1.C.4"]),
        ("1C4", ["1.C.4"]),
        ("1-c-4", ["1.C.4"]),
        ("S.2", ["S.2"]),
        ("sanction 3", ["S.3"]),
        ("D.sponsor", ["D.sponsor"]),
        ("sponsor", ["D.sponsor"]),
        ("E.3", ["1.E.3"]),
        ("F.2", ["3.F.2"]),
        ("P.pledge.1", ["P.pledge.1"]),
    ],
)
def test_resolve(query, expected):
    assert [c.id for c in resolve(query, CLAUSES)] == expected


def test_resolve_section_and_groups():
    assert [c.id for c in resolve("1.C", CLAUSES)] == ["1.C.1", "1.C.2", "1.C.3", "1.C.4"]
    assert len(resolve("sanctions", CLAUSES)) == 6
    assert len(resolve("definitions", CLAUSES)) == 12


def test_ambiguous_short_form_names_candidates():
    with pytest.raises(UnknownClauseError) as e:
        resolve("C.4", CLAUSES)
    assert e.value.ambiguous and set(e.value.nearest) == {"1.C.4", "2.C.4"}


def test_unknown_id_names_nearest():
    with pytest.raises(UnknownClauseError) as e:
        resolve("1.C.9", CLAUSES)
    assert "1.C.4" in str(e.value) or "1.C.1" in str(e.value)


@pytest.mark.parametrize(
    "message,expected",
    [
        ("what does 1.B.2 say?", ["1.B.2"]),
        ("show me the sanctions", [f"S.{i}" for i in range(1, 7)]),
        ("define sponsor", ["D.sponsor"]),
        ("Compare 1.C.1 and 1.C.4", ["1.C.1", "1.C.4"]),
    ],
)
def test_reference_in_message(message, expected):
    assert [c.id for c in reference_in_message(message, CLAUSES)] == expected


def test_dilemma_is_not_a_reference():
    assert reference_in_message("My mentee gave me a gift, is that ok?", CLAUSES) is None


def test_cli_lookup_prints_clause():
    r = run_cli("lookup", "1.C.4")
    assert r.returncode == 0
    assert "Members will disengage from the client relationship" in r.stdout.decode()
    r = run_cli("lookup", "--json", "D.sponsor")
    assert json.loads(r.stdout)[0]["id"] == "D.sponsor"


def test_cli_lookup_unknown_exits_2_with_nearest():
    r = run_cli("lookup", "1.C.9")
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "No clause" in err and "1.C." in err and "Traceback" not in err


def test_cli_clauses_json():
    r = run_cli("clauses", "--json")
    rows = json.loads(r.stdout)
    assert len(rows) == len(CLAUSES)
    assert set(rows[0]) >= {"id", "kind", "part", "section", "title", "title_inferred", "text"}


def test_light_commands_do_not_import_heavy_modules():
    code = (
        "import sys, io, contextlib\nfrom assistant.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['lookup', '1.C.4']); main(['clauses', '--json'])\n"
        "heavy = [m for m in ('torch', 'transformers', 'chromadb', 'llama_index') if m in sys.modules]\n"
        "print(heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == "[]", r.stderr
