"""LibreOffice conversions (optional): PDF from .docx, .docx from old .doc; many files in
one call, each call on a LibreOffice profile no other process uses at the same time.

A LibreOffice start on an empty profile spends a good part of a second creating it, so the
profile is kept between calls in kehoach's cache folder (:mod:`workflow.cache`, private to
the user), locked while a conversion runs: a second kehoach converting at the same moment
does not wait, it takes a throw-away profile of its own (two LibreOffice processes on one
profile make the second silently do nothing). A kept profile that fails a conversion is
deleted and the conversion run once more on a new one, so a damaged profile heals itself.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .. import cache
from ..errors import Problem, ToolMissing
from ..safeio import atomic_path, confined, current_path

INSTALL_HINT = ("cần LibreOffice để xuất PDF. Trên Debian/Ubuntu: "
                "sudo apt-get install --no-install-recommends libreoffice-writer-nogui fonts-liberation2")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_files: list[Path], out_dir: Path, *, timeout: float = 240) -> list[Path]:
    """Convert ``docx_files`` to PDF in ``out_dir``; returns the PDFs.

    LibreOffice works in a private folder, on the documents as they stand (inside
    :func:`~workflow.safeio.all_or_nothing`, the outputs not yet in place), and each PDF
    is then put in place atomically: with the rest of the build, or not at all.
    Raises :class:`ToolMissing` when LibreOffice is absent or a PDF was not produced
    (LibreOffice exits 0 even when an input is missing, so every PDF is checked).
    """
    return convert(docx_files, out_dir, to="pdf", timeout=timeout, hint=INSTALL_HINT)


def convert(files: list[Path], out_dir: Path, *, to: str, timeout: float = 240,
            hint: str = INSTALL_HINT) -> list[Path]:
    """Convert ``files`` with LibreOffice to format ``to`` ("pdf", "docx") in ``out_dir``;
    returns the outputs, in the order of ``files``.

    One LibreOffice start for all the files, on a profile of its own (see the module's
    notes) and with a ``timeout``. Raises :class:`ToolMissing` (message ``hint``) when
    LibreOffice is absent, and when it ran past the timeout or did not produce an output
    (it exits 0 even then, so each one is checked).
    """
    exe = soffice()
    if exe is None:
        raise ToolMissing(Problem(file="soffice", message=hint))
    outs = [confined(out_dir, Path(p).stem + "." + to) for p in files]  # before writing any
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as work:
        src, made = Path(work, "in"), Path(work, "out")
        src.mkdir()
        for p in files:
            # an output still pending in this build is read from its temp file
            shutil.copyfile(current_path(p), src / Path(p).name)
        inputs = [str(src / Path(p).name) for p in files]
        with profile(Path(work, "profile")) as (where, kept):
            problem, timed_out = _run(exe, where, inputs, made, outs, to, timeout)
            if problem is not None and kept and not timed_out:
                # The kept profile may be what failed (damaged by a crash): a new one, once.
                _remove(where)
                _remove(made)
                problem, _ = _run(exe, where, inputs, made, outs, to, timeout)
        if problem is not None:
            raise ToolMissing(problem)
        for p in outs:
            with atomic_path(p) as tmp:
                shutil.copyfile(made / p.name, tmp)
    return outs


@contextmanager
def profile(throw_away: Path):
    """Yield (profile folder, kept): the kept profile in the cache folder while holding its
    lock, else ``throw_away`` (the cache is off or unwritable, or another process holds the
    kept one)."""
    from filelock import FileLock, Timeout  # only for conversions

    base = cache.folder("libreoffice")
    if base is None:
        yield throw_away, False
        return
    lock = FileLock(str(base / "profile.lock"))
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        yield throw_away, False
        return
    try:
        where = base / "profile"
        # LibreOffice's own lock, left by one that was killed: nobody else holds our lock,
        # so no LibreOffice is running on this profile.
        if where.is_dir():
            (where / ".lock").unlink(missing_ok=True)
        yield where, True
    finally:
        lock.release()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _run(exe: str, where: Path, inputs: list[str], made: Path, outs: list[Path], to: str,
         timeout: float) -> tuple[Problem | None, bool]:
    """One LibreOffice run: (None, False) when every output was made, else (what went wrong,
    whether it ran past the timeout)."""
    cmd = [exe, f"-env:UserInstallation={where.as_uri()}", "--headless", "--norestore",
           "--nologo", "--convert-to", to, "--outdir", str(made), *inputs]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Problem(file=exe, message=f"LibreOffice không xong sau {timeout:.0f} giây"), True
    missing = [p for p in outs if not (made / p.name).is_file()]
    if missing:
        return Problem(file=exe, message=(
            "LibreOffice không tạo được " + ", ".join(p.name for p in missing)
            + f" (mã thoát {proc.returncode}; {proc.stderr.strip()[:300]})")), False
    return None, False
