"""LibreOffice conversions (optional): PDF from .docx, .docx from old .doc; many files in
one call, each call its own profile."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

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

    Each call runs with its own throw-away profile (two conversions at once would otherwise
    share one and the second would silently do nothing) and a ``timeout``. Raises
    :class:`ToolMissing` (message ``hint``) when LibreOffice is absent, and when it ran past
    the timeout or did not produce an output (it exits 0 even then, so each one is checked).
    """
    exe = soffice()
    if exe is None:
        raise ToolMissing(Problem(file="soffice", message=hint))
    outs = [confined(out_dir, Path(p).stem + "." + to) for p in files]  # before writing any
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as work:
        profile, src, made = Path(work, "profile"), Path(work, "in"), Path(work, "out")
        src.mkdir()
        for p in files:
            # an output still pending in this build is read from its temp file
            shutil.copyfile(current_path(p), src / Path(p).name)
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--convert-to", to, "--outdir", str(made),
               *[str(src / Path(p).name) for p in files]]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ToolMissing(Problem(file=exe, message=f"LibreOffice không xong sau {timeout:.0f} giây")) from None
        missing = [p for p in outs if not (made / p.name).is_file()]
        if missing:
            raise ToolMissing(Problem(file=exe, message=(
                "LibreOffice không tạo được " + ", ".join(p.name for p in missing)
                + f" (mã thoát {proc.returncode}; {proc.stderr.strip()[:300]})")))
        for p in outs:
            with atomic_path(p) as tmp:
                shutil.copyfile(made / p.name, tmp)
    return outs
