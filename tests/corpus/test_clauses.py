"""The corpus object: where each encoder's learned ranker lives."""

from assistant.corpus import load_corpus
from assistant.retrieval import RankerModel
from assistant.settings import CorpusSettings


def test_each_encoder_has_its_own_ranker_file():
    corpus = load_corpus(CorpusSettings())
    assert corpus.ranker_file_for("mpnet") == corpus.ranker_file
    assert corpus.ranker_file_for("minilm").name == "imc-code-of-ethics.ranker-minilm.json"


def test_both_shipped_rankers_load_and_were_trained_on_dev():
    corpus = load_corpus(CorpusSettings())
    for encoder in ("mpnet", "minilm"):
        model = RankerModel.load(corpus.ranker_file_for(encoder))
        assert model is not None and model.ranker is not None and model.abstainer is not None
        assert model.trained_on.startswith("dev"), encoder
