"""Names that become file names cannot escape: unit codes and task ids are refused at their
line unless they are plain file names (a–z, 0–9, '-'), and every writer keeps its outputs
inside its output folder, symbolic links included."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workflow.cli import main
from workflow.safeio import OutsideFolder, confined

PLAN = textwrap.dedent("""\
    year: 2024
    document:
      issuing_body: PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
      symbol: KH-PGDĐT
      place: Ba Đình
      date: {day: 5, month: 2, year: 2024}
      title: Công tác phổ cập giáo dục năm 2024
    units_file: units.yaml
    units:
      UNIT_KEY: {name: Phòng Giáo dục và Đào tạo, email: pgd@example.org}
      nhom: {name: Các phường, kind: nhom, members: [MEMBER]}
    sections:
      - title: TỔ CHỨC THỰC HIỆN
        implementation: true
    implementation:
      - unit: OWNER
        content:
          - task: Nhập dữ liệu (từ ngày 05/9 đến ngày 30/9/2024).
            id: TASK_ID
            deadline: từ ngày 05/9 đến ngày 30/9/2024
            co_owners: [CO_OWNER]
    signer:
      lines: [TRƯỞNG PHÒNG]
      name: Nguyễn Văn A
    """)

UNITS = textwrap.dedent("""\
    FILE_UNIT: {name: UBND phường A, parent: PARENT}
    phuong-b: {name: UBND phường B}
    """)

GOOD = {"UNIT_KEY": "pgddt", "MEMBER": "phuong-a", "OWNER": "pgddt", "TASK_ID": "nhap",
        "CO_OWNER": "nhom", "FILE_UNIT": "phuong-a", "PARENT": "phuong-b"}

BAD_CODES = ["../../etc/x", "/tmp/a", "a\\b", "CON", "con", "nul", "com1", "LPT9", "phong gd",
             "phòng-gd", "Pgddt", "-x", "x-", "a--b", "a_b", "a.ics", ""]


def write(tmp_path: Path, **codes) -> tuple[Path, Path]:
    """The plan and its units file with ``codes`` in place of the placeholders (quoted, so
    that YAML reads each exactly as written)."""
    values = {**GOOD, **codes}

    def fill(text: str) -> str:
        for k, v in sorted(values.items(), key=lambda kv: -len(kv[0])):  # CO_OWNER before OWNER
            text = text.replace(k, "'" + v.replace("'", "''") + "'")
        return text

    plan, units = tmp_path / "plan.yaml", tmp_path / "units.yaml"
    plan.write_text(fill(PLAN), encoding="utf-8")
    units.write_text(fill(UNITS), encoding="utf-8")
    return plan, units


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


def test_the_good_plan_passes(tmp_path, capsys):
    plan, _ = write(tmp_path)
    assert main(["check", str(plan)]) == 0, capsys.readouterr().err


# placeholder -> (file it is in, the text on its line, field named in the message)
WHERE = {
    "UNIT_KEY": ("plan", "{name: Phòng Giáo dục", "units."),
    "MEMBER": ("plan", "members:", "units.nhom.members[0]"),
    "OWNER": ("plan", "- unit:", "implementation[0].unit"),
    "TASK_ID": ("plan", "id:", "implementation[0].content[0].id"),
    "CO_OWNER": ("plan", "co_owners:", "implementation[0].content[0].co_owners[0]"),
    "FILE_UNIT": ("units", "UBND phường A", ""),
    "PARENT": ("units", "parent:", ".parent"),
}


@pytest.mark.parametrize("place", list(WHERE))
@pytest.mark.parametrize("code", BAD_CODES)
def test_bad_code_refused_at_its_line(tmp_path, capsys, place, code):
    plan, units = write(tmp_path, **{place: code})
    rc = main(["check", str(plan)])
    err = capsys.readouterr().err
    assert rc == 2, err
    file, needle, field = WHERE[place]
    path = plan if file == "plan" else units
    line = line_of(path, needle)
    mine = [ln for ln in err.splitlines() if ln.startswith(f"lỗi: {path}:{line}:")]
    assert mine, f"no error at {path.name}:{line}:\n{err}"
    assert any(field in ln for ln in mine), err
    if code.lower() in ("con", "nul", "com1", "lpt9"):
        assert any("dành riêng của Windows" in ln for ln in mine), err
    else:
        assert any("chữ thường a–z, số 0–9 và dấu '-'" in ln for ln in mine), err
    assert "Traceback" not in err


def test_message_suggests_the_plain_form(tmp_path, capsys):
    plan, _ = write(tmp_path, TASK_ID="Nhập Dữ Liệu", OWNER="pgddt")
    assert main(["check", str(plan)]) == 2
    assert "có thể viết 'nhap-du-lieu'" in capsys.readouterr().err


def test_build_refuses_a_bad_task_id_and_writes_nothing(tmp_path, capsys):
    plan, _ = write(tmp_path, TASK_ID="../../ra-ngoai")
    out = tmp_path / "out"
    rc = main(["build", str(plan), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and f"plan.yaml:{line_of(plan, 'id:')}:" in err, err
    assert not out.exists()
    assert not list(tmp_path.rglob("ra-ngoai*"))


# --- confined: every writer stays inside its folder ----------------------------------------

def test_confined_refuses_names_and_links_that_leave(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    assert confined(root, "a.ics") == root / "a.ics"
    assert confined(root, "sub", "a.ics") == root / "sub" / "a.ics"
    for parts in (("../a.ics",), ("/tmp/a.ics",), ("sub", "..", "..", "a.ics")):
        with pytest.raises(OutsideFolder):
            confined(root, *parts)
    (root / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(OutsideFolder):
        confined(root, "link", "a.ics")
    (root / "inside").symlink_to(root / "sub", target_is_directory=True)
    assert confined(root, "inside", "a.ics") == root / "inside" / "a.ics"


def _outside(tmp_path: Path) -> Path:
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("không được ghi đè", encoding="utf-8")
    return victim


def _assert_refused(rc: int, err: str, victim: Path) -> None:
    assert rc == 2, err
    assert "ra ngoài thư mục kết quả" in err and "Traceback" not in err, err
    assert victim.read_text(encoding="utf-8") == "không được ghi đè"
    assert sorted(p.name for p in victim.parent.iterdir()) == ["victim.txt"]


def test_build_refuses_a_calendar_link_out_of_the_folder(tmp_path, capsys):
    plan, _ = write(tmp_path)
    victim = _outside(tmp_path)
    out = tmp_path / "out"
    (out / "calendars").mkdir(parents=True)
    (out / "calendars" / "pgddt.ics").symlink_to(victim)
    rc = main(["build", str(plan), "-o", str(out)])
    _assert_refused(rc, capsys.readouterr().err, victim)
    # all or nothing: the Kế hoạch .docx of the same build did not take its place either
    assert sorted(p.name for p in out.rglob("*")) == ["calendars", "pgddt.ics"]


def test_build_refuses_a_calendars_folder_linked_elsewhere(tmp_path, capsys):
    plan, _ = write(tmp_path)
    victim = _outside(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "calendars").symlink_to(victim.parent, target_is_directory=True)
    rc = main(["build", str(plan), "-o", str(out)])
    _assert_refused(rc, capsys.readouterr().err, victim)
    assert not any(p.suffix in (".docx", ".json") for p in out.iterdir())


def test_build_refuses_a_docx_link_out_of_the_folder(tmp_path, capsys):
    plan, _ = write(tmp_path)
    victim = _outside(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.docx").symlink_to(victim)
    rc = main(["build", str(plan), "-o", str(out)])
    _assert_refused(rc, capsys.readouterr().err, victim)
    assert not (out / "calendars").exists() or not any((out / "calendars").iterdir())


def test_calendar_command_refuses_a_link_and_writes_no_calendar(tmp_path, capsys):
    plan, _ = write(tmp_path)
    victim = _outside(tmp_path)
    out = tmp_path / "lich"
    out.mkdir()
    (out / "tat-ca.ics").symlink_to(victim)
    rc = main(["calendar", str(plan), "-o", str(out)])
    _assert_refused(rc, capsys.readouterr().err, victim)
    assert sorted(p.name for p in out.iterdir()) == ["tat-ca.ics"]


def test_overdue_letters_refuse_a_link_and_write_none(tmp_path, capsys):
    plan, _ = write(tmp_path)
    victim = _outside(tmp_path)
    out = tmp_path / "don-doc"
    out.mkdir()
    (out / "plan-don-doc-pgddt.docx").symlink_to(victim)
    rc = main(["overdue", str(plan), "--on", "2024-10-15", "--draft", "--all-late", "-o", str(out)])
    _assert_refused(rc, capsys.readouterr().err, victim)
    assert sorted(p.name for p in out.iterdir()) == ["plan-don-doc-pgddt.docx"]


def test_pdf_targets_checked_before_libreoffice_runs(tmp_path):
    from workflow.documents.pdf import to_pdf

    victim = _outside(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "ke-hoach.pdf").symlink_to(victim)
    with pytest.raises(OutsideFolder):
        to_pdf([out / "ke-hoach.docx"], out)
    assert victim.read_text(encoding="utf-8") == "không được ghi đè"


def test_mail_attachment_name_is_safe_even_from_an_old_ledger(tmp_path, capsys):
    """A ledger written before codes were checked may hold a unit id like '../../x': the
    attachment the unit's mail program saves is then called lich.ics."""
    import email
    import email.policy
    import sqlite3

    from tests.remind_helpers import write_plan, write_settings

    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    assert main(["remind", "sync", str(plan), *common, "--now", "2024-09-01"]) == 0
    with sqlite3.connect(tmp_path / "db.sqlite") as c:
        for table in ("reminders", "calendars"):
            c.execute(f"UPDATE {table} SET unit = '../../tmp/p1' WHERE unit = 'p1'")
    plan.unlink()
    assert main(["remind", "run-due", *common, "--now", "2024-09-23T07:30"]) == 0
    capsys.readouterr()
    names = {}
    for path in (tmp_path / "outbox" / "new").iterdir():
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        names[str(msg["To"])] = [a.get_filename() for a in msg.iter_attachments()]
    assert names["p&1@example.org"] == ["lich.ics"]
    assert names["pgd@example.org"] == ["pgd.ics"]
