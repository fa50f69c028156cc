"""kehoach diff OLD NEW: moved deadline, added and removed task, per unit; --draft công văn."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from import_helpers import copy_sample, docx_text, norm

from workflow.cli import main
from workflow.documents.amendment import draft_amendment
from workflow.errors import InputError
from workflow.plan.diff import diff_plans

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
UNITS = ROOT / "config" / "units" / "ba-dinh.yaml"


def _edit(tmp_path: Path) -> tuple[Path, Path]:
    """old = the sample; new = one deadline moved (pgd-nhap-du-lieu), one task removed
    (pgd-thi-dua), one task added to the wards with the lower-secondary schools sharing it."""
    text = SAMPLE.read_text(encoding="utf-8").replace("../units/ba-dinh.yaml", str(UNITS))
    old = tmp_path / "old.yaml"
    old.write_text(text, encoding="utf-8")
    s = text.replace("Bộ (Từ ngày 05/9 đến ngày 30/9/2024).", "Bộ (Từ ngày 10/9 đến ngày 30/9/2024).")
    s = s.replace("deadline: Từ ngày 05/9 đến ngày 30/9/2024", "deadline: Từ ngày 10/9 đến ngày 30/9/2024")
    a = s.index("      - task: >-\n          Xét thi đua")
    s = s[:a] + s[s.index("      - note:", a):]
    a = s.index("        id: phuong-kien-toan-bcd")
    b = s.index("      - task:", a)
    s = s[:b] + ("      - task: Báo cáo sơ kết công tác PCGD, XMC 6 tháng đầu năm (trước ngày 15/7/2024).\n"
                 "        id: phuong-so-ket\n"
                 "        summary: Báo cáo sơ kết 6 tháng\n"
                 "        deadline: trước ngày 15/7/2024\n"
                 "        co_owners: [truong-thcs]\n") + s[b:]
    new = tmp_path / "new.yaml"
    new.write_text(s, encoding="utf-8")
    return old, new


def test_moved_added_and_removed_tasks_per_unit(tmp_path):
    old, new = _edit(tmp_path)
    d = diff_plans(old, new)
    kinds = {(c.kind, c.id, c.fields) for c in d.changes}
    assert kinds == {("changed", "pgd-nhap-du-lieu", ("deadline",)), ("added", "phuong-so-ket", ()),
                     ("removed", "pgd-thi-dua", ())}
    moved = next(c for c in d.changes if c.kind == "changed")
    assert moved.old.readings[0].periods[0].start == date(2024, 9, 5)
    assert moved.new.readings[0].periods[0].start == date(2024, 9, 10)
    per_unit = {uid: sorted(c.id for c in cs) for uid, cs in d.by_unit().items()}
    # pgd-nhap-du-lieu is shared with the wards; the new task with the THCS schools
    assert per_unit == {"pgddt": ["pgd-nhap-du-lieu", "pgd-thi-dua"],
                        "ubnd-phuong": ["pgd-nhap-du-lieu", "phuong-so-ket"],
                        "truong-thcs": ["phuong-so-ket"]}
    assert moved.role("pgddt") == "chủ trì" and moved.role("ubnd-phuong") == "phối hợp"
    assert d.other == []
    assert any("remind sync" in s for s in d.next_steps()) and any("kehoach build" in s for s in d.next_steps())


def test_same_plan_has_no_difference_and_exit_0(tmp_path, capsys):
    old, _ = _edit(tmp_path)
    assert diff_plans(old, old).empty
    assert main(["diff", str(old), str(old)]) == 0
    assert "0 nhiệm vụ thay đổi, 0 thêm, 0 bỏ" in capsys.readouterr().out


def test_text_owner_and_co_owner_changes_are_named(tmp_path):
    old, _ = _edit(tmp_path)
    s = old.read_text(encoding="utf-8")
    s = s.replace("Tham mưu với UBND quận kiện toàn Ban Chỉ đạo PCGD, XMC cấp quận (tháng 3/2024).",
                  "Tham mưu với UBND quận kiện toàn, bổ sung Ban Chỉ đạo PCGD, XMC cấp quận (tháng 3/2024).")
    s = s.replace("        co_owners: [ccthongke]\n", "        co_owners: [ccthongke, pnv]\n")
    new = tmp_path / "new2.yaml"
    new.write_text(s, encoding="utf-8")
    d = diff_plans(old, new)
    assert {(c.id, c.fields) for c in d.changes} == {("pgd-kien-toan-bcd", ("text",)),
                                                     ("pgd-tap-huan", ("co_owners",))}
    assert "pnv" in d.by_unit()  # a unit that only joined the task is told too


def test_cli_prints_per_unit_changes_and_next_steps_exit_1(tmp_path, capsys):
    old, new = _edit(tmp_path)
    rc = main(["diff", str(old), str(new)])
    out = capsys.readouterr().out
    assert rc == 1
    assert "1 nhiệm vụ thay đổi, 1 thêm, 1 bỏ; 3 đơn vị liên quan" in out
    assert ('thời hạn: "Từ ngày 05/9 đến ngày 30/9/2024" → "Từ ngày 10/9 đến ngày 30/9/2024"') in out
    assert "+ [phuong-so-ket]" in out and "- [pgd-thi-dua]" in out
    assert "remind sync" in out and "kehoach build" in out
    rc = main(["diff", str(old), str(new), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1
    assert data["summary"] == {"changed": 1, "added": 1, "removed": 1, "units": 3}
    assert set(data["units"]) == {"pgddt", "ubnd-phuong", "truong-thcs"}
    assert data["draft"] is None


def test_draft_letter_goes_to_the_affected_units_only(tmp_path, capsys):
    old, new = _edit(tmp_path)
    rc = main(["diff", str(old), str(new), "--draft", "-o", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert rc == 1
    letter = tmp_path / "out" / "new-cong-van-dieu-chinh.docx"
    assert letter.exists() and str(letter) in out
    text = docx_text(letter)
    assert "V/v điều chỉnh Kế hoạch số" in text
    kinh_gui = text[text.index("Kính gửi"):text.index("Căn cứ Kế hoạch")]
    # the issuer amends its own plan: it cites it ("Căn cứ"), it does not "carry it out" ("Thực hiện")
    assert "Thực hiện Kế hoạch" not in text and "và tình hình triển khai thực tế, Ban Chỉ đạo" in text
    assert [n for n in ("Phòng Giáo dục và Đào tạo quận", "Ủy ban nhân dân 14 phường",
                        "Các trường Trung học cơ sở trên địa bàn quận") if n in kinh_gui] == [
        "Phòng Giáo dục và Đào tạo quận", "Ủy ban nhân dân 14 phường", "Các trường Trung học cơ sở trên địa bàn quận"]
    for other in ("Phòng Kế hoạch Tài chính quận", "Hội Khuyến học quận", "Chi cục Thống kê quận"):
        assert other not in text
    assert "thời hạn “Từ ngày 05/9 đến ngày 30/9/2024” nay là “Từ ngày 10/9 đến ngày 30/9/2024”" in text
    assert "Thôi thực hiện nhiệm vụ (chủ trì): Xét thi đua khen thưởng PCGD, XMC năm 2024." in text
    assert "Bổ sung nhiệm vụ (phối hợp): Báo cáo sơ kết công tác PCGD, XMC 6 tháng đầu năm" in text
    # the per-unit parts are numbered in the letter, each with its own changes under it
    i1, i2, i3 = (text.index(f"{n}. ") for n in (1, 2, 3))
    assert i1 < text.index("Thôi thực hiện") < i2 < text.index("Bổ sung nhiệm vụ (chủ trì)") < i3


def test_user_wording_wins(tmp_path):
    old, new = _edit(tmp_path)
    mine = tmp_path / "mau"
    mine.mkdir()
    src = (ROOT / "templates" / "kehoach" / "cong-van-dieu-chinh.yaml").read_text(encoding="utf-8")
    (mine / "cong-van-dieu-chinh.yaml").write_text(
        src.replace("Thôi thực hiện nhiệm vụ", "Bãi bỏ nhiệm vụ"), encoding="utf-8")
    target = draft_amendment(diff_plans(old, new), out_dir=tmp_path / "o", template_dirs=[mine],
                             on=date(2024, 8, 1))
    text = norm(docx_text(target))
    assert "Bãi bỏ nhiệm vụ (chủ trì)" in text and "Thôi thực hiện" not in text
    assert "tháng 8 năm 2024" in text


def test_both_bad_plans_are_reported_at_once(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("year: 2024\n", encoding="utf-8")
    b.write_text("year: [\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        diff_plans(a, b)
    files = {p.file for p in e.value.problems}
    assert files == {str(a), str(b)}


def test_rolled_over_plan_shows_only_the_words_that_changed(tmp_path, capsys):
    """A year's plan against its roll-over: each reworded task is one short line, not the
    whole sentence twice."""
    from workflow.plan.rollover import roll_plan

    src = copy_sample(tmp_path)
    rolled = roll_plan(src, year=2025)
    rc = main(["diff", str(src), str(rolled.target)])
    out = capsys.readouterr().out
    assert rc == 1
    assert 'nội dung: "…mù chữ năm 2024 (tháng 2/2024)." → "…mù chữ năm 2025 (tháng 2/2025)."' in out
    assert 'nội dung: "…điều tra năm 2024 và mở các…" → "…điều tra năm 2025 và mở các…"' in out
    assert max(len(line) for line in out.splitlines() if "nội dung:" in line) < 250  # was 900


def test_changed_words_keeps_the_whole_text_when_most_of_it_changed():
    from workflow.plan.diff import changed_words

    assert changed_words("Báo cáo Sở GDĐT (tháng 10).", "Tổ chức hội nghị sơ kết (tháng 7).") == (
        "Báo cáo Sở GDĐT (tháng 10).", "Tổ chức hội nghị sơ kết (tháng 7).")
    assert changed_words("a b c d e f g h i j", "a b c d e X g h i j", context=1) == ("…e f g…", "…e X g…")
    assert changed_words("a b c d e f g h i j", "Y b c d e f g h i j", context=1) == ("a b…", "Y b…")


def test_draft_date_stays_in_the_plan_year(tmp_path, capsys):
    """A 2024 plan's amendment is never dated in another year: by default the day and (when
    today is not in 2024) the month are left blank; --date gives the whole date."""
    import re

    from workflow.cli import main

    old, new = _edit(tmp_path)
    text = norm(docx_text(draft_amendment(diff_plans(old, new), out_dir=tmp_path / "o")))
    m = re.search(r"Ba Đình, ngày\s+tháng\s+(\S*)\s*năm (\d{4})", text)
    assert m and m.group(2) == "2024", text[:300]
    if date.today().year != 2024:
        assert m.group(1) == "", m.group(0)  # month blank, for the signer
    assert main(["diff", str(old), str(new), "--draft", "-o", str(tmp_path / "d"),
                 "--date", "2024-06-17"]) == 1
    capsys.readouterr()
    [path] = (tmp_path / "d").glob("*.docx")
    assert "Ba Đình, ngày 17 tháng 6 năm 2024" in norm(docx_text(path))
    assert main(["diff", str(old), str(new), "--draft", "--date", "17/6"]) == 2
    assert "--date: không hiểu ngày '17/6'" in capsys.readouterr().err


def test_draft_in_the_current_year_takes_this_month(tmp_path):
    from workflow.documents.letter_drafts import draft_date

    today = date.today()
    assert draft_date(today.year, month_of=today) == {"day": None, "month": today.month, "year": today.year}
    assert draft_date(2024, month_of=date(2026, 12, 6)) == {"day": None, "month": None, "year": 2024}
