"""PDF through LibreOffice (optional): many files in one call, each call its own profile."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Problem, ToolMissing
from ..safeio import confined

INSTALL_HINT = ("cần LibreOffice để xuất PDF. Trên Debian/Ubuntu: "
                "sudo apt-get install --no-install-recommends libreoffice-writer-nogui fonts-liberation2")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_files: list[Path], out_dir: Path, *, timeout: float = 240) -> list[Path]:
    """Convert ``docx_files`` to PDF in ``out_dir``; returns the PDFs.

    Raises :class:`ToolMissing` when LibreOffice is absent or a PDF was not produced
    (LibreOffice exits 0 even when an input is missing, so every PDF is checked).
    """
    exe = soffice()
    if exe is None:
        raise ToolMissing(Problem(file="soffice", message=INSTALL_HINT))
    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs = [confined(out_dir, Path(p).stem + ".pdf") for p in docx_files]  # before writing any
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--nologo", "--convert-to", "pdf", "--outdir", str(out_dir),
               *[str(p) for p in docx_files]]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ToolMissing(Problem(file=exe, message=f"LibreOffice không xong sau {timeout:.0f} giây")) from None
    missing = [p for p in pdfs if not p.is_file()]
    if missing:
        raise ToolMissing(Problem(file=exe, message=(
            "LibreOffice không tạo được " + ", ".join(p.name for p in missing)
            + f" (mã thoát {proc.returncode}; {proc.stderr.strip()[:300]})")))
    return pdfs
