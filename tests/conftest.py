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


@pytest.fixture(scope="session", autouse=True)
def shared_tuned_model(tmp_path_factory):
    """The fine-tuned model (about 110 s to train) is shared by every real index of the session,
    in this process and its subprocesses; each index itself still lives in its own folder."""
    os.environ["IMC_TUNED_DIR"] = str(tmp_path_factory.mktemp("tuned-model"))
    yield


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


# ------------------------------------------------------------------------- live app (app.py)


class LiveApp:
    """A running `python app.py` subprocess: its URL, process and combined output file."""

    def __init__(self, url: str, proc, log_path: Path, env: dict):
        self.url, self.proc, self.log_path, self.env = url, proc, log_path, env

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_app(log_path: Path, *args: str, env: dict | None = None, timeout: float = 180) -> LiveApp:
    """Launch app.py on a free loopback port (unless --host/--port are given) and wait until it
    serves. Raises with the app's output if it exits or does not answer within `timeout`."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    full_env = {**os.environ, **(env or {})}
    for key in ("IMC_APP_USER", "IMC_APP_PASSWORD", "IMC_HOST", "IMC_PORT"):
        if env is None or key not in env:
            full_env.pop(key, None)
    argv = [sys.executable, str(ROOT / "app.py")]
    if "--host" not in args:
        argv += ["--host", "127.0.0.1"]
    argv += ["--port", str(port), *args]
    fh = open(log_path, "wb")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdout=fh, stderr=subprocess.STDOUT)
    app = LiveApp(f"http://127.0.0.1:{port}/", proc, log_path, full_env)
    app.fh = fh
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fh.close()
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{app.output()[-4000:]}")
        try:
            with urllib.request.urlopen(app.url + "config", timeout=5) as r:
                if r.status in (200, 401):
                    return app
        except OSError as exc:
            if getattr(exc, "code", None) == 401:  # auth enabled: serving
                return app
        time.sleep(0.5)
    stop_app(app)
    raise RuntimeError(f"app.py did not serve within {timeout}s:\n{app.output()[-4000:]}")


def stop_app(app: LiveApp) -> None:
    import subprocess

    if app.proc.poll() is None:
        app.proc.terminate()
        try:
            app.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.proc.kill()
            app.proc.wait(timeout=15)
    app.fh.close()


@pytest.fixture(scope="session")
def live_app(real_index_dir, tmp_path_factory):
    """One live app (real model, real Chroma, real HTTP) shared by the app and browser tests.

    Default options: loopback, no auth, no audit log. Gradio's temp files go to a folder of
    their own so tests can check that nothing typed is written to disk."""
    root = tmp_path_factory.mktemp("live-app")
    (root / "gradio-tmp").mkdir()
    app = start_app(
        root / "app.log",
        env={"IMC_INDEX_DIR": str(real_index_dir), "GRADIO_TEMP_DIR": str(root / "gradio-tmp")},
    )
    app.root = root
    yield app
    stop_app(app)
