"""What every command shares: the usage error, settings from the global flags, loading the
assistant with stdout kept clean, and JSON output."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

from pydantic import ValidationError

from .. import Assistant, Settings
from ..errors import AssistantError
from ..settings import CorpusSettings, IndexSettings

EXIT_USAGE = 2


class UsageError(AssistantError):
    """Bad input from the user: printed without a traceback, exit code 2."""


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the global flags --corpus, --index-dir, --chroma-url."""
    corpus: dict[str, object] = {}
    index: dict[str, object] = {}
    if getattr(args, "corpus", None):
        corpus["name"] = args.corpus
    if getattr(args, "index_dir", None):
        index["index_dir"] = Path(args.index_dir)
    if getattr(args, "chroma_url", None):
        url = args.chroma_url
        u = urlparse(url if "//" in url else f"http://{url}")
        if not u.hostname:
            raise UsageError(f"--chroma-url {url!r} has no host")
        index["chroma_host"], index["chroma_port"] = u.hostname, u.port or 8000
    try:
        return Settings(corpus=CorpusSettings(**corpus), index=IndexSettings(**index))
    except ValidationError as exc:
        raise UsageError(f"invalid setting: {exc}") from exc


def load_assistant(args: argparse.Namespace, rebuild: bool = False) -> Assistant:
    settings = settings_from_args(args)
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout clean for --json
        return Assistant.load(settings, rebuild=rebuild)


def print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
