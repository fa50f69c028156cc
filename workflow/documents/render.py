"""Render a docxtpl template into a .docx, safely.

Always autoescaped (docxtpl's default silently drops text after '&' or '<'), with None
printed as "", and written atomically: a temp file in the target folder, then a rename.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..errors import InputError, Problem
from . import vnformat
from .reproducible import fix_zip_times


def jinja_env():
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, finalize=lambda v: "" if v is None else v,
                      undefined=StrictUndefined)
    env.filters.update(vnformat.FILTERS)
    return env


# Outputs of the running all_or_nothing() block: (temp path, target); None outside a block.
_PENDING: ContextVar[list | None] = ContextVar("kehoach_pending_outputs", default=None)
# Temp files atomic_path has handed out and not yet finished (an inner atomic_path that
# writes into one of them renames at once: the outer one owns the final rename).
_OPEN_TEMPS: set[Path] = set()


@contextmanager
def atomic_path(target: Path):
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
    except BaseException:
        _unlink(tmp)
        raise
    finally:
        _OPEN_TEMPS.discard(Path(tmp))


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


def remove_output(path: Path) -> None:
    """Delete an output that is no longer produced (at the end of an all_or_nothing block)."""
    pending = _PENDING.get()
    if pending is None:
        _unlink(path)
    else:
        pending.append((None, Path(path)))


def current_path(path: Path) -> Path:
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


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def render_docx(template: Path, context: dict, target: Path) -> Path:
    """Render ``template`` with ``context`` into ``target`` (atomically). Returns ``target``.

    Raises :class:`InputError` naming the template when it cannot be rendered.
    """
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    from . import preflight

    # Tags split across paragraphs or text beside a {%p %} tag do not fail: they silently
    # damage the output, so a template edited in Word is checked before rendering.
    blocking = preflight.blocking_problems(template, set(context))
    if blocking:
        raise InputError(blocking)
    tpl = DocxTemplate(str(template))
    try:
        tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    except TemplateError as e:
        # Rendering the tags against this data names every field it lacks, at its paragraph.
        found = [p for p in preflight.check_template(template, context=context) if p.severity == "error"]
        found = found or preflight.explain_failure(template, set(context), e)
        raise InputError(found or Problem(
            file=str(template), line=getattr(e, "lineno", None), field="jinja",
            message=f"mẫu .docx không dựng được: {e.message or e}. "
                    "Kiểm tra mẫu bằng: kehoach template check " + str(template))) from None
    with atomic_path(target) as tmp:
        tpl.save(str(tmp))
        fix_zip_times(tmp)
    return target
