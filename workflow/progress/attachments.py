"""Files the units send, judged by their content and kept in quarantine.

A unit may attach evidence to a report (a scanned minute, a photo, a document) and sends its
figures as a workbook. Only these kinds pass, each recognised by its bytes, never by its
name: PDF, PNG, JPEG, Word (.docx) and Excel (.xlsx) — the last two as zip archives holding
their main part, refused as zip bombs when they would unpack too large. The bytes are kept
under ``.kehoach/cach-ly/<plan>/<sha256>`` with no extension and no execute bit; nothing
ever runs or opens them in place, and they are only served back as downloads
(``application/octet-stream``, ``attachment``).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..safeio import confined, write_bytes

MAX_ATTACHMENT = 10 * 1024 * 1024
MAX_UNPACKED = 60 * 1024 * 1024
MAX_RATIO = 120
MAX_MEMBERS = 2000
QUARANTINE = "cach-ly"
KINDS = {"pdf": "PDF", "png": "ảnh PNG", "jpeg": "ảnh JPEG", "docx": "Word (.docx)",
         "xlsx": "Excel (.xlsx)"}
ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
BOMB = "tệp giải nén ra quá lớn (nghi là \"bom nén\"); không mở"


def refuse(name: str, message: str) -> InputError:
    return InputError(Problem(file=name or "tệp tải lên", message=message))


def check_zip(name: str, data: bytes, part: str, what: str) -> None:
    """Refuse a zip without member ``part`` (``what`` names the kind), or one that would
    unpack too large (claimed or real size)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refuse(name, f"tệp {what} bị hỏng (không mở được như tệp nén)") from None
    if part not in {i.filename for i in infos}:
        raise refuse(name, f"tệp nén này không phải {what}: không có {part}")
    if len(infos) > MAX_MEMBERS:
        raise refuse(name, f"tệp {what} có quá nhiều thành phần; có thể là tệp độc hại")
    total = 0
    for i in infos:
        total += i.file_size
        if total > MAX_UNPACKED or (i.file_size > 1024 * 1024
                                    and i.file_size / max(i.compress_size, 1) > MAX_RATIO):
            raise refuse(name, BOMB)
    real = 0  # the sizes above are what the archive claims; count what it unpacks to
    try:
        for i in infos:
            with z.open(i) as f:
                while chunk := f.read(1 << 16):
                    real += len(chunk)
                    if real > MAX_UNPACKED:
                        raise refuse(name, BOMB)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise refuse(name, f"tệp {what} bị hỏng (không giải nén được)") from None


def sniff(name: str, data: bytes, allowed: tuple[str, ...] = tuple(KINDS)) -> str:
    """The kind of an upload (a key of :data:`KINDS` in ``allowed``); raises
    :class:`InputError` naming what is wrong otherwise."""
    wanted = ", ".join(KINDS[k] for k in allowed)
    if not data:
        raise refuse(name, "tệp rỗng")
    if len(data) > MAX_ATTACHMENT:
        raise refuse(name, f"tệp quá lớn (tối đa {MAX_ATTACHMENT // (1024 * 1024)} MB)")
    kind = None
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            raise refuse(name, "tệp nén bị hỏng") from None
        kind = next((k for k, part in ZIP_PARTS.items() if part in names), None)
        if kind is None:
            raise refuse(name, f"tệp nén này không phải tệp được nhận ({wanted})")
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise refuse(name, "đây là tệp Office cũ (.doc, .xls): mở bằng Word hoặc Excel rồi lưu lại "
                           "dạng .docx hoặc .xlsx")
    if kind is None or kind not in allowed:
        raise refuse(name, f"chỉ nhận {wanted}; tệp này không phải loại đó (xét theo nội dung tệp)")
    if kind in ZIP_PARTS:
        check_zip(name, data, ZIP_PARTS[kind], KINDS[kind])
    return kind


def display_name(name: str) -> str:
    """A file name safe to show and to offer as a download name (no path, no control
    characters, at most 80 characters)."""
    base = Path(str(name or "").replace("\\", "/")).name
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = re.sub(r"[\"<>:|?*]+", "_", base).strip(" .")
    return base[:80] or "tep"


@dataclass(frozen=True)
class Kept:
    sha256: str
    size: int
    kind: str
    name: str
    stored: str      # path relative to the state folder


def quarantine(state_dir: Path, plan: str, name: str, data: bytes, kind: str) -> Kept:
    """Keep ``data`` (already sniffed as ``kind``) in the quarantine folder of ``plan``."""
    sha = hashlib.sha256(data).hexdigest()
    rel = Path(QUARANTINE) / plan / sha
    target = confined(state_dir, rel)
    if not target.exists():
        write_bytes(target, data)
        os.chmod(target, 0o600)
    return Kept(sha, len(data), kind, display_name(name), rel.as_posix())


def read_kept(state_dir: Path, stored: str) -> bytes:
    return confined(state_dir, stored).read_bytes()
