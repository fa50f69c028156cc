"""kehoach lint: every generated document is clean, hand-made documents are judged by what
Word would show (style chain, theme fonts, toggles), the date rule, the CLI and the rule table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from lint_helpers import ROOT, build_good, copy_of, find_par, handmade_cong_van, set_text

from workflow.cli import main
from workflow.documents.lint import Finding, lint_docx, rule_book


def shipped_configs() -> list[Path]:
    return sorted((ROOT / "config" / "plans").glob("*.yaml")) + \
        sorted((ROOT / "config" / "letters").glob("*.yaml"))


def test_every_document_kehoach_generates_has_no_errors(tmp_path):
    from workflow.build import build

    configs = shipped_configs()
    assert any("plans" in str(c) for c in configs)
    linted = 0
    for cfg in configs:
        res = build(cfg, out_dir=tmp_path / cfg.stem)
        for _, path in res.outputs:
            if path.suffix != ".docx":
                continue
            errors = [str(f) for f in lint_docx(path)
                      if f.severity == "error" or f.rule == "ND30-CAN-CU"]
            assert errors == [], f"{cfg.name} -> {path.name}: {errors}"
            linted += 1
    assert linted >= len(configs)
    print(f"linted {linted} documents from {len(configs)} configs")


def test_drafted_letters_and_reports_have_no_errors(tmp_path, capsys):
    """The đôn đốc letters (status files) and the October report (stats data), via the CLI."""
    from workflow.plan.loader import load_plan

    runs = []
    for status in sorted((ROOT / "config" / "status").glob("*.yaml")):
        plan = ROOT / "config" / "plans" / status.name
        if plan.is_file():
            year = load_plan(plan).year
            runs.append(["overdue", str(plan), "--on", f"{year}-12-31", "--status", str(status),
                         "--draft", "-o", str(tmp_path / ("don-doc-" + status.stem))])
    for meta in sorted((ROOT / "config" / "stats").glob("*-meta.yaml")):
        data = meta.with_name(meta.name.replace("-meta.yaml", ".csv"))
        if data.is_file():
            runs.append(["report", "build", str(data), "--meta", str(meta), "--no-charts",
                         "-o", str(tmp_path / ("bao-cao-" + data.stem))])
    if not runs:
        pytest.skip("no status files or statistics data shipped in config/")
    for argv in runs:
        assert main(argv) in (0, 1), argv  # 1 = overdue pairs found (findings), still drafted
    capsys.readouterr()
    docs = sorted(tmp_path.rglob("*.docx"))
    assert docs
    for path in docs:
        errors = [str(f) for f in lint_docx(path) if f.severity == "error" or f.rule == "ND30-CAN-CU"]
        assert errors == [], f"{path.name}: {errors}"
    print(f"linted {len(docs)} drafted documents")


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build_good(tmp_path_factory.mktemp("good"))


def test_hand_made_cong_van_passes(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    assert lint_docx(path) == []


def test_hand_made_one_page_without_page_number_passes(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx", pages=0)
    d = docx.Document(str(path))
    d.sections[0].header.is_linked_to_previous = True
    d.save(str(path))
    assert lint_docx(path) == []


def test_hand_made_long_document_without_page_number_is_caught(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx", pages=3)
    d = docx.Document(str(path))
    d.sections[0].header.is_linked_to_previous = True
    d.save(str(path))
    assert {f.rule for f in lint_docx(path)} == {"ND30-PAGE-NUMBER"}


def test_fonts_left_to_the_theme_are_not_times_new_roman(tmp_path):
    """python-docx's blank document: docDefaults point at theme fonts (Calibri/Cambria…)."""
    path = tmp_path / "plain.docx"
    d = docx.Document()
    d.add_paragraph("Văn bản thử")
    d.save(str(path))
    font = [f for f in lint_docx(path) if f.rule == "ND30-FONT"]
    assert len(font) == 1 and "Times New Roman" in font[0].message
    assert {"eastAsia", "cs"} <= set(font[0].extra["fonts"])  # the slots: for --json only


def test_theme_that_maps_to_times_new_roman_counts(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    rpr = d.styles["Normal"].element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")
    d.save(str(path))
    assert {f.rule for f in lint_docx(path)} == {"ND30-FONT"}
    # now make the theme's minor latin font Times New Roman: the same document passes
    theme = next(r.target_part for r in d.part.rels.values() if r.reltype.endswith("/theme"))
    blob = theme.blob.decode("utf-8")
    blob = re.sub(r'(<a:minorFont>\s*<a:latin typeface=")[^"]*"', r'\1Times New Roman"', blob)
    theme._blob = blob.encode("utf-8")
    d.save(str(path))
    assert lint_docx(path) == []


def test_character_style_font_is_resolved(good, tmp_path):
    path = copy_of(good, tmp_path, "charstyle")
    d = docx.Document(str(path))
    st = d.styles.add_style("Nhấn", 2)  # WD_STYLE_TYPE.CHARACTER
    st.font.name = "Arial"
    find_par(d, "Tiếp tục chỉ đạo").runs[0].style = st
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.rule == "ND30-FONT" and "Arial" in f.message


def test_bold_in_paragraph_and_character_style_toggles_off(good, tmp_path):
    """Bold set in both the paragraph style and a character style is NOT bold in Word."""
    path = copy_of(good, tmp_path, "toggle")
    d = docx.Document(str(path))
    st = d.styles.add_style("Đậm", 2)
    st.font.bold = True
    for r in find_par(d, "CỘNG HÒA").runs:
        r.style = st
    d.save(str(path))
    assert [(f.rule, f.message) for f in lint_docx(path)] == [
        ("ND30-QUOC-HIEU", "Quốc hiệu phải in đậm")]


def test_size_from_docdefaults_when_no_style_sets_it(good, tmp_path):
    path = copy_of(good, tmp_path, "sz")
    d = docx.Document(str(path))
    for name in ("KH Header Right",):
        rpr = d.styles[name].element.rPr
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is not None:
                rpr.remove(el)
    # Normal (the base) is 14, so Quốc hiệu becomes 14: outside 12–13
    d.save(str(path))
    rules = {f.rule for f in lint_docx(path)}
    assert "ND30-QUOC-HIEU" in rules


@pytest.mark.parametrize("line,ok", [
    ("Ba Đình, ngày 05 tháng 02 năm 2024", True),
    ("Ba Đình, ngày 12 tháng 3 năm 2024", True),
    ("Ba Đình, ngày 31 tháng 12 năm 2024", True),
    ("Ba Đình, ngày 10 tháng 01 năm 2024", True),
    ("Ba Đình, ngày \u00a0\u00a0\u00a0\u00a0 tháng 02 năm 2024", True),
    ("Kon Rẫy, ngày      tháng      năm", True),
    ("Ba Đình, ngày ... tháng 3 năm 2024", True),
    ("Ba Đình, ngày 5 tháng 02 năm 2024", False),
    ("Ba Đình, ngày 05 tháng 03 năm 2024", False),
    ("Ba Đình, ngày 05 tháng 2 năm 2024", False),
    ("Ba Đình, ngày 05 tháng 1 năm 2024", False),
    ("Ba Đình, ngày 30 tháng 02 năm 2024", False),
    ("Ba Đình, ngày 05 tháng 13 năm 2024", False),
    ("Ba Đình, ngày 05 tháng 02 năm 24", False),
    ("ngày 05 tháng 02 năm 2024", False),
    ("Ba Đình, ngày 05/02/2024", False),
])
def test_date_rule(line, ok, good, tmp_path):
    path = copy_of(good, tmp_path, "date")
    d = docx.Document(str(path))
    set_text(find_par(d, "Ba Đình, ngày"), line)
    d.save(str(path))
    rules = [f.rule for f in lint_docx(path)]
    assert rules == ([] if ok else ["ND30-DATE"]), line


@pytest.mark.parametrize("symbol,rule", [
    ("Số: 12/KH-BCĐ", None),
    ("Số: 05/KH-BCĐ", None),
    ("Số: 12 /KH-BCĐ", "ND30-SO-KY-HIEU"),
    ("Số: 12/KH - BCĐ", "ND30-SO-KY-HIEU"),
    ("Số: 12/kh-bcđ", "ND30-SO-KY-HIEU"),
    ("Số: 12/BCĐ", "ND30-TEN-LOAI"),
    ("Số: 12/TTr-BCĐ", "ND30-TEN-LOAI"),
])
def test_number_and_symbol(symbol, rule, good, tmp_path):
    path = copy_of(good, tmp_path, "so")
    d = docx.Document(str(path))
    set_text(find_par(d, "Số:"), symbol)
    d.save(str(path))
    rules = {f.rule for f in lint_docx(path)}
    assert rules == ({rule} if rule else set()), symbol


def test_cong_van_with_a_type_abbreviation_is_caught(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    p = find_par(d, "Số:")
    set_text(p, "Số: 45/KH-PGDĐT")
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.rule == "ND30-TEN-LOAI" and "công văn" in f.message


@pytest.mark.parametrize("first,ok", [
    ("TM. ỦY BAN NHÂN DÂN", True), ("KT. TRƯỞNG PHÒNG", True), ("TL. CHỦ TỊCH", True),
    ("TUQ. GIÁM ĐỐC", True), ("Q. TRƯỞNG PHÒNG", True),
    ("K.T. TRƯỞNG PHÒNG", False), ("K/T TRƯỞNG PHÒNG", False), ("KT TRƯỞNG PHÒNG", False),
    ("KT.TRƯỞNG PHÒNG", False), ("T/M ỦY BAN NHÂN DÂN", False), ("THAY MẶT ỦY BAN", False),
    ("Kt. trưởng phòng", False),
])
def test_authority_prefix(first, ok, tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    p = find_par(d, "KT. TRƯỞNG PHÒNG")
    p.runs[0].text = first
    d.save(str(path))
    rules = [f.rule for f in lint_docx(path)]
    assert rules == ([] if ok else ["ND30-QUYEN-HAN"]), first


def test_kinh_gui_single_recipient_on_its_own_dashed_line_warns(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    for text in ("- Các trường tiểu học;", "- Các trường THCS."):
        p = find_par(d, text)
        p._p.getparent().remove(p._p)
    d.save(str(path))
    [f] = lint_docx(path)
    assert (f.rule, f.severity) == ("ND30-KINH-GUI", "warning")


def test_noi_nhan_lines_inside_one_paragraph_are_checked(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    p = find_par(d, "Nơi nhận:")
    for r in p.runs:
        if r.text == "- Lưu: VT.":
            r.text = "- Lưu VT"
    d.save(str(path))
    msgs = [f.message for f in lint_docx(path) if f.rule == "ND30-NOI-NHAN"]
    assert len(msgs) == 2 and any("hai chấm" in m for m in msgs) and any("“.”" in m for m in msgs)


def test_header_without_rule_under_tieu_ngu_warns(good, tmp_path):
    path = copy_of(good, tmp_path, "rule")
    d = docx.Document(str(path))
    cell = d.tables[0].cell(0, 1)
    for p in cell.paragraphs:
        if not p.text:
            p._p.getparent().remove(p._p)
    d.save(str(path))
    assert [(f.rule, f.severity) for f in lint_docx(path)] == [("ND30-TIEU-NGU-RULE", "warning")]


def test_quoc_hieu_13_needs_tieu_ngu_14(good, tmp_path):
    path = copy_of(good, tmp_path, "qh13")
    d = docx.Document(str(path))
    for r in find_par(d, "CỘNG HÒA").runs:
        r.font.size = Pt(13)
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.rule == "ND30-SIZE-CONSISTENT" and "14" in f.message


# --- CLI ------------------------------------------------------------------------------

def test_cli_clean_document_exits_0(good, capsys):
    assert main(["lint", str(good)]) == 0
    assert "đạt" in capsys.readouterr().out


def test_cli_errors_exit_1_and_json_shape(good, tmp_path, capsys):
    path = copy_of(good, tmp_path, "bad")
    d = docx.Document(str(path))
    set_text(find_par(d, "Ba Đình, ngày"), "Ba Đình, ngày 05 tháng 03 năm 2024")
    d.save(str(path))
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[ND30-DATE]" in out and "bảng 1, hàng 2, ô 2" in out
    assert main(["lint", "--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == str(path)
    [f] = data["findings"]
    assert set(f) == {"rule", "severity", "message", "location"}
    assert f["rule"] == "ND30-DATE" and f["severity"] == "error"
    assert f["location"]["table"] == 0 and "excerpt" in f["location"]


def test_cli_several_files_json_is_a_list(good, tmp_path, capsys):
    hm = handmade_cong_van(tmp_path / "cv.docx")
    assert main(["lint", "--json", str(good), str(hm)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["file"] for d in data] == [str(good), str(hm)]


def test_cli_warnings_only_exit_0_unless_strict(tmp_path, capsys):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    for r in find_par(d, "Cát Hải, ngày").runs:
        r.italic = False
    d.save(str(path))
    assert main(["lint", str(path)]) == 0
    assert main(["lint", "--strict", str(path)]) == 1


@pytest.mark.parametrize("content", [None, b"not a zip", b"PK\x03\x04broken"])
def test_cli_not_a_docx_exits_2_with_a_clear_message(content, tmp_path, capsys):
    path = tmp_path / "x.docx"
    if content is not None:
        path.write_bytes(content)
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and ("không có tệp" in err or "không phải tệp .docx" in err)
    assert "Traceback" not in err


def test_cli_lint_without_files_is_a_usage_error(capsys):
    assert main(["lint"]) == 2


def test_cli_rules_table(capsys):
    assert main(["lint", "--rules", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {r["rule"] for r in rules} >= {"ND30-DATE", "ND30-FONT", "ND30-LEFTOVER-NONE"}


# --- the rule table --------------------------------------------------------------------

def test_rule_table_is_complete_and_severity_follows_confidence():
    rules = rule_book()["rules"]
    required = {"ND30-PAGE-A4", "ND30-MARGINS", "ND30-FONT", "ND30-QUOC-HIEU", "ND30-TIEU-NGU",
                "ND30-DATE", "ND30-SO-KY-HIEU", "ND30-NOI-NHAN", "ND30-QUYEN-HAN",
                "ND30-PAGE-NUMBER", "ND30-LEFTOVER-TAG", "ND30-TEN-LOAI", "ND30-CAN-CU",
                "ND30-KINH-GUI", "ND30-SIZE-CONSISTENT", "ND30-LEFTOVER-NONE"}
    assert required <= set(rules)
    for rid, r in rules.items():
        want = {"V": "error", "K": "error", "P": "warning", "U": "warning"}[r["confidence"]]
        assert r["severity"] == want, rid
        assert r["description"] and r["ref"]
    src = "".join(p.read_text(encoding="utf-8")
                  for p in (ROOT / "workflow" / "documents").glob("lint*.py"))
    used = set(re.findall(r'"(ND30-[A-Z0-9-]+)"', src))
    assert used == set(rules), used ^ set(rules)  # every rule in the table is implemented


def test_type_abbreviations():
    abbr = rule_book()["type_abbreviations"]
    assert abbr["Kế hoạch"] == "KH" and abbr["Tờ trình"] == "TTr" and abbr["Quy định"] == "QyĐ"
    assert len(abbr) == 15 and "Công văn" not in abbr


def test_finding_json_round_trip():
    f = Finding("ND30-DATE", "error", "x", {"paragraph": 3, "excerpt": "abc"})
    assert json.loads(json.dumps(f.to_json())) == {
        "rule": "ND30-DATE", "severity": "error", "message": "x",
        "location": {"paragraph": 3, "excerpt": "abc"}}
    assert str(f).startswith("đoạn 4 «abc»: lỗi [ND30-DATE]")


def test_user_docs_list_every_rule():
    doc = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for rid, _r in rule_book()["rules"].items():
        assert f"`{rid}`" in doc, rid


def test_italic_page_number_is_caught(good, tmp_path):
    path = copy_of(good, tmp_path, "pgi")
    d = docx.Document(str(path))
    for r in d.sections[0].header.paragraphs[0].runs:
        r.italic = True
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.rule == "ND30-PAGE-NUMBER" and "nghiêng" in f.message


def test_documents_rewritten_by_libreoffice_still_pass(good, tmp_path):
    """Another word processor's OOXML (LibreOffice re-saves styles, fonts and fields its own
    way): the checker must judge what is shown, not how kehoach happened to write it."""
    import shutil
    import subprocess

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot re-save the documents")
    hm = handmade_cong_van(tmp_path / "cv.docx")
    out = tmp_path / "lo"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(good),
                    str(hm)], capture_output=True, timeout=180, check=False)
    resaved = [out / good.name, out / hm.name]
    assert all(p.is_file() for p in resaved)
    for p in resaved:
        assert lint_docx(p) == [], p.name
    # and a break made after the round trip is still caught by its rule
    d = docx.Document(str(resaved[0]))
    set_text(find_par(d, "Ba Đình, ngày"), "Ba Đình, ngày 05 tháng 03 năm 2024")
    d.save(str(resaved[0]))
    assert [f.rule for f in lint_docx(resaved[0])] == ["ND30-DATE"]


def test_hand_made_plan_typed_with_tabs_passes(tmp_path):
    from lint_helpers import handmade_ke_hoach_tabs

    path = handmade_ke_hoach_tabs(tmp_path / "kh.docx")
    assert lint_docx(path) == []


@pytest.mark.parametrize("old,new,rule", [
    ("tháng 02", "tháng 2", "ND30-DATE"),
    ("/KH-BCĐ", "/BC-BCĐ", "ND30-TEN-LOAI"),
    ("TRƯỞNG BAN", "T/M BAN CHỈ ĐẠO", "ND30-QUYEN-HAN"),
    ("- Lưu: VT, PGDĐT.", "- Các trường học.", "ND30-NOI-NHAN"),
])
def test_hand_made_plan_typed_with_tabs_breaks(old, new, rule, tmp_path):
    from lint_helpers import all_paragraphs, handmade_ke_hoach_tabs

    path = handmade_ke_hoach_tabs(tmp_path / "kh.docx")
    d = docx.Document(str(path))
    hits = 0
    for p in all_paragraphs(d):
        for r in p.runs:
            if old in r.text:
                r.text = r.text.replace(old, new)
                hits += 1
    assert hits == 1
    d.save(str(path))
    assert {f.rule for f in lint_docx(path)} == {rule}


def test_tab_layout_pieces_keep_their_own_formatting(tmp_path):
    """Quốc hiệu shares a paragraph with the (not bold) parent body: only its runs count."""
    from lint_helpers import all_paragraphs, handmade_ke_hoach_tabs

    path = handmade_ke_hoach_tabs(tmp_path / "kh.docx")
    d = docx.Document(str(path))
    qh = next(r for p in all_paragraphs(d) for r in p.runs if r.text.startswith("CỘNG HÒA"))
    qh.bold = False
    d.save(str(path))
    assert [(f.rule, f.message) for f in lint_docx(path)] == [("ND30-QUOC-HIEU", "Quốc hiệu phải in đậm")]


# --- issuing body, annexes (hand-made công văn) -------------------------------------------

def test_hand_made_issuing_body_typed_with_a_line_break_must_be_bold(tmp_path):
    """Parent and issuing body share one paragraph (line break); only the issuing body
    (the last line above "Số:") must be bold."""
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    for r in find_par(d, "UBND HUYỆN CÁT HẢI").runs:
        r.bold = False
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.rule == "ND30-CO-QUAN" and f.severity == "warning"
    assert "“PHÒNG GIÁO DỤC VÀ ĐÀO TẠO” phải in đậm" in f.message
    assert f.location["table"] == 0 and f.location["cell"] == 0


def _with_annexes(path, labels, pointer: str = ""):
    d = docx.Document(str(path))
    if pointer:
        p = find_par(d, "1. Thực hiện")
        p.runs[-1].text += pointer
    for label in labels:
        q = d.add_paragraph()
        q.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
        q = d.add_paragraph()
        r = q.add_run(label)
        r.bold, r.font.size = True, Pt(14)
        q = d.add_paragraph()
        r = q.add_run("DANH SÁCH CÁC TRƯỜNG")
        r.bold, r.font.size = True, Pt(14)
    d.save(str(path))
    return path


def test_annexes_numbered_and_pointed_to(tmp_path):
    path = _with_annexes(handmade_cong_van(tmp_path / "ok.docx"), ["Phụ lục I", "Phụ lục II"],
                         " (chi tiết tại Phụ lục I và Phụ lục II kèm theo)")
    assert lint_docx(path) == []


def test_two_annexes_without_numbers_and_not_pointed_to(tmp_path):
    path = _with_annexes(handmade_cong_van(tmp_path / "bad.docx"), ["Phụ lục", "Phụ lục"])
    findings = lint_docx(path)
    assert {f.rule for f in findings} == {"ND30-PHU-LUC"}
    msgs = [f.message for f in findings]
    assert any("“Phụ lục I”, không “Phụ lục”" in m for m in msgs)
    assert any("“Phụ lục II”, không “Phụ lục”" in m for m in msgs)
    assert sum("không dẫn chiếu" in m for m in msgs) == 2


def test_only_the_annex_not_pointed_to_is_reported(tmp_path):
    path = _with_annexes(handmade_cong_van(tmp_path / "half.docx"), ["Phụ lục I", "Phụ lục II"],
                         " (chi tiết tại Phụ lục I)")
    [f] = lint_docx(path)
    assert f.rule == "ND30-PHU-LUC" and "“Phụ lục II”" in f.message and "Phụ lục II" in f.location["excerpt"]


def test_cli_lint_of_a_yaml_file_says_to_build_first(capsys):
    plan = ROOT / "config/plans/ba-dinh-2024.yaml"
    assert main(["lint", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "tệp YAML" in err and f"kehoach build {plan}" in err and "PackageNotFound" not in err


# --- messages a chuyên viên can act on (user walkthrough) ---------------------------------

INTERNALS = ("minor", "major", "Bidi", "chưa gán", "theme:", "eastAsia", "hAnsi", "ascii",
             " cs", "Error", "Package")


def test_theme_font_message_says_what_is_wrong_and_keeps_slots_for_json(tmp_path, capsys):
    path = tmp_path / "plain.docx"
    d = docx.Document()
    d.add_paragraph("Văn bản thử")
    d.save(str(path))
    [f] = [f for f in lint_docx(path) if f.rule == "ND30-FONT"]
    assert "phông theo chủ đề (theme) của Word" in f.message and "Times New Roman" in f.message
    assert not any(w in f.message for w in INTERNALS), f.message
    assert set(f.to_json()["extra"]["fonts"]) == {"ascii", "hAnsi", "cs", "eastAsia"}
    assert main(["lint", "--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    font = next(x for x in data["findings"] if x["rule"] == "ND30-FONT")
    assert font["extra"]["fonts"]["cs"] == {"font": "", "theme": "minorBidi"}


def test_arial_message_names_the_font_plainly(good, tmp_path):
    path = copy_of(good, tmp_path, "arial")
    d = docx.Document(str(path))
    p = find_par(d, "Căn cứ")
    for r in p.runs:
        r.font.name = "Arial"  # ascii and hAnsi, as Word's font box does
    d.save(str(path))
    [f] = lint_docx(path)
    assert "phông chữ Arial (cần Times New Roman)" in f.message
    assert not any(w in f.message for w in INTERNALS), f.message
    assert f.extra["fonts"] == {"ascii": {"font": "Arial"}, "hAnsi": {"font": "Arial"}}


def test_colour_message_hides_the_theme_name(good, tmp_path):
    path = copy_of(good, tmp_path, "colour")
    d = docx.Document(str(path))
    rpr = find_par(d, "Căn cứ").runs[0]._r.get_or_add_rPr()
    c = rpr.makeelement(qn("w:color"), {qn("w:val"): "1F3864", qn("w:themeColor"): "accent1"})
    rpr.append(c)
    d.save(str(path))
    [f] = lint_docx(path)
    assert f.rule == "ND30-COLOR" and "theme:" not in f.message and "accent" not in f.message
    assert "màu theo chủ đề (theme) của Word" in f.message and f.extra == {"color": "theme:accent1"}


@pytest.mark.parametrize("name,content", [("x.docx", b"not a zip"), ("x.docx", b"PK\x03\x04broken"),
                                          ("cu.doc", b"\xd0\xcf\x11\xe0"), ("x.pdf", b"%PDF-1.4")])
def test_cli_not_a_docx_says_so_in_vietnamese_only(name, content, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert "không phải tệp .docx của Word" in err and "lưu lại dạng .docx" in err
    assert not any(w in err for w in ("Package", "Error", "BadZip", "not found")), err


def test_cli_lint_of_a_folder_says_it_is_a_folder(tmp_path, capsys):
    assert main(["lint", str(tmp_path)]) == 2
    assert "thư mục" in capsys.readouterr().err


def test_cong_van_opening_with_can_cu_is_prose_not_a_basis_block(tmp_path):
    """A công văn has no căn cứ block (ND30, Phụ lục I, II.6 is for documents with a type
    name): its first sentence "Căn cứ …, …" is ordinary body text, upright, ending in ","."""
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    p = find_par(d, "1. Thực hiện")
    set_text(p, "Căn cứ Kế hoạch số 12/KH-UBND ngày 05/02/2024 của Ủy ban nhân dân huyện, "
                "Phòng Giáo dục và Đào tạo đề nghị các trường rà soát số liệu, gửi báo cáo.")
    d.save(str(path))
    assert lint_docx(path) == []


def test_amendment_letter_from_kehoach_diff_has_no_basis_warnings(tmp_path, capsys):
    """`kehoach diff OLD NEW --draft` writes "Căn cứ Kế hoạch số …, …" as its first sentence."""
    plan = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
    units = ROOT / "config" / "units" / "ba-dinh.yaml"
    text = plan.read_text(encoding="utf-8").replace("../units/ba-dinh.yaml", str(units))
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("deadline: tháng 10/2024", "deadline: tháng 11/2024", 1),
                   encoding="utf-8")
    assert main(["diff", str(old), str(new), "--draft", "-o", str(tmp_path / "out")]) == 1
    capsys.readouterr()
    [letter] = sorted((tmp_path / "out").glob("*.docx"))
    assert any(p.text.startswith("Căn cứ") for p in docx.Document(str(letter)).paragraphs)
    assert [str(f) for f in lint_docx(letter)] == []


def test_size_left_unset_is_said_in_words_not_as_zero(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx")
    d = docx.Document(str(path))
    for el in list(d.styles.element.iter(qn("w:sz"))):
        el.getparent().remove(el)  # no size in any style nor in the document defaults
    for r in find_par(d, "CỘNG HÒA").runs:
        r.font.size = None
    d.save(str(path))
    msgs = [f.message for f in lint_docx(path) if f.rule == "ND30-QUOC-HIEU"]
    assert msgs == ["Quốc hiệu chưa đặt cỡ chữ, cần cỡ 12–13"], msgs


def test_missing_page_number_says_how_to_insert_it(tmp_path):
    path = handmade_cong_van(tmp_path / "cv.docx", pages=3)
    d = docx.Document(str(path))
    d.sections[0].header.is_linked_to_previous = True
    d.save(str(path))
    [f] = lint_docx(path)
    assert "trường PAGE" not in f.message and "Page Number" in f.message
