"""One process at a time per ledger: ``fcntl.flock`` on lock files next to the database.

Two locks: ``<db>.serve.lock`` is held by ``kehoach remind serve`` for its whole life (a
second ``serve`` on the same ledger refuses to start); ``<db>.lock`` is held by whoever is
running a batch (``run-due`` or a wake of ``serve``), so that only one process can decide
that a half-sent message was left behind by a dead process.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError, Problem


def _path(db: Path, kind: str) -> Path:
    db = Path(db)
    return db.with_name(db.name + (".serve.lock" if kind == "serve" else ".lock"))


@contextmanager
def hold(db: str | Path, kind: str = "batch", *, wait: float = 0.0):
    """Hold the lock for the block. Raises :class:`InputError` if it stays busy ``wait`` s."""
    path = _path(Path(db), kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    if kind == "serve":
                        msg = (f"đã có một tiến trình 'kehoach remind serve' (pid {holder}) chạy với sổ "
                               "nhắc việc này; mỗi sổ chỉ chạy một tiến trình. Dừng tiến trình đó "
                               "trước, hoặc dùng --db khác")
                    else:
                        msg = (f"sổ nhắc việc đang bận (tiến trình pid {holder} đang gửi thư); "
                               "thử lại sau ít phút")
                    raise InputError(Problem(file=str(db), message=msg)) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock
