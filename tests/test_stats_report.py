"""The October Báo cáo and the CLI: saved, reopened with python-docx/openpyxl, linted."""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook
from stats_helpers import META, unit, write_csv

from workflow.cli import main


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


@pytest.fixture
def inputs(tmp_path):
    rows = [unit("Phường Một"), unit("Phường Hai"),
            unit("Phường Ba", thcs_tong=400, thcs_tot_nghiep=370)]        # 92,5% < 95%: THCS mức 2
    data = write_csv(tmp_path / "d.csv", rows, notes=["Số liệu mẫu"])
    prev = write_csv(tmp_path / "p.csv", [unit("Phường Một"), unit("Phường Hai"), unit("Phường Ba")])
    meta = tmp_path / "meta.yaml"
    meta.write_text(META, encoding="utf-8")
    return data, prev, meta


def test_report_end_to_end(tmp_path, inputs, capsys):
    data, prev, meta = inputs
    out = tmp_path / "out"
    rc = main(["report", str(data), "--meta", str(meta), "--previous", str(prev), "-o", str(out)])
    assert rc == 0, capsys.readouterr().err
    docx = out / "bao-cao-pcgd-xmc-2024.docx"
    doc = Document(str(docx))
    text = _text(doc)
    paras = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in paras and "Thời điểm tháng 10 năm 2024" in paras
    assert "Kết quả phổ cập giáo dục, xóa mù chữ năm 2024" in paras
    assert any("Số liệu mẫu" in p for p in paras)
    assert "UBND QUẬN MẪU" in text and "Nguyễn Văn A" in text
    # autoescape: '&' and '<…>' survive
    assert "Quận có ba phường & nhiều trường <ngoài công lập>." in paras
    # the failing ward, by name, with its exact rate and the threshold
    miss = next(p for p in paras if p.startswith("- Số phường đạt chuẩn PCGD THCS mức độ 3"))
    assert "2/3" in miss and "chưa đạt: phường Ba (" in miss and "370/400, đạt 92,50%" in miss and "95%" in miss
    assert any(p.startswith("- Quận Mẫu đạt chuẩn phổ cập giáo dục trung học cơ sở mức độ 2") for p in paras)
    assert any("So với năm 2023: quận Mẫu giảm từ mức độ 3 xuống mức độ 2" in p for p in paras)
    assert any("Đề nghị UBND Thành phố kiểm tra, công nhận quận Mẫu" in p for p in paras)
    assert any("Đề nghị UBND phường Ba" in p and "khôi phục" in p for p in paras)
    assert "(Phần này đơn vị tự viết: viết thẳng vào văn bản này, hoặc ghi vào tệp meta, mục process" in text
    for roman in ("I", "II", "III", "IV"):
        assert f"Phụ lục {roman}" in paras
    annex = [t for t in doc.tables if t.rows[0].cells[0].text == "TT" and t.rows[0].cells[-1].text == "Mức đạt"]
    assert len(annex) == 4
    assert len(annex[2].rows) == 3 + 3 + 1          # THCS: 3 header rows, a row per ward, the total
    assert [c.text for c in annex[2].rows[5].cells][1:] == [
        "Phường Ba", "400", "370", "92,50", "400", "100,00", "Mức độ 2"]
    compare = next(t for t in doc.tables if len(t.columns) == 6)
    assert [c.text for c in compare.rows[1].cells] == [
        "1", "Tỷ lệ phường đạt chuẩn PCGD THCS mức độ 3", "100,00%", "66,67%", "100%", "Chưa đạt"]
    assert len(doc.inline_shapes) == 4                # one chart per programme
    wb = load_workbook(out / "ket-qua-danh-gia-2024.xlsx")
    assert wb.sheetnames == ["tong_hop", "mn5", "th", "thcs", "xmc"]
    assert [c.value for c in wb["tong_hop"][4]][:1] + [c.value for c in wb["tong_hop"][4]][5:6] == [
        "Phường Ba", "mức độ 2"]


def test_report_passes_nd30_lint(tmp_path, inputs):
    lint = pytest.importorskip("workflow.documents.lint", reason="ND30 checker not present")
    data, prev, meta = inputs
    assert main(["report", str(data), "--meta", str(meta), "-o", str(tmp_path / "o")]) == 0
    findings = lint.lint_docx(tmp_path / "o" / "bao-cao-pcgd-xmc-2024.docx")
    errors = [f for f in findings if f.severity == "error"]
    assert errors == [], errors
    # the body cites each annex (Phụ lục I–IV, one per programme)
    assert [f for f in findings if f.rule == "ND30-PHU-LUC"] == []


def test_report_from_plan(tmp_path, inputs, capsys):
    data, _, _ = inputs
    rc = main(["report", str(data), "--plan", "config/plans/ba-dinh-2024.yaml", "-o", str(tmp_path / "o"),
               "--no-charts", "--json"])
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    doc = Document(res["outputs"][0]["path"])
    text = _text(doc)
    assert "UBND QUẬN BA ĐÌNH" in text and "Phạm Thị Diễm" in text and "Số: " in text
    assert "/BC-BCĐ" in text
    assert len(doc.inline_shapes) == 0


def test_bad_meta_and_data_write_nothing(tmp_path, inputs, capsys):
    data, _, meta = inputs
    meta.write_text(META.replace("year: 2024", "year: hai nghìn").replace("area: quận Mẫu\n", ""),
                    encoding="utf-8")
    out = tmp_path / "o"
    assert main(["report", str(data), "--meta", str(meta), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "meta.yaml:1:7: year" in err and "area" in err
    bad = write_csv(tmp_path / "bad.csv", [unit("A", mn5_tong=-1)])
    assert main(["report", str(bad), "--plan", "config/plans/ba-dinh-2024.yaml", "-o", str(out)]) == 2
    assert "bad.csv:2:" in capsys.readouterr().err
    assert not out.exists()
    assert main(["report", str(data), "-o", str(out)]) == 2    # neither --plan nor --meta


def test_evaluate_json_and_text(tmp_path, inputs, capsys):
    data, _, _ = inputs
    assert main(["evaluate", str(data), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["criteria"] == "nd20-2014" and res["sample"] is True
    ba = res["units"][2]
    assert ba["unit"] == "Phường Ba" and ba["levels"] == {"mn5": 1, "th": 3, "thcs": 2, "xmc": 2}
    assert ba["missed"] == ["thcs3.tot_nghiep"] and ba["unassessed"] == [] and "checks" not in ba
    assert ba["status"]["thcs"] == {"1": "dat", "2": "dat", "3": "chua_dat"}
    assert main(["evaluate", str(data), "--json", "--reasons"]) == 0
    ba = json.loads(capsys.readouterr().out)["units"][2]
    c = next(c for c in ba["checks"] if c["id"] == "thcs3.tot_nghiep")
    assert (c["met"], c["rate"], c["threshold"], c["rate_text"]) == (False, 0.925, 0.95, "370/400, đạt 92,50%")
    assert res["parent"]["unit"] == "Quận Mẫu" and res["parent"]["levels"]["thcs"] == 2
    assert res["parent"]["shares"]["thcs3@huyen"]["met"] is False
    assert main(["evaluate", str(data)]) == 0
    out = capsys.readouterr().out
    assert "thcs3.tot_nghiep" in out and "CHƯA ĐẠT" in out and "Phường Ba: PCGD MN5 đạt chuẩn" in out


def test_criteria_show_marks_unconfirmed(capsys):
    assert main(["criteria", "show", "nd20-2014"]) == 0
    out = capsys.readouterr().out
    assert "? thcs2.tot_nghiep" in out and "  thcs3.tot_nghiep" in out
    assert main(["criteria", "show", "nd20-2041"]) == 2
    assert "có phải 'nd20-2014'" in capsys.readouterr().err


def test_entry_template_round_trip(tmp_path, capsys):
    target = tmp_path / "mau.xlsx"
    assert main(["report", "template", "--criteria", "2025", "-o", str(target)]) == 0
    wb = load_workbook(target)
    assert wb.sheetnames == ["Số liệu", "Hướng dẫn"]
    ws = wb["Số liệu"]
    assert ws.cell(3, 1).value == "Đơn vị (xã, phường)"
    ranges = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert "whole" in ranges.values() and "list" in ranges.values()
    assert any(r.value == "mn3_5_tong" for r in wb["Hướng dẫn"]["A"])
    row = unit("Xã Một")
    headers = [c.value for c in ws[3]]
    from workflow.statistics.criteria import load_criteria
    from workflow.statistics.figures import fold, header_map, load_figures
    cs = load_criteria("2025")
    mapping = header_map(cs)
    ws.append([row.get(mapping[fold(h)]) for h in headers])
    wb.save(target)
    figs = load_figures(target, cs)
    assert figs.units[0].name == "Xã Một" and figs.units[0].values["mn3_5_tong"] == 1000


def _body_text(tmp_path, rows, criteria="nd20-2014", previous_rows=None):
    from stats_helpers import ALL_COLUMNS

    from workflow.statistics import report as rpt
    from workflow.statistics.criteria import load_criteria
    from workflow.statistics.evaluate import evaluate
    from workflow.statistics.figures import load_figures

    cs = load_criteria(criteria)
    cols = ALL_COLUMNS if criteria == "2025" else None
    ev = evaluate(load_figures(write_csv(tmp_path / "d.csv", rows, cols), cs), cs)
    prev = None
    if previous_rows:
        prev = evaluate(load_figures(write_csv(tmp_path / "p.csv", previous_rows, cols), cs), cs)
    nar = rpt.narrative_from(None, area="quận Mẫu")
    parts = rpt.body(ev, nar, previous=prev, year=2024, charts={})
    parts += rpt.closing(ev, nar, previous=prev, year=2024)
    rows_ = rpt.compare_rows(ev, nar, previous=prev)
    return [b["text"] for b in parts] + [r["text"] for r in rows_]


def test_a_ward_missing_only_a_prerequisite_gets_a_readable_reason(tmp_path):
    # Xã Hai's THCS rates are fine, but XMC mức 1 fails (1000/2000): THCS mức 1 is missed
    text = _body_text(tmp_path, [unit("Xã Một"), unit("Xã Hai", xmc_15_35_md1=1000, xmc_15_35_md2=1000)])
    line = next(t for t in text if t.startswith("- Số xã đạt chuẩn PCGD THCS mức độ 1"))
    assert "chưa đạt: xã Hai (chưa đạt điều kiện trước: XMC mức độ 1)" in line
    assert "xmc1" not in line and "th1" not in line


def test_one_level_programme_does_not_say_dat_chuan_twice(tmp_path):
    rows = [unit(f"Xã {i}") for i in range(3)] + [unit("Xã Ba", mn5_ra_lop=10)]
    text = "\n".join(_body_text(tmp_path, rows, previous_rows=[unit(f"Xã {i}") for i in range(3)]
                                + [unit("Xã Ba")]))
    assert "đạt chuẩn PCGD MN5:" in text and "đạt đạt" not in text
    assert "PCGD MN5 đạt chuẩn" not in text and "mầm non cho trẻ em 5 tuổi đạt chuẩn" not in text
    # the district misses MN5 (3/4 < 90%) and says why in one readable clause
    assert ("- Quận Mẫu chưa đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi (theo tiêu chuẩn "
            "đối với cấp huyện) do có 3/4 (75,00%) xã đạt chuẩn PCGD MN5, yêu cầu ít nhất 90% (khoản 2 Điều 6).") in text
    assert "khôi phục chuẩn PCGD MN5 đã đạt năm 2023" in text
    text = "\n".join(_body_text(tmp_path, [unit("Xã Một", parent="Tỉnh Mẫu")], criteria="2025"))
    assert "đạt chuẩn PCGD MN 3–5:" in text and "đạt đạt" not in text and "3 đến 5 tuổi đạt chuẩn" not in text


def test_cli_names_tiers_in_vietnamese(tmp_path, inputs, capsys):
    data, _, _ = inputs
    assert main(["evaluate", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Quận Mẫu (cấp huyện): PCGD MN5 đạt chuẩn" in out and "Cấp trên" not in out
    assert "    PCGD THCS mức độ 3 — 2/3 phường đạt chuẩn (66,67%), cần 100%: CHƯA ĐẠT" in out
    assert main(["criteria", "show", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Các cấp: xã → tỉnh" in out and "cấp tỉnh: ≥ 81%" in out


def test_bad_targets_in_meta_are_reported_at_their_line(tmp_path, inputs, capsys):
    data, _, meta = inputs
    meta.write_text(META + "  - {text: A, criterion: mn5.ra_lopp, target: 99}\n"
                           "  - {text: B, programme: xmc, level: 5, target: 100}\n"
                           "  - {text: C, programme: thpt, level: 1, target: 100}\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["report", str(data), "--meta", str(meta), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    n = META.count("\n")
    assert f"meta.yaml:{n + 1}:26: targets[1].criterion: không có tiêu chí 'mn5.ra_lopp'" in err
    assert "(có phải 'mn5.ra_lop'?)" in err
    assert f"meta.yaml:{n + 2}:" in err and "targets[2].level: XMC chỉ có đến mức 2" in err
    assert f"meta.yaml:{n + 3}:" in err and "targets[3].programme: không có chương trình 'thpt'" in err
    assert not out.exists()


def test_missing_previous_file_in_meta_points_at_the_field(tmp_path, inputs, capsys):
    data, _, meta = inputs
    meta.write_text(META.replace("sample: true\n", "sample: true\nprevious: nam-truoc.csv\n"), encoding="utf-8")
    assert main(["report", str(data), "--meta", str(meta), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "meta.yaml:4:11: previous: không tìm thấy tệp số liệu năm trước" in err and "nam-truoc.csv" in err


def test_shipped_report_template_matches_its_builder(tmp_path):
    """templates/baocao/bao-cao-pcgd-xmc.docx is what builders/baocao.py makes; the annex's
    'TT' column is wide enough for 'TT' in 12 pt bold (it wrapped to 'T/T' at 9 mm)."""
    from pathlib import Path

    from docx.shared import Mm

    from workflow.documents.builders import baocao

    fresh = tmp_path / "b.docx"
    baocao.build(fresh)
    shipped = Path(__file__).resolve().parent.parent / "templates" / "baocao" / "bao-cao-pcgd-xmc.docx"
    assert Document(str(fresh)).element.xml == Document(str(shipped)).element.xml, \
        "run: python -m workflow.documents.builders templates"
    data = write_csv(tmp_path / "d.csv", [unit("Phường Một")])
    meta = tmp_path / "meta.yaml"
    meta.write_text(META, encoding="utf-8")
    assert main(["report", str(data), "--meta", str(meta), "-o", str(tmp_path / "o"), "--no-charts"]) == 0
    built = Document(str(tmp_path / "o" / "bao-cao-pcgd-xmc-2024.docx"))
    annexes = [t for t in built.tables if t.rows[0].cells[0].text == "TT" and t.rows[0].cells[-1].text == "Mức đạt"]
    assert len(annexes) == 4
    for annex in annexes:
        assert annex.columns[0].width >= Mm(10) - 1000


def test_chart_threshold_labels_use_the_decimal_comma():
    from workflow.statistics.charts import vn_pct

    assert (vn_pct(90.0), vn_pct(99.5), vn_pct(100)) == ("90%", "99,5%", "100%")


def test_dbkk_age_bands_shown_only_when_a_unit_is_dbkk(tmp_path):
    text = "\n".join(_body_text(tmp_path, [unit("Xã Một"), unit("Xã Hai")]))
    assert "từ 15 đến 35 được công nhận đạt chuẩn biết chữ mức độ 1" in text
    assert "từ 15 đến 25" not in text and "từ 15 đến 35 được công nhận đạt chuẩn biết chữ mức độ 2" not in text
    text = "\n".join(_body_text(tmp_path, [unit("Xã Một"), unit("Xã Hai", dbkk=1)]))
    assert "từ 15 đến 25 được công nhận đạt chuẩn biết chữ mức độ 1: 2.000/2.000" in text


def test_2025_province_sentences(tmp_path):
    rows = [unit(f"Xã {i}", parent="Tỉnh Mẫu") for i in range(4)]
    rows += [unit("Xã Năm", parent="Tỉnh Mẫu", dbkk=1, mn3_5_ra_lop=840), unit("Xã Sáu", parent="Tỉnh Mẫu", dbkk=1)]
    text = _body_text(tmp_path, rows, criteria="2025")
    assert any(t.startswith("Đối chiếu với tiêu chuẩn quy định tại Nghị định số 20/2014/NĐ-CP (tiêu chuẩn cấp xã)")
               for t in text)
    line = next(t for t in text if "chưa đạt chuẩn phổ cập giáo dục mầm non cho trẻ em từ 3 đến 5 tuổi" in t)
    assert "(theo tiêu chuẩn đối với cấp tỉnh) do có 1/2 (50,00%) xã ĐBKK đạt chuẩn PCGD MN 3–5, yêu cầu ít nhất 85%" in line


def test_evaluate_text_says_why_a_level_is_missed(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", [unit("Xã Một"), unit("Xã Hai", xmc_15_35_md1=1000, xmc_15_35_md2=1000),
                                         unit("Xã Ba", dieu_kien_th=0)])
    assert main(["evaluate", str(data)]) == 0
    out = capsys.readouterr().out
    assert "thcs1              PCGD THCS mức độ 1: chưa đạt điều kiện trước: XMC mức độ 1 — CHƯA ĐẠT" in out
    assert "chưa đạt điều kiện trước: PCGD TH mức độ 1" in out
    assert "th.dieu_kien       chưa đảm bảo điều kiện (Thông tư 07/2016/TT-BGDĐT) — CHƯA ĐẠT" in out
    assert "ngưỡng 100%) — CHƯA ĐẠT" not in out


def test_evaluate_parent_lines_say_what_was_counted(tmp_path, capsys):
    rows = [unit("Xã Hồng Hà", parent="Huyện Đan Phượng"),
            unit("Xã Liên Hà", parent="Huyện Đan Phượng", mn5_ra_lop=10),
            unit("Xã Liên Trung", parent="Huyện Đan Phượng", mn5_ra_lop=10)]
    assert main(["evaluate", str(write_csv(tmp_path / "d.csv", rows))]) == 0
    out = capsys.readouterr().out
    assert "Huyện Đan Phượng (cấp huyện): PCGD MN5 chưa đạt; PCGD TH mức độ 3" in out
    assert "    PCGD MN5 — 1/3 xã đạt chuẩn (33,33%), cần ≥ 90%: CHƯA ĐẠT" in out
    assert "@huyen" not in out and "Cấp trên" not in out


def test_evaluate_prints_each_district_and_the_province(tmp_path, capsys):
    rows = [unit("Xã Một", parent="Huyện A"), unit("Xã Hai", parent="Huyện B", mn5_ra_lop=10)]
    assert main(["evaluate", str(write_csv(tmp_path / "d.csv", rows)), "--all"]) == 0
    out = capsys.readouterr().out
    assert "Huyện A (cấp huyện): PCGD MN5 đạt chuẩn" in out and "Huyện B (cấp huyện): PCGD MN5 chưa đạt" in out
    assert "Cấp tỉnh: PCGD MN5 chưa đạt" in out
    assert "    PCGD MN5 — 1/2 huyện đạt chuẩn (50,00%), cần 100%: CHƯA ĐẠT" in out


def test_unit_names_mid_sentence_have_the_kind_in_lower_case(tmp_path):
    import re

    rows = [unit("Xã Hồng Hà", mn5_tong=None), unit("Xã Liên Hà", mn5_ra_lop=10, th6_tong=None),
            unit("Thị trấn Phùng", thcs_tot_nghiep=300)]
    text = _body_text(tmp_path, rows, previous_rows=[unit("Thị trấn Phùng")])
    assert "- Đề nghị UBND xã Hồng Hà, xã Liên Hà bổ sung đầy đủ số liệu để đánh giá." in text
    assert any("chưa đạt: xã Liên Hà (tỷ lệ trẻ em 5 tuổi ra lớp: 10/100" in t for t in text)
    assert any("chưa đánh giá được (thiếu số liệu): xã Hồng Hà" in t for t in text)
    assert any(t.startswith("- Đề nghị UBND thị trấn Phùng có giải pháp khôi phục") for t in text)
    # wherever a sentence names a unit, its kind is lower case (a sentence may start with one)
    capitalised = [t for t in text if re.search(r".\b(Xã|Phường|Thị trấn) [A-ZĐ]", t.lstrip("- "))]
    assert capitalised == []


def test_report_word_for_the_units_comes_from_their_names_without_meta(tmp_path, capsys):
    rows = [unit("Phường Phúc Xá", parent="Quận Ba Đình"), unit("Phường Trúc Bạch", parent="Quận Ba Đình")]
    data = write_csv(tmp_path / "d.csv", rows)
    assert main(["report", str(data), "--plan", "config/plans/ba-dinh-2024.yaml", "-o", str(tmp_path / "o"),
                 "--no-charts"]) == 0
    out = capsys.readouterr().out
    assert "cảnh báo" not in out                       # the data's district is the plan's
    paras = [p.text for p in Document(str(tmp_path / "o" / "bao-cao-pcgd-xmc-2024.docx")).paragraphs]
    assert "- Số phường đạt chuẩn PCGD MN5: 2/2 (100,00%)." in paras
    assert "Số xã" not in "\n".join(paras)


def test_report_warns_when_the_data_is_another_districts(tmp_path, capsys):
    rows = [unit("Xã Hồng Hà", parent="Huyện Đan Phượng"), unit("Xã Liên Hà", parent="Huyện Đan Phượng")]
    data = write_csv(tmp_path / "d.csv", rows)
    out_dir = tmp_path / "o"
    assert main(["report", str(data), "--plan", "config/plans/ba-dinh-2024.yaml", "-o", str(out_dir),
                 "--no-charts"]) == 0
    out = capsys.readouterr().out
    assert (f'{data}:2: cảnh báo: đơn vị cấp trên trong số liệu là "Huyện Đan Phượng", nhưng kế hoạch là của '
            "UBND QUẬN BA ĐÌNH: báo cáo sẽ ghi là của quận Ba Đình. Kiểm tra lại tệp số liệu, hoặc dùng "
            "kế hoạch (--plan) của huyện Đan Phượng") in out
    assert (out_dir / "bao-cao-pcgd-xmc-2024.docx").exists()        # a warning, not an error
    # the same with a meta file naming another area
    meta = tmp_path / "meta.yaml"
    meta.write_text(META, encoding="utf-8")
    assert main(["report", str(data), "--meta", str(meta), "-o", str(out_dir), "--no-charts"]) == 0
    assert "nhưng tệp meta ghi area: quận Mẫu" in capsys.readouterr().out
