"""Bordered tables with a merged header, written into a rendered .docx, and the landscape
sections wide ones need.

A table's shape (how many columns, which header cells span) may depend on the data, which a
docxtpl row loop cannot express; these tables are written after rendering at a marker
paragraph. Thousands of body rows are cloned from one prototype row (lxml deepcopy), not
built cell by cell: python-docx's cell API costs milliseconds a row.

Page layout as published documents have it: the header rows repeat on every page, no row
breaks across pages, and no page holds a single body row of a table (the header rows, the
first body row and the one before the last keep with the next; a small table keeps whole).
"""

from __future__ import annotations

import copy
import unicodedata

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from . import ooxml

# Advance widths of Times New Roman (= Liberation Serif) in thousandths of an em, from the
# Times-Roman metrics; a letter with Vietnamese marks is as wide as its base letter.
_WIDTHS = dict(zip("abcdefghijklmnopqrstuvwxyz",
                   (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500,
                    500, 333, 389, 278, 500, 500, 722, 500, 500, 444)))
_WIDTHS.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556,
                    722, 667, 556, 611, 722, 722, 944, 722, 722, 611)))
_WIDTHS.update({" ": 250, ".": 250, ",": 250, ":": 278, ";": 278, "(": 333, ")": 333, "-": 333,
                "–": 500, "%": 833, "/": 278, "đ": 500, "Đ": 722, **{d: 500 for d in "0123456789"}})
CELL_MARGINS_MM = 3.8 + 0.8     # 1,9 mm each side (Word's and LibreOffice's default), and slack

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT}
WHOLE_BELOW = 8      # a table with at most this many body rows is kept on one page


def grid_table(doc, *, head, head_rows: int, rows: list[list[str]], widths_mm: list[float],
               align: list[str], bold_rows=frozenset(), head_style: str = "KH Table Head",
               body_style: str = "KH Table"):
    """Append a table to ``doc``'s body and return it (move ``table._tbl`` where it belongs).

    ``head`` lists header cells as (row, col, rows spanned, cols spanned, text) over a grid of
    ``head_rows`` rows and ``len(widths_mm)`` columns; ``rows`` are the body rows' texts."""
    ncols = len(widths_mm)
    t = doc.add_table(rows=head_rows + 1, cols=ncols)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.all_borders(t)
    ooxml.fixed_widths(t, list(widths_mm))
    tbl = t._tbl
    matrix = [[_Cell(tc, t) for tc in tr.tc_lst] for tr in tbl.tr_lst]
    head_id = doc.styles[head_style].style_id
    body_id = doc.styles[body_style].style_id
    for r, c, _rs, _cs, text in head:
        p = matrix[r][c].paragraphs[0]
        p._p.style = head_id
        ooxml.add_text(p, text)
    for r, c, rs, cs, _ in head:
        if rs > 1 or cs > 1:
            matrix[r][c].merge(matrix[r + rs - 1][c + cs - 1])
    for tr in tbl.tr_lst[:head_rows]:
        for tc in tr.tc_lst:
            cell = _Cell(tc, t)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            for p in cell.paragraphs:
                p._p.style = head_id
                p.paragraph_format.keep_with_next = True
    for row in t.rows[:head_rows]:
        ooxml.cant_split(row)
        ooxml.repeat_header(row)

    proto = tbl.tr_lst[head_rows]
    for c, tc in enumerate(proto.tc_lst):
        cell = _Cell(tc, t)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        p = cell.paragraphs[0]
        p._p.style = body_id
        p.alignment = ALIGN[align[c]]
        p.add_run().text = "-"            # a w:t to write each row's text into
    ooxml.cant_split(t.rows[head_rows])
    tbl.remove(proto)
    variants: dict[tuple[bool, bool], object] = {}

    def variant(keep: bool, bold: bool):
        key = (keep, bold)
        if key not in variants:
            tr = copy.deepcopy(proto)
            if keep:
                for p in tr.iter(qn("w:p")):
                    p.get_or_add_pPr().keepNext_val = True
            if bold:
                for r in tr.iter(qn("w:r")):
                    r.get_or_add_rPr().get_or_add_b()
            variants[key] = tr
        return variants[key]

    n = len(rows)
    whole = n <= WHOLE_BELOW
    for i, texts in enumerate(rows):
        keep = i < n - 1 and (whole or i == 0 or i == n - 2)
        tr = copy.deepcopy(variant(keep, i in bold_rows))
        for el, text in zip(tr.iter(qn("w:t")), texts):
            el.text = text
        tbl.append(tr)
    return t


def text_mm(text: str, size_pt: float = 12, *, bold: bool = False) -> float:
    """How wide ``text`` is in a table cell, in mm, cell margins included ('Mức độ 3' in
    12 pt: 21 mm), so a column can be made just wide enough not to wrap it."""
    ems = 0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch not in _WIDTHS else ch
        ems += _WIDTHS.get(base, 556)
    width = ems / 1000 * size_pt * 25.4 / 72
    return width * (1.06 if bold else 1.0) + CELL_MARGINS_MM


def replace_marker(doc, marker: str, element) -> bool:
    """Put ``element`` (a table) where the body paragraph reading ``marker`` is and drop that
    paragraph; False when the template has no such paragraph (the element stays put)."""
    for p in doc.element.body.iterchildren(qn("w:p")):
        if marker in "".join(t.text or "" for t in p.iter(qn("w:t"))):
            p.addprevious(element)
            p.getparent().remove(p)
            return True
    return False


def paragraphs_in_style(doc, style_name: str) -> list:
    """The body's paragraphs in style ``style_name`` (compared by style id: python-docx's
    paragraph.style looks the style up anew for each paragraph)."""
    try:
        sid = doc.styles[style_name].style_id
    except KeyError:
        return []
    body = doc.element.body
    return [Paragraph(p, doc._body) for p in body.iterchildren(qn("w:p"))
            if p.pPr is not None and p.pPr.pStyle is not None and p.pPr.pStyle.val == sid]


def set_orientations(doc, starts: list[tuple[object, bool]]) -> None:
    """Make the document's pages turn where a part starts on a new page in another orientation.

    ``starts`` lists, in document order, (paragraph holding the page break before a part,
    landscape?) — the body before the first part is portrait. Where the orientation changes,
    that page break becomes a section break (next page); the sections after the first carry
    page numbers on every page, their first included."""
    body_sect = doc.element.body.find(qn("w:sectPr"))
    current = False
    breaks = []
    for para, landscape in starts:
        if landscape != current:
            breaks.append((para, current))
            current = landscape
    if not breaks:
        return
    for para, _ in breaks:
        for r in para._p.findall(qn("w:r")):
            if any(br.get(qn("w:type")) == "page" for br in r.iter(qn("w:br"))):
                para._p.remove(r)         # the section break starts the new page
        para._p.get_or_add_pPr()._insert_sectPr(copy.deepcopy(body_sect))
    sections = list(doc.sections)
    orient = [landscape for _, landscape in breaks] + [current]
    for i, (sec, landscape) in enumerate(zip(sections, orient)):
        w, h = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = w, h
        if i:
            sec.different_first_page_header_footer = False
            # inherit the first section's headers (python-docx's is_linked_to_previous would
            # also drop the header part the first section still uses)
            for ref in sec._sectPr.findall(qn("w:headerReference")) + sec._sectPr.findall(qn("w:footerReference")):
                sec._sectPr.remove(ref)
