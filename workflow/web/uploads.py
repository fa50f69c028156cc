"""Uploaded files are judged by their content, never by their name.

A .docx is a zip archive holding ``word/document.xml``; one that would unpack to more than
:data:`MAX_UNPACKED` bytes, or whose members are packed suspiciously tightly, is refused as
a zip bomb before anything reads it. A .txt is UTF-8 text without NUL bytes. Everything
else (an old .doc, a PDF, an image…) gets a Vietnamese reason.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError, Problem

MAX_UPLOAD = 10 * 1024 * 1024       # bytes sent
MAX_UNPACKED = 60 * 1024 * 1024     # bytes a .docx may unpack to
MAX_RATIO = 120                     # unpacked / packed, per member
MAX_MEMBERS = 2000


def _refuse(name: str, message: str) -> InputError:
    return InputError(Problem(file=name or "tệp tải lên", message=message))


def sniff(name: str, data: bytes) -> str:
    """``"docx"`` or ``"txt"`` for an acceptable upload; raises :class:`InputError` naming
    what is wrong otherwise."""
    if not data:
        raise _refuse(name, "tệp rỗng")
    if len(data) > MAX_UPLOAD:
        raise _refuse(name, f"tệp quá lớn (tối đa {MAX_UPLOAD // (1024 * 1024)} MB)")
    if data.startswith(b"PK"):
        check_docx(name, data)
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(name, "đây là tệp .doc cũ của Word: mở bằng Word rồi lưu lại dạng .docx")
    if data.startswith(b"%PDF"):
        raise _refuse(name, "đây là tệp PDF: hãy tải lên bản Word (.docx) hoặc văn bản (.txt)")
    if b"\x00" in data:
        raise _refuse(name, "không phải tệp .docx hay .txt (nội dung nhị phân)")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(name, "tệp văn bản không phải UTF-8: mở bằng Notepad, chọn Lưu với mã hóa UTF-8") from None
    return "txt"


def check_docx(name: str, data: bytes) -> None:
    """Refuse a zip that is not a Word document, or that would unpack too large."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(name, "tệp .docx bị hỏng (không mở được như tệp nén của Word)") from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise _refuse(name, "tệp nén này không phải văn bản Word (.docx): không có word/document.xml")
    if len(infos) > MAX_MEMBERS:
        raise _refuse(name, "tệp .docx có quá nhiều thành phần; có thể là tệp độc hại")
    total = 0
    for i in infos:
        total += i.file_size
        packed = max(i.compress_size, 1)
        if total > MAX_UNPACKED or (i.file_size > 1024 * 1024 and i.file_size / packed > MAX_RATIO):
            raise _refuse(name, BOMB)
    # The sizes above are what the archive claims; count what it really unpacks to as well.
    real = 0
    try:
        for i in infos:
            with z.open(i) as f:
                while chunk := f.read(1 << 16):
                    real += len(chunk)
                    if real > MAX_UNPACKED:
                        raise _refuse(name, BOMB)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise _refuse(name, "tệp .docx bị hỏng (không giải nén được)") from None


BOMB = "tệp .docx giải nén ra quá lớn (nghi là \"bom nén\"); không mở"
