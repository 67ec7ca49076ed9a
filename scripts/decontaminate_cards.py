"""Remove card situations and off-scope examples that near-duplicate any eval question.

Cards are written without looking at the eval set, but two writers describing the same clause
can land on the same story. This drops such card lines, with margins stricter than the test in
tests/test_cards.py: Jaccard >= 0.45 or containment > 0.75 on stemmed words, or embedding
cosine > 0.85. It only ever deletes card text; it never adds any.

    .venv/bin/python scripts/decontaminate_cards.py
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluate import split_cases  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import tokens  # noqa: E402


def main() -> int:
    s = Settings()
    data = json.loads(s.cards_path.read_text(encoding="utf-8"))
    questions = [c.question for c in split_cases(s.evals_dir, "all")]
    qtok = [set(tokens(q)) for q in questions]
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(s.resolved_model_path()), device="cpu")
    qv = model.encode(questions, normalize_embeddings=True, batch_size=64)

    def prune(texts: list[str], label: str) -> list[str]:
        if not texts:
            return texts
        sims = (model.encode(texts, normalize_embeddings=True, batch_size=64) @ qv.T).max(axis=1)
        keep = []
        for text, sim in zip(texts, sims, strict=True):
            t = set(tokens(text))
            close = sim > 0.85
            for q in qtok:
                if len(q) < 4 or not t:
                    continue
                jac = len(q & t) / len(q | t)
                cont = len(q & t) / min(len(q), len(t))
                if jac >= 0.45 or (len(t) >= 4 and cont > 0.75):
                    close = True
                    break
            if close:
                print(f"drop [{label}] {text}")
            else:
                keep.append(text)
        return keep

    before = sum(len(c["situations"]) for c in data["cards"])
    for card in data["cards"]:
        card["situations"] = prune(card["situations"], card["clause_id"])
    after = sum(len(c["situations"]) for c in data["cards"])
    s.cards_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"removed {before - after} card situations", file=sys.stderr)
    if s.oos_path.exists():
        oos = json.loads(s.oos_path.read_text(encoding="utf-8"))
        n = len(oos["questions"])
        oos["questions"] = prune(oos["questions"], "off-scope")
        s.oos_path.write_text(
            json.dumps(oos, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"removed {n - len(oos['questions'])} off-scope examples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
