"""Ablation rows: strict configurations whose settings are validated, each with its own index."""

import pytest
from pydantic import ValidationError

from assistant.evaluation.ablation import CONFIGS, AblationConfig
from assistant.settings import AnswerSettings, IndexSettings, Settings, replaced


def test_config_rejects_unknown_fields():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        AblationConfig(name="x", fusion="rrf", use_card=False)  # typo of use_cards


@pytest.mark.parametrize("fusion", ["magic", "RRF", "", None])
def test_config_rejects_bad_fusion(fusion):
    with pytest.raises(ValidationError, match="fusion"):
        AblationConfig(name="x", fusion=fusion)


def test_config_is_frozen():
    config = AblationConfig(name="x", fusion="rrf")
    with pytest.raises(ValidationError, match="frozen"):
        config.fusion = "dense"


def test_settings_apply_the_row_with_an_index_folder_of_its_own(mini_settings):
    config = AblationConfig(
        name="bm25, bare",
        fusion="bm25",
        use_cards=False,
        section_context=False,
        normalise_queries=True,
        fine_tune=False,
    )
    s = config.settings(mini_settings, "bm25-bare")
    assert isinstance(s, Settings)
    assert s.index.index_dir == mini_settings.index.index_dir / "ablation" / "bm25-bare"
    assert (s.index.use_cards, s.index.section_context, s.index.fine_tune) == (False, False, False)
    assert s.retrieval.fusion == "bm25" and s.retrieval.normalise_queries is True
    assert s.corpus == mini_settings.corpus and s.answer == mini_settings.answer
    assert s.retrieval.dense_candidates == mini_settings.retrieval.dense_candidates
    assert mini_settings.index.use_cards is True  # the base is untouched
    with pytest.raises(ValidationError, match="frozen"):
        s.index.use_cards = True


def test_every_row_gets_a_distinct_index_folder(mini_settings):
    from assistant.evaluation.ablation import _slug

    folders = {c.settings(mini_settings, _slug(c.name)).index.index_dir for c in CONFIGS}
    assert len(folders) == len(CONFIGS)
    assert all(f.parent == mini_settings.index.index_dir / "ablation" for f in folders)


def test_rows_run_from_the_naive_baseline_to_the_full_system():
    assert CONFIGS[0].fusion == "dense" and not CONFIGS[0].use_cards
    full = CONFIGS[-1]
    assert full.fusion == "learned" and full.use_cards and full.fine_tune
    assert len({c.name for c in CONFIGS}) == len(CONFIGS)


def test_replaced_validates_where_model_copy_did_not():
    # settings.model_copy(update={"top_k": 999}) would have passed silently
    with pytest.raises(ValidationError, match="top_k"):
        replaced(AnswerSettings(), top_k=999)
    with pytest.raises(ValidationError, match="cite_min_score"):
        replaced(AnswerSettings(), cite_min_score=1.5)
    with pytest.raises(ValidationError, match="Extra inputs"):
        replaced(IndexSettings(), fusion="rrf")
    assert replaced(AnswerSettings(), top_k=9).top_k == 9
