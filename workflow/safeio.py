"""Safe writing of outputs: atomic files, all-or-nothing groups, confined paths.

The bottom of the house: it imports nothing of the project, so the plan, documents,
calendars, importer, statistics and the build can all use it.

- :func:`atomic_path` hands out a temp file beside the target and renames it over the target
  only when the block succeeds (a reader never sees half a file);
- :func:`all_or_nothing` holds those renames until a whole group of outputs is done, so a
  failing stage leaves the previous outputs untouched;
- :func:`confined` joins a name made from user data (a unit code, a task id) onto an output
  folder and refuses any result that would land outside it, symbolic links included.
"""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path


class OutsideFolder(OSError):
    """A path built from user data would be written outside its output folder.

    An :class:`OSError` with a Vietnamese reason, so that the CLI's file-system boundary
    reports it like any other unwritable path (exit 2).
    """

    own_reason = True  # errors.os_reason prints the message below, not EPERM's

    def __init__(self, path: Path, root: Path):
        super().__init__(errno.EPERM, f"đường dẫn ra ngoài thư mục kết quả {root}; "
                                      "tên tệp chỉ được dùng chữ thường a–z, số 0–9 và dấu '-'",
                         str(path))


def confined(root: str | Path, *parts: str | Path) -> Path:
    """``root / parts…``, refused (:class:`OutsideFolder`) unless it resolves inside ``root``.

    Symbolic links are followed on both sides, so a link inside the folder that points
    elsewhere is refused too. The folder need not exist yet.
    """
    root = Path(root)
    target = root.joinpath(*parts)
    base = root.resolve()
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        raise OutsideFolder(target, root)
    return target


# Outputs of the running all_or_nothing() block: (temp path, target); None outside a block.
_PENDING: ContextVar[list | None] = ContextVar("kehoach_pending_outputs", default=None)
# Temp files atomic_path has handed out and not yet finished (an inner atomic_path that
# writes into one of them renames at once: the outer one owns the final rename).
_OPEN_TEMPS: set[Path] = set()


@contextmanager
def atomic_path(target: str | Path):
    """Yield a temp path beside ``target``; rename it over ``target`` only on success.

    Inside :func:`all_or_nothing` the rename waits for the end of that block.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    _OPEN_TEMPS.add(Path(tmp))
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); the output is for the office to share, so it
        # gets the mode of the file it replaces, else the usual one (0666 less the umask).
        os.chmod(tmp, _mode_for(target))
        pending = _PENDING.get()
        if pending is None or target in _OPEN_TEMPS:  # writing into an outer temp file
            os.replace(tmp, target)
        else:
            for i, (old_tmp, old_target) in enumerate(pending):
                if old_target == target:  # written twice in one block: the last one wins
                    if old_tmp is not None:
                        _unlink(old_tmp)
                    del pending[i]
                    break
            pending.append((Path(tmp), target))
    except BaseException as e:
        _unlink(tmp)
        if isinstance(e, OSError) and e.filename is None:
            e.filename = str(target)  # a failed write names no file: say which output
        raise
    finally:
        _OPEN_TEMPS.discard(Path(tmp))


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; returns ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically; returns ``target``."""
    return write_bytes(target, text.encode("utf-8"))


@contextmanager
def all_or_nothing():
    """Every output written with :func:`atomic_path` inside this block takes its place only
    when the whole block succeeds; if anything fails, none of them does (nothing is left
    half-updated: the previous outputs stay as they were)."""
    pending: list = []
    token = _PENDING.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _ in pending:
            if tmp is not None:
                _unlink(tmp)
        raise
    finally:
        _PENDING.reset(token)
    for tmp, target in pending:
        if tmp is None:
            _unlink(target)
        else:
            os.replace(tmp, target)


def remove_output(path: str | Path) -> None:
    """Delete an output that is no longer produced (at the end of an all_or_nothing block)."""
    pending = _PENDING.get()
    if pending is None:
        _unlink(path)
    else:
        pending.append((None, Path(path)))


def current_path(path: str | Path) -> Path:
    """Where the bytes of output ``path`` are right now: its pending temp file inside an
    :func:`all_or_nothing` block, else ``path`` itself."""
    for tmp, target in _PENDING.get() or ():
        if target == Path(path) and tmp is not None:
            return tmp
    return Path(path)


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _read_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread runs.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK
