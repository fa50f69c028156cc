"""Low-level python-docx helpers for ND30 templates: fonts on every script slot, rules,
borderless tables, page-number fields, A4 sections.

python-docx has no API for several of these, so they write OOXML directly — always in the
schema's child order, which Word enforces and LibreOffice forgives.
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
LANG = "vi-VN"

# Successors of w:pBdr inside w:pPr (ECMA-376 CT_PPrBase order).
_PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
# Successors of w:rFonts / w:lang inside w:rPr.
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def set_fonts(rpr, name: str = FONT, lang: str | None = LANG) -> None:
    """Set all four font slots (ascii, hAnsi, cs, eastAsia) and the language on an w:rPr."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # rFonts follows only rStyle
        style = rpr.find(qn("w:rStyle"))
        if style is not None:
            rpr.remove(fonts)
            style.addnext(fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    if lang:
        el = rpr.find(qn("w:lang"))
        if el is None:
            el = OxmlElement("w:lang")
            _insert_before(rpr, el, _RPR_AFTER_LANG)
        el.set(qn("w:val"), lang)
        el.set(qn("w:eastAsia"), lang)
        el.set(qn("w:bidi"), lang)


def _insert_before(parent, el, successors) -> None:
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(el)
            return
    parent.append(el)


def set_doc_defaults(document, size_pt: float = 14) -> None:
    """docDefaults: Times New Roman on every slot, vi-VN, the body size."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for child in list(rpr):
        if child.tag in (qn("w:sz"), qn("w:szCs")):
            rpr.remove(child)
    set_fonts(rpr)
    sz, szcs = OxmlElement("w:sz"), OxmlElement("w:szCs")
    sz.set(qn("w:val"), str(int(size_pt * 2)))
    szcs.set(qn("w:val"), str(int(size_pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.addprevious(sz)
    lang.addprevious(szcs)


def paragraph_style(document, name: str, *, base: str = "Normal", size: float | None = None,
                    bold: bool | None = None, italic: bool | None = None,
                    align=None, first_indent_mm: float | None = None,
                    left_mm: float | None = None, right_mm: float | None = None,
                    before_pt: float | None = None, after_pt: float | None = None,
                    line: float | None = None, keep_next: bool | None = None,
                    keep_together: bool | None = None):
    """Create (or update) a paragraph style with explicit fonts on every slot."""
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if base and name != base else None
    style.quick_style = True
    font = style.font
    font.name = FONT
    set_fonts(style.element.get_or_add_rPr())
    if size is not None:
        font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            rpr.find(qn("w:sz")).addnext(szcs)
        szcs.set(qn("w:val"), str(int(size * 2)))
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if first_indent_mm is not None:
        pf.first_line_indent = Mm(first_indent_mm)
    if left_mm is not None:
        pf.left_indent = Mm(left_mm)
    if right_mm is not None:
        pf.right_indent = Mm(right_mm)
    if before_pt is not None:
        pf.space_before = Pt(before_pt)
    if after_pt is not None:
        pf.space_after = Pt(after_pt)
    if line is not None:
        if line == 1:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            pf.line_spacing = line
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if keep_together is not None:
        pf.keep_together = keep_together
    pf.widow_control = True
    return style


def bottom_border(paragraph, size_eighths: int = 6) -> None:
    """A solid bottom border on the paragraph (the ND30 rule under a heading)."""
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    bdr.append(bottom)
    _insert_before(ppr, bdr, _PPR_AFTER_PBDR)


def rule(container, width_mm: float, available_mm: float, style: str = "KH Rule"):
    """A short horizontal rule: a 2 pt paragraph with a bottom border, centred by indents."""
    p = container.add_paragraph(style=style)
    side = max(0.0, (available_mm - width_mm) / 2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    bottom_border(p)
    return p


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # tblBorders comes after tblStyle/tblpPr/tblOverlap/bidiVisual/tblStyleRowBandSize/
    # tblStyleColBandSize/tblW/jc/tblCellSpacing/tblInd, before shd/tblLayout/tblCellMar/tblLook.
    _insert_before(tbl_pr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                     "w:tblCaption", "w:tblDescription", "w:tblPrChange"))


def all_borders(table, size_eighths: int = 4) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size_eighths))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    _insert_before(tbl_pr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                     "w:tblCaption", "w:tblDescription", "w:tblPrChange"))


def fixed_widths(table, widths_mm: list[float]) -> None:
    """Fixed layout with the given column widths (Word honours tcW, LibreOffice gridCol)."""
    table.autofit = False  # writes <w:tblLayout w:type="fixed"/> in its schema place
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)


def cell_margin_top(table, pt: float) -> None:
    """Top margin of every cell of the table (w:tblCellMar/w:top), in points."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    top = OxmlElement("w:top")
    top.set(qn("w:w"), str(int(pt * 20)))
    top.set(qn("w:type"), "dxa")
    mar.append(top)
    _insert_before(tbl_pr, mar, ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"))


def repeat_header(row) -> None:
    """Repeat this row at the top of every page (w:tblHeader)."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def cant_split(row) -> None:
    """Keep the row on one page (w:cantSplit precedes w:tblHeader in w:trPr)."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    header = trpr.find(qn("w:tblHeader"))
    if header is not None:
        header.addprevious(el)
    else:
        trpr.append(el)


def page_number_field(paragraph, size_pt: float = 14) -> None:
    """Append a PAGE field (complex field runs, as Word writes them)."""
    def run_with(child):
        r = paragraph.add_run()
        r.font.size = Pt(size_pt)
        r._r.append(child)
        return r
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    r = paragraph.add_run("2")
    r.font.size = Pt(size_pt)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def a4_section(section, *, landscape: bool = False, top=20, bottom=20, left=30, right=15) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def numbered_header(section, size_pt: float = 14) -> None:
    """Page numbers from page 2, centred in the top margin; nothing on page 1."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_number_field(p, size_pt)
    first = section.first_page_header
    first.is_linked_to_previous = False
    if not first.paragraphs:
        first.add_paragraph()


def add_text(paragraph, text: str, *, bold=None, italic=None, size=None):
    run = paragraph.add_run(text)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if size is not None:
        run.font.size = Pt(size)
        rpr = run._r.get_or_add_rPr()
        szcs = OxmlElement("w:szCs")
        szcs.set(qn("w:val"), str(int(size * 2)))
        rpr.find(qn("w:sz")).addnext(szcs)
    return run


def no_break_hyphens(element, char: str = "\u2011") -> None:
    """Write each ``char`` (U+2011) inside the text of ``element`` as Word's own non-breaking
    hyphen (``w:noBreakHyphen``): fonts such as Liberation Serif lack the U+2011 glyph, and
    Word and LibreOffice both draw ``w:noBreakHyphen`` with the font's hyphen."""
    for t in list(element.iter(qn("w:t"))):
        text = t.text or ""
        if char not in text:
            continue
        pieces = text.split(char)
        t.text = pieces[0]
        t.set(qn("xml:space"), "preserve")
        at = t
        for piece in pieces[1:]:
            hyphen = OxmlElement("w:noBreakHyphen")
            at.addnext(hyphen)
            nxt = OxmlElement("w:t")
            nxt.set(qn("xml:space"), "preserve")
            nxt.text = piece
            hyphen.addnext(nxt)
            at = nxt
