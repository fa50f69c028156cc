"""Every saved version of a plan, and saving that never overwrites a newer version.

Versions live in ``.kehoach/versions/<plan>/``: ``0001.yaml`` (the text) beside
``0001.json`` (when, who, why, its sha256). :func:`save` refuses (:class:`Conflict`) when
the file is no longer the version the editor opened (two clerks, one plan), validates the
new text with the normal loader (nothing is written when it has errors), keeps the
version it replaces (even one edited outside the browser), then writes the file atomically.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import KehoachError, Problem
from ..plan.loader import load_plan
from ..safeio import write_text
from .folder import NotFound, Workspace, sha256_text

_LOCKS: dict[tuple, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def plan_lock(ws: Workspace, name: str) -> threading.Lock:
    """One lock per plan file: saves, restores and builds of a plan run one at a time."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault((ws.root, name), threading.Lock())


class Conflict(KehoachError):
    """The plan changed since the editor opened it; nothing was written."""

    def __init__(self, name: str, current_text: str, current_sha: str, mine: str):
        super().__init__(Problem(file=f"plans/{name}.yaml", message=(
            "kế hoạch đã được lưu bởi người khác (hoặc ở cửa sổ khác) sau khi bạn mở; "
            "bản của bạn chưa được ghi")))
        self.current_text = current_text
        self.current_sha = current_sha
        self.mine = mine


@dataclass(frozen=True)
class Version:
    n: int
    at: datetime
    sha: str
    note: str
    user: str
    size: int

    @property
    def label(self) -> str:
        return f"bản {self.n} ({self.at:%d/%m/%Y %H:%M})"


class History:
    """The versions of plan ``name``."""

    def __init__(self, ws: Workspace, name: str):
        self.ws = ws
        self.name = ws.check_name(name)
        self.dir = ws.path(".kehoach", "versions", self.name)

    def list(self) -> list[Version]:
        """Oldest first."""
        out = []
        for meta in sorted(self.dir.glob("[0-9]*.json")) if self.dir.is_dir() else []:
            try:
                d = json.loads(meta.read_text(encoding="utf-8"))
                out.append(Version(int(meta.stem), datetime.fromisoformat(d["at"]), d["sha"],
                                   d.get("note", ""), d.get("user", ""), int(d.get("size", 0))))
            except (OSError, ValueError, KeyError):
                continue  # a damaged entry hides itself rather than the whole history
        return out

    def text(self, n: int) -> str:
        p = self.dir / f"{int(n):04d}.yaml"
        if not p.is_file():
            raise NotFound(Problem(file=f"{self.name}: bản {n}", message="không có bản này"))
        return p.read_text(encoding="utf-8")

    def get(self, n: int) -> Version:
        for v in self.list():
            if v.n == int(n):
                return v
        raise NotFound(Problem(file=f"{self.name}: bản {n}", message="không có bản này"))

    def record(self, text: str, note: str, user: str = "") -> Version:
        """Keep ``text`` as the next version (not again if it is the last one)."""
        versions = self.list()
        sha = sha256_text(text)
        if versions and versions[-1].sha == sha:
            return versions[-1]
        n = versions[-1].n + 1 if versions else 1
        v = Version(n, datetime.now().replace(microsecond=0), sha, note, user, len(text.encode()))
        write_text(self.dir / f"{n:04d}.yaml", text)
        write_text(self.dir / f"{n:04d}.json", json.dumps(
            {"at": v.at.isoformat(), "sha": sha, "note": note, "user": user, "size": v.size},
            ensure_ascii=False))
        return v

    def ensure_current(self, text: str) -> None:
        """Make sure the text on disk is kept as a version before it is replaced."""
        versions = self.list()
        if not versions:
            self.record(text, "bản có sẵn khi mở lần đầu")
        elif versions[-1].sha != sha256_text(text):
            self.record(text, "bản đã sửa ngoài trình duyệt")


def save(ws: Workspace, name: str, text: str, *, base_sha: str, note: str = "lưu từ trình duyệt",
         user: str = "") -> Version:
    """Write ``text`` as plan ``name`` if the file is still the version ``base_sha``.

    Raises :class:`Conflict` when it is not, :class:`~workflow.errors.InputError` (every
    problem, with field paths) when ``text`` is not a valid plan; nothing is written then.
    """

    path = ws.plan_path(name)
    hist = History(ws, name)
    with plan_lock(ws, name):
        current, sha = ws.read(name)
        if sha != base_sha:
            raise Conflict(name, current, sha, text)
        load_plan(path, text=text)
        _check_display(ws, path)
        hist.ensure_current(current)
        write_text(path, text)
        return hist.record(text, note, user)


def restore(ws: Workspace, name: str, n: int, *, base_sha: str, user: str = "") -> Version:
    """Make version ``n`` the current plan again (as a new version)."""
    text = History(ws, name).text(n)
    return save(ws, name, text, base_sha=base_sha, note=f"khôi phục bản {n}", user=user)


def _check_display(ws: Workspace, path: Path) -> None:
    # a plan file is always a regular file inside the workspace (no link out of it)
    ws.path(ws.display(path))
