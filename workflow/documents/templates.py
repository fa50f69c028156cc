"""Find .docx templates: the user's folders first, then the ones shipped with kehoach."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import InputError, Problem


def shipped_dir() -> Path:
    """The packaged templates/ folder (a real folder in a wheel, a link in a checkout)."""
    return Path(str(resources.files("workflow") / "_templates"))


def find_template(rel: str, *, user_dirs: list[Path] | tuple = ()) -> Path:
    """Path of template ``rel`` (e.g. ``kehoach/ke-hoach.docx``).

    A user's copy wins over the shipped one: each of ``user_dirs`` is tried as
    ``DIR/rel`` and as ``DIR/<file name>``. Raises :class:`InputError` if none exists.
    """
    tried = []
    for d in user_dirs:
        if d is None:
            continue
        d = Path(d)
        for cand in (d / rel, d / Path(rel).name):
            tried.append(cand)
            if cand.is_file():
                return cand
    cand = shipped_dir() / rel
    tried.append(cand)
    if cand.is_file():
        return cand
    raise InputError(Problem(file=rel, message="không tìm thấy mẫu văn bản; đã tìm ở: "
                             + ", ".join(str(t) for t in tried)))


def user_dirs(source: Path, declared: str | None, extra: Path | None = None) -> list[Path]:
    """The folders searched before the shipped templates for a plan or letter file:
    ``extra`` (``--templates``), then the file's own ``templates:`` (relative to the file)."""
    dirs = [Path(extra)] if extra else []
    if declared:
        dirs.append(Path(source).parent / declared)
    return dirs
