"""A QR code printed in a .docx: the paragraph holding an address gets, right after it, a
centred picture of that address as a QR code (segno, pure Python), so a clerk holding the
paper letter opens the page with a phone."""

from __future__ import annotations

import io
from pathlib import Path

from ..safeio import write_bytes
from .reproducible import saved_bytes

QR_MM = 32


def qr_png(text: str) -> bytes:
    """``text`` as a PNG QR code (error correction M, a quiet zone of 4 modules)."""
    # a heavy library: loaded only when this runs
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=10, border=4)
    return buf.getvalue()


def add_qr(docx: Path, text: str) -> Path:
    """Insert the QR code of ``text`` after the paragraph of ``docx`` that says ``text``
    (centred, as an address on its own line); the document is rewritten in one piece.
    Raises ValueError when no paragraph says ``text`` (the caller put it there)."""
    # a heavy library: loaded only when this runs
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Mm
    from docx.text.paragraph import Paragraph

    doc = Document(str(docx))
    para = next((p for p in doc.paragraphs if p.text.strip() == text), None)
    if para is None:
        raise ValueError(f"no paragraph holds {text!r}")
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = 0
    para.paragraph_format.keep_with_next = True  # the address and its code on one page
    new = OxmlElement("w:p")
    para._p.addnext(new)
    pic = Paragraph(new, para._parent)
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.paragraph_format.keep_with_next = False
    pic.add_run().add_picture(io.BytesIO(qr_png(text)), width=Mm(QR_MM))
    write_bytes(docx, saved_bytes(doc))
    return docx
