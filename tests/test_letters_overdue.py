"""Letters from a plan: the triển khai letter of `kehoach build`, and `kehoach overdue`
with a status file (expectations computed by hand from config/status/ba-dinh-2024.yaml)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from letters_helpers import ROOT, header_text, norm, open_docx, reading_text

from workflow.build import build, build_plan
from workflow.cli import main
from workflow.overdue import find_overdue
from workflow.plan.overdue import default_new_deadline
from workflow.plan.workdays import next_workday

PLAN = ROOT / "config/plans/ba-dinh-2024.yaml"
STATUS = ROOT / "config/status/ba-dinh-2024.yaml"
LATE_WARDS = ["p-kim-ma", "p-ngoc-ha", "p-phuc-xa", "p-vinh-phuc"]


def pairs(res):
    return [(p.task.id, p.unit) for p in res.pairs]


def test_late_pairs_on_5_november():
    res = find_overdue(PLAN, on=date(2024, 11, 5), status=STATUS)
    assert pairs(res) == (
        [("pgd-bao-cao", "pgddt")]
        + [("phuong-lich-dieu-tra", w) for w in LATE_WARDS]
        + [("mnth-de-nghi-cong-nhan", "truong-mn-th")])
    days = {(p.task.id, p.unit): p.days_late_on(res.on) for p in res.pairs}
    assert days[("pgd-bao-cao", "pgddt")] == 5 and days[("mnth-de-nghi-cong-nhan", "truong-mn-th")] == 36
    # "tháng 11/2024" and "trước ngày 05/11/2024": the last period ends 30/11, not late yet
    assert "pgd-ho-so-thanh-pho" not in {t for t, _ in pairs(res)}


@pytest.mark.parametrize("on,expected", [
    (date(2024, 9, 30), []),                                             # due today is not late
    (date(2024, 10, 1), [("mnth-de-nghi-cong-nhan", "truong-mn-th")]),
    (date(2024, 11, 9), [("pgd-bao-cao", "pgddt")]                       # Kim Mã finished 08/11
     + [("phuong-lich-dieu-tra", w) for w in LATE_WARDS[1:]]
     + [("mnth-de-nghi-cong-nhan", "truong-mn-th")]),
])
def test_late_pairs_on_other_days(on, expected):
    assert pairs(find_overdue(PLAN, on=on, status=STATUS)) == expected


def test_without_status_every_dated_task_past_due_is_late_but_the_plan_itself():
    # "Dự thảo, trình ban hành Kế hoạch … (tháng 2/2024)" is done: the plan exists
    res = find_overdue(PLAN, on=date(2024, 3, 1))
    assert pairs(res) == [("thcs-ke-hoach", "truong-thcs")]


def test_a_draft_needs_to_know_who_finished(tmp_path, capsys):
    """No status file: the letters would urge everyone about everything — refused, unless
    --all-late says so; the plan's own issuing task never gets a letter."""
    out = tmp_path / "o"
    rc = main(["overdue", str(PLAN), "--on", "2024-11-05", "--draft", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "--status" in err and "--all-late" in err and not out.exists()
    rc = main(["overdue", str(PLAN), "--on", "2024-11-05", "--draft", "--all-late", "-o", str(out),
               "--date", "2024-11-06"])
    capsys.readouterr()
    assert rc == 1
    pgd = reading_text(open_docx(out / "ba-dinh-2024-don-doc-pgddt.docx"))
    assert "ban hành Kế hoạch" not in pgd and "Tổng hợp số liệu" in pgd
    assert "Ba Đình, ngày 06 tháng 11 năm 2024" in header_text(open_docx(out / "ba-dinh-2024-don-doc-pgddt.docx"))


def test_unit_names_and_phrases_read_as_written_by_hand(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["overdue", str(PLAN), "--on", "2024-11-05", "--status", str(STATUS), "--draft",
                 "-o", str(out)]) == 1
    capsys.readouterr()
    text = reading_text(open_docx(out / "ba-dinh-2024-don-doc-truong-mn-th.docx"))
    assert "đến ngày 05/11/2024, các trường Mầm non, Tiểu học trên địa bàn quận chưa báo cáo" in text
    assert "Đề nghị các trường Mầm non, Tiểu học" in text and "Các trường Mầm non, Tiểu học trên địa bàn quận chưa" not in text
    assert "(thời hạn: từ ngày 01/9 đến ngày 30/9/2024;" in text
    # a unit's name at the start of a line keeps its capital (Kính gửi)
    assert "Kính gửi: Các trường Mầm non, Tiểu học trên địa bàn quận" in text
    pgd = reading_text(open_docx(out / "ba-dinh-2024-don-doc-pgddt.docx"))
    assert "thời hạn: Từ" not in pgd and "(thời hạn: tháng 10/2024;" in pgd


def test_entry_for_the_group_counts_for_every_member(tmp_path):
    st = tmp_path / "st.yaml"
    st.write_text('done:\n  - {task: phuong-lich-dieu-tra, unit: ubnd-phuong, on: 2024-10-30}\n',
                  encoding="utf-8")
    res = find_overdue(PLAN, on=date(2024, 11, 5), status=st)
    assert not [u for t, u in pairs(res) if t == "phuong-lich-dieu-tra"]


def test_co_owners_are_chased_only_when_asked():
    res = find_overdue(PLAN, on=date(2024, 11, 5), status=STATUS, co_owners=True)
    got = pairs(res)
    assert len(got) == 6 + 1 + 14
    assert ("phuong-lich-dieu-tra", "pgddt") in got   # co-owner, no entry for pgddt
    wards = [u for t, u in got if t == "mnth-de-nghi-cong-nhan" and u.startswith("p-")]
    assert len(wards) == 14
    roles = {(p.task.id, p.unit): p.role for p in res.pairs}
    assert roles[("phuong-lich-dieu-tra", "pgddt")] == "phoi-hop"
    assert roles[("phuong-lich-dieu-tra", "p-ngoc-ha")] == "chu-tri"


def test_new_deadline_moves_off_weekends_and_holidays():
    assert default_new_deadline(date(2024, 11, 5)) == date(2024, 11, 12)   # a Tuesday
    assert default_new_deadline(date(2024, 11, 9)) == date(2024, 11, 18)   # Sat 16 → Mon 18
    assert next_workday(date(2024, 9, 2), {date(2024, 9, 2), date(2024, 9, 3)}) == date(2024, 9, 4)


def test_cli_json_and_exit_codes(capsys):
    rc = main(["overdue", str(PLAN), "--on", "2024-11-05", "--status", str(STATUS), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1
    assert data["on"] == "2024-11-05" and data["late_pairs"] == 6
    assert [u["unit"] for u in data["units"]] == ["pgddt", *LATE_WARDS, "truong-mn-th"]
    first = data["units"][0]
    assert first["name"] == "Phòng Giáo dục và Đào tạo quận"
    assert first["tasks"] == [{"task": "pgd-bao-cao", "summary": "Tổng hợp số liệu, báo cáo Sở GDĐT và UBND quận",
                               "deadline": ["tháng 10/2024"], "due": "2024-10-31", "days_late": 5,
                               "role": "chu-tri", "via": None}]
    assert data["units"][1]["tasks"][0]["via"] == "ubnd-phuong"
    rc = main(["overdue", str(PLAN), "--on", "30/09/2024", "--status", str(STATUS)])
    out = capsys.readouterr().out
    assert rc == 0 and "không có nhiệm vụ nào chậm hạn" in out


def test_draft_writes_one_letter_per_late_unit_with_its_tasks_only(tmp_path, capsys):
    out = tmp_path / "dd"
    rc = main(["overdue", str(PLAN), "--on", "2024-11-05", "--status", str(STATUS), "--draft",
               "-o", str(out), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1 and data["new_deadline"] == "2024-11-12"
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"ba-dinh-2024-don-doc-{u}.docx"
                           for u in ["pgddt", *LATE_WARDS, "truong-mn-th"])
    summaries = {"pgddt": "Tổng hợp số liệu, báo cáo Sở GDĐT và UBND quận",
                 "p-ngoc-ha": "Điều tra, cập nhật số liệu, đề nghị quận kiểm tra công nhận",
                 "truong-mn-th": "Tự kiểm tra, đề nghị quận công nhận đạt chuẩn"}
    names = {"pgddt": "Phòng Giáo dục và Đào tạo quận", "p-ngoc-ha": "UBND phường Ngọc Hà",
             "truong-mn-th": "Các trường Mầm non, Tiểu học trên địa bàn quận"}
    for uid, summary in summaries.items():
        doc = open_docx(out / f"ba-dinh-2024-don-doc-{uid}.docx")
        text = reading_text(doc)
        assert f"Kính gửi: {names[uid]}" in text
        assert f"- {summary} (thời hạn:" in text
        for other, s in summaries.items():
            if other != uid:
                assert s not in text, (uid, other)
        assert "trước ngày 12/11/2024./." in text
        head = header_text(doc)
        assert "V/v đôn đốc thực hiện nhiệm vụ theo Kế hoạch số /KH-BCĐ" in head
        assert "Số: /BCĐ" in head and "Ba Đình, ngày tháng 11 năm 2024" in head


def test_draft_with_bad_new_deadline_writes_nothing(tmp_path, capsys):
    out = tmp_path / "dd"
    rc = main(["overdue", str(PLAN), "--on", "2024-11-05", "--status", str(STATUS), "--draft",
               "-o", str(out), "--new-deadline", "2024-11-01"])
    assert rc == 2 and "phải sau ngày xét" in capsys.readouterr().err
    assert not out.exists()


def test_bad_status_file_is_reported_with_position(tmp_path, capsys):
    st = tmp_path / "st.yaml"
    st.write_text('done:\n  - {task: pgd-bao-cao, "on": 2024-10-30}\n'
                  '  - {task: pgd-bao-coa, unit: p-kim-mа, "on": 2024-10-30}\n', encoding="utf-8")
    out = tmp_path / "dd"
    rc = main(["overdue", str(PLAN), "--on", "2024-11-05", "--status", str(st), "--draft", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{st}:3:" in err and "pgd-bao-coa" in err and "(có phải 'pgd-bao-cao'?)" in err
    assert "p-kim-mа" in err  # Cyrillic 'а' in the unit id
    assert not out.exists()


def test_plan_build_drafts_trien_khai_letter_to_owning_units(tmp_path):
    res = build_plan(PLAN, out_dir=tmp_path)
    letters = [p for k, p in res.outputs if k == "cong-van"]
    assert [p.name for p in letters] == ["ba-dinh-2024-cong-van-trien-khai.docx"]
    assert letters[0].parent == [p for k, p in res.outputs if k == "ke-hoach"][0].parent
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert any(o["path"].endswith("ba-dinh-2024-cong-van-trien-khai.docx") for o in manifest["outputs"])
    doc = open_docx(letters[0])
    paras = [norm(p.text) for p in doc.paragraphs]
    k = paras.index("Kính gửi:")
    listed = []
    for line in paras[k + 1:]:
        if not line.startswith("- "):
            break
        listed.append(line[2:].rstrip(";."))
    owners = ["Phòng Giáo dục và Đào tạo quận", "Phòng Kế hoạch Tài chính quận",
              "Phòng Văn hoá và Thông tin quận", "Chi cục Thống kê quận", "Phòng Nội vụ quận",
              "Phòng Y tế, Trung tâm Y tế quận", "Hội Khuyến học quận", "Ủy ban nhân dân 14 phường",
              "Các trường Mầm non, Tiểu học trên địa bàn quận",
              "Các trường Trung học cơ sở trên địa bàn quận",
              "Các trường trung học phổ thông trên địa bàn quận, Trung tâm GDNN-GDTX quận",
              "Các trường nghề trên địa bàn"]
    assert listed == [norm(o) for o in owners]
    head = header_text(doc)
    assert "Số: /BCĐ" in head and "V/v triển khai Kế hoạch công tác phổ cập giáo dục mầm non" in head
    text = reading_text(doc)
    assert ("- Phòng Giáo dục và Đào tạo quận: chủ trì 10 nhiệm vụ, phối hợp 6 nhiệm vụ, "
            "thời hạn sớm nhất: tháng 2/2024.") in text
    # a unit that only supports others' tasks is not said to own them
    assert "- Phòng Nội vụ quận: chủ trì 2 nhiệm vụ." in text
    assert "- Chi cục Thống kê quận: chủ trì 1 nhiệm vụ, phối hợp 1 nhiệm vụ." in text
    assert "- Lưu: VT, PGDĐT." in text and "Phạm Thị Diễm" in text


def test_letter_from_plan_helper(tmp_path):
    from workflow.documents.letter_drafts import draft_date, letter_from_plan
    from workflow.documents.letters import build_letter_docx
    from workflow.errors import InputError
    from workflow.plan.loader import load_plan

    lp = load_plan(PLAN)
    letter = letter_from_plan(lp, to=["pgddt"], subject="V/v điều chỉnh Kế hoạch",
                              body=["Đoạn một & hai.", {"bullet": "Ý một"}],
                              dated=draft_date(2024, month_of=date(2024, 5, 2)))
    doc = open_docx(build_letter_docx(letter, tmp_path / "x.docx", units=lp.units))
    text = reading_text(doc)
    assert "Kính gửi: Phòng Giáo dục và Đào tạo quận" in text and "- Ý một" in text
    assert "Đoạn một & hai." in text
    assert "V/v điều chỉnh Kế hoạch" in header_text(doc) and "ngày tháng 5 năm 2024" in header_text(doc)
    with pytest.raises(InputError) as e:
        letter_from_plan(lp, to=[], subject="x", body=[])
    assert {p.field for p in e.value.problems} == {"to", "body"}


def test_blank_plan_number_and_day_stay_blank_in_drafted_letters(tmp_path):
    """The plan's number and day are blank (a draft): the letters keep the room to write them
    by hand ("Kế hoạch số      /KH-BCĐ ngày      tháng 02"), not "số /KH-BCĐ ngày tháng 02"."""
    from workflow.documents.letter_drafts import plan_letter, reminder_letter
    from workflow.documents.vnformat import BLANK
    from workflow.plan.loader import load_plan

    lp = load_plan(PLAN)
    res = find_overdue(PLAN, on=date(2024, 11, 5), status=STATUS)
    chase = reminder_letter(lp, "p-kim-ma", [p for p in res.pairs if p.unit == "p-kim-ma"],
                            on=date(2024, 11, 5), new_deadline=date(2024, 11, 12))
    # "số", the blank and the symbol hold together: no line break inside "số …/KH-BCĐ"
    ref = f"Kế hoạch số\u00a0{BLANK}/KH\u2011BCĐ"
    for letter in (plan_letter(lp), chase):
        first = letter.body[0].text
        assert f"{ref} ngày {BLANK} tháng 02 năm 2024" in first
    assert chase.document.subject.endswith(ref)
    path = build_letter_docx_for(chase, lp, tmp_path)
    doc = open_docx(path)
    # in the .docx the hyphen is Word's own non-breaking hyphen, read back as "-"
    assert f"số\u00a0{BLANK}/KH-BCĐ ngày {BLANK} tháng 02" in doc.paragraphs[2].text
    import zipfile
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "<w:noBreakHyphen/>" in xml and "\u2011" not in xml


def build_letter_docx_for(letter, lp, tmp_path):
    from workflow.documents.letters import build_letter_docx

    return build_letter_docx(letter, tmp_path / "x.docx", units=lp.units)


def test_every_letter_is_in_word_schema_order(tmp_path):
    """Word refuses what LibreOffice opens: the letter files (one with a landscape annex
    section) and the drafted đôn đốc letters keep OOXML child order."""
    from ooxml_order import order_problems

    docs = []
    for cfg in sorted((ROOT / "config/letters").glob("*.yaml")):
        docs += [p for _, p in build(cfg, out_dir=tmp_path / cfg.stem).outputs]
    res = find_overdue(PLAN, on=date(2024, 11, 5), status=STATUS, draft=True, out_dir=tmp_path / "dd")
    docs += [p for _, p in res.letters]
    assert len(docs) >= 2 + len(LATE_WARDS)
    for p in docs:
        assert order_problems(p) == [], p.name


def test_overdue_on_a_letter_file_says_so_once(capsys):
    letter = ROOT / "config/letters/cat-hai-2024.yaml"
    assert main(["overdue", str(letter), "--on", "2024-11-05"]) == 2
    err = capsys.readouterr().err
    assert f"{letter}:3:7: kind: đây là tệp công văn" in err and "kehoach overdue" in err
    assert err.count("lỗi:") == 1 and "sections" not in err
