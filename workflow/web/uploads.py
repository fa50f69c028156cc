"""Uploaded files are judged by their content, never by their name.

A .docx is a zip archive holding ``word/document.xml``; one that would unpack to more than
:data:`~workflow.progress.attachments.MAX_UNPACKED` bytes, or whose members are packed suspiciously tightly, is refused as
a zip bomb before anything reads it. A .txt is UTF-8 text without NUL bytes. Everything
else (an old .doc, a PDF, an image…) gets a Vietnamese reason.
"""

from __future__ import annotations

from ..errors import InputError, Problem
from ..progress.attachments import check_zip

MAX_UPLOAD = 10 * 1024 * 1024       # bytes sent


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
    """Refuse a zip that is not a Word document, or that would unpack too large (the same
    check as a unit's attachment)."""
    check_zip(name, data, "word/document.xml", "Word (.docx)")
