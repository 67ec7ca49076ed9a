"""The command line, ``python -m assistant COMMAND``: one module per command group, each using
only the public faces of the package. Heavy modules load only in the commands that need them."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
