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
import pickle
import sys
import tempfile
from functools import lru_cache
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
    if path in _MADE and path.is_dir():  # a long-running server asks thousands of times
        return path
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    _MADE.add(path)
    return path


_MADE: set[Path] = set()  # folders this process has made (or found) already


def key(*parts) -> str:
    """A digest of ``parts`` (strings, bytes, numbers, lists of them) and of kehoach's
    version and the cache format: the name of an entry."""
    h = hashlib.sha256(f"kehoach {__version__} cache {FORMAT}".encode())
    for p in parts:
        data = p if isinstance(p, bytes) else json.dumps(p, ensure_ascii=False, sort_keys=True).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=None)
def source_digest(*modules: str) -> str:
    """A digest of the source files of ``modules`` (dotted names, imported): part of the key
    of a result that code computes, so that a changed program never reads an old answer."""
    h = hashlib.sha256()
    for name in modules:
        path = getattr(sys.modules.get(name), "__file__", None)
        try:
            h.update(Path(path).read_bytes() if path else name.encode())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()


def get_json(kind: str, name: str):
    """The JSON value stored under ``kind``/``name``, or None (missing, unreadable, cut
    short, corrupt, or written for another key)."""
    data = _read(kind, name, "json")
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != name or "value" not in entry:
        return None
    return entry["value"]


def put_json(kind: str, name: str, value) -> None:
    """Store ``value`` (JSON) under ``kind``/``name``, atomically; silently nothing when
    the cache cannot be written."""
    data = json.dumps({"key": name, "value": value}, ensure_ascii=False).encode("utf-8")
    _write(kind, name, "json", data)


def get_object(kind: str, name: str, expected: type | tuple[type, ...]):
    """The Python object stored under ``kind``/``name`` if it is an ``expected`` one, else
    None. Pickled: the folder is the user's own (0700), as trusted as their files."""
    data = _read(kind, name, "pickle")
    head = _HEAD + name.encode() + b"\n"
    if data is None or not data.startswith(head):
        return None
    try:
        value = pickle.loads(data[len(head):])
    except Exception:  # any damage: unpickling raises all kinds of errors
        return None
    return value if isinstance(value, expected) else None


def put_object(kind: str, name: str, value) -> None:
    """Store ``value`` (picklable) under ``kind``/``name`` (see :func:`put_json`)."""
    try:
        data = _HEAD + name.encode() + b"\n" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: nothing kept
        return
    _write(kind, name, "pickle", data)


_HEAD = b"kehoach-cache "


def _read(kind: str, name: str, suffix: str) -> bytes | None:
    where = folder(kind)
    if where is None:
        return None
    try:
        return (where / f"{name}.{suffix}").read_bytes()
    except OSError:
        return None


def _write(kind: str, name: str, suffix: str, data: bytes) -> None:
    where = folder(kind)
    if where is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name[:16]}.", suffix=".tmp", dir=where)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, where / f"{name}.{suffix}")
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass
