"""The web app (Gradio): the Ask, Browse and Quiz tabs and the API endpoints, over the public
`Assistant`. ``python app.py`` or ``python -m assistant.web`` starts it."""

from .app import WebSettings, build_app, main

__all__ = ["WebSettings", "build_app", "main"]
