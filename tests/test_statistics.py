"""Criteria engine: every criterion at, just below and just above its threshold (hand-written
thresholds, not read back from the YAML), ĐBKK variants, prerequisites, gates, parent shares,
the 2025 set, overrides and every kind of bad input."""

from __future__ import annotations

from fractions import Fraction

import pytest
from stats_helpers import ALL_COLUMNS, unit, write_csv

from workflow.errors import InputError
from workflow.statistics.criteria import load_criteria
from workflow.statistics.evaluate import MISSED, UNKNOWN, evaluate
from workflow.statistics.figures import load_figures
from workflow.statistics.vn import figure, pct


def run(tmp_path, rows, criteria="nd20-2014", columns=None, override=None):
    cs = load_criteria(criteria, override=override)
    path = write_csv(tmp_path / "d.csv", rows, columns or (ALL_COLUMNS if criteria == "2025" else None))
    return evaluate(load_figures(path, cs), cs)


def check(ev, unit_index, cid):
    return next(c for c in ev.units[unit_index].checks if c.id == cid)


# (criterion, ĐBKK?, numerator columns (first gets the count), denominator column, threshold % per law)
CASES = [
    ("mn5.ra_lop", False, "mn5_ra_lop", "mn5_tong", 95),
    ("mn5.ra_lop", True, "mn5_ra_lop", "mn5_tong", 90),
    ("mn5.hoan_thanh", False, "mn5_hoan_thanh", "mn5_tong", 85),
    ("mn5.hoan_thanh", True, "mn5_hoan_thanh", "mn5_tong", 80),
    ("th1.vao_lop1", False, "th6_vao_lop1", "th6_tong", 90),
    ("th1.vao_lop1", True, "th6_vao_lop1", "th6_tong", 90),      # no ĐBKK variant
    ("th1.hoan_thanh_14", False, "th11_14_hoan_thanh", "th11_14_tong", 80),
    ("th1.hoan_thanh_14", True, "th11_14_hoan_thanh", "th11_14_tong", 70),
    ("th2.vao_lop1", False, "th6_vao_lop1", "th6_tong", 95),
    ("th2.hoan_thanh_11", False, "th11_hoan_thanh", "th11_tong", 80),
    ("th2.hoan_thanh_11", True, "th11_hoan_thanh", "th11_tong", 70),
    ("th3.vao_lop1", False, "th6_vao_lop1", "th6_tong", 98),
    ("th3.vao_lop1", True, "th6_vao_lop1", "th6_tong", 98),
    ("th3.hoan_thanh_11", False, "th11_hoan_thanh", "th11_tong", 90),
    ("th3.hoan_thanh_11", True, "th11_hoan_thanh", "th11_tong", 80),
    ("thcs1.tot_nghiep", False, "thcs_tot_nghiep", "thcs_tong", 80),
    ("thcs1.tot_nghiep", True, "thcs_tot_nghiep", "thcs_tong", 70),
    ("thcs2.tot_nghiep", False, "thcs_tot_nghiep", "thcs_tong", 90),
    ("thcs2.tot_nghiep", True, "thcs_tot_nghiep", "thcs_tong", 80),
    ("thcs3.tot_nghiep", False, "thcs_tot_nghiep", "thcs_tong", 95),
    ("thcs3.tot_nghiep", True, "thcs_tot_nghiep", "thcs_tong", 90),
    ("thcs3.dang_hoc", False, "thcs_dang_hoc", "thcs_tong", 80),
    ("thcs3.dang_hoc", True, "thcs_dang_hoc", "thcs_tong", 70),
    ("xmc1.biet_chu", False, "xmc_15_35_md1", "xmc_15_35_tong", 90),
    ("xmc1.biet_chu", True, "xmc_15_25_md1", "xmc_15_25_tong", 90),   # ĐBKK: age band 15–25
    ("xmc2.biet_chu", False, "xmc_15_60_md2", "xmc_15_60_tong", 90),
    ("xmc2.biet_chu", True, "xmc_15_35_md2", "xmc_15_35_tong", 90),   # ĐBKK: age band 15–35
]


@pytest.mark.parametrize("cid,dbkk,num,den,threshold", CASES)
def test_each_criterion_at_below_above_threshold(tmp_path, cid, dbkk, num, den, threshold):
    total = 100_000
    at = threshold * 1000
    rows = []
    for name, count in (("tai", at), ("duoi", at - 1), ("tren", min(at + 1, total))):
        changes = {den: total, num: count, "dbkk": int(dbkk)}
        if den == "xmc_15_35_tong":   # keep md1 ≥ md2 ≤ tong consistent
            changes["xmc_15_35_md1"] = total if num == "xmc_15_35_md2" else count
            changes["xmc_15_35_md2"] = min(count, total) if num == "xmc_15_35_md2" else count
        if den == "th11_tong":
            changes["th11_dang_hoc_th"] = total - count
        rows.append(unit(name, **changes))
    ev = run(tmp_path, rows)
    at_c, below_c, above_c = (check(ev, i, cid) for i in range(3))
    assert at_c.threshold == Fraction(threshold, 100)
    # the ĐBKK variant applies only where the law has one (not to the 6-year-olds' criterion)
    assert at_c.dbkk is (dbkk and not cid.endswith(".vao_lop1"))
    assert (at_c.num, at_c.den) == (at, total)
    assert at_c.met is True and below_c.met is False and above_c.met is True
    assert below_c.margin == Fraction(-1, total)


def test_primary_remaining_11_year_olds_must_still_be_in_primary(tmp_path):
    ev = run(tmp_path, [unit("a", th11_tong=100, th11_hoan_thanh=99, th11_dang_hoc_th=1),
                        unit("b", th11_tong=100, th11_hoan_thanh=99, th11_dang_hoc_th=0)])
    assert check(ev, 0, "th2.con_lai_11").met is True
    assert check(ev, 1, "th2.con_lai_11").met is False
    assert ev.units[0].levels["th"] == 3
    assert ev.units[1].levels["th"] == 1   # 99% completes, but one child has left school


def test_rates_are_compared_exactly_not_rounded(tmp_path):
    # 9499/10000 = 94,99% must not pass 95%; 18999/20000 = 94,995% would round to 95,00%:
    # below its threshold, it prints one more decimal
    ev = run(tmp_path, [unit("a", mn5_tong=10000, mn5_ra_lop=9499, mn5_hoan_thanh=9000),
                        unit("b", mn5_tong=20000, mn5_ra_lop=18999, mn5_hoan_thanh=18000)])
    for i, shown in ((0, "9.499/10.000, đạt 94,99%"), (1, "18.999/20.000, đạt 94,995%")):
        c = check(ev, i, "mn5.ra_lop")
        assert c.met is False and c.figure() == shown
        assert ev.units[i].levels["mn5"] == 0
    assert pct(Fraction(199990, 200000)) == "99,995%"        # below 100% never prints 100,00%
    assert figure(12880, 12882) == "12.880/12.882, đạt 99,98%"


def test_percentages_round_half_up_exactly_as_published_reports_do():
    assert pct(Fraction(13, 14)) == "92,86%"                  # 92,857…: was cut to 92,85
    assert pct(Fraction(2, 3)) == "66,67%"
    assert pct(Fraction(1, 800)) == "0,13%"                   # 0,125: half up (floats say 0,12)
    assert pct(Fraction(1005, 100000)) == "1,01%"             # 1,005 is 1,00499… as a float
    assert pct(Fraction(1)) == "100,00%" and pct(Fraction(0)) == "0,00%"
    assert pct(Fraction(1_234_567, 1_000_000)) == "123,46%"
    # below a threshold, never shown as reaching it: as many decimals as it takes
    assert pct(Fraction(89996, 100000)) == "90,00%"
    assert pct(Fraction(89996, 100000), thresholds=[Fraction(9, 10)]) == "89,996%"
    assert pct(Fraction(899996, 1000000), thresholds=[Fraction(9, 10)]) == "89,9996%"
    assert pct(Fraction(9, 10), thresholds=[Fraction(9, 10)]) == "90,00%"
    assert pct(Fraction(899951, 1000000), thresholds=[Fraction(9, 10)]) == "89,995%"
    assert pct(Fraction(13, 14), thresholds=[Fraction(1)]) == "92,86%"
    assert pct(Fraction(1999999, 2000000)) == "99,99995%"


def test_xmc_dbkk_changes_age_band_not_rate(tmp_path):
    rows = [unit("thuong", xmc_15_35_md1=1700, xmc_15_35_md2=1700, xmc_15_25_md1=950),
            unit("dbkk", dbkk=1, xmc_15_35_md1=1700, xmc_15_35_md2=1700, xmc_15_25_md1=950)]
    ev = run(tmp_path, rows)
    assert check(ev, 0, "xmc1.biet_chu").met is False            # 1700/2000 = 85% of 15–35
    d = check(ev, 1, "xmc1.biet_chu")
    assert d.met is True and (d.num, d.den) == (950, 1000)     # 95% of 15–25, threshold still 90%
    assert d.threshold == Fraction(90, 100)
    assert ev.units[1].levels["xmc"] == 1                        # mức 2 (ĐBKK: 15–35 md2 85%) missed
    assert ev.units[0].levels["xmc"] == 0


def test_thcs_level1_needs_primary_level1_and_literacy_level1(tmp_path):
    rows = [unit("ok"),
            unit("no-xmc", xmc_15_35_md1=1000, xmc_15_35_md2=1000),          # XMC 50%
            unit("no-th", th6_vao_lop1=50, th11_14_hoan_thanh=100),          # TH 50%
            unit("no-gate", dieu_kien_thcs=0)]
    ev = run(tmp_path, rows)
    levels = [u.levels for u in ev.units]
    assert levels[0]["thcs"] == 3
    assert levels[1]["xmc"] == 0 and levels[1]["thcs"] == 0
    assert check(ev, 1, "thcs1.tot_nghiep").met is True                  # its own rate is fine
    assert ev.units[1].status["thcs"][1] == MISSED
    assert levels[2]["th"] == 0 and levels[2]["thcs"] == 0
    assert levels[3]["thcs"] == 0 and levels[3]["th"] == 3               # the gate blocks one programme


def test_level_needs_the_one_below(tmp_path):
    # TH mức 3 rates are met but mức 2's "remaining in primary" is not: mức 3 cannot be reached
    ev = run(tmp_path, [unit("a", th11_tong=100, th11_hoan_thanh=95, th11_dang_hoc_th=0)])
    assert check(ev, 0, "th3.hoan_thanh_11").met is True
    assert ev.units[0].levels["th"] == 1


def test_missing_data_is_not_assessed_never_met(tmp_path):
    ev = run(tmp_path, [unit("a", thcs_dang_hoc=None), unit("b", mn5_tong=None, mn5_ra_lop=None,
                                                            mn5_hoan_thanh=None)])
    c = check(ev, 0, "thcs3.dang_hoc")
    assert c.met is None and c.figure() == "chưa có số liệu"
    assert ev.units[0].levels["thcs"] == 2
    assert ev.units[0].status["thcs"][3] == UNKNOWN and ev.units[0].unassessed("thcs") == [3]
    assert ev.units[1].levels["mn5"] == 0 and ev.units[1].unassessed("mn5") == [1]


def test_district_share_rules(tmp_path):
    rows = [unit(f"p{i}") for i in range(9)] + [unit("p9", mn5_ra_lop=50, thcs_dang_hoc=100)]
    ev = run(tmp_path, rows)
    p = ev.parent
    assert p.tier == "huyen" and p.name == "Quận Mẫu"
    assert p.levels["mn5"] == 1          # 9/10 = 90% ≥ 90%
    assert p.levels["thcs"] == 2         # THCS mức 3 needs 100% of xã; mức 2 needs 95%: 10/10
    shares = {s.id: s for s in p.shares}
    assert (shares["thcs3@huyen"].reached, shares["thcs3@huyen"].total, shares["thcs3@huyen"].met) == (9, 10, False)
    rows[8] = unit("p8", mn5_ra_lop=50)
    ev = run(tmp_path, rows)
    assert ev.parent.levels["mn5"] == 0  # 8/10 = 80% < 90%


def test_province_from_several_districts(tmp_path):
    rows = []
    for d in range(10):
        rows += [unit(f"x{d}-{i}", parent=f"Huyện {d}") for i in range(2)]
    rows[0] = unit("x0-0", parent="Huyện 0", xmc_15_60_md2=100)   # Huyện 0: 1/2 xã at XMC 2
    ev = run(tmp_path, rows)
    assert len(ev.parents) == 10 and ev.top is not None and ev.top.tier == "tinh"
    assert next(p for p in ev.parents if p.name == "Huyện 0").levels["xmc"] == 1
    assert ev.top.levels["xmc"] == 1      # XMC mức 2 at tỉnh needs 100% of huyện; mức 1 needs 90%
    assert ev.top.levels["th"] == 3


def test_2025_two_tiers_and_preschool_3_to_5(tmp_path):
    rows = [unit(f"n{i}", parent="Tỉnh Mẫu") for i in range(10)]
    rows += [unit(f"d{i}", parent="Tỉnh Mẫu", dbkk=1) for i in range(7)]
    rows[0] = unit("n0", parent="Tỉnh Mẫu", mn3_5_ra_lop=899)       # 89,9% < 90%
    rows[10] = unit("d0", parent="Tỉnh Mẫu", dbkk=1, mn3_5_ra_lop=850)  # ĐBKK: 85% is enough
    rows[11] = unit("d1", parent="Tỉnh Mẫu", dbkk=1, mn3_5_ra_lop=849)  # 84,9% < 85%
    ev = run(tmp_path, rows, criteria="2025")
    assert [u.levels["mn3_5"] for u in ev.units[:1]] == [0]
    assert ev.units[10].levels["mn3_5"] == 1 and ev.units[11].levels["mn3_5"] == 0
    p = ev.parent
    assert p.tier == "tinh" and ev.top is None
    shares = {s.id: s for s in p.shares}
    assert (shares["mn3_51@tinh.normal"].reached, shares["mn3_51@tinh.normal"].total) == (9, 10)
    assert (shares["mn3_51@tinh.dbkk"].reached, shares["mn3_51@tinh.dbkk"].total) == (6, 7)
    assert shares["mn3_51@tinh.normal"].met and shares["mn3_51@tinh.dbkk"].met  # 90% and 85,7% ≥ 85%
    assert p.levels["mn3_5"] == 1
    assert not shares["mn3_51@tinh.normal"].confirmed
    rows[1] = unit("n1", parent="Tỉnh Mẫu", mn3_5_hoan_thanh=100)
    assert run(tmp_path, rows, criteria="2025").parent.levels["mn3_5"] == 0   # 8/10 normal
    # XMC mức 1 needs 81% of communes in 2025
    rows = [unit(f"c{i}", parent="T") for i in range(100)]
    for i in range(19):
        rows[i] = unit(f"c{i}", parent="T", xmc_15_35_md1=100, xmc_15_35_md2=100)
    assert run(tmp_path, rows, criteria="2025").parent.levels["xmc"] == 1    # 81/100
    rows[19] = unit("c19", parent="T", xmc_15_35_md1=100, xmc_15_35_md2=100)
    assert run(tmp_path, rows, criteria="2025").parent.levels["xmc"] == 0    # 80/100


def test_override_changes_a_threshold(tmp_path):
    ov = tmp_path / "ov.yaml"
    ov.write_text("set:\n  mn5.ra_lop: 99\n  thcs3@huyen: 90\n", encoding="utf-8")
    rows = [unit(f"p{i}") for i in range(9)] + [unit("p9", mn5_ra_lop=98, thcs_dang_hoc=100)]
    ev = run(tmp_path, rows, override=ov)
    assert check(ev, 9, "mn5.ra_lop").threshold == Fraction(99, 100)
    assert ev.units[9].levels["mn5"] == 0
    assert ev.parent.levels["thcs"] == 3
    assert ev.criteria.overridden == {"mn5.ra_lop": str(ov), "thcs3@huyen": str(ov)}


def test_override_unknown_id_is_reported_with_position(tmp_path):
    ov = tmp_path / "ov.yaml"
    ov.write_text("set:\n  mn5.ra_lopp: 99\n  th2.vao_lop1: nhiều\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_criteria("nd20-2014", override=ov)
    msgs = [str(p) for p in e.value.problems]
    assert len(msgs) == 2
    assert ":2:3:" in msgs[0] and "có phải 'mn5.ra_lop'" in msgs[0]
    assert ":3:" in msgs[1] and "nhiều" in msgs[1]


def test_every_bad_value_reported_at_once(tmp_path):
    cols = [c for c in ALL_COLUMNS if not c.startswith("mn3_5") and c != "thcs_dang_hoc"]
    rows = [unit("a", mn5_tong=-3), unit("b", th6_vao_lop1="mười"), unit("c", mn5_ra_lop=101),
            unit("a"), unit("d", dbkk="có lẽ"), unit("e", th11_hoan_thanh=90, th11_dang_hoc_th=20),
            unit("f", thcs_tong="12,5")]
    path = write_csv(tmp_path / "bad.csv", rows, cols)
    with pytest.raises(InputError) as e:
        load_figures(path, load_criteria("nd20-2014"))
    probs = e.value.problems
    found = {(p.line, p.field): p.message for p in probs}
    assert (1, "thcs_dang_hoc") in found and "thiếu cột" in found[(1, "thcs_dang_hoc")]
    assert "số âm" in found[(2, "mn5_tong")]
    assert "không phải số nguyên" in found[(3, "th6_vao_lop1")]
    # CSV keeps row and column, and names the header text of each column it compares
    assert found[(4, "mn5_ra_lop")] == '101 lớn hơn "mn5_tong" (cột 8) = 100'

    assert "trùng với dòng 2" in found[(5, "don_vi")]
    assert "1/0" in found[(6, "dbkk")]
    assert found[(7, "th11_hoan_thanh")] == '90 + "th11_dang_hoc_th" (cột 15) 20 = 110 lớn hơn "th11_tong" (cột 13) = 100'

    assert "không phải số nguyên" in found[(8, "thcs_tong")]
    assert all(p.col is not None for p in probs if p.line != 1)


def test_vietnamese_headers_xlsx_and_yaml(tmp_path):
    from openpyxl import Workbook

    cs = load_criteria("nd20-2014")
    labels = {"don_vi": "Tên phường", "cap_tren": "Cấp trên", "dbkk": "Xã ĐBKK"}
    labels.update({c: col.label for c, col in cs.columns.items()})
    cols = [c for c in ALL_COLUMNS if not c.startswith("mn3_5")]
    wb = Workbook()
    ws = wb.active
    ws.append(["# số liệu mẫu"])
    ws.append([labels[c] for c in cols])
    r = unit("Phường Một", mn5_ra_lop=96.0)
    ws.append([r[c] for c in cols])
    wb.save(tmp_path / "d.xlsx")
    figs = load_figures(tmp_path / "d.xlsx", cs)
    assert figs.sample and figs.units[0].name == "Phường Một" and figs.units[0].values["mn5_ra_lop"] == 96
    assert figs.units[0].line == 3
    y = tmp_path / "d.yaml"
    y.write_text("sample: false\nunits:\n  - {don_vi: A, mn5_tong: '1.200', mn5_ra_lop: 1150}\n"
                 "  - {don_vi: B, mn5_tong: 10, mn5_ra_lop: -1}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_figures(y, cs)
    probs = e.value.problems
    assert any(p.line == 4 and p.field == "mn5_ra_lop" and "số âm" in p.message for p in probs)
    assert any(p.field == "th6_tong" and 'thiếu cột "Trẻ 6 tuổi phải phổ cập"' in p.message for p in probs)


def test_prerequisite_reference_to_a_programme_id_ending_in_a_digit(tmp_path):
    # 'mn51' is PCGD MN5 mức 1 (programme 'mn5'), not programme 'mn' level 51
    src = load_criteria("nd20-2014").source
    text = open(src, encoding="utf-8").read().replace("requires: [th1, xmc1]", "requires: [th1, xmc1, mn51]")
    custom = tmp_path / "custom.yaml"
    custom.write_text(text, encoding="utf-8")
    cs = load_criteria(str(custom))
    assert cs.split_ref("mn51") == ("mn5", 1) and cs.split_ref("thcs3") == ("thcs", 3)
    assert cs.split_ref("mn52") is None and cs.ref_name("xmc1") == "XMC mức độ 1"
    assert cs.ref_name("mn51") == "PCGD MN5"          # one level: "đạt chuẩn" is not repeated
    path = write_csv(tmp_path / "d.csv", [unit("a"), unit("b", mn5_ra_lop=10)])
    ev = evaluate(load_figures(path, cs), cs)
    assert [u.levels["thcs"] for u in ev.units] == [3, 0]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("xmc1, mn51]", "xmc9]"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_criteria(str(bad))
    assert "không có mức 'xmc9'" in str(e.value.problems[0])


def _entry_workbook(tmp_path, rows, headers=None):
    """The entry workbook from `kehoach report template`, filled like a user would."""
    from openpyxl import load_workbook

    from workflow.statistics.workbook import write_entry_template

    cs = load_criteria("nd20-2014")
    path = write_entry_template(tmp_path / "nhap.xlsx", cs)
    wb = load_workbook(path)
    ws = wb["Số liệu"]
    ids = [c.value.lstrip("# ") for c in ws[2]]
    for col, text in (headers or {}).items():
        ws[f"{col}3"] = text
    for r in rows:
        ws.append([r.get(i) for i in ids])
    wb.save(path)
    return path, cs


def test_workbook_errors_name_the_cell_and_the_header_as_written(tmp_path):
    # the user renamed two headers to accepted aliases: the message quotes what is in the file
    rows = [unit("Xã Một"), unit("Xã Hai", mn5_tong=80, mn5_ra_lop=81, mn5_hoan_thanh=70, th6_vao_lop1="mười"),
            unit("Xã Một"), unit("Xã Ba", th11_hoan_thanh=90, th11_dang_hoc_th=20)]
    path, cs = _entry_workbook(tmp_path, rows, headers={"H": "Số trẻ 5 tuổi"})
    with pytest.raises(InputError) as e:
        load_figures(path, cs)
    msgs = [str(p) for p in e.value.problems]
    assert f'{path}:5: ô I5 (cột "Trẻ 5 tuổi ra lớp"): 81 lớn hơn "Số trẻ 5 tuổi" (ô H5) = 80' in msgs
    assert f"{path}:5: ô L5 (cột \"Trẻ 6 tuổi vào lớp 1\"): 'mười' không phải số nguyên" in msgs
    assert f'{path}:6: ô A6 (cột "Đơn vị (xã, phường)"): đơn vị \'Xã Một\' trùng với dòng 4' in msgs
    assert (f'{path}:7: ô N7 (cột "Trẻ 11 tuổi hoàn thành chương trình tiểu học"): 90 + '
            f'"Trẻ 11 tuổi còn lại đang học tiểu học" (ô O7) 20 = 110 lớn hơn "Trẻ 11 tuổi phải phổ cập" '
            f'(ô M7) = 100') in msgs
    assert not any("mn5_" in m or ":5:9" in m for m in msgs)
    assert all(p.line in (5, 6, 7) and p.col is None for p in e.value.problems)


def test_workbook_data_sheet_is_named_in_vietnamese_and_old_workbooks_still_read(tmp_path):
    from openpyxl import Workbook, load_workbook

    path, cs = _entry_workbook(tmp_path, [unit("Xã Một")])
    assert load_workbook(path).sheetnames == ["Số liệu", "Hướng dẫn"]
    assert load_figures(path, cs).units[0].name == "Xã Một"
    # a workbook made before the rename, with its guide sheet moved to the front
    wb = Workbook()
    wb.active.title = "huong_dan"
    wb.active.append(["Mã cột", "Tiêu đề"])
    old = wb.create_sheet("so_lieu")
    cols = [c for c in ALL_COLUMNS if not c.startswith("mn3_5")]
    old.append(cols)
    old.append([unit("Xã Cũ")[c] for c in cols])
    wb.save(tmp_path / "cu.xlsx")
    assert load_figures(tmp_path / "cu.xlsx", cs).units[0].name == "Xã Cũ"


@pytest.mark.parametrize("cells, plain", [
    (("12", "0", "400"), True), (("12", "", "4"), False), (("", "1"), False), (("1", ""), False),
    (("12,5", "3"), False), (("1.200", "3"), False), (("٣", "1"), False), ((" 12", "1"), False),
    (("12", None), False), (("-1", "2"), False)])
def test_the_fast_reading_of_a_row_takes_only_plain_whole_numbers(cells, plain):
    """A row whose every count is plain digits is read in one go; anything else cell by cell
    (where blanks, thousands dots, decimals and signs get their own rules and messages)."""
    from workflow.statistics.figures import _all_digits

    assert _all_digits(cells) is plain


@pytest.mark.parametrize("name", ["nd20-2014", "2025"])
def test_all_units_at_once_give_what_one_unit_at_a_time_gives(name, tmp_path):
    """evaluate() takes the units column by column; the unit-by-unit reading (kept for
    prerequisites that go round in a circle) must agree on every level, status and check,
    with ĐBKK units, missing and zero figures and failed conditions among them."""
    import random

    from workflow.statistics import evaluate as ev_mod
    from workflow.statistics.figures import UnitFigures

    cs = load_criteria(name)
    rnd = random.Random(17)
    cols = [c for c in ALL_COLUMNS if c in cs.columns]
    units = []
    for i in range(300):
        values = {}
        for c in cols:
            kind = cs.columns[c].kind
            r = rnd.random()
            values[c] = None if r < 0.04 else (rnd.choice([0, 1, 1, 1]) if kind == "flag"
                                                else 0 if r < 0.07 else rnd.randint(80, 120))
        units.append(UnitFigures(f"Xã {i}", f"Huyện {i % 4}", rnd.random() < 0.3, values, i + 2))
    plan = ev_mod._compile(cs)
    requires = {f"{p.id}{lv.level}": [cs.split_ref(r) for r in lv.requires]
                for p in cs.programmes for lv in p.levels}
    together = ev_mod._units(units, plan, ev_mod._order(cs, requires))
    apart = [ev_mod._unit(u, plan, requires) for u in units]
    seen = set()
    for a, b in zip(together, apart):
        assert (a.levels, a.status) == (b.levels, b.status), a.name
        assert a.failing() == [c for c in b.checks if c.met is not True]
        assert a.checks == b.checks, a.name
        seen.update(c.met for c in b.checks)
        seen.update(s for st in b.status.values() for s in st.values())
    assert {True, False, None, MISSED, UNKNOWN} <= seen  # the data reached every case


def test_prerequisites_in_a_circle_are_not_ordered():
    from workflow.statistics.evaluate import _order

    cs = load_criteria("nd20-2014")
    requires = {f"{p.id}{lv.level}": [] for p in cs.programmes for lv in p.levels}
    assert _order(cs, requires) is not None
    requires["th1"], requires["xmc1"] = [("xmc", 1)], [("th", 1)]
    assert _order(cs, requires) is None
