"""Helpers for the công văn tests: reading a saved .docx the way a reader sees it, and
reading the seed letters (the oracle)."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
from docx_helpers import SEEDS  # noqa: E402  (tests/fixtures/seeds)

# Old and new tone-mark placement spell the same word ("HOÀ" / "HÒA").
_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỷ": "ủy", "uý": "úy",
          "OÀ": "ÒA", "OÁ": "ÓA", "OẢ": "ỎA", "OÃ": "ÕA", "OẠ": "ỌA", "UỶ": "ỦY", "UÝ": "ÚY"}


def norm(text: str) -> str:
    """Whitespace collapsed (NBSP included), markdown '*' dropped, tone placement unified."""
    text = text.replace("*", "")
    for old, new in _TONES.items():  # only at the end of a syllable: "hoà" but not "đoạn"
        text = re.sub(old + r"(?!\w)", new, text)
    return " ".join(text.split())


def seed_text(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def seed_parts(number: str, corrections: dict[str, str] | None = None):
    """(header paragraphs, body paragraphs, table lines) of a seed letter.

    The header is everything before "Kính gửi"; table lines are those holding tabs.
    """
    text = seed_text(number)
    for old, new in (corrections or {}).items():
        text = text.replace(old, new)
    lines = text.splitlines()
    table = [ln for ln in lines if "\t" in ln]
    prose = "\n".join(ln for ln in lines if "\t" not in ln)
    paras = [norm(p) for p in re.split(r"\n\s*\n", prose) if norm(p)]
    k = next(i for i, p in enumerate(paras) if p.startswith("Kính gửi"))
    return paras[:k], paras[k:], table


def block_items(doc):
    """Body paragraphs and tables in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            yield Paragraph(el, doc)
        elif el.tag == qn("w:tbl"):
            yield Table(el, doc)


def table_paragraphs(table):
    """Paragraphs of a table row by row, each cell (w:tc) once."""
    from docx.text.paragraph import Paragraph

    for tr in table._tbl.findall(qn("w:tr")):
        for tc in tr.findall(qn("w:tc")):
            for p in tc.iter(qn("w:p")):
                yield Paragraph(p, table)


def reading_text(doc, *, skip_first_table: bool = True) -> str:
    """All text after the header table, in reading order, normalised."""
    parts = []
    first = True
    for item in block_items(doc):
        if hasattr(item, "rows"):
            if first and skip_first_table:
                first = False
                continue
            first = False
            parts.extend(p.text for p in table_paragraphs(item))
        else:
            parts.append(item.text)
    return norm(" ".join(parts))


def header_text(doc) -> str:
    return norm(" ".join(p.text for p in table_paragraphs(doc.tables[0])))


def find_paragraph(doc, pred):
    """The first paragraph (body or any table cell) whose normalised text satisfies pred."""
    for item in block_items(doc):
        paras = table_paragraphs(item) if hasattr(item, "rows") else [item]
        for p in paras:
            if pred(norm(p.text)):
                return p
    raise AssertionError("no such paragraph")


def effective(paragraph, attr: str):
    """bold / italic / size (pt) as Word shows it: run, then paragraph style chain."""
    runs = [r for r in paragraph.runs if r.text.strip()]
    values = set()
    for r in runs or [None]:
        v = getattr(r.font, attr) if r is not None else None
        style = paragraph.style
        while v is None and style is not None:
            v = getattr(style.font, attr)
            style = style.base_style
        if attr == "size" and v is not None:
            v = v.pt
        values.add(v)
    assert len(values) == 1, f"mixed {attr} in {paragraph.text!r}: {values}"
    return values.pop()


def open_docx(path) -> Document:
    return Document(str(path))


def grid(table):
    """The table as a grid of (text, how): how is 'own', 'hspan' (covered from the left)
    or 'vmerge' (covered from above), read from gridSpan / vMerge in the XML."""
    rows = []
    for tr in table._tbl.findall(qn("w:tr")):
        row = []
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span, vm = 1, None
            if pr is not None:
                gs = pr.find(qn("w:gridSpan"))
                span = int(gs.get(qn("w:val"))) if gs is not None else 1
                v = pr.find(qn("w:vMerge"))
                if v is not None:
                    vm = v.get(qn("w:val")) or "continue"
            text = norm("".join(t.text or "" for t in tc.iter(qn("w:t"))))
            row.append((text, "vmerge" if vm == "continue" else "own", span, vm))
            for _ in range(span - 1):
                row.append((text, "hspan", span, vm))
        rows.append(row)
    return rows
