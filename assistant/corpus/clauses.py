"""The derived clause data (the committed ``<corpus>.clauses.json``) and the loaded `Corpus`.

Light: no torch, no chromadb, so `lookup` and `clauses` start fast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import CorpusError
from ..models import Clause
from ..settings import CorpusSettings, IndexSettings
from .cards import ClauseCard, load_cards
from .parse import SEVEN_CS_NOTE, parse

DEFAULT = CorpusSettings.model_fields["corpus_dir"].default / "imc-code-of-ethics.txt"


def clauses_path(source: Path) -> Path:
    return source.with_name(source.name.removesuffix(".txt") + ".clauses.json")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_clauses_json(source: Path) -> str:
    """The exact bytes of the derived clauses file for a source text."""
    text = source.read_text(encoding="utf-8")
    payload = {
        "source": source.name,
        "source_sha256": sha256_file(source),
        "note": SEVEN_CS_NOTE,
        "clauses": [c.model_dump() for c in parse(text)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def write_clauses_json(source: Path = DEFAULT) -> Path:
    out = clauses_path(source)
    out.write_text(render_clauses_json(source), encoding="utf-8")
    return out


@cache
def load_clauses(path: Path | None = None) -> tuple[Clause, ...]:
    """Load clauses from a derived JSON file (default: the IMC Code). Fast: no parsing, no torch."""
    path = path or clauses_path(DEFAULT)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Clause.model_validate(c) for c in data["clauses"])


@dataclass(frozen=True)
class Corpus:
    """One code of ethics, loaded once and handed to every stage: clauses, cards and file paths."""

    settings: CorpusSettings
    clauses: tuple[Clause, ...]
    cards: tuple[ClauseCard, ...]
    by_id: Mapping[str, Clause] = field(repr=False)

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def clauses_file(self) -> Path:
        return self.settings.path(".clauses.json")

    @property
    def cards_file(self) -> Path:
        return self.settings.path(".cards.json")

    @property
    def off_scope_file(self) -> Path:
        return self.settings.path(".oos.json")

    @property
    def ranker_file(self) -> Path:
        return self.settings.path(".ranker.json")

    def ranker_file_for(self, encoder: str) -> Path:
        """The learned ranker for an encoder. Its features are similarities in that encoder's
        space, so each encoder has its own: `<name>.ranker.json` for the default encoder,
        `<name>.ranker-<encoder>.json` for another."""
        if encoder == IndexSettings.model_fields["encoder"].default:
            return self.ranker_file
        return self.settings.path(f".ranker-{encoder}.json")

    @property
    def evals_dir(self) -> Path:
        return self.settings.evals_dir

    def off_scope_questions(self) -> tuple[str, ...]:
        """Project-written questions the Code does not address (for the scope classifier)."""
        if not self.off_scope_file.exists():
            return ()
        return tuple(json.loads(self.off_scope_file.read_text(encoding="utf-8"))["questions"])


def load_corpus(settings: CorpusSettings | None = None) -> Corpus:
    """The clauses and cards of one corpus. Raises CorpusError when its clause file is missing."""
    settings = settings or CorpusSettings()
    path = settings.path(".clauses.json")
    if not path.exists():
        raise CorpusError(f"no corpus {settings.name!r}: {path} is missing")
    clauses = load_clauses(path)
    cards = load_cards(settings.path(".cards.json"))
    return Corpus(settings, clauses, cards, {c.id: c for c in clauses})
