"""Shared fixtures. Every index lives under tmp_path; tests do not depend on their order."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GUARD = Path(__file__).resolve().parent / "netguard"

# Offline and telemetry-free for this process and every subprocess.
os.environ.update(
    HF_HUB_OFFLINE="1",
    TRANSFORMERS_OFFLINE="1",
    GRADIO_ANALYTICS_ENABLED="False",
    ANONYMIZED_TELEMETRY="False",
    TOKENIZERS_PARALLELISM="false",
)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
)
sys.path.insert(0, str(GUARD))
import sitecustomize as netguard  # noqa: E402  (tests/netguard)

netguard.install()


@pytest.fixture(scope="session", autouse=True)
def no_outbound_traffic(tmp_path_factory):
    """Fail the session if anything (this process or a subprocess) tried a non-loopback address."""
    log = tmp_path_factory.mktemp("netguard") / "violations.log"
    log.touch()
    os.environ["NETGUARD_LOG"] = str(log)
    yield
    violations = log.read_text().strip()
    assert not violations, f"outbound network traffic attempted:\n{violations}"


@pytest.fixture
def mini_settings(tmp_path):
    """Settings for the tiny fixture corpus with a fresh index folder."""
    from assistant.settings import Settings

    return Settings(
        corpus_dir=DATA,
        corpus="mini-code",
        index_dir=tmp_path / "index",
        evals_dir=DATA / "evals",
        fusion="rrf",
    )


@pytest.fixture
def fake_embed():
    from tests.fakes import HashEmbedding

    return HashEmbedding()


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory):
    """One real index (real MiniLM, real Chroma) for the session's end-to-end tests."""
    return tmp_path_factory.mktemp("real-index")


@pytest.fixture(scope="session")
def real_assistant(real_index_dir):
    from assistant import Assistant
    from assistant.settings import Settings

    return Assistant.load(Settings(index_dir=real_index_dir))


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None, timeout: int = 300):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=input,
        capture_output=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
