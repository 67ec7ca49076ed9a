"""Fine-tune the bundled MiniLM on the clause cards, once per cards change, at index-build time.

Each card line (a situation, or the joined keywords) is paired with the text of its clause and the
model is trained for one epoch with in-batch negatives (a symmetric multiple-negatives ranking
loss), so that everyday wording lands near the clause it is about. Only the project's cards and
the Code's text are used, never eval questions.

The tuned weights are cached in the index folder (``.tuned-<corpus>-<key>/``, never in git), keyed
by the base weights, the clauses, the cards and the training recipe: nothing changed means nothing
is trained again.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from pathlib import Path

from ..corpus import Corpus
from ..settings import IndexSettings
from .documents import training_pairs
from .runtime import build_threads, log, weights_sha256

EPOCHS = 1
LEARNING_RATE = 5e-5
BATCH = 32
MAX_TOKENS = 64
SCALE = 20.0
WARMUP = 0.1
SEED = 0
LENGTH_BAND = 40
CHUNK = 8
VERSION = 3
MARKER = "tuned.json"


def top_layers_only(settings: IndexSettings) -> bool:
    """The larger encoder is tuned on its top layers only (`tune_top`), to fit the build budget."""
    return settings.model_path is None and settings.encoder == "mpnet"


def tuned_key(corpus: Corpus, settings: IndexSettings, base: Path) -> str:
    """What the tuned weights depend on: base weights, clauses, cards and this recipe."""
    recipe: list[object] = [
        VERSION,
        EPOCHS,
        LEARNING_RATE,
        BATCH,
        MAX_TOKENS,
        SCALE,
        WARMUP,
        SEED,
        LENGTH_BAND,
        CHUNK,
    ]
    if top_layers_only(settings):
        from . import tune_top

        recipe += ["top", tune_top.FROZEN_LAYERS, tune_top.LEARNING_RATE, tune_top.MAX_LENGTH]
    h = hashlib.sha256(json.dumps(recipe).encode())
    weights = base / "model.safetensors"
    digest = weights_sha256(weights, settings.tuned_root()) if weights.exists() else str(base)
    h.update(digest.encode())
    h.update(json.dumps(training_pairs(corpus, settings.section_context)).encode())
    return h.hexdigest()[:16]


def ensure_tuned(
    corpus: Corpus, settings: IndexSettings, base: Path, progress: bool = False
) -> Path:
    """The tuned model folder for these cards, training it first if it is not cached."""
    from filelock import FileLock

    root = settings.tuned_root()
    root.mkdir(parents=True, exist_ok=True)
    key = tuned_key(corpus, settings, base)
    final = root / f".tuned-{corpus.name}-{key}"
    if (final / MARKER).exists():
        return final
    with FileLock(str(root / f".tuned-{corpus.name}.lock")):
        if (final / MARKER).exists():  # another process finished it meanwhile
            return final
        pairs = training_pairs(corpus, settings.section_context)
        log(f"fine-tuning the model on {len(pairs)} card lines (once per cards change)")
        tmp = root / f".tuning-{corpus.name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            seconds = _train(settings, base, pairs, tmp, progress)
            (tmp / MARKER).write_text(
                json.dumps({"key": key, "pairs": len(pairs), "seconds": round(seconds, 1)})
            )
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        for old in root.glob(f".tuned-{corpus.name}-*"):
            if old.is_dir() and old != final:
                shutil.rmtree(old, ignore_errors=True)
        log(f"fine-tuned in {seconds:.0f}s")
    return final


def _train(
    settings: IndexSettings, base: Path, pairs: list[tuple[str, str]], out: Path, progress: bool
) -> float:
    if not top_layers_only(settings):
        return train(base, pairs, out)
    from .tune_top import train_top_layers

    rng = random.Random(SEED)
    batches = [b for _ in range(EPOCHS) for b in _batches(pairs, rng)]
    return train_top_layers(
        base, batches, out, scale=SCALE, warmup=WARMUP, seed=SEED, progress=progress
    )


def _batches(pairs: list[tuple[str, str]], rng: random.Random) -> list[list[tuple[str, str]]]:
    """Shuffled batches in which no clause appears twice (its twin would be a false negative).

    Lines of similar length are batched together (random within a band of LENGTH_BAND
    characters), so little of each batch is padding; the batches are then shuffled."""
    pool = list(pairs)
    rng.shuffle(pool)
    pool.sort(key=lambda p: len(p[0]) // LENGTH_BAND)  # stable: still random within a band
    out = []
    while pool:
        seen, batch, rest = set(), [], []
        for p in pool:
            if p[1] not in seen and len(batch) < BATCH:
                batch.append(p)
                seen.add(p[1])
            else:
                rest.append(p)
        out.append(batch)
        pool = rest
    rng.shuffle(out)
    return [b for b in out if len(b) >= 4]


def train(base: Path, pairs: list[tuple[str, str]], out: Path) -> float:
    """One epoch of symmetric in-batch-negative training; saves a sentence-transformers folder."""
    import torch
    from sentence_transformers import SentenceTransformer

    from .tune_top import contrastive_step, warmup_then_linear

    t0 = time.perf_counter()
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    model = SentenceTransformer(str(base), device="cpu")
    long_tokens = model.max_seq_length
    model.max_seq_length = MAX_TOKENS
    batches = [b for _ in range(EPOCHS) for b in _batches(pairs, rng)]
    # The token embeddings stay as they are: updating them (half the weights) cost a fifth of
    # the training time and did not help on dev.
    model[0].auto_model.embeddings.requires_grad_(False)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE)
    sched = warmup_then_linear(opt, len(batches), WARMUP)
    norm = torch.nn.functional.normalize

    prepare = getattr(model, "preprocess", None) or model.tokenize

    def encode(texts: list[str]):
        # In chunks of similar length, so short texts are not padded to the batch's longest
        # (same embeddings: padding is masked out), then back in the batch's order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        chunks = [order[i : i + CHUNK] for i in range(0, len(order), CHUNK)]
        emb = torch.cat(
            [model(prepare([texts[i] for i in c]))["sentence_embedding"] for c in chunks]
        )
        return norm(emb[torch.tensor(order).argsort()], dim=-1)

    model.train()
    with build_threads():
        for batch in batches:
            q = encode([line for line, _ in batch])
            d = encode([anchor for _, anchor in batch])
            contrastive_step(q, d, SCALE, opt, sched)
    model.eval()
    model.max_seq_length = long_tokens
    model.save(str(out))
    return time.perf_counter() - t0
