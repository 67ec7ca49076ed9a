"""Settings: each IMC_* variable reaches its own group; unknown fields and changes are refused."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import (
    AnswerSettings,
    CorpusSettings,
    IndexSettings,
    RetrievalSettings,
    Settings,
    replaced,
)


def test_defaults_without_environment(monkeypatch):
    monkeypatch.delenv("NAME", raising=False)  # see test_unprefixed_name_variable_is_ignored
    s = Settings()
    assert s.corpus.name == "imc-code-of-ethics"
    assert s.index.chroma_host is None and s.index.chroma_port == 8000
    assert s.answer.top_k == 5 and s.retrieval.fusion == "learned"


def test_environment_reaches_the_right_group(monkeypatch, tmp_path):
    monkeypatch.setenv("IMC_INDEX_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("IMC_TOP_K", "7")
    monkeypatch.setenv("IMC_CORPUS", "mini-code")
    monkeypatch.setenv("CHROMA_HOST", "chroma.internal")
    monkeypatch.setenv("CHROMA_PORT", "9000")
    monkeypatch.setenv("IMC_FUSION", "bm25")
    s = Settings()
    assert s.index.index_dir == tmp_path / "elsewhere"
    assert s.index.store_dir("mini-code") == tmp_path / "elsewhere" / "mini-code"
    assert s.answer.top_k == 7
    assert s.corpus.name == "mini-code"
    assert s.corpus.path(".clauses.json").name == "mini-code.clauses.json"
    assert s.index.chroma_host == "chroma.internal" and s.index.chroma_port == 9000
    assert s.retrieval.fusion == "bm25"


def test_prefixed_chroma_variables_also_work(monkeypatch):
    monkeypatch.setenv("IMC_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("IMC_CHROMA_PORT", "8123")
    assert (IndexSettings().chroma_host, IndexSettings().chroma_port) == ("127.0.0.1", 8123)


def test_explicit_values_win_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("IMC_INDEX_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("IMC_TOP_K", "7")
    assert IndexSettings(index_dir=tmp_path / "given").index_dir == tmp_path / "given"
    assert AnswerSettings(top_k=3).top_k == 3


def test_unprefixed_name_variable_is_ignored(monkeypatch):
    monkeypatch.setenv("NAME", "some-laptop")
    assert CorpusSettings().name == "imc-code-of-ethics"


def test_environment_values_are_validated(monkeypatch):
    monkeypatch.setenv("IMC_TOP_K", "999")
    with pytest.raises(ValidationError, match="top_k"):
        Settings()
    monkeypatch.setenv("IMC_TOP_K", "5")
    monkeypatch.setenv("IMC_FUSION", "magic")
    with pytest.raises(ValidationError, match="fusion"):
        Settings()


@pytest.mark.parametrize(
    "make",
    [
        lambda: Settings(top_k=3),
        lambda: Settings(index_dir=Path("x")),
        lambda: IndexSettings(top_k=3),
        lambda: AnswerSettings(fusion="rrf"),
        lambda: RetrievalSettings(use_cards=False),
        lambda: CorpusSettings(corpus="mini-code"),
    ],
)
def test_extra_fields_are_rejected(make):
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        make()


def test_groups_and_settings_are_frozen():
    s = Settings()
    with pytest.raises(ValidationError, match="frozen"):
        s.answer = AnswerSettings(top_k=3)
    with pytest.raises(ValidationError, match="frozen"):
        s.answer.top_k = 3
    with pytest.raises(ValidationError, match="frozen"):
        s.index.use_cards = False
    with pytest.raises(ValidationError, match="frozen"):
        s.corpus.name = "mini-code"
    with pytest.raises(ValidationError, match="frozen"):
        s.retrieval.fusion = "bm25"


def test_replaced_is_a_validated_copy():
    base = IndexSettings()
    changed = replaced(base, use_cards=False)
    assert changed.use_cards is False and base.use_cards is True
    assert changed.index_dir == base.index_dir
    with pytest.raises(ValidationError):
        replaced(RetrievalSettings(), dense_candidates=1)
    with pytest.raises(ValidationError, match="Extra inputs"):
        replaced(IndexSettings(), top_k=3)
