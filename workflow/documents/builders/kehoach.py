"""Builds templates/kehoach/ke-hoach.docx: a Kế hoạch (ND30 model 1.4) with its schedule annex."""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK

from .. import ooxml
from .common import (
    TEXT_WIDTH_MM,
    body_loop,
    closing_table,
    header_table,
    new_document,
    para,
    tag,
    title_block,
)

SCHEDULE_COLS_MM = (38.0, 67.0, 30.0, 30.0)


def build(path) -> None:
    doc = new_document()
    header_table(doc)
    title_block(doc)
    body_loop(doc, "body", keep_last=True)
    closing_table(doc)
    schedule_annex(doc)
    doc.save(path)


def schedule_annex(doc) -> None:
    tag(doc, "if schedule")
    p = para(doc, "", "KH Control")
    p.add_run().add_break(WD_BREAK.PAGE)
    para(doc, "Phụ lục", "KH Annex Title")
    para(doc, "LỊCH TRÌNH THỰC HIỆN", "KH Annex Title")
    para(doc, "(Kèm theo {{ doc.ref }} "
              "{{ doc.date_text }} của {{ doc.issuer_name }})", "KH Annex Note")
    ooxml.rule(doc, 40, TEXT_WIDTH_MM)
    t = doc.add_table(rows=3, cols=4)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.all_borders(t)
    ooxml.fixed_widths(t, list(SCHEDULE_COLS_MM))
    heads = ("Thời gian", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp")
    for cell, text in zip(t.rows[0].cells, heads):
        cell.paragraphs[0].style = doc.styles["KH Table Head"]
        ooxml.add_text(cell.paragraphs[0], text)
    ooxml.cant_split(t.rows[0])
    ooxml.repeat_header(t.rows[0])
    loop, row = t.rows[1], t.rows[2]
    loop.cells[0].paragraphs[0].style = doc.styles["KH Table"]
    ooxml.add_text(loop.cells[0].paragraphs[0], "{%tr for r in schedule %}")
    ooxml.cant_split(row)
    fields = ("{{ r.when }}", "{{ r.what }}", "{{ r.owner }}", "{{ r.with }}")
    for cell, text in zip(row.cells, fields):
        cell.paragraphs[0].style = doc.styles["KH Table"]
        ooxml.add_text(cell.paragraphs[0], text)
    end = t.add_row()
    end.cells[0].paragraphs[0].style = doc.styles["KH Table"]
    ooxml.add_text(end.cells[0].paragraphs[0], "{%tr endfor %}")
    tag(doc, "endif")
