"""Keep project-written text apart from the eval questions it must never resemble.

    .venv/bin/python scripts/decontaminate.py cards
        Drop card situations and off-scope examples that near-duplicate any eval question.
    .venv/bin/python scripts/decontaminate.py dev NEW_CASES.jsonl
        Append to evals/dev.jsonl the new cases that near-duplicate no test or dev question, no
        card line and no off-scope example; print the dropped ones.

Near-duplicate: Jaccard >= 0.45, or containment > 0.75 (texts of 4+ words), on stemmed words; or
cosine > 0.85 with the stock MiniLM. Cards and off-scope examples are written without looking at
the eval set, and new dev cases without looking at test, but two writers describing the same
situation can land on the same story. This only ever deletes text; it never adds any to cards.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.corpus import load_corpus, tokens  # noqa: E402
from assistant.evaluation import load_cases, split_cases  # noqa: E402
from assistant.settings import CorpusSettings, IndexSettings  # noqa: E402


class Near:
    """Finds, for a batch of texts, those too close to a fixed set of reference texts."""

    def __init__(self, references: list[str]):
        from sentence_transformers import SentenceTransformer

        path = IndexSettings(encoder="minilm").resolved_model_path()
        self.model = SentenceTransformer(str(path), device="cpu")
        self.ref_tokens = [set(tokens(r)) for r in references]
        self.ref_vecs = self.model.encode(references, normalize_embeddings=True, batch_size=64)

    def close(self, texts: list[str]) -> list[bool]:
        if not texts:
            return []
        vecs = self.model.encode(texts, normalize_embeddings=True, batch_size=64)
        sims = (vecs @ self.ref_vecs.T).max(axis=1)
        pairs = zip(texts, sims, strict=True)
        return [sim > 0.85 or self._words_close(set(tokens(t))) for t, sim in pairs]

    def _words_close(self, t: set[str]) -> bool:
        for q in self.ref_tokens:
            if len(q) < 4 or not t:
                continue
            jac = len(q & t) / len(q | t)
            cont = len(q & t) / min(len(q), len(t))
            if jac >= 0.45 or (len(t) >= 4 and cont > 0.75):
                return True
        return False


def cards() -> int:
    corpus = load_corpus(CorpusSettings())
    near = Near([c.question for c in split_cases(corpus.evals_dir, "all")])

    def prune(texts: list[str], label: str) -> list[str]:
        keep = []
        for text, close in zip(texts, near.close(texts), strict=True):
            if close:
                print(f"drop [{label}] {text}")
            else:
                keep.append(text)
        return keep

    data = json.loads(corpus.cards_file.read_text(encoding="utf-8"))
    before = sum(len(c["situations"]) for c in data["cards"])
    for card in data["cards"]:
        card["situations"] = prune(card["situations"], card["clause_id"])
    after = sum(len(c["situations"]) for c in data["cards"])
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    corpus.cards_file.write_text(text, encoding="utf-8")
    print(f"removed {before - after} card situations", file=sys.stderr)
    if corpus.off_scope_file.exists():
        oos = json.loads(corpus.off_scope_file.read_text(encoding="utf-8"))
        n = len(oos["questions"])
        oos["questions"] = prune(oos["questions"], "off-scope")
        text = json.dumps(oos, ensure_ascii=False, indent=2) + "\n"
        corpus.off_scope_file.write_text(text, encoding="utf-8")
        print(f"removed {n - len(oos['questions'])} off-scope examples", file=sys.stderr)
    return 0


def dev(new_file: Path) -> int:
    corpus = load_corpus(CorpusSettings())
    known = set(corpus.by_id)
    new = load_cases(new_file, known)
    existing = split_cases(corpus.evals_dir, "all", known)
    references = [c.question for c in existing]
    references += [s for card in corpus.cards for s in card.situations]
    references += list(corpus.off_scope_questions())
    near = Near(references)
    ids = {c.id for c in existing}
    kept = []
    for case, close in zip(new, near.close([c.question for c in new]), strict=True):
        if case.id in ids:
            raise SystemExit(f"{case.id} is already an eval case id")
        if close:
            print(f"drop {case.id}: {case.question}")
        else:
            kept.append(case)
    dev_file = corpus.evals_dir / "dev.jsonl"
    with open(dev_file, "a", encoding="utf-8") as fh:
        for case in kept:
            fh.write(json.dumps(case.model_dump(), ensure_ascii=False) + "\n")
    print(f"kept {len(kept)} of {len(new)} new dev cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["cards"]:
        raise SystemExit(cards())
    if sys.argv[1:2] == ["dev"] and len(sys.argv) == 3:
        raise SystemExit(dev(Path(sys.argv[2])))
    raise SystemExit(__doc__)
