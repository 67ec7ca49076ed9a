"""Privacy and access for the app: the notes shown to users, redaction, the opt-in audit log,
and the rule that a non-loopback bind needs a login."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

from .. import Answer

PRIVACY_NOTE = (
    "Private by default: nothing you type is logged or stored by this app. The conversation "
    "is kept in memory only while this page is open and is gone when you clear it or close the page."
)
AUDIT_NOTE = (
    "Audit log enabled by the administrator: each question is recorded with e-mail addresses "
    "and phone numbers removed, together with the clause ids cited."
)

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\(?\d[\d\s().\-/]{5,}\d(?![\w])")


def redact(text: str) -> str:
    """The text with e-mail addresses and phone numbers replaced by [email] and [phone].

    A phone number is a run of digits, spaces, dots, dashes, slashes and brackets holding 7 to 15
    digits. Clause ids such as 1.C.4 and short numbers (years, amounts under a million) are kept.
    """

    def phone(m: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in m.group(0))
        return "[phone]" if 7 <= digits <= 15 else m.group(0)

    return _PHONE.sub(phone, _EMAIL.sub("[email]", text))


class AuditLog:
    """Opt-in JSON-lines audit log: timestamp, redacted question, cited ids. Never on by default."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.close(fd)

    def record(
        self, question: str, answer: Answer | None, error: str | None = None, via: str = "ui"
    ):
        row = {
            "ts": datetime.now(UTC).isoformat(timespec="seconds"),
            "via": via,
            "question": redact(question)[:4000],
        }
        if answer is not None:
            row["cited"] = [c.clause_id for c in answer.citations]
            row["abstained"] = answer.abstained
        if error is not None:
            row["error"] = error
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)


def is_loopback(host: str) -> bool:
    if host.strip().lower() in {"localhost", "localhost.localdomain", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_for(host: str, insecure: bool) -> tuple[str, str] | None:
    """Credentials from IMC_APP_USER / IMC_APP_PASSWORD; required off loopback unless insecure."""
    user, password = os.environ.get("IMC_APP_USER", ""), os.environ.get("IMC_APP_PASSWORD", "")
    if bool(user) != bool(password):
        raise ValueError("error: set both IMC_APP_USER and IMC_APP_PASSWORD, or neither.")
    if user:
        return (user, password)
    if not is_loopback(host) and not insecure:
        raise ValueError(
            f"error: refusing to bind {host!r} without authentication. Set IMC_APP_USER and "
            "IMC_APP_PASSWORD to require a login, bind 127.0.0.1, or pass --insecure to serve "
            "without a login on purpose."
        )
    return None
