"""What kind of file an import was given, by its first bytes (a name can lie), and the
conversion of old Word files (.doc, .rtf) to .docx through LibreOffice.

PDF, images and password-protected Word files cannot be read: they are refused with a
message saying what to do instead, never read as garbage.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..documents.pdf import convert
from ..errors import InputError, Problem, ToolMissing

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # Word 97-2003, and every encrypted Office file
ZIP = b"PK\x03\x04"
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".heic")
TEXT_SUFFIXES = (".txt", ".md", "")
CONVERT_TIMEOUT = 120

_PDF = ("tệp PDF chưa đọc được (chữ trong PDF mất thứ tự đoạn, bảng và đánh số): hãy dùng tệp Word gốc "
        "của kế hoạch (.docx hoặc .doc), hoặc mở PDF bằng Word, lưu lại dạng .docx và soát lại trước khi nhập")
_IMAGE = ("tệp ảnh (ảnh chụp hay bản quét) không có chữ để đọc: hãy xin tệp Word gốc của kế hoạch "
          "(.docx hoặc .doc), hoặc gõ lại thành tệp .txt")
_ENCRYPTED = ("tệp Word có mật khẩu (đã mã hóa) nên không đọc được: hãy mở bằng Word, bỏ mật khẩu "
              "(Tệp → Thông tin → Bảo vệ tài liệu → Mã hóa bằng mật khẩu: xóa trống) rồi lưu lại và nhập tệp đó")
_NO_OFFICE = ("tệp Word 97-2003 (.doc) cần LibreOffice để chuyển sang .docx trước khi đọc. Trên Debian/Ubuntu: "
              "sudo apt-get install --no-install-recommends libreoffice-writer-nogui; hoặc mở bằng Word "
              "và lưu lại dạng .docx")


def kind_of(path: Path) -> str:
    """"docx", "old-word" (.doc or .rtf: converted first) or "text"; raises :class:`InputError`
    for a PDF, an image, an encrypted or broken Word file, or an unknown type."""
    name = str(path)
    with path.open("rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or suffix == ".pdf":
        raise InputError(Problem(file=name, message=_PDF))
    if head.startswith(IMAGE_MAGIC) or head[8:12] == b"WEBP" or suffix in IMAGE_SUFFIXES:
        raise InputError(Problem(file=name, message=_IMAGE))
    if head.startswith(OLE):
        if _encrypted(path):
            raise InputError(Problem(file=name, message=_ENCRYPTED))
        return "old-word"
    if head.startswith(b"{\\rtf") or suffix == ".odt":  # RTF, OpenDocument: LibreOffice converts them too
        return "old-word"
    if head.startswith(ZIP) or suffix == ".docx":
        return "docx"
    if suffix == ".doc":
        raise InputError(Problem(file=name, message=(
            "tệp .doc này không phải tệp Word (không mở được); hãy mở bằng Word hoặc LibreOffice và lưu lại "
            "dạng .docx, hoặc chuyển: soffice --headless --convert-to docx " + name)))
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise InputError(Problem(file=name, message=f"không đọc được loại tệp '{suffix}'; dùng .docx, .doc hoặc .txt"))


def _encrypted(path: Path) -> bool:
    """An OLE file holding an encrypted package (a .docx with a password) or a Word 97
    document with its "encrypted" flag. A file msoffcrypto cannot parse is not a Word file."""
    # msoffcrypto: only to tell an encrypted .docx from an old .doc
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError

    try:
        with path.open("rb") as f:
            return bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except (FileFormatError, OSError, ValueError, AssertionError, IndexError) as e:
        raise InputError(Problem(file=str(path), message=(
            f"tệp Word 97-2003 hỏng hoặc không phải tệp Word ({type(e).__name__}): hãy mở bằng Word hoặc "
            "LibreOffice và lưu lại dạng .docx"))) from None


@contextlib.contextmanager
def as_docx(path: Path) -> Iterator[Path]:
    """The .docx LibreOffice makes from an old Word file, in a temporary folder removed
    afterwards. Raises :class:`ToolMissing` when LibreOffice is absent, too slow or fails."""
    with tempfile.TemporaryDirectory(prefix="kehoach-import-") as tmp:
        # a copy with a plain name: LibreOffice names its output after the input
        src = Path(tmp) / ("nguon" + (path.suffix.lower() or ".doc"))
        src.write_bytes(path.read_bytes())
        try:
            (out,) = convert([src], Path(tmp) / "docx", to="docx", timeout=CONVERT_TIMEOUT, hint=_NO_OFFICE)
        except ToolMissing as e:
            if e.problems and e.problems[0].message == _NO_OFFICE:
                raise
            raise ToolMissing(Problem(file=str(path), message=(
                "LibreOffice không chuyển được tệp này sang .docx (" + "; ".join(p.message for p in e.problems)
                + "); hãy mở bằng Word và lưu lại dạng .docx"))) from None
        yield out
