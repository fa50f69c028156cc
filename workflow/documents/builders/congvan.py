"""Builds templates/kehoach/cong-van.docx: a công văn (ND30 model 1.5).

Header with "Số: …/<symbol>" and "V/v …" under it, "Kính gửi:" (one recipient inline or a
dashed list), the body, Nơi nhận beside the signature, and an optional annex on a new page.
The annex table itself is written after rendering (documents/letters.py) at the paragraph
holding ``{{ annex.table_marker }}``, because its merged header cells vary per letter.
"""

from __future__ import annotations

from docx.enum.text import WD_BREAK

from .. import ooxml
from .common import (
    TEXT_WIDTH_MM,
    C,
    L,
    body_loop,
    closing_table,
    header_table,
    new_document,
    para,
    tag,
)

ANNEX_BREAK_STYLE = "CV Annex Break"


def letter_styles(doc) -> None:
    s = ooxml.paragraph_style
    s(doc, "CV Subject", size=12, align=C, line=1, before_pt=2)
    s(doc, "CV Kinh Gui", size=14, align=C, line=1, before_pt=12, after_pt=6)
    s(doc, "CV Kinh Gui List", size=14, align=L, left_mm=30, line=1, before_pt=12, after_pt=0)
    s(doc, "CV Kinh Gui Item", size=14, align=L, left_mm=50, line=1, after_pt=0)
    s(doc, "CV Spacer", size=6, line=1, after_pt=6)
    s(doc, ANNEX_BREAK_STYLE, size=2, line=1)


def build(path) -> None:
    doc = new_document()
    letter_styles(doc)
    header_table(doc, extra_left=_subject)
    kinh_gui(doc)
    body_loop(doc, "body", keep_last=True)
    closing_table(doc)
    annex(doc)
    doc.save(path)


def _subject(cell) -> None:
    p = cell.add_paragraph(style="CV Subject")
    ooxml.add_text(p, "V/v {{ doc.subject }}")


def kinh_gui(doc) -> None:
    tag(doc, "if to_inline")
    para(doc, "Kính gửi: {{ to_inline }}", "CV Kinh Gui")
    tag(doc, "else")
    para(doc, "Kính gửi:", "CV Kinh Gui List")
    tag(doc, "for r in to_list")
    para(doc, "{{ r }}", "CV Kinh Gui Item")
    tag(doc, "endfor")
    tag(doc, "endif")
    para(doc, "", "CV Spacer")


def annex(doc) -> None:
    tag(doc, "if annex")
    p = para(doc, "", ANNEX_BREAK_STYLE)
    p.add_run().add_break(WD_BREAK.PAGE)
    para(doc, "{{ annex.label }}", "KH Annex Title")
    para(doc, "{{ annex.title }}", "KH Annex Title")
    para(doc, "{{ annex.note }}", "KH Annex Note")
    ooxml.rule(doc, 40, TEXT_WIDTH_MM)
    tag(doc, "for b in annex.body")
    para(doc, "{{ b.text }}", "KH Body")
    tag(doc, "endfor")
    para(doc, "{{ annex.table_marker }}", "KH Table")
    tag(doc, "endif")
