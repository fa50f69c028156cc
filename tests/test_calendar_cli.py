"""`kehoach calendar` and `kehoach agenda` through the CLI entry point."""

from __future__ import annotations

import json
from datetime import date

from calendar_helpers import SEED_PLAN, parse_both, write_plan

from workflow.calendars.agenda import agenda
from workflow.cli import main
from workflow.plan.loader import load_plan
from workflow.plan.status import load_status


def test_calendar_command_writes_files_and_state(tmp_path, capsys):
    plan = write_plan(tmp_path / "p")
    out = tmp_path / "lich"
    assert main(["calendar", str(plan), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "tat-ca.ics" in text and "Đã tạo 5 lịch" in text
    state = json.loads((out / "lich.json").read_text(encoding="utf-8"))["calendar"]
    assert state["files"]["vp"] == "vp.ics" and len(state["events"]) == 17
    parse_both((out / "vp.ics").read_bytes())
    # the explicit subcommand is the same command
    assert main(["calendar", "build", str(plan), "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["added"] == 0 and data["changed"] == 0 and data["events"]["vp"] == 3


def test_calendar_command_bad_plan_exit_2_and_nothing_written(tmp_path, capsys):
    plan = write_plan(tmp_path / "p", calendar="years: 0")
    assert main(["calendar", str(plan), "-o", str(tmp_path / "lich")]) == 2
    err = capsys.readouterr().err
    assert "calendar.years" in err and ":" in err.split("calendar.years")[0]
    assert not (tmp_path / "lich").exists()


def test_agenda_table_for_a_ward_of_the_seed(capsys):
    rc = main(["agenda", str(SEED_PLAN), "--unit", "p-kim-ma", "--today", "2024-09-01",
               "--to", "30/9/2024"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Phường Kim Mã" in out and "hôm nay 01/09/2024" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("05/09–30/09/2024") and "Nhập dữ liệu" in ln)
    assert "còn 29 ngày" in line


def test_agenda_json_days_left_and_window(capsys):
    rc = main(["agenda", str(SEED_PLAN), "--today", "2024-10-25", "--from", "2024-10-25",
               "--to", "2024-11-10", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    by_task = {(i["task"], i["date"]): i for i in data["items"]}
    hs = by_task[("pgd-ho-so-thanh-pho", "2024-11-04")]
    assert hs["days_left"] == 10 and hs["kind"] == "deadline" and hs["when"] == "còn 10 ngày"
    assert by_task[("pgd-bao-cao", "2024-10-31")]["days_left"] == 6
    assert all("2024-10-25" <= i["end"] and i["start"] <= "2024-11-10" for i in data["items"])
    assert [i["date"] for i in data["items"]] == sorted(i["date"] for i in data["items"])


def test_agenda_overdue_and_status(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    items = agenda(lp, today=date(2024, 11, 6), start=date(2024, 11, 1), end=date(2024, 11, 30))
    (dn,) = [i for i in items if i.task_id == "de-nghi"]
    assert dn.days_left == -2 and dn.when == "quá hạn 2 ngày"
    # "on" quoted: YAML 1.1 reads a bare on: key as True (status.py documents it bare; reported)
    (tmp_path / "status.yaml").write_text("done:\n  - task: de-nghi\n    \"on\": 2024-11-03\n", encoding="utf-8")
    status = load_status(tmp_path / "status.yaml", lp)
    items = agenda(lp, today=date(2024, 11, 6), start=date(2024, 11, 1), end=date(2024, 11, 30),
                   status=status)
    assert "de-nghi" not in {i.task_id for i in items}


def test_agenda_expands_recurrences_in_window(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    items = agenda(lp, today=date(2024, 1, 1), start=date(2024, 1, 1), end=date(2024, 12, 31),
                   unit="truong-a")
    quarters = [i.day for i in items if i.task_id == "tu-kiem-tra"]
    assert quarters == [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
    start = [i for i in items if i.task_id == "dieu-tra"]
    assert start[0].kind == "start" and start[0].when.startswith("bắt đầu sau")


def test_agenda_usage_errors(capsys):
    assert main(["agenda", str(SEED_PLAN), "--today", "31/02/2024"]) == 2
    assert "--today" in capsys.readouterr().err
    assert main(["agenda", str(SEED_PLAN), "--unit", "p-kim-m", "--today", "2024-09-01"]) == 2
    assert "có phải 'p-kim-ma'" in capsys.readouterr().err
    assert main(["agenda", str(SEED_PLAN), "--from", "2024-09-10", "--to", "2024-09-01"]) == 2
    assert "trước ngày bắt đầu" in capsys.readouterr().err


def test_help_lists_calendar_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "calendar" in out and "agenda" in out
    assert main(["calendar", "--help"]) == 0
    assert "publish" in capsys.readouterr().out


def test_calendar_out_dir_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    plan = write_plan(tmp_path / "p")
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    for out in (tmp_path / "tep", tmp_path / "tep" / "lich"):
        assert main(["calendar", str(plan), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and "không tạo được thư mục lịch" in err and str(out) in err
        assert "trùng tên" in err
    assert (tmp_path / "tep").read_text(encoding="utf-8") == "x"


def test_agenda_table_wraps_long_cells_instead_of_cutting_them():
    from workflow.calendars.agenda import format_table

    lp = load_plan(SEED_PLAN)
    items = agenda(lp, today=date(2024, 9, 1), start=date(2024, 9, 1), end=date(2024, 11, 30),
                   unit="p-kim-ma")
    for width in (80, 120):
        lines = format_table(items, width=width)
        assert all(len(ln) <= width for ln in lines), width
        text = " ".join(" ".join(ln.split()) for ln in lines)
        assert "…" not in text and lines[0].split() == "Hạn Còn Nhiệm vụ Chủ trì Kế hoạch ghi".split()
        for i in items:  # every summary and phrase can be read in full, word by word
            assert all(w in text for w in (i.summary + " " + i.phrase).split()), i.task_id
        first = next(n for n, ln in enumerate(lines) if ln.startswith("05/09–30/09/2024"))
        assert "còn 29 ngày" in lines[first]
