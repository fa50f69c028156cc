"""Accounts of a workspace's web editor: argon2 password hashes, login throttling, the
session-signing secret.

Stored in the workspace's ``.kehoach/`` folder: ``users.json`` ({name: {hash, created}}) and
``web-secret`` (random bytes, readable by the owner only). With no account the editor runs
for one person on this computer (127.0.0.1) only; once an account exists every page asks for
a login, and only then may ``kehoach web`` listen on another address.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import InputError, Problem
from ..safeio import write_text

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# A hash to verify against when the name is unknown, so that a wrong name costs as much
# time as a wrong password (no telling which names exist).
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


class Accounts:
    """The accounts file of one workspace state folder."""

    def __init__(self, state_dir: Path):
        self.dir = Path(state_dir)
        self.file = self.dir / "users.json"

    def _read(self) -> dict:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def names(self) -> list[str]:
        return sorted(self._read())

    def exist(self) -> bool:
        return bool(self._read())

    def add(self, name: str, password: str) -> None:
        """Add (or give a new password to) account ``name``. Raises :class:`InputError` for a
        bad name or a password shorter than :data:`MIN_PASSWORD`."""
        if not NAME.fullmatch(name or ""):
            raise InputError(Problem(file="TÊN", message=(
                "tên tài khoản: 2–32 chữ thường không dấu, số, '.', '_' hoặc '-'")))
        if len(password or "") < MIN_PASSWORD:
            raise InputError(Problem(file="mật khẩu", message=f"mật khẩu cần ít nhất {MIN_PASSWORD} ký tự"))
        users = self._read()
        users[name] = {"hash": _HASHER.hash(password), "created": datetime.now().isoformat(timespec="seconds")}
        write_text(self.file, json.dumps(users, ensure_ascii=False, indent=1))
        os.chmod(self.file, 0o600)

    def remove(self, name: str) -> bool:
        users = self._read()
        if users.pop(name, None) is None:
            return False
        write_text(self.file, json.dumps(users, ensure_ascii=False, indent=1))
        return True

    def verify(self, name: str, password: str) -> bool:
        user = self._read().get(name or "")
        try:
            return _HASHER.verify(user["hash"] if user else _DUMMY, password or "") and user is not None
        except (VerificationError, InvalidHashError):
            return False

    def secret(self) -> str:
        """The key that signs session cookies; made once, kept private to the owner."""
        p = self.dir / "web-secret"
        try:
            key = p.read_text(encoding="ascii").strip()
            if len(key) >= 32:
                return key
        except OSError:
            pass
        key = secrets.token_urlsafe(48)
        write_text(p, key)
        os.chmod(p, 0o600)
        return key


class Throttle:
    """At most ``limit`` failed logins per name and per address in ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 600):
        self.limit, self.window = limit, window
        self._fails: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds to wait before another try (0: may try now)."""
        now = time.monotonic()
        with self._lock:
            worst = 0.0
            for k in keys:
                recent = [t for t in self._fails.get(k, []) if now - t < self.window]
                self._fails[k] = recent
                if len(recent) >= self.limit:
                    worst = max(worst, self.window - (now - recent[0]))
            return worst

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._fails.setdefault(k, []).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._fails.pop(k, None)
