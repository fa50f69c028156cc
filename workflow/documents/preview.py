"""Page images of a .docx, for looking at a document without Word.

LibreOffice makes the PDF (:func:`workflow.documents.pdf.to_pdf`), pypdfium2 draws each page
as a PNG. Images are kept in a cache folder under the sha256 of the .docx bytes, so a
document built again unchanged (kehoach's builds are reproducible) is not drawn again.
Without LibreOffice :func:`page_images` raises :class:`~workflow.errors.ToolMissing`; the
.docx itself is still there to download.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from pathlib import Path

from ..errors import Problem, ToolMissing
from .pdf import soffice, to_pdf

MAX_PAGES = 40
_LOCK = threading.Lock()  # one LibreOffice at a time: it is heavy, and the machine is small


def docx_sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def available() -> bool:
    """Whether page images can be made here (LibreOffice installed)."""
    return soffice() is not None


def cached(docx: Path, cache_root: Path) -> list[Path] | None:
    """The page images of ``docx`` if they were made already, else None."""
    d = Path(cache_root) / docx_sha(docx)
    if (d / "done").is_file():
        return sorted(d.glob("page-*.png"))
    return None


def page_images(docx: Path, cache_root: Path, *, scale: float = 1.25) -> list[Path]:
    """PNG images of the pages of ``docx`` (at most :data:`MAX_PAGES`), made once per content.

    Raises :class:`ToolMissing` when LibreOffice is not installed or fails.
    """
    # pypdfium2 (a PDF engine): only for page previews
    import pypdfium2 as pdfium

    docx = Path(docx)
    sha = docx_sha(docx)
    target = Path(cache_root) / sha
    with _LOCK:
        if (target / "done").is_file():
            return sorted(target.glob("page-*.png"))
        if not available():
            raise ToolMissing(Problem(file="soffice", message=(
                "chưa cài LibreOffice nên chưa xem trước được; tệp .docx vẫn tải về được")))
        with tempfile.TemporaryDirectory(prefix="kehoach-preview-") as tmp:
            src = Path(tmp) / "van-ban.docx"   # a plain name: LibreOffice names the PDF after it
            shutil.copyfile(docx, src)
            pdf = to_pdf([src], Path(tmp) / "pdf", timeout=120)[0]
            work = Path(tmp) / "png"
            work.mkdir()
            doc = pdfium.PdfDocument(str(pdf))
            try:
                for i in range(min(len(doc), MAX_PAGES)):
                    page = doc[i]
                    image = page.render(scale=scale).to_pil()
                    image.save(work / f"page-{i + 1:03d}.png", optimize=True)
                    page.close()
            finally:
                doc.close()
            (work / "done").write_text(sha, encoding="ascii")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(work), target)
    return sorted(target.glob("page-*.png"))
