"""Builds templates/baocao/bao-cao-pcgd-xmc.docx: the October Báo cáo PCGD, XMC (ND30).

Body parts come as a flat list (h1/h2/p/chart/caption/remark), then the comparison table
(kept on one page), the closing parts (the last paragraph kept with the signature), the
signature and one annex per programme (Phụ lục I, II, …). Each annex's table depends on the
criteria (a column group per cohort) and is written after rendering at the paragraph
holding ``{{ a.marker }}`` (statistics/api.py); the annex's page break paragraph (style
"BC Annex Break") becomes a section break where the annex turns landscape.
"""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK

from .. import ooxml
from .common import (
    TEXT_WIDTH_MM,
    C,
    body_loop,
    closing_table,
    header_table,
    new_document,
    para,
    tag,
)

COMPARE_COLS_MM = (10.0, 63.0, 23.0, 23.0, 23.0, 23.0)  # "TT" wraps below 10 mm
ANNEX_BREAK_STYLE = "BC Annex Break"


def build(path) -> None:
    doc = new_document()
    ooxml.paragraph_style(doc, "BC Time", base="KH Subject", bold=False, italic=True, after_pt=0)
    ooxml.paragraph_style(doc, "BC Sample", base="KH Body", italic=True, align=C, first_indent_mm=0)
    # a chart stays with its caption under it; the caption is centred and italic as in print
    ooxml.paragraph_style(doc, "BC Chart", base="KH Body", align=C, first_indent_mm=0, keep_next=True,
                          before_pt=6, after_pt=0)
    ooxml.paragraph_style(doc, "BC Caption", base="KH Body", align=C, first_indent_mm=0, italic=True,
                          keep_next=False, after_pt=12)
    ooxml.paragraph_style(doc, "BC Remark", base="KH Body", italic=True)
    ooxml.paragraph_style(doc, ANNEX_BREAK_STYLE, base="KH Control")
    header_table(doc)
    para(doc, "{{ doc.type_upper }}", "KH Title")
    para(doc, "{{ doc.title }}", "KH Subject")
    para(doc, "{{ time_line }}", "BC Time")
    ooxml.rule(doc, 40, TEXT_WIDTH_MM)
    tag(doc, "if sample")
    para(doc, "{{ sample }}", "BC Sample")
    tag(doc, "endif")
    body_loop(doc, "body", chart_style="BC Chart", extra={"caption": "BC Caption", "remark": "BC Remark"})
    compare_table(doc)
    body_loop(doc, "closing", keep_last=True)
    closing_table(doc)
    annexes(doc)
    doc.save(path)


def _table(doc, widths, heads):
    t = doc.add_table(rows=3, cols=len(widths))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.all_borders(t)
    ooxml.fixed_widths(t, list(widths))
    for cell, text in zip(t.rows[0].cells, heads):
        cell.paragraphs[0].style = doc.styles["KH Table Head"]
        ooxml.add_text(cell.paragraphs[0], text)
    ooxml.cant_split(t.rows[0])
    ooxml.repeat_header(t.rows[0])
    return t


def _row_loop(doc, t, var: str, fields) -> None:
    """A docxtpl row loop; each row keeps with the next, so the small table stays whole on
    one page with its title (never one row left on the next page)."""
    loop, row = t.rows[1], t.rows[2]
    loop.cells[0].paragraphs[0].style = doc.styles["KH Table"]
    ooxml.add_text(loop.cells[0].paragraphs[0], "{%tr for r in " + var + " %}")
    ooxml.cant_split(row)
    for i, (cell, text) in enumerate(zip(row.cells, fields)):
        cell.paragraphs[0].style = doc.styles["KH Table" if i == 1 else "KH Table Head"]
        ooxml.add_text(cell.paragraphs[0], text, bold=False if i != 1 else None)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    for cell in t.rows[0].cells:
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    end = t.add_row()
    end.cells[0].paragraphs[0].style = doc.styles["KH Table"]
    ooxml.add_text(end.cells[0].paragraphs[0], "{%tr endfor %}")


def compare_table(doc) -> None:
    """Indicators this year against last year and the target (like seed 002's table)."""
    tag(doc, "if compare")
    para(doc, "{{ compare_title }}", "KH Heading 2")
    t = _table(doc, COMPARE_COLS_MM, ("TT", "Chỉ tiêu", "{{ compare_heads.previous }}",
                                      "{{ compare_heads.current }}", "Mục tiêu", "Đánh giá"))
    _row_loop(doc, t, "compare", ("{{ r.tt }}", "{{ r.text }}", "{{ r.previous }}", "{{ r.current }}",
                                  "{{ r.target }}", "{{ r.verdict }}"))
    para(doc, "", "KH Control")
    tag(doc, "endif")


def annexes(doc) -> None:
    tag(doc, "for a in annexes")
    p = para(doc, "", ANNEX_BREAK_STYLE)
    p.add_run().add_break(WD_BREAK.PAGE)
    para(doc, "Phụ lục {{ a.roman }}", "KH Annex Title")
    para(doc, "{{ a.title }}", "KH Annex Title")
    para(doc, "{{ a.note }}", "KH Annex Note")
    ooxml.rule(doc, 40, TEXT_WIDTH_MM)
    para(doc, "{{ a.marker }}", "KH Table")
    tag(doc, "endfor")
