"""Fine-tuning a larger encoder (all-mpnet-base-v2) within the build budget: only its top layers.

The lower layers and the token embeddings stay as they are, so what they make of each text is
computed once, without gradients, and kept. One epoch of the same in-batch-negative training as
the small model's recipe then runs through the top layers alone, from those kept states, which is
a fraction of the cost of training the whole network. Last, every text is run through the tuned
top layers once more in evaluation mode: those vectors are saved beside the weights
(``text-vectors.npz``), and the index build takes them instead of embedding the same texts again.
The saved folder is a complete sentence-transformers model: questions go through all its layers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .runtime import VECTORS_FILE, build_threads

FROZEN_LAYERS = 10  # of 12: the top 2 are trained
LEARNING_RATE = 5e-5
MAX_LENGTH = 256  # tokens; longer than any card line or clause
CHUNK = 64  # texts per forward pass when computing states and vectors


@contextmanager
def _layers(auto, keep: slice, passthrough: bool) -> Iterator[None]:
    """Run `auto` with only some of its layers; with `passthrough`, its input is the hidden
    states given as ``inputs_embeds`` instead of token embeddings."""
    import torch

    class Passthrough(torch.nn.Module):
        def forward(self, input_ids=None, position_ids=None, inputs_embeds=None, **_):
            return inputs_embeds

    layers, embeddings = auto.encoder.layer, auto.embeddings
    auto.encoder.layer = torch.nn.ModuleList(list(layers)[keep])
    if passthrough:
        auto.embeddings = Passthrough()
    try:
        yield
    finally:
        auto.encoder.layer, auto.embeddings = layers, embeddings


def _lower_states(model, texts: Sequence[str], progress: bool) -> dict:
    """What the frozen lower layers make of each text (token states, padding dropped)."""
    import torch
    from tqdm import tqdm

    auto, tok = model[0].auto_model, model[0].tokenizer
    states = {}
    order = sorted(texts, key=len)  # similar lengths together: little padding
    chunks = [order[i : i + CHUNK] for i in range(0, len(order), CHUNK)]
    with torch.no_grad(), _layers(auto, slice(0, FROZEN_LAYERS), passthrough=False):
        for chunk in tqdm(chunks, desc="fine-tuning 1/3", disable=not progress, file=sys.stderr):
            enc = tok(
                chunk, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
            )
            hidden = auto(**enc).last_hidden_state
            for j, text in enumerate(chunk):
                states[text] = hidden[j, : int(enc["attention_mask"][j].sum())].clone()
    return states


def _encode(auto, states: dict, texts: Sequence[str]):
    """Unit vectors of texts through the top layers, from their kept lower states."""
    import torch

    longest = max(states[t].shape[0] for t in texts)
    x = torch.zeros(len(texts), longest, states[texts[0]].shape[1])
    mask = torch.zeros(len(texts), longest, dtype=torch.long)
    for i, text in enumerate(texts):
        s = states[text]
        x[i, : len(s)], mask[i, : len(s)] = s, 1
    hidden = auto(inputs_embeds=x, attention_mask=mask).last_hidden_state
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return torch.nn.functional.normalize(pooled, dim=-1)


def warmup_then_linear(opt, n_batches: int, warmup: float):
    """Learning rate rising over the first `warmup` share of one epoch, then falling to zero."""
    import torch

    steps, warm = max(1, n_batches), max(1, int(warmup * n_batches))
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1.0 - s / steps)
    )


def contrastive_step(q, d, scale: float, opt, sched) -> None:
    """One step of the symmetric in-batch loss: each card line against its clause text, the
    other texts of the batch as negatives, in both directions (both fine-tuning recipes)."""
    import torch

    xent = torch.nn.functional.cross_entropy
    logits = scale * q @ d.T
    labels = torch.arange(len(q))
    loss = (xent(logits, labels) + xent(logits.T, labels)) / 2
    loss.backward()
    opt.step()
    sched.step()
    opt.zero_grad()


def _train_epoch(auto, states: dict, batches: list, scale: float, warmup: float, progress: bool):
    import torch
    from tqdm import tqdm

    params = [p for layer in auto.encoder.layer for p in layer.parameters()]
    opt = torch.optim.AdamW(params, lr=LEARNING_RATE)
    sched = warmup_then_linear(opt, len(batches), warmup)
    auto.train()
    for batch in tqdm(batches, desc="fine-tuning 2/3", disable=not progress, file=sys.stderr):
        q = _encode(auto, states, [line for line, _ in batch])
        d = _encode(auto, states, [anchor for _, anchor in batch])
        contrastive_step(q, d, scale, opt, sched)


def train_top_layers(
    base: Path,
    batches: list[list[tuple[str, str]]],
    out: Path,
    *,
    scale: float,
    warmup: float,
    seed: int,
    progress: bool = False,
) -> float:
    """One epoch on the top layers over `batches` of (card line, clause text) pairs; saves the
    model and the vectors of every text it saw."""
    import torch
    from sentence_transformers import SentenceTransformer
    from tqdm import tqdm

    t0 = time.perf_counter()
    torch.manual_seed(seed)
    model = SentenceTransformer(str(base), device="cpu")
    auto = model[0].auto_model
    texts = sorted({t for batch in batches for pair in batch for t in pair})
    with build_threads():
        model.eval()
        states = _lower_states(model, texts, progress)
        with _layers(auto, slice(FROZEN_LAYERS, None), passthrough=True):
            _train_epoch(auto, states, batches, scale, warmup, progress)
            auto.eval()
            vectors = []
            chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
            with torch.no_grad():
                for chunk in tqdm(
                    chunks, desc="fine-tuning 3/3", disable=not progress, file=sys.stderr
                ):
                    vectors.append(_encode(auto, states, chunk).numpy())
    model.save(str(out))
    np.savez(out / VECTORS_FILE, texts=np.array(texts), vectors=np.vstack(vectors))
    return time.perf_counter() - t0
