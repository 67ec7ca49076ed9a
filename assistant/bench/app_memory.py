"""Benchmark of the web app's memory: start ``python app.py`` on loopback, ask through its API.
Stdlib-only imports (gradio_client is imported when the app is up)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .measure import ROOT


def _vm(pid: int, key: str) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def app_memory(
    env: dict[str, str], questions: Sequence[str], port: int, timeout: float = 240
) -> dict[str, Any]:
    """Start the app on loopback, ask a few questions through its API, read VmHWM."""
    import urllib.request

    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, "-m", "assistant.web", "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        p = subprocess.Popen(argv, stdout=log, stderr=log, env=env, cwd=ROOT)
        try:
            t0 = time.perf_counter()
            while True:
                if p.poll() is not None:
                    log.seek(0)
                    tail = log.read().decode("utf-8", "replace").strip().splitlines()[-3:]
                    return {"peak_rss_mb": None, "note": "app exited: " + " | ".join(tail)}
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(url, timeout=2).read()
                    break
                if time.perf_counter() - t0 > timeout:
                    return {"peak_rss_mb": None, "note": f"app did not answer in {timeout}s"}
                time.sleep(0.5)
            startup = time.perf_counter() - t0
            asked, note = 0, "GET / and questions through gradio_client /ask"
            try:
                from gradio_client import Client

                with contextlib.redirect_stdout(sys.stderr):
                    client = Client(url, verbose=False)
                    for q in questions:
                        client.predict(q, api_name="/ask")
                        asked += 1
            except Exception as exc:  # app API differs: fall back to page loads
                note = f"GET / only ({type(exc).__name__} from gradio_client)"
                for _ in range(3):
                    urllib.request.urlopen(url, timeout=30).read()
            return {
                "peak_rss_mb": _vm(p.pid, "VmHWM"),
                "rss_mb": _vm(p.pid, "VmRSS"),
                "startup_s": round(startup, 1),
                "questions_asked": asked,
                "note": note,
            }
        finally:
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
