"""Same content, same bytes: fixed member times in a written .docx (or any zip).

python-docx stamps every zip member with the current time, so two builds of an unchanged
plan differed byte for byte and the manifest's hashes could not tell a rebuild what changed.
The times are overwritten in place (local headers and central directory); nothing is
recompressed, so this costs well under a millisecond.

:func:`saved_bytes` saves a document in memory: written to disk in one write afterwards, a
full disk fails cleanly, instead of leaving a half-closed zip for the garbage collector
(whose second failure printed "Exception ignored in ZipFile.__del__").
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

_EPOCH = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)  # DOS time 00:00:00, date 1980-01-01
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


def saved_bytes(document) -> bytes:
    """The bytes of a python-docx ``Document`` or a docxtpl template, saved in memory, with
    fixed member times."""
    buf = io.BytesIO()
    document.save(buf)
    _fix_times(buf)
    return buf.getvalue()


def fix_zip_times(path: Path) -> None:
    """Set every member of the zip at ``path`` to 1980-01-01 00:00, in place."""
    with open(path, "r+b") as f:
        _fix_times(f)


def _fix_times(f) -> None:
    """Set every member of the zip in the open file ``f`` (read and write) to 1980-01-01."""
    with zipfile.ZipFile(f) as z:
        offsets = [i.header_offset for i in z.infolist()]
        central = z.start_dir
    for off in offsets:
        f.seek(off)
        if f.read(4) == _LOCAL:
            f.seek(off + 10)
            f.write(_EPOCH)
    pos = central
    for _ in offsets:
        f.seek(pos)
        head = f.read(46)
        if head[:4] != _CENTRAL:
            break
        f.seek(pos + 12)
        f.write(_EPOCH)
        name, extra, comment = struct.unpack("<HHH", head[28:34])
        pos += 46 + name + extra + comment
