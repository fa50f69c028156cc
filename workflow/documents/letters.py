"""Render a công văn (:class:`~workflow.plan.letter.Letter`) into a .docx.

The template ``kehoach/cong-van.docx`` carries the header, Kính gửi, body, closing block and
annex heading; the annex table (merged header cells, per-letter shape) is written after
rendering with python-docx at the ``{{ annex.table_marker }}`` paragraph, and a landscape
annex gets its own section. Everything goes to a temp file renamed over the target only
when the whole document is done.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell

from ..plan.letter import Letter, LetterDocument, Table, table_grid
from ..plan.models import Unit
from ..safeio import atomic_path
from . import ooxml, vnformat
from .builders.congvan import ANNEX_BREAK_STYLE
from .context import blocks_context, recipients_context
from .render import render_docx
from .reproducible import saved_bytes
from .templates import find_template

LETTER_TEMPLATE = "kehoach/cong-van.docx"
TABLE_MARKER = "\u27e6bảng phụ lục\u27e7"  # ⟦bảng phụ lục⟧, replaced by the annex table
PORTRAIT_TEXT_MM = 165.0
LANDSCAPE_TEXT_MM = 252.0


def _blank(n: int | None, *, pad: bool) -> str:
    return vnformat.two(n, zero_pad=pad)


def date_text(doc: LetterDocument) -> str:
    """'ngày 05 tháng 02 năm 2024' (ND30 zero rule); blanks leave room to write by hand."""
    d = doc.date
    if d.year is not None:
        return vnformat.doc_date(d.day, d.month, d.year)
    month = _blank(d.month, pad=d.month in (1, 2)) if d.month else vnformat.BLANK
    return f"ngày {_blank(d.day, pad=True)} tháng {month} năm {vnformat.BLANK}"


def short_date_text(doc: LetterDocument) -> str:
    """'ngày 05/10/2024' for the annex note; blanks stay blank ('ngày      /10/2024')."""
    d = doc.date
    day = f"{d.day:02d}" if d.day else vnformat.BLANK
    month = str(d.month) if d.month else vnformat.BLANK
    year = str(d.year) if d.year else vnformat.BLANK
    return f"ngày {day}/{month}/{year}"


def number_text(doc: LetterDocument) -> str:
    return vnformat.doc_number(doc.number)


def issuer_phrase(doc: LetterDocument) -> str:
    """The issuing body as used inside a sentence ('Phòng Giáo dục và Đào tạo')."""
    return vnformat.issuer_phrase(doc.issuer_name, doc.issuing_body)


def kinh_gui(to: list[str], units: dict[str, Unit]) -> tuple[str, list[str]]:
    """(inline, list): one recipient → inline text; several → '- X;' … last '- X.'."""
    names = [vnformat.one_line(units[t].name if t in units else t).rstrip(";.") for t in to]
    if len(names) == 1:
        return names[0], []
    lines = [f"- {n};" for n in names]
    lines[-1] = lines[-1][:-1] + "."
    return "", lines


def letter_context(letter: Letter, units: dict[str, Unit] | None = None) -> dict:
    """Everything the template prints, as plain strings, lists and dicts."""
    units = units or {}
    doc = letter.document
    inline, listed = kinh_gui(letter.to, units)
    body: list[dict] = []
    blocks_context(letter.body, body)
    ctx = {
        "doc": {
            "parent_body": vnformat.one_line(doc.parent_body or "").upper(),
            "issuing_body": "\n".join(vnformat.one_line(x) for x in doc.issuing_body.strip().splitlines()).upper(),
            "number_text": number_text(doc),
            "symbol": doc.symbol,
            "place": vnformat.one_line(doc.place),
            "date_text": date_text(doc),
            "subject": doc.subject,
            "issuer_name": issuer_phrase(doc),
        },
        "to_inline": inline,
        "to_list": listed,
        "body": body,
        "recipients": recipients_context(letter.recipients, letter.archive),
        "signer": {"lines": [vnformat.one_line(x).upper() for x in letter.signer.lines],
                   "name": vnformat.one_line(letter.signer.name)},
        "annex": None,
    }
    if letter.annex is not None:
        a = letter.annex
        annex_body: list[dict] = []
        blocks_context(a.content, annex_body)
        note = a.note or (f"(Kèm theo {vnformat.doc_ref('Công văn', doc.number, doc.symbol)} "
                          f"{short_date_text(doc)} của {issuer_phrase(doc)})")
        ctx["annex"] = {"label": vnformat.one_line(a.label), "title": vnformat.one_line(a.title),
                        "note": vnformat.one_line(note) if a.note else note, "body": annex_body,
                        "table_marker": TABLE_MARKER if a.table else ""}
    return ctx


def build_letter_docx(letter: Letter, target: Path, *, template_dirs=(),
                      units: dict[str, Unit] | None = None) -> Path:
    """Write ``letter`` as a .docx at ``target`` (atomically) and return ``target``.

    ``units`` resolves unit ids in ``letter.to`` to names (ids not found print as written).
    Raises :class:`~workflow.errors.InputError` when the template is missing or broken.
    """
    target = Path(target)
    tpl = find_template(LETTER_TEMPLATE, user_dirs=list(template_dirs))
    merged = dict(units or {})
    merged.update(letter.units)
    ctx = letter_context(letter, merged)
    with atomic_path(target) as tmp:
        render_docx(tpl, ctx, tmp)
        if letter.annex is not None:
            _finish_annex(tmp, letter)
    return target


# --- the annex, after rendering ---------------------------------------------------------

def _finish_annex(path: Path, letter: Letter) -> None:
    doc = Document(str(path))
    annex = letter.annex
    if annex.landscape:
        _landscape_annex(doc, ANNEX_BREAK_STYLE, annex.label)
    if annex.table is not None:
        marker = next((p for p in doc.paragraphs if p.text.strip() == TABLE_MARKER), None)
        width = LANDSCAPE_TEXT_MM if annex.landscape else PORTRAIT_TEXT_MM
        tbl = _annex_table(doc, annex.table, width)
        if marker is not None:
            marker._p.addprevious(tbl._tbl)
            for r in list(marker.runs):
                r._r.getparent().remove(r._r)
        # else: a user template without the marker: the table stays at the end
    Path(path).write_bytes(saved_bytes(doc))


def _landscape_annex(doc, break_style: str, label: str) -> None:
    """End the letter's section at the annex page break; the annex section is landscape."""
    paras = doc.paragraphs
    brk = next((p for p in paras if p.style is not None and p.style.name == break_style), None)
    if brk is None:  # user template restyled: use the paragraph before the annex label
        idx = next((i for i, p in enumerate(paras) if p.text.strip() == label), None)
        if idx is None or idx == 0:
            return
        brk = paras[idx - 1]
    body_sect = doc.element.body.find(qn("w:sectPr"))
    letter_sect = copy.deepcopy(body_sect)
    for r in brk._p.findall(qn("w:r")):
        if r.find(qn("w:br")) is not None:
            brk._p.remove(r)
    ppr = brk._p.get_or_add_pPr()
    change = ppr.find(qn("w:pPrChange"))
    if change is not None:
        change.addprevious(letter_sect)
    else:
        ppr.append(letter_sect)
    sec = doc.sections[-1]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.different_first_page_header_footer = False  # annex pages carry page numbers too


def _annex_table(doc, table: Table, width_mm: float):
    ncols, placed = table_grid(table)
    nhead = len(table.header)
    t = doc.add_table(rows=len(placed), cols=ncols)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.all_borders(t)
    widths = list(table.widths) or [width_mm / ncols] * ncols
    ooxml.fixed_widths(t, widths)
    aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
              "right": WD_ALIGN_PARAGRAPH.RIGHT}
    # Cells taken once from the regular grid (python-docx's table.cell() rescans the table).
    matrix = [[_Cell(tc, t) for tc in tr.tc_lst] for tr in t._tbl.tr_lst]
    style_ids = {True: doc.styles["KH Table Head"].style_id, False: doc.styles["KH Table"].style_id}
    for r, origins in enumerate(placed):
        head = r < nhead
        for _r, c, cell in origins:
            p = matrix[r][c].paragraphs[0]
            p._p.style = style_ids[head]
            align = cell.align or (None if head else (table.align[c] if table.align else None))
            if align:
                p.alignment = aligns[align]
            if cell.text:
                ooxml.add_text(p, cell.text)
    for r, origins in enumerate(placed):
        for _r, c, cell in origins:
            if cell.rows > 1 or cell.cols > 1:
                matrix[r][c].merge(matrix[r + cell.rows - 1][c + cell.cols - 1])
    for tr in t._tbl.tr_lst:
        for tc in tr.tc_lst:
            _Cell(tc, t).vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    for r, row in enumerate(t.rows):
        ooxml.cant_split(row)
        if r < nhead:
            ooxml.repeat_header(row)
    return t
