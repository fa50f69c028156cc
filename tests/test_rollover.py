"""kehoach new --from PLAN --year N: next year's plan by editing the YAML text."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from import_helpers import copy_sample

from workflow.cli import main
from workflow.errors import InputError
from workflow.plan.loader import load_plan
from workflow.plan.rollover import CITATION, roll_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"

CITATIONS = [
    "Nghị định số 20/2014/NĐ-CP ngày 24/3/2014",
    "Thông tư số 07/2016/TT-BGDĐT ngày 22/3/2016",
    "Kế hoạch số 418 /KH-SGDĐT ngày 07 /02/2024",
    "Kế hoạch số 681/KH-BGDĐT ngày 28/8/2020",
    "công văn số 3297/SGDĐT-TCCB ngày 06/10/2020",
    "Thông tư liên tịch số 13/2016/TTLT-BGDĐT-BYT ngày 12/5/2016",
    "Thông tư số 45/2022/TT-BGDĐT ngày 31/12/2022",
    "Luật Giáo dục năm 2019",
]


@pytest.fixture()
def plan_dir(tmp_path):
    """The sample plan and its units file copied into tmp_path (same layout)."""
    return copy_sample(tmp_path).parent


def _shift(d: date | None, years: int) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29/2 in a common year
        return d.replace(year=d.year + years, day=28)


def test_sample_rolls_to_2025_with_every_deadline_moved(plan_dir):
    src = plan_dir / SAMPLE.name
    res = roll_plan(src, year=2025)
    assert res.target == plan_dir / "ba-dinh-2025.yaml"
    old, new = load_plan(src), load_plan(res.target)
    assert new.year == 2025
    assert (new.plan.document.date.day, new.plan.document.date.month, new.plan.document.date.year) == (None, 2, 2025)
    assert [t.id for t in new.tasks] == [t.id for t in old.tasks]
    for a, b in zip(old.tasks, new.tasks):
        want = [(_shift(p.start, 1), _shift(p.end, 1)) for r in a.readings for p in r.periods]
        got = [(p.start, p.end) for r in b.readings for p in r.periods]
        assert got == want, a.id
        assert [r.recurrence for r in a.readings] == [r.recurrence for r in b.readings]
    t = {x.id: x for x in new.tasks}
    assert t["pgd-nhap-du-lieu"].phrases == ("Từ ngày 05/9 đến ngày 30/9/2025",)
    assert "(Từ ngày 05/9 đến ngày 30/9/2025)" in t["pgd-nhap-du-lieu"].text
    assert t["pgd-ke-hoach"].text.endswith("xóa mù chữ năm 2025 (tháng 2/2025).")
    assert new.plan.document.title.endswith("trên địa bàn quận năm 2025")
    # the year before the plan year moves too
    assert new.plan.sections[0].content[1].content[1].bullet.endswith("PCGD, XMC năm 2024.")
    assert res.review == [r for r in res.review if "chưa dời đúng" not in r.reason]


def test_no_citation_is_touched_and_each_is_listed(plan_dir):
    src = plan_dir / SAMPLE.name
    res = roll_plan(src, year=2025)
    old_text = src.read_text(encoding="utf-8")
    new_text = res.target.read_text(encoding="utf-8")
    flat_old, flat_new = " ".join(old_text.split()), " ".join(new_text.split())
    for c in CITATIONS:
        assert c in flat_old and c in flat_new, c
    old_cites = [m.group() for m in CITATION.finditer(flat_old)]
    new_cites = [m.group() for m in CITATION.finditer(flat_new)]
    assert old_cites == new_cites and len(old_cites) >= len(CITATIONS)
    listed = {" ".join(r.text.split()) for r in res.review}
    for c in CITATIONS:
        assert c in listed, c
    # the căn cứ lines are never edited
    assert load_plan(res.target).plan.basis == load_plan(src).plan.basis
    # a year that is neither a deadline nor "năm <plan year>" is left and listed
    assert any("(2020-2025)" in r.text for r in res.review)
    assert "giai đoạn 1 (2020-2025)" in flat_new and "lộ trình từ năm 2020-2030" in flat_new


def test_comments_and_layout_survive_only_the_year_tokens_change(plan_dir):
    src = plan_dir / SAMPLE.name
    res = roll_plan(src, year=2025)
    old_lines = src.read_text(encoding="utf-8").splitlines()
    new_lines = res.target.read_text(encoding="utf-8").splitlines()
    assert len(old_lines) == len(new_lines)
    assert new_lines[0] == "# Kế hoạch PCGD, XMC năm 2025 của Ban Chỉ đạo quận Ba Đình (bản gốc: seed 001)."
    assert new_lines[1:3] == old_lines[1:3]  # comments kept
    for a, b in zip(old_lines, new_lines):
        if a != b:  # each changed line differs only in year numbers
            assert re.sub(r"\d{4}", "Y", a) == re.sub(r"\d{4}", "Y", b), (a, b)
    changed_lines = {c.line for c in res.changes}
    assert changed_lines == {i + 1 for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b}


def test_29_february_number_and_day_are_handled(tmp_path):
    plan = tmp_path / "kh-2024.yaml"
    plan.write_text("""# Kế hoạch thử năm 2024
year: 2024
units:
  pgd: {name: Phòng GDĐT}
document:
  issuing_body: PHÒNG GDĐT
  number: "15"
  symbol: KH-PGDĐT
  place: Ba Đình
  date: {day: 12, month: 3, year: 2024}
  title: Kế hoạch thử năm 2024
basis:
  - Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 29/02/2024 của UBND quận;
sections:
  - title: TỔ CHỨC THỰC HIỆN
    implementation: true
implementation:
  - unit: pgd
    content:
      - task: "Báo cáo nhanh (ngày 29/02/2024), tổng kết năm học 2023-2024 (trước ngày 29/2)."
        id: bc
        deadline: [ngày 29/02/2024, trước ngày 29/2]
      - task: Rà soát số liệu năm 2022 và năm 2023.
        id: rs
        ongoing: true
signer: {lines: [TRƯỞNG PHÒNG], name: Nguyễn Văn A}
""", encoding="utf-8")
    res = roll_plan(plan, year=2025)
    lp = load_plan(res.target)
    doc = lp.plan.document
    assert (doc.number, doc.date.day, doc.date.month, doc.date.year) == (None, None, 3, 2025)
    t = lp.tasks[0]
    assert t.phrases == ("ngày 28/02/2025", "trước ngày 28/2")
    assert t.readings[0].periods[0].start == date(2025, 2, 28)
    assert "năm học 2024-2025" in t.text
    assert lp.plan.basis == ["Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 29/02/2024 của UBND quận;"]
    assert lp.tasks[1].text == "Rà soát số liệu năm 2022 và năm 2024."
    # into a leap year again: 28/2 stays 28/2 (listed changes say so)
    back = roll_plan(res.target, year=2028, out=tmp_path / "kh-2028.yaml")
    assert load_plan(back.target).tasks[0].phrases == ("ngày 28/02/2028", "trước ngày 28/2")


def test_existing_target_needs_force_and_bad_year_is_refused(plan_dir):
    src = plan_dir / SAMPLE.name
    target = plan_dir / "ba-dinh-2025.yaml"
    target.write_text("# giữ\n", encoding="utf-8")
    with pytest.raises(InputError):
        roll_plan(src, year=2025)
    assert target.read_text(encoding="utf-8") == "# giữ\n"
    with pytest.raises(InputError):
        roll_plan(src, year=1800, out=plan_dir / "x.yaml")
    assert not (plan_dir / "x.yaml").exists()


def test_output_elsewhere_keeps_the_units_file_reachable(plan_dir, tmp_path):
    res = roll_plan(plan_dir / SAMPLE.name, year=2026, out=tmp_path / "elsewhere" / "kh.yaml")
    lp = load_plan(res.target)
    assert len(lp.units) > 20 and lp.year == 2026
    assert any(c.field == "units_file[0]" or c.field == "units_file" for c in res.changes)
    t = {x.id: x for x in lp.tasks}
    assert t["pgd-thi-dua"].phrases == ("cuối tháng 12/2026",)


def test_cli_new_prints_every_change_with_file_and_line(plan_dir, capsys):
    src = plan_dir / SAMPLE.name
    rc = main(["new", "--from", str(src), "--year", "2025"])
    out = capsys.readouterr().out
    assert rc == 0
    assert f"{src}:4: year: 2024 → 2025" in out
    assert f"{src}:150: implementation[0].content[0].deadline: tháng 2/2024 → tháng 2/2025" in out
    assert "Giữ nguyên, cần xem lại:" in out and "Nghị định số 20/2014/NĐ-CP ngày 24/3/2014" in out
    rc = main(["new", "--from", str(src), "--year", "2025", "--force", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["to"] == 2025 and len(data["changes"]) > 60


def test_cli_new_bad_plan_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2024\ndocument: [\n", encoding="utf-8")
    rc = main(["new", "--from", str(bad), "--year", "2025"])
    assert rc == 2
    assert "bad.yaml:" in capsys.readouterr().err
    assert not (tmp_path / "bad-2025.yaml").exists()


def test_citations_of_every_kind_are_kept_and_listed_as_citations(tmp_path):
    cites = ["Kế hoạch 184-KH/HU ngày 22 tháng 5 năm 2024", "Kết luận số 91-KL/TW ngày 12/8/2024",
             "Quyết định 1234/QĐ-TTg ngày 05/01/2024", "Văn bản hợp nhất số 07/VBHN-BGDĐT ngày 15/5/2024",
             "Thông báo kết luận số 30-TB/TW ngày 01/02/2024", "Báo cáo số 12/BC-UBND ngày 20/12/2024",
             "Chỉ thị số 05-CT/TU ngày 10/3/2024"]
    plan = tmp_path / "kh-2024.yaml"
    plan.write_text(f"""year: 2024
units:
  pgd: {{name: Phòng GDĐT}}
document: {{issuing_body: PHÒNG GDĐT, symbol: KH-PGDĐT, place: Ba Đình, date: {{month: 3, year: 2024}},
           title: Kế hoạch thử năm 2024}}
intro:
  - "Thực hiện {'; '.join(cites)}."
sections:
  - {{title: TỔ CHỨC THỰC HIỆN, implementation: true}}
implementation:
  - unit: pgd
    content:
      - {{task: "Triển khai {cites[1]} (tháng 4/2024).", id: a, deadline: tháng 4/2024}}
signer: {{lines: [TRƯỞNG PHÒNG], name: Nguyễn Văn A}}
""", encoding="utf-8")
    res = roll_plan(plan, year=2025)
    lp = load_plan(res.target)
    for c in cites:
        assert c in lp.plan.intro[0]
    assert lp.tasks[0].text == f"Triển khai {cites[1]} (tháng 4/2025)."
    listed = [r.text for r in res.review if r.reason == "trích dẫn văn bản: giữ nguyên"]
    assert listed == [*cites, cites[1]]
