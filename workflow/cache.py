"""kehoach's own disk cache: results that depend only on bytes the user gave (a template
checked, a template compiled), kept for the next process in the user's cache folder.

The folder is ``$KEHOACH_CACHE_DIR`` if set, else the platform's one (platformdirs:
``$XDG_CACHE_HOME/kehoach`` or ``~/.cache/kehoach`` on Linux, ``~/Library/Caches/kehoach``
on macOS, ``%LOCALAPPDATA%\\kehoach\\Cache`` on Windows), created private to the user.
``KEHOACH_NO_CACHE=1`` turns the cache off.

Safe by construction, so it never needs cleaning by hand:
- entries are keyed by a digest of everything they depend on (content, not file dates, and
  kehoach's version), so a changed input is a new key, never a stale answer;
- an entry is written to a temp file and renamed into place: a reader sees a whole entry or
  none, and two processes writing one entry at once write the same bytes;
- an entry that cannot be read, is cut short or does not parse is ignored and made again;
- a folder that cannot be created or written is no error: the work is then just done anew.

The bottom of the house, like :mod:`workflow.safeio`: it imports nothing else of kehoach.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import __version__

FORMAT = 1  # bumped when what an entry holds changes shape


def enabled() -> bool:
    return os.environ.get("KEHOACH_NO_CACHE", "") in ("", "0")


def folder(*parts: str) -> Path | None:
    """The cache folder (or a sub-folder of it), created if needed; None when the cache is
    off or the folder cannot be made."""
    if not enabled():
        return None
    base = os.environ.get("KEHOACH_CACHE_DIR")
    if not base:
        import platformdirs  # the platform's rule for "cache folder of this user"

        base = platformdirs.user_cache_dir("kehoach", appauthor=False)
    path = Path(base, *parts)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def key(*parts) -> str:
    """A digest of ``parts`` (strings, bytes, numbers, lists of them) and of kehoach's
    version and the cache format: the name of an entry."""
    h = hashlib.sha256(f"kehoach {__version__} cache {FORMAT}".encode())
    for p in parts:
        data = p if isinstance(p, bytes) else json.dumps(p, ensure_ascii=False, sort_keys=True).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def get_json(kind: str, name: str):
    """The JSON value stored under ``kind``/``name``, or None (missing, unreadable, cut
    short, corrupt, or written for another key)."""
    where = folder(kind)
    if where is None:
        return None
    try:
        entry = json.loads((where / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != name or "value" not in entry:
        return None
    return entry["value"]


def put_json(kind: str, name: str, value) -> None:
    """Store ``value`` (JSON) under ``kind``/``name``, atomically; silently nothing when
    the cache cannot be written."""
    where = folder(kind)
    if where is None:
        return
    data = json.dumps({"key": name, "value": value}, ensure_ascii=False)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name[:16]}.", suffix=".tmp", dir=where)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, where / f"{name}.json")
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass
