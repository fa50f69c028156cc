"""A corpus of deliberately broken documents, each made from a good generated Kế hoạch:
every break must be caught by the right rule, and by no other rule."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor
from lint_helpers import all_paragraphs, build_good, copy_of, find_par, fonts_on, remove, set_text

from workflow.documents.lint import lint_docx


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build_good(tmp_path_factory.mktemp("good"))


def test_the_generated_plan_is_clean(good):
    assert lint_docx(good) == []


# --- mutations: name -> (function(document), expected rule ids) ----------------------

def arial_everywhere(d):
    for p in all_paragraphs(d):
        for r in p.runs:
            fonts_on(r, ascii="Arial", hAnsi="Arial")


def arial_one_slot(d):
    fonts_on(find_par(d, "Căn cứ").runs[0], cs="Arial")


def theme_font_in_style(d):
    rpr = d.styles["KH Body"].element.get_or_add_rPr()
    f = rpr.find(qn("w:rFonts"))
    f.set(qn("w:asciiTheme"), "minorHAnsi")  # the theme maps it to Calibri/Cambria


def margins_10mm(d):
    for s in d.sections:
        s.left_margin = s.right_margin = Mm(10)


def letter_paper(d):
    for s in d.sections:
        s.page_width, s.page_height = Inches(8.5), Inches(11)


def month_with_zero(d):
    p = find_par(d, "Ba Đình, ngày")
    set_text(p, p.text.replace("tháng 02", "tháng 03"))


def month_without_zero(d):
    p = find_par(d, "Ba Đình, ngày")
    set_text(p, p.text.replace("tháng 02", "tháng 2"))


def day_without_zero(d):
    p = find_par(d, "Ba Đình, ngày")
    set_text(p, "Ba Đình, ngày 5 tháng 02 năm 2024")


def no_tieu_ngu(d):
    remove(find_par(d, "Độc lập"))


def tieu_ngu_unaccented(d):
    set_text(find_par(d, "Độc lập"), "Doc lap - Tu do - Hanh phuc")


def tieu_ngu_en_dashes(d):
    set_text(find_par(d, "Độc lập"), "Độc lập – Tự do – Hạnh phúc")


def tieu_ngu_not_bold(d):
    for r in find_par(d, "Độc lập").runs:
        r.bold = False


def quoc_hieu_lower(d):
    set_text(find_par(d, "CỘNG HÒA"), "Cộng hòa xã hội chủ nghĩa Việt Nam")


def wrong_abbreviation(d):
    p = find_par(d, "Số:")
    set_text(p, p.text.replace("/KH-", "/BC-"))


def number_without_zero(d):
    set_text(find_par(d, "Số:"), "Số: 5/KH-BCĐ")


def leftover_variable(d):
    p = find_par(d, "Tiếp tục chỉ đạo")
    p.add_run(" {{ x }}")


def leftover_if(d):
    p = find_par(d, "Tiếp tục chỉ đạo")
    p.add_run("{% if tasks %}")


def leftover_none(d):
    set_text(find_par(d, "Tiếp tục chỉ đạo"), "Thời hạn: None")


def page_number_on_page_one(d):
    sect = d.sections[0]._sectPr
    sect.remove(sect.find(qn("w:titlePg")))


def page_number_in_footer(d):
    s = d.sections[0]
    s.header.is_linked_to_previous = True  # drop the numbered header
    p = s.footer.paragraphs[0]
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    p._p.append(fld)


def no_lưu(d):
    remove(find_par(d, "- Lưu:"))


def kt_dotted(d):
    p = find_par(d, "TRƯỞNG BAN")
    set_text(p, "K.T. TRƯỞNG BAN")


def kt_without_position(d):
    set_text(find_par(d, "TRƯỞNG BAN"), "KT. TRƯỞNG BAN")
    remove(find_par(d, "PHÓ CHỦ TỊCH"))


def red_text(d):
    find_par(d, "Tiếp tục chỉ đạo").runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)


def one_paragraph_12pt(d):
    for r in find_par(d, "Tiếp tục chỉ đạo").runs:
        r.font.size = Pt(12)


def date_upright(d):
    for r in find_par(d, "Ba Đình, ngày").runs:
        r.italic = False


def basis_without_semicolon(d):
    p = find_par(d, "Căn cứ")
    set_text(p, p.text.rstrip(";"))


def issuing_body_not_bold(d):
    for r in find_par(d, "BAN CHỈ ĐẠO").runs:
        r.bold = False


def issuing_body_lower(d):
    set_text(find_par(d, "BAN CHỈ ĐẠO"), "Ban Chỉ đạo PCGD, XMC")


def title_lower(d):
    set_text(find_par(d, "KẾ HOẠCH"), "Kế hoạch")


def title_not_bold(d):
    for r in find_par(d, "KẾ HOẠCH").runs:
        r.bold = False


def summary_not_bold(d):
    for r in find_par(d, "Công tác phổ cập").runs:
        r.bold = False


def annex_not_pointed_to(d):
    p = find_par(d, "Lịch trình thực hiện")
    set_text(p, p.text.replace("tại Phụ lục kèm theo", "như dưới đây"))


CASES = {
    "arial": (arial_everywhere, {"ND30-FONT"}),
    "arial-cs-slot": (arial_one_slot, {"ND30-FONT"}),
    "theme-font": (theme_font_in_style, {"ND30-FONT"}),
    "margins-10mm": (margins_10mm, {"ND30-MARGINS"}),
    "letter-paper": (letter_paper, {"ND30-PAGE-A4"}),
    "thang-03": (month_with_zero, {"ND30-DATE"}),
    "thang-2": (month_without_zero, {"ND30-DATE"}),
    "ngay-5": (day_without_zero, {"ND30-DATE"}),
    "no-tieu-ngu": (no_tieu_ngu, {"ND30-TIEU-NGU"}),
    "tieu-ngu-unaccented": (tieu_ngu_unaccented, {"ND30-TIEU-NGU"}),
    "tieu-ngu-en-dashes": (tieu_ngu_en_dashes, {"ND30-TIEU-NGU"}),
    "tieu-ngu-not-bold": (tieu_ngu_not_bold, {"ND30-TIEU-NGU"}),
    "quoc-hieu-lower": (quoc_hieu_lower, {"ND30-QUOC-HIEU"}),
    "wrong-abbreviation": (wrong_abbreviation, {"ND30-TEN-LOAI"}),
    "number-5": (number_without_zero, {"ND30-SO-KY-HIEU"}),
    "leftover-variable": (leftover_variable, {"ND30-LEFTOVER-TAG"}),
    "leftover-if": (leftover_if, {"ND30-LEFTOVER-TAG"}),
    "leftover-none": (leftover_none, {"ND30-LEFTOVER-NONE"}),
    "page-number-page-1": (page_number_on_page_one, {"ND30-PAGE-NUMBER"}),
    "page-number-footer": (page_number_in_footer, {"ND30-PAGE-NUMBER"}),
    "noi-nhan-no-luu": (no_lưu, {"ND30-NOI-NHAN"}),
    "kt-dotted": (kt_dotted, {"ND30-QUYEN-HAN"}),
    "kt-without-position": (kt_without_position, {"ND30-QUYEN-HAN"}),
    "red-text": (red_text, {"ND30-COLOR"}),
    "one-paragraph-12pt": (one_paragraph_12pt, {"ND30-SIZE-CONSISTENT"}),
    "date-upright": (date_upright, {"ND30-DATE-STYLE"}),
    "basis-no-semicolon": (basis_without_semicolon, {"ND30-CAN-CU"}),
    "issuing-body-not-bold": (issuing_body_not_bold, {"ND30-CO-QUAN"}),
    "issuing-body-lower": (issuing_body_lower, {"ND30-CO-QUAN"}),
    "title-lower": (title_lower, {"ND30-TRICH-YEU"}),
    "title-not-bold": (title_not_bold, {"ND30-TRICH-YEU"}),
    "summary-not-bold": (summary_not_bold, {"ND30-TRICH-YEU"}),
    "annex-not-pointed-to": (annex_not_pointed_to, {"ND30-PHU-LUC"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_break_is_caught_by_its_rule_only(name, good, tmp_path):
    mutate, expected = CASES[name]
    path = copy_of(good, tmp_path, name)
    d = docx.Document(str(path))
    mutate(d)
    d.save(str(path))
    findings = lint_docx(path)
    rules = {f.rule for f in findings}
    assert rules == expected, [str(f) for f in findings]
    for f in findings:
        assert f.message and f.severity in ("error", "warning", "info")
        assert set(f.location) & {"paragraph", "table", "section"} or f.message.startswith("… và")
        assert "excerpt" in f.location


def test_arial_on_one_slot_names_the_font_and_the_paragraph(good, tmp_path):
    path = copy_of(good, tmp_path, "cs")
    d = docx.Document(str(path))
    arial_one_slot(d)
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.severity == "error"
    assert "Arial" in f.message and "chữ châu Á, chữ phức hợp" in f.message
    assert " cs" not in f.message and f.extra == {"fonts": {"cs": {"font": "Arial"}}}
    assert f.location["excerpt"].startswith("Căn cứ Nghị định số 20/2014")
    assert "paragraph" in f.location


def test_date_messages_say_what_to_write(good, tmp_path):
    path = copy_of(good, tmp_path, "d")
    d = docx.Document(str(path))
    month_with_zero(d)
    d.save(str(path))
    [f] = lint_docx(path)
    assert "“tháng 3”" in f.message and f.location["table"] == 0
    assert f.location == {"table": 0, "row": 1, "cell": 1,
                          "excerpt": f.location["excerpt"]}


def test_many_bad_paragraphs_are_summarised(good, tmp_path):
    path = copy_of(good, tmp_path, "many")
    d = docx.Document(str(path))
    arial_everywhere(d)
    d.save(str(path))
    findings = lint_docx(path)
    assert len(findings) == 11
    assert findings[-1].message.startswith("… và ")
    assert "kiểu Normal" in findings[-1].message  # the whole document: fix it once, in the style
