"""One model of who owes what by when: calendars, reminders, overdue and the agenda agree.

The sample plan and small plans written here; commands run as a user runs them, outputs
read back (the .ics with two parsers, the reminders from `remind plan --json`)."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from calendar_helpers import parse_both  # noqa: E402
from remind_helpers import run, write_plan, write_settings  # noqa: E402

from workflow.plan.loader import load_plan  # noqa: E402
from workflow.plan.obligations import obligations, of_unit  # noqa: E402
from workflow.plan.status import Status, load_status  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
WARDS = 14


@pytest.fixture()
def sample(tmp_path) -> Path:
    """The sample plan and units directory, copied (the status file is written per test)."""
    (tmp_path / "plans").mkdir()
    shutil.copytree(ROOT / "config" / "units", tmp_path / "units")
    shutil.copy(SAMPLE, tmp_path / "plans" / SAMPLE.name)
    return tmp_path / "plans" / SAMPLE.name


def group_done(folder: Path, on: str = "2024-03-01") -> Path:
    p = folder / "trang-thai.yaml"
    p.write_text("done:\n  - {task: phuong-lich-dieu-tra, unit: ubnd-phuong, on: %s}\n" % on,
                 encoding="utf-8")
    return p


# --- the model itself ----------------------------------------------------------------------

def test_group_task_is_owed_by_each_member_and_the_owner_role_wins(sample):
    lp = load_plan(sample)
    obs = [o for o in obligations(lp) if o.task.id == "phuong-lich-dieu-tra"]
    leaves = [o for o in obs if o.leaf and o.role == "chu-tri"]
    assert len(leaves) == WARDS and all(o.via == "ubnd-phuong" for o in leaves)
    assert [(o.unit, o.via) for o in obs if o.role == "phoi-hop"] == [("pgddt", None)]
    group = [o for o in obs if o.unit == "ubnd-phuong"]
    assert len(group) == 1 and not group[0].leaf and group[0].via is None
    # a unit named both as owner and co-owner answers as owner, once
    for t in lp.tasks:
        units = [o.unit for o in obligations(lp) if o.task.id == t.id]
        assert len(units) == len(set(units)), t.id


def test_a_status_line_for_a_group_counts_for_every_member(sample):
    lp = load_plan(sample)
    st = load_status(group_done(sample.parent), lp)
    obs = [o for o in obligations(lp, st) if o.task.id == "phuong-lich-dieu-tra"]
    # every ward, and the Phòng that only supports them (nothing is left to support)
    assert all(o.done_on == date(2024, 3, 1) for o in obs)
    # a line for one ward is that ward's only
    one = Status(entries=[type(st.entries[0])(task="phuong-lich-dieu-tra", unit="p-kim-ma",
                                              on=date(2024, 3, 1))])
    done = {o.unit for o in obligations(lp, one) if o.task.id == "phuong-lich-dieu-tra" and o.is_done()}
    assert done == {"p-kim-ma"}


def test_quarterly_without_a_day_falls_on_the_quarter_end_but_is_never_late(sample):
    lp = load_plan(sample)
    [o] = [o for o in of_unit(obligations(lp), "truong-thcs") if o.task.id == "thcs-tu-kiem-tra"]
    ends = [p.end for _, p in o.occurrences()]
    assert ends == [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
    assert o.due is None and not o.is_late(date(2025, 6, 1))


# --- the group-done case across the commands -------------------------------------------------

def test_group_done_silences_reminders_overdue_and_agenda(sample, tmp_path, capsys):
    status = group_done(sample.parent)
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    rc, out, err = run(capsys, "remind", "plan", str(sample), "--status", str(status),
                       "--settings", str(settings), "--json")
    assert rc == 0, err
    queued = [r for u in json.loads(out)["units"] for r in u["reminders"]
              if r["task"] == "phuong-lich-dieu-tra"]
    assert queued == []
    # without the status line every ward is chased
    rc, out, _ = run(capsys, "remind", "plan", str(sample), "--settings", str(settings), "--json")
    chased = {u["unit"] for u in json.loads(out)["units"]
              if any(r["task"] == "phuong-lich-dieu-tra" for r in u["reminders"])}
    assert len(chased) == WARDS + 1 and "pgddt" in chased  # and the Phòng, which supports them
    rc, out, _ = run(capsys, "overdue", str(sample), "--on", "2024-11-05", "--status", str(status),
                     "--json")
    late = [t for u in json.loads(out)["units"] for t in u["tasks"]]
    assert not any(t["task"] == "phuong-lich-dieu-tra" for t in late)
    rc, out, _ = run(capsys, "agenda", str(sample), "--unit", "p-kim-ma", "--from", "2024-10-01",
                     "--to", "2024-10-31", "--status", str(status), "--json")
    assert rc == 0
    assert not any(i["task"] == "phuong-lich-dieu-tra" for i in json.loads(out)["items"])
    rc, out, _ = run(capsys, "agenda", str(sample), "--unit", "p-kim-ma", "--from", "2024-10-01",
                     "--to", "2024-10-31", "--json")
    # "tháng 10/2024": its start and its deadline
    assert [(i["task"], i["kind"]) for i in json.loads(out)["items"]] == [
        ("phuong-lich-dieu-tra", "start"), ("phuong-lich-dieu-tra", "deadline")]


def test_remind_sync_cancels_a_group_task_reported_done(sample, tmp_path, capsys):
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    assert run(capsys, "remind", "sync", str(sample), *common, "--now", "2024-02-01")[0] == 0
    rc, out, _ = run(capsys, "remind", "sync", str(sample), "--status", str(group_done(sample.parent)),
                     *common, "--now", "2024-03-02", "--json")
    cancelled = [c for c in json.loads(out)["cancelled"] if "|phuong-lich-dieu-tra|" in c["key"]]
    assert cancelled and {c["reason"] for c in cancelled} == {"đơn vị đã hoàn thành nhiệm vụ"}
    assert len({c["key"].split("|")[2] for c in cancelled}) == WARDS + 1  # wards and Phòng GDĐT


# --- working days ----------------------------------------------------------------------------

def _sample_reminders(capsys, tmp_path, sample, **reminders) -> list[dict]:
    settings = write_settings(tmp_path / "settings.yaml", port=None, **reminders)
    rc, out, err = run(capsys, "remind", "plan", str(sample), "--settings", str(settings), "--json")
    assert rc == 0, err
    return [r for u in json.loads(out)["units"] for r in u["reminders"]]


def test_no_sample_reminder_falls_on_a_weekend_or_holiday(sample, tmp_path, capsys):
    import holidays

    vn = holidays.country_holidays("VN", years=[2023, 2024, 2025])
    sent = [date.fromisoformat(r["due"][:10]) for r in _sample_reminders(capsys, tmp_path, sample)]
    assert sent
    assert [d for d in sent if d.weekday() >= 5 or d in vn] == []
    # the setting turned off sends on the day itself: many of those fall on a weekend
    plain = [date.fromisoformat(r["due"][:10])
             for r in _sample_reminders(capsys, tmp_path, sample, working_days=False)]
    assert sum(d.weekday() >= 5 for d in plain) > 50


def test_a_holiday_reminder_moves_to_the_working_day_before_and_keeps_its_deadline(tmp_path, capsys):
    # 02/9/2024 (Quốc khánh) is a Monday; 31/8 and 01/9 are a weekend: the last-day reminder
    # goes on Friday 30/8 and the mail still says the deadline is 02/9.
    plan = write_plan(tmp_path / "kh.yaml", tasks=[
        {"task": "Nộp hồ sơ (ngày 02/9/2024).", "id": "ho-so", "summary": "Hồ sơ",
         "deadline": "ngày 02/9/2024"}])
    settings = write_settings(tmp_path / "settings.yaml", port=None, offsets=[0])
    rc, out, err = run(capsys, "remind", "plan", str(plan), "--settings", str(settings), "--json")
    assert rc == 0, err
    [r] = [r for u in json.loads(out)["units"] for r in u["reminders"] if u["unit"] == "pgd"]
    assert r["due"][:10] == "2024-08-30" and r["kind"] == "han-cuoi"
    assert r["deadline"] == "hạn 02/9/2024" and r["status"] == "Còn 3 ngày"
    # the mail itself: run it into the outbox on that Friday
    rc, out, err = run(capsys, "remind", "run-due", str(plan), "--settings", str(settings),
                       "--db", str(tmp_path / "db.sqlite"), "--now", "2024-08-30T08:00", "--json")
    assert rc == 0, err
    [m] = json.loads(out)["sent"]
    assert "Còn 3 ngày: Hồ sơ — hạn 02/9/2024" in m["subject"]


# --- calendars and reminders read the same days ---------------------------------------------

def test_unit_calendars_hold_exactly_the_obligations_days(sample, tmp_path, capsys):
    import recurring_ical_events

    out = tmp_path / "lich"
    assert run(capsys, "calendar", str(sample), "-o", str(out))[0] == 0
    lp = load_plan(sample)
    obs = obligations(lp)
    for unit in ("pgddt", "p-kim-ma", "truong-thcs", "ubnd-phuong"):
        cal, _ = parse_both((out / f"{unit}.ics").read_bytes())
        got = sorted(
            (str(ev["X-KH-TASK"]) if "X-KH-TASK" in ev else _task_of(ev),
             ev.decoded("DTSTART"), ev.decoded("DTEND") - timedelta(days=1))
            for ev in recurring_ical_events.of(cal).between(date(2024, 1, 1), date(2025, 1, 1)))
        want = []
        for o in of_unit(obs, unit):
            for _, p in o.occurrences():
                first, last = p.start or p.end, p.end or p.start
                if (last - first).days + 1 >= 28:  # a long period: its start and its deadline
                    want += [(o.task.id, first, first), (o.task.id, last, last)]
                else:
                    want.append((o.task.id, first, last))
        assert got == sorted(want), unit


def _task_of(ev) -> str:
    desc = str(ev["DESCRIPTION"])
    return desc.rsplit("Mã nhiệm vụ: ", 1)[1].split()[0]


def test_long_periods_are_a_start_and_a_deadline_and_titles_are_unique(sample, tmp_path, capsys):
    """A month-long all-day bar hides the month in a calendar app: 'tháng 10/2024' is a start
    mark and a deadline, unless calendar.long_periods says bar; no two events share a title."""
    out = tmp_path / "lich"
    assert run(capsys, "calendar", str(sample), "-o", str(out))[0] == 0
    for f in out.glob("*.ics"):
        cal, _ = parse_both(f.read_bytes())
        evs = list(cal.walk("VEVENT"))
        titles = [str(e["SUMMARY"]) for e in evs]
        assert len(titles) == len(set(titles)), f.name
        assert all((e.decoded("DTEND") - e.decoded("DTSTART")).days < 28 for e in evs), f.name
    cal, _ = parse_both((out / "p-kim-ma.ics").read_bytes())
    oct_ = [(str(e["SUMMARY"]).split(":")[0], e.decoded("DTSTART")) for e in cal.walk("VEVENT")
            if e.decoded("DTSTART").month == 10]
    assert sorted(oct_) == [("Bắt đầu", date(2024, 10, 1)), ("Hạn", date(2024, 10, 31))]
    text = sample.read_text(encoding="utf-8").replace("year: 2024\n", "year: 2024\ncalendar:\n  long_periods: bar\n", 1)
    sample.write_text(text, encoding="utf-8")
    assert run(capsys, "calendar", str(sample), "-o", str(out))[0] == 0
    cal, _ = parse_both((out / "p-kim-ma.ics").read_bytes())
    bars = [e for e in cal.walk("VEVENT") if e.decoded("DTSTART") == date(2024, 10, 1)]
    assert len(bars) == 1 and bars[0].decoded("DTEND") == date(2024, 11, 1)
