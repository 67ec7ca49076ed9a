"""The layout rules of docs/architecture.md, checked on the source (scripts/layout.py)."""

import importlib.util
import subprocess
import sys

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("layout", ROOT / "scripts" / "layout.py")
layout = importlib.util.module_from_spec(spec)
sys.modules["layout"] = layout  # dataclasses look their module up while the class is made
spec.loader.exec_module(layout)


def test_no_breach_of_the_layout_rules():
    assert layout.breaches(layout.modules()) == []


def test_no_import_cycle_and_every_module_has_a_layer():
    mods = layout.modules()
    assert layout.cycles(mods) == []
    assert all(layout.part(name) for name in mods)


def test_public_api_is_small():
    import assistant

    assert len(assistant.__all__) <= 8
    assert set(assistant.__all__) == set(layout.public_names())
    assert {"Assistant", "Answer", "Citation", "Clause", "Settings"} <= set(assistant.__all__)


def test_the_checker_catches_an_upward_import(tmp_path, monkeypatch):
    """A stage that imports an interface is reported (the checker is not vacuous)."""
    mods = layout.modules()
    bad = mods["assistant.corpus.lookup"]
    bad.imports.append(("assistant.cli.common", ("UsageError",), 1))
    problems = layout.breaches(mods)
    assert any("imports assistant.cli.common, a higher layer" in p for p in problems)


def test_layout_command_prints_the_tree():
    r = subprocess.run([sys.executable, "scripts/layout.py"], cwd=ROOT, capture_output=True)
    out = r.stdout.decode()
    assert r.returncode == 0, out
    assert "assistant/retrieval/" in out and "0 breaches." in out
