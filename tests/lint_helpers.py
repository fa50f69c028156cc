"""Helpers for the lint tests: a good generated document, mutations, a hand-made document."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"


def build_good(out_dir: Path) -> Path:
    """Build the sample plan; return the Kế hoạch .docx."""
    from workflow.build import build_plan

    res = build_plan(PLAN, out_dir=out_dir)
    return next(p for kind, p in res.outputs if kind == "ke-hoach")


def copy_of(src: Path, dst_dir: Path, name: str) -> Path:
    dst = dst_dir / f"{name}.docx"
    shutil.copyfile(src, dst)
    return dst


def all_paragraphs(d):
    """Every paragraph of the body, table cells included, in reading order."""
    body = d.element.body
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, d._body) for p in body.iter(qn("w:p"))]


def find_par(d, starts: str):
    for p in all_paragraphs(d):
        if " ".join(p.text.replace("\u00a0", " ").split()).startswith(starts):
            return p
    raise AssertionError(f"no paragraph starts with {starts!r}")


def set_text(p, text: str) -> None:
    """Replace a paragraph's text, keeping the first run's formatting."""
    runs = p.runs
    runs[0].text = text
    for r in runs[1:]:
        r._r.getparent().remove(r._r)


def remove(p) -> None:
    p._p.getparent().remove(p._p)


def fonts_on(run, **slots) -> None:
    rpr = run._r.get_or_add_rPr()
    f = rpr.find(qn("w:rFonts"))
    if f is None:
        f = OxmlElement("w:rFonts")
        rpr.insert(0, f)
    for slot, name in slots.items():
        f.set(qn("w:" + slot), name)


# --- a correct document made by hand with python-docx, not with kehoach's builders -----

def _tnr(style_or_run_rpr) -> None:
    f = style_or_run_rpr.find(qn("w:rFonts"))
    if f is None:
        f = OxmlElement("w:rFonts")
        style_or_run_rpr.insert(0, f)
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        f.set(qn("w:" + slot), "Times New Roman")
    for theme in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
        f.attrib.pop(qn("w:" + theme), None)


def _run(p, text, *, bold=None, italic=None, size=None):
    r = p.add_run(text)
    r.bold, r.italic = bold, italic
    if size:
        r.font.size = Pt(size)
    return r


def _border_bottom(p) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    b = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        b.set(qn("w:" + k), v)
    bdr.append(b)
    ppr.append(bdr)


def handmade_cong_van(path: Path, *, pages: int = 2) -> Path:
    """A công văn as an office clerk would type it: line breaks inside paragraphs, fonts on
    the Normal style only (docDefaults keep the theme fonts), page number in the header."""
    d = docx.Document()
    normal = d.styles["Normal"]
    _tnr(normal.element.get_or_add_rPr())
    normal.font.size = Pt(14)
    for name in ("Header", "Table Grid"):
        try:
            _tnr(d.styles[name].element.get_or_add_rPr())
        except KeyError:
            pass
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    r.append(t)
    fld.append(r)
    hp._p.append(fld)

    t = d.add_table(rows=1, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = t.cell(0, 0), t.cell(0, 1)
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "UBND HUYỆN CÁT HẢI", size=13)
    p.add_run().add_break()
    _run(p, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", bold=True, size=13)
    _border_bottom(p)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "Số: 45/PGDĐT", size=13)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "V/v báo cáo số liệu phổ cập giáo dục năm 2024", size=12)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    p.add_run().add_break()
    _run(p, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    _border_bottom(p)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "Cát Hải, ngày 12 tháng 3 năm 2024", italic=True, size=14)

    p = d.add_paragraph()
    _run(p, "Kính gửi:", size=14)
    for name in ("Các trường mầm non;", "Các trường tiểu học;", "Các trường THCS."):
        q = d.add_paragraph()
        q.paragraph_format.left_indent = Mm(20)
        _run(q, "- " + name)
    text = ("Thực hiện Kế hoạch phổ cập giáo dục năm 2024 của Ủy ban nhân dân huyện, Phòng Giáo "
            "dục và Đào tạo đề nghị các trường rà soát số liệu trẻ em, học sinh trong độ tuổi "
            "phổ cập và gửi báo cáo đúng thời hạn.")
    for i in range(12 * pages):
        q = d.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        q.paragraph_format.first_line_indent = Mm(12.7)
        _run(q, f"{i + 1}. {text}")
    c = d.add_table(rows=1, cols=2)
    left, right = c.cell(0, 0), c.cell(0, 1)
    p = left.paragraphs[0]
    _run(p, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Như trên;", "- LĐ, CV PGDĐT;", "- Lưu: VT."):
        p.add_run().add_break()
        _run(p, line, size=11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "KT. TRƯỞNG PHÒNG", bold=True, size=14)
    p.add_run().add_break()
    _run(p, "PHÓ TRƯỞNG PHÒNG", bold=True, size=14)
    for _ in range(4):
        p.add_run().add_break()
    _run(p, "Trần Việt Bắc", bold=True, size=14)
    d.save(str(path))
    return path


def page_break_before_annex(d) -> None:
    p = d.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)


def handmade_ke_hoach_tabs(path: Path) -> Path:
    """A Kế hoạch typed without a header table: the two header columns separated by a tab,
    the title and trích yếu in one paragraph with a line break, Nơi nhận and the signature as
    plain paragraphs; fonts set once in docDefaults (theme attributes removed)."""
    d = docx.Document()
    defaults = d.styles.element.find(qn("w:docDefaults"))
    _tnr(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    d.styles["Normal"].font.size = Pt(14)
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(25), Mm(20), Mm(35), Mm(20)
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        r = hp.add_run("2" if kind is None and text is None else None)
        r.font.size = Pt(13)
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r._r.append(fc)
        elif text:
            it = OxmlElement("w:instrText")
            it.text = text
            r._r.append(it)

    def tabbed(left, right, *, lfmt, rfmt):
        p = d.add_paragraph()
        p.paragraph_format.tab_stops.add_tab_stop(Mm(95))
        _run(p, left, **lfmt)
        p.add_run("\t")
        _run(p, right, **rfmt)
        return p

    tabbed("UBND QUẬN BA ĐÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           lfmt={"size": 13}, rfmt={"bold": True, "size": 12})
    tabbed("BAN CHỈ ĐẠO PCGD, XMC", "Độc lập - Tự do - Hạnh phúc",
           lfmt={"bold": True, "size": 13}, rfmt={"bold": True, "size": 13})
    _border_bottom(d.add_paragraph())
    tabbed("Số: 12/KH-BCĐ", "Ba Đình, ngày 05 tháng 02 năm 2024",
           lfmt={"size": 13}, rfmt={"italic": True, "size": 14})
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "KẾ HOẠCH", bold=True)
    p.add_run().add_break()
    _run(p, "Công tác phổ cập giáo dục, xóa mù chữ năm 2024", bold=True)
    for text in ("Căn cứ Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ;",
                 "Căn cứ Thông tư số 07/2016/TT-BGDĐT ngày 22/3/2016 của Bộ Giáo dục và Đào tạo."):
        _run(d.add_paragraph(), text, italic=True)
    body = ("Ban Chỉ đạo phổ cập giáo dục, xóa mù chữ quận ban hành Kế hoạch công tác phổ cập "
            "giáo dục, xóa mù chữ năm 2024 với các nội dung cụ thể như sau đây.")
    for _ in range(40):
        q = d.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _run(q, body)
    _run(d.add_paragraph(), "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Sở GDĐT Hà Nội;", "- UBND các phường;", "- Lưu: VT, PGDĐT."):
        _run(d.add_paragraph(), line, size=11)
    for line in ("TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND QUẬN", "", "Phạm Thị Diễm"):
        q = d.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if line:
            _run(q, line, bold=True)
    d.save(str(path))
    return path
