"""Shared fixtures. Every index lives under a temporary folder; no test writes into the repository.

The expensive artefacts (the fine-tuned model and the real index) are built once per session, by
one subprocess that starts as soon as collection ends, when any selected test needs them: unit
tests run while it works, and whatever needs the real stack waits for it (`real_artifacts`). Start-up
waits of the app and of CLI subprocesses count from then, so machine load moves no deadline.

Markers (see pyproject.toml): ``e2e`` for the real model, index or app (added automatically to any
test using the fixtures below), ``browser`` for headless Chromium, ``slow`` for long tests of their
own. ``make test-fast`` runs ``-m "not e2e and not browser and not slow"``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GUARD = Path(__file__).resolve().parent / "netguard"
BUILD_CEILING_S = 60 * 60  # a ceiling, not an expectation: a busy 2-core machine is slow
START_CEILING_S = 600
REAL_FIXTURES = {"real_artifacts", "real_settings", "real_assistant", "live_app", "real_env"}

os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(GUARD), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
)
# A developer may keep the real artefacts between runs (never CI): TESTS_REAL_DIR=/some/folder.
REUSE_DIR = os.environ.get("TESTS_REAL_DIR")
for key in [k for k in os.environ if k.startswith("IMC_") or k.startswith("CHROMA_")]:
    del os.environ[key]  # the developer's own settings must not leak into tests
sys.path.insert(0, str(GUARD))
import sitecustomize as netguard  # noqa: E402  (tests/netguard)

from assistant.settings import offline_environment  # noqa: E402

offline_environment()  # for this process and, inherited, every subprocess
netguard.install()


def tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no output)"


# ------------------------------------------------------------------------- session set-up


@pytest.hookimpl(trylast=True)  # after pytest's tmp_path plugin has set up its factory
def pytest_configure(config: pytest.Config) -> None:
    """One folder per session for the network-guard log and the shared tuned model."""
    root = config._tmp_path_factory.mktemp("session")  # noqa: SLF001  (pytest's own factory)
    (root / "netguard.log").touch()
    os.environ["NETGUARD_LOG"] = str(root / "netguard.log")
    real = Path(REUSE_DIR) if REUSE_DIR else root
    os.environ["IMC_TUNED_DIR"] = str(real / "tuned-model")  # shared by every real build
    config.imc_root = root  # type: ignore[attr-defined]
    config.imc_real = real  # type: ignore[attr-defined]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if REAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Artifacts:
    """The real index and tuned model of the session, and the build that makes them."""

    index_dir: Path
    tuned_dir: Path
    log: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    ready_at: float | None = None

    def start(self) -> None:
        """Fine-tune and build in a subprocess (the same command a user runs)."""
        cmd = [sys.executable, "-m", "assistant", "--index-dir", str(self.index_dir)]
        fh = open(self.log, "wb")  # noqa: SIM115  (closed when the build ends)
        self.proc = subprocess.Popen(
            [*cmd, "index", "status"], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT
        )
        fh.close()
        self.started = time.monotonic()

    def wait(self) -> None:
        if self.ready_at is not None:
            return
        if self.proc is None:
            self.start()
        try:
            code = self.proc.wait(timeout=BUILD_CEILING_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(
                f"building the real index did not finish within {BUILD_CEILING_S} s "
                f"(waited for: fine-tuning and index build):\n{tail(self.log)}"
            )
        if code != 0:
            pytest.fail(f"building the real index failed (exit {code}):\n{tail(self.log)}")
        self.ready_at = time.monotonic()
        print(f"\n[tests] real artefacts ready after {self.ready_at - self.started:.0f} s")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the real build now if any selected test needs it, so it overlaps the unit tests."""
    root: Path = session.config.imc_root  # type: ignore[attr-defined]
    real: Path = session.config.imc_real  # type: ignore[attr-defined]
    art = Artifacts(real / "real-index", Path(os.environ["IMC_TUNED_DIR"]), root / "build.log")
    session.config.imc_artifacts = art  # type: ignore[attr-defined]
    if any(item.get_closest_marker("e2e") for item in session.items):
        art.start()


@pytest.fixture(scope="session", autouse=True)
def no_outbound_traffic():
    """Fail the session if anything (this process or a subprocess) tried a non-loopback address."""
    yield
    violations = Path(os.environ["NETGUARD_LOG"]).read_text().strip()
    assert not violations, f"outbound network traffic attempted:\n{violations}"


@pytest.fixture(scope="session")
def real_artifacts(request) -> Artifacts:
    """The real tuned model and index, waited for (built by the session's build subprocess)."""
    art: Artifacts = request.config.imc_artifacts
    art.wait()
    return art


@pytest.fixture(scope="session")
def real_env(real_artifacts) -> dict[str, str]:
    """Environment for subprocesses that should reuse the session's real index."""
    return {"IMC_INDEX_DIR": str(real_artifacts.index_dir)}


@pytest.fixture(scope="session")
def real_settings(real_artifacts):
    from assistant.settings import IndexSettings, Settings

    return Settings(index=IndexSettings(index_dir=real_artifacts.index_dir))


@pytest.fixture(scope="session")
def real_assistant(real_settings):
    from assistant import Assistant

    return Assistant.load(real_settings)


# ------------------------------------------------------------------------- small corpus


@pytest.fixture
def mini_settings(tmp_path):
    """Settings for the tiny fixture corpus with a fresh index folder."""
    from assistant.settings import (
        CorpusSettings,
        IndexSettings,
        RetrievalSettings,
        Settings,
    )

    return Settings(
        corpus=CorpusSettings(name="mini-code", corpus_dir=DATA, evals_dir=DATA / "evals"),
        index=IndexSettings(index_dir=tmp_path / "index"),
        retrieval=RetrievalSettings(fusion="rrf"),
    )


@pytest.fixture
def mini_corpus(mini_settings):
    from assistant.corpus import load_corpus

    return load_corpus(mini_settings.corpus)


@pytest.fixture
def fake_embed():
    from tests.fakes import fake_embedder

    return fake_embedder()


# ------------------------------------------------------------------------- subprocesses


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None, timeout: int = 600):
    """``python -m assistant ARGS`` in the repository; `timeout` is a ceiling for a hung process."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=input,
        capture_output=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


class LiveApp:
    """A running app subprocess: its URL, process and combined output file."""

    def __init__(self, url: str, proc, log_path: Path, env: dict):
        self.url, self.proc, self.log_path, self.env = url, proc, log_path, env

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_app(
    log_path: Path, *args: str, env: dict | None = None, timeout: float = START_CEILING_S
) -> LiveApp:
    """Launch app.py on a free loopback port (unless --host/--port are given) and wait until it
    serves. The index must exist already: `timeout` is a ceiling for loading it, not a build.
    Raises with the app's last output if it exits or does not answer in time."""
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
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
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
    raise RuntimeError(
        f"app.py did not serve within {timeout:.0f} s (waited for: loading the model and the "
        f"existing index, then HTTP on {app.url}):\n{app.output()[-4000:]}"
    )


def stop_app(app: LiveApp) -> None:
    if app.proc.poll() is None:
        app.proc.terminate()
        try:
            app.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.proc.kill()
            app.proc.wait(timeout=15)
    app.fh.close()


@pytest.fixture(scope="session")
def live_app(real_env, tmp_path_factory):
    """One live app (real model, real Chroma, real HTTP) shared by the app and browser tests.

    Default options: loopback, no auth, no audit log. Gradio's temp files go to a folder of
    their own so tests can check that nothing typed is written to disk."""
    root = tmp_path_factory.mktemp("live-app")
    (root / "gradio-tmp").mkdir()
    app = start_app(root / "app.log", env={**real_env, "GRADIO_TEMP_DIR": str(root / "gradio-tmp")})
    app.root = root
    yield app
    stop_app(app)
