"""Calendars from plans: events, identity, SEQUENCE/DTSTAMP state, files, golden output."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import recurring_ical_events
from calendar_helpers import (
    SCHOOL_TASKS,
    VP_TASKS,
    copy_seed,
    events_by_task,
    normalize_ics,
    parse_both,
    write_plan,
)

from workflow.calendars.ics import build_calendars, unit_calendar_bytes
from workflow.calendars.output import write_calendars
from workflow.errors import InputError
from workflow.plan.loader import load_plan

T0 = datetime(2024, 2, 20, 1, 2, 3, tzinfo=timezone.utc)
T1 = datetime(2024, 3, 1, 9, 0, 0, tzinfo=timezone.utc)
GOLDEN = Path(__file__).parent / "golden" / "calendar"
WARDS = ["p-cong-vi", "p-dien-bien", "p-doi-can", "p-giang-vo", "p-kim-ma", "p-lieu-giai",
         "p-ngoc-ha", "p-ngoc-khanh", "p-nguyen-trung-truc", "p-phuc-xa", "p-quan-thanh",
         "p-thanh-cong", "p-truc-bach", "p-vinh-phuc"]


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("seedcal")
    lp = load_plan(copy_seed(out / "cfg"))
    return lp, build_calendars(lp, out_dir=out / "cal", now=T0)


def test_every_file_parses_with_two_parsers_and_expands(seed_build):
    lp, res = seed_build
    assert set(WARDS) <= set(res.paths) and {"pgddt", "tat-ca"} <= set(res.paths)
    for unit, path in res.paths.items():
        data = path.read_bytes()
        ical1, ical2 = parse_both(data)
        n = len(res.events[unit])
        assert len(ical1.walk("VEVENT")) == len(ical2.events) == n > 0, unit
        assert str(ical1["X-WR-CALNAME"]) == str(ical1["NAME"])
        assert ical2.refresh_interval == timedelta(hours=12)
        assert "X-PUBLISHED-TTL:PT12H" in data.decode()
        occ = recurring_ical_events.of(ical1).between(date(2024, 1, 1), date(2025, 1, 1))
        assert len(occ) >= n
        for ev in ical1.walk("VEVENT"):  # all-day DATE values, exclusive end after the start
            start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
            assert type(start) is date and type(end) is date and end > start


def test_seed_data_entry_range_for_the_right_units(seed_build):
    lp, res = seed_build
    holders = set()
    for unit, path in res.paths.items():
        cal, _ = parse_both(path.read_bytes())
        evs = events_by_task(cal).get("pgd-nhap-du-lieu", [])
        if evs and unit != "tat-ca":
            holders.add(unit)
            (ev,) = evs
            assert ev.decoded("DTSTART") == date(2024, 9, 5)
            assert ev.decoded("DTEND") == date(2024, 10, 1)  # 30/9 inclusive
            assert "Từ ngày 05/9 đến ngày 30/9/2024" in str(ev["DESCRIPTION"])
    # pgddt owns it; the 14 wards co-own it through the ubnd-phuong group
    assert holders == {"pgddt", "ubnd-phuong", *WARDS}


def test_seed_before_5_november_ends_on_the_4th(seed_build):
    lp, res = seed_build
    cal, cal2 = parse_both(res.paths["pgddt"].read_bytes())
    evs = events_by_task(cal)["pgd-ho-so-thanh-pho"]
    # "tháng 11/2024" is a start mark and a deadline (no month-long bar); "trước ngày
    # 05/11/2024" a deadline on the 4th; the two deadlines are told apart by their phrase
    deadline = [e for e in evs if "(trước ngày 05/11/2024)" in str(e["SUMMARY"])]
    assert len(deadline) == 1 and len(evs) == 3
    assert sorted(str(e["SUMMARY"]).split(":")[0] for e in evs) == ["Bắt đầu", "Hạn", "Hạn"]
    assert len({str(e["SUMMARY"]) for e in evs}) == 3
    assert deadline[0].decoded("DTSTART") == date(2024, 11, 4)
    assert deadline[0].decoded("DTEND") == date(2024, 11, 5)
    other = next(e for e in cal2.events if e.uid == str(deadline[0]["UID"]))
    assert other.dtstart == date(2024, 11, 4) and other.dtend == date(2024, 11, 5)


def test_ongoing_tasks_get_no_event_and_units_without_dates_no_file(seed_build):
    lp, res = seed_build
    assert "pkhtc" not in res.paths  # only ongoing tasks
    cal, _ = parse_both(res.paths["tat-ca"].read_bytes())
    ids = set(events_by_task(cal))
    assert "khtc-ngan-sach" not in ids and "pgd-nhap-du-lieu" in ids
    assert ids == {t.id for t in lp.tasks if t.dated or any(r.recurrence for r in t.readings)}


def test_unchanged_rebuild_is_byte_identical(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    first = write_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    blobs = {u: p.read_bytes() for u, p in first.paths.items()}
    again = write_calendars(load_plan(lp.path), out_dir=tmp_path / "cal", now=T1)
    assert {u: p.read_bytes() for u, p in again.paths.items()} == blobs
    assert not again.added and not again.changed and not again.removed and not again.notes
    assert b"20240301" not in b"".join(blobs.values())


def test_unchanged_calendars_are_not_written_again(tmp_path):
    """A rebuild in which nothing a calendar says has changed reuses its file (icalendar is
    then not even imported); a file changed on disk since, or a changed task, is written
    anew, and comes out exactly as a fresh build."""
    import subprocess
    import sys

    plan = write_plan(tmp_path / "p")
    code = ("import sys; from datetime import datetime, timezone; from pathlib import Path\n"
            "from workflow.calendars.output import write_calendars\n"
            "from workflow.plan.loader import load_plan\n"
            f"write_calendars(load_plan({str(plan)!r}), out_dir=Path({str(tmp_path / 'cal')!r}), "
            "now=datetime(2024, 3, 1, tzinfo=timezone.utc))\n"
            "print('icalendar' in sys.modules)\n")
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: E731
                                 check=True).stdout.strip()
    assert run() == "True"  # the first build writes every file
    files = {p.name: p.read_bytes() for p in (tmp_path / "cal").glob("*.ics")}
    assert run() == "False"
    assert {p.name: p.read_bytes() for p in (tmp_path / "cal").glob("*.ics")} == files
    (tmp_path / "cal" / "vp.ics").write_bytes(files["vp.ics"].replace(b"Nh", b"nh"))
    assert run() == "True"
    assert (tmp_path / "cal" / "vp.ics").read_bytes() == files["vp.ics"]
    text = plan.read_text(encoding="utf-8").replace("Tự kiểm tra", "Tự kiểm tra lại")
    plan.write_text(text, encoding="utf-8")
    assert run() == "True"
    fresh = build_calendars(load_plan(plan), out_dir=tmp_path / "fresh", now=T0,
                            previous=json.loads((tmp_path / "cal" / "lich.json").read_text(encoding="utf-8")))
    for unit, path in fresh.paths.items():
        assert (tmp_path / "cal" / path.name).read_bytes() == path.read_bytes(), unit


def test_reordering_tasks_keeps_uids_and_files(tmp_path):
    a = load_plan(write_plan(tmp_path / "a"))
    b = load_plan(write_plan(tmp_path / "b", vp_tasks=VP_TASKS[::-1], school_tasks=SCHOOL_TASKS[::-1]))
    ra = build_calendars(a, out_dir=tmp_path / "ca", now=T0)
    rb = build_calendars(b, out_dir=tmp_path / "cb", now=T0)
    assert [t.id for t in a.tasks] != [t.id for t in b.tasks]
    for unit in ra.paths:
        assert ra.paths[unit].read_bytes() == rb.paths[unit].read_bytes(), unit


def test_uid_survives_moving_the_plan_file(tmp_path):
    lp1 = load_plan(write_plan(tmp_path / "here"))
    lp2 = load_plan(write_plan(tmp_path / "elsewhere" / "deeper", name="renamed.yaml"))
    r1 = build_calendars(lp1, out_dir=tmp_path / "c1", now=T0)
    r2 = build_calendars(lp2, out_dir=tmp_path / "c2", now=T0)
    assert set(r1.state["events"]) == set(r2.state["events"])
    assert all(uid.endswith("@kehoach") for uid in r1.state["events"])


def test_moving_one_deadline_raises_only_that_sequence(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    before = write_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    moved = [VP_TASKS[0], VP_TASKS[1].replace("05/11/2024", "15/11/2024"), VP_TASKS[2]]
    lp2 = load_plan(write_plan(tmp_path / "p", vp_tasks=moved))
    after = write_calendars(lp2, out_dir=tmp_path / "cal", now=T1)
    changed = {u for u, e in after.state["events"].items() if e["sequence"] > 0}
    assert changed and changed == set(after.changed)
    assert {after.state["events"][u]["task"] for u in changed} == {"de-nghi"}
    assert {after.state["events"][u]["unit"] for u in changed} == {"vp", "tat-ca"}
    cal, _ = parse_both(after.paths["vp"].read_bytes())
    for task, evs in events_by_task(cal).items():
        for ev in evs:
            seq, stamp = int(ev["SEQUENCE"]), ev.decoded("DTSTAMP")
            if task == "de-nghi":
                assert (seq, stamp, ev.decoded("DTSTART")) == (1, T1, date(2024, 11, 14))
            else:
                assert (seq, stamp) == (0, T0)
    # the other calendars did not change at all
    assert after.paths["truong-a"].read_bytes() == before.paths["truong-a"].read_bytes()


def test_removed_task_disappears_and_the_build_says_so(tmp_path):
    from workflow.build import build_plan

    plan = write_plan(tmp_path / "p")
    first = build_plan(plan, out_dir=tmp_path / "out")
    cal_dir = tmp_path / "out" / "calendars"
    assert (cal_dir / "vp.ics").exists() and ("lich", cal_dir / "vp.ics") in first.outputs
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["calendar"]["events"]
    write_plan(tmp_path / "p", vp_tasks=VP_TASKS[:2])
    second = build_plan(plan, out_dir=tmp_path / "out")
    assert any("bao-cao-nam" in n and "không còn trong kế hoạch" in n for n in second.notes)
    cal, _ = parse_both((cal_dir / "vp.ics").read_bytes())
    assert "bao-cao-nam" not in events_by_task(cal)
    # it comes back: SEQUENCE continues from the tombstone instead of restarting at 0
    write_plan(tmp_path / "p")
    build_plan(plan, out_dir=tmp_path / "out")
    cal, _ = parse_both((cal_dir / "vp.ics").read_bytes())
    assert int(events_by_task(cal)["bao-cao-nam"][0]["SEQUENCE"]) == 1


def test_a_unit_left_without_events_loses_its_file(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    write_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    assert (tmp_path / "cal" / "truong-a.ics").exists()
    ongoing = "      - task: Phối hợp thường xuyên.\n        id: phoi-hop\n        ongoing: true"
    lp2 = load_plan(write_plan(tmp_path / "p", vp_tasks=VP_TASKS[1:], school_tasks=[ongoing]))
    res = write_calendars(lp2, out_dir=tmp_path / "cal", now=T1)
    assert not (tmp_path / "cal" / "truong-a.ics").exists()
    assert any("truong-a.ics" in n for n in res.notes)


def test_yearly_rrule_until_is_a_date_and_expands(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p", calendar="years: 3"))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    data = res.paths["vp"].read_bytes()
    cal, cal2 = parse_both(data)
    (ev,) = events_by_task(cal)["bao-cao-nam"]
    assert "RRULE:FREQ=YEARLY;UNTIL=20261231\r\n" in data.decode()
    ev2 = next(e for e in cal2.events if e.uid == str(ev["UID"]))
    assert type(ev2.rrule.until) is date
    days = [o.decoded("DTSTART") for o in recurring_ical_events.of(cal).between(date(2024, 1, 1), date(2030, 1, 1))
            if o["UID"] == ev["UID"]]
    assert days == [date(2024, 10, 2), date(2025, 10, 2), date(2026, 10, 2)]


def test_quarterly_without_date_is_anchored_and_agrees_with_expansion(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    cal, _ = parse_both(res.paths["truong-b"].read_bytes())
    (ev,) = events_by_task(cal)["tu-kiem-tra"]
    got = [o.decoded("DTSTART") for o in recurring_ical_events.of(cal).between(date(2024, 1, 1), date(2026, 1, 1))
           if o["UID"] == ev["UID"]]
    assert got == [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
    ours = next(e for e in res.events["truong-b"] if e.task_id == "tu-kiem-tra")
    assert [a for a, _ in ours.occurrences(date(2024, 1, 1), date(2026, 1, 1))] == got
    lp_none = load_plan(write_plan(tmp_path / "q", calendar="quarterly_day: null"))
    assert "tu-kiem-tra" not in {e.task_id for e in build_calendars(
        lp_none, out_dir=tmp_path / "c2", now=T0).events["tat-ca"]}


def test_alarms_follow_the_configuration(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p", calendar="alarms: [3]\nalarm_hour: 9"))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    cal, cal2 = parse_both(res.paths["vp"].read_bytes())
    by = events_by_task(cal)
    (one_day,) = by["de-nghi"]
    (alarm,) = one_day.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-3, hours=9)  # 01/11 at 09:00
    (rng,) = by["nhap-du-lieu"]
    (alarm,) = rng.walk("VALARM")
    assert alarm["TRIGGER"].params["RELATED"] == "END"  # 3 days before 30/9 at 09:00
    assert datetime(2024, 10, 1) + alarm.decoded("TRIGGER") == datetime(2024, 9, 27, 9)
    lp0 = load_plan(write_plan(tmp_path / "q", calendar="alarms: []"))
    assert b"VALARM" not in build_calendars(lp0, out_dir=tmp_path / "c0", now=T0).paths["vp"].read_bytes()


def test_bad_calendar_settings_are_reported_with_position(tmp_path):
    plan = write_plan(tmp_path / "p", calendar="alarms: [99]\nyears: 0\nmonthly_day: 0\nalarm: 1")
    with pytest.raises(InputError) as e:
        load_plan(plan)
    fields = {p.field for p in e.value.problems}
    assert {"calendar.alarms", "calendar.years", "calendar.monthly_day", "calendar.alarm"} <= fields
    assert all(p.line for p in e.value.problems)
    assert any("có phải 'alarms'" in p.message for p in e.value.problems)


def test_unit_calendar_bytes_matches_the_file(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    res = write_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    state = json.loads((tmp_path / "cal" / "lich.json").read_text(encoding="utf-8"))
    assert unit_calendar_bytes(lp, "truong-a", state=state, now=T1) == res.paths["truong-a"].read_bytes()
    assert unit_calendar_bytes(lp, "vp", state=res.state, now=T1) == res.paths["vp"].read_bytes()
    with pytest.raises(InputError, match="không có đơn vị 'truong-x'"):
        unit_calendar_bytes(lp, "truong-x", state=state)


def test_special_characters_survive(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    _, cal2 = parse_both(res.paths["vp"].read_bytes())
    assert all("năm 2024 & các việc liên quan" in e.description for e in cal2.events)
    assert all("Kế hoạch số 12/KH-BCĐ ngày 05/02/2024" in e.description for e in cal2.events)


def test_golden_files(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p", calendar="years: 2"))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    for unit in ("vp", "truong-a", "tat-ca"):
        golden = GOLDEN / f"{unit}.ics"
        got = normalize_ics(res.paths[unit].read_bytes())
        if not golden.exists():  # pragma: no cover - first run writes the golden file
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(got, encoding="utf-8")
            pytest.fail(f"golden file {golden} was missing and has been written; review it")
        assert got == golden.read_text(encoding="utf-8"), unit


def test_build_without_out_dir_writes_calendars_year_folder(tmp_path, monkeypatch):
    from workflow.build import build_plan

    plan = write_plan(tmp_path / "cfg")
    monkeypatch.chdir(tmp_path)
    res = build_plan(plan)
    assert (tmp_path / "calendars" / "2024" / "tat-ca.ics").exists()
    assert (tmp_path / "calendars" / "2024" / "lich.json").exists()
    assert ("lich", Path("calendars") / "2024" / "vp.ics") in res.outputs
    shutil.rmtree(tmp_path / "calendars")


def test_changing_calendar_id_is_reported_and_remembered(tmp_path):
    lp = load_plan(write_plan(tmp_path / "p"))
    first = write_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    lp2 = load_plan(write_plan(tmp_path / "p", calendar="id: mot-ma-khac"))
    second = write_calendars(lp2, out_dir=tmp_path / "cal", now=T1)
    assert any("mã lịch của kế hoạch đã đổi" in n for n in second.notes)
    assert second.state["retired"] == [first.state["plan"]]
    assert not set(first.state["events"]) & set(second.state["events"])


def _task(tid: str, deadline: str) -> str:
    return (f"      - task: Việc {tid} ({deadline}).\n        id: {tid}\n        summary: Việc {tid}\n"
            f"        deadline: {deadline}")


def test_month_end_days_are_not_skipped_in_short_months(tmp_path):
    """RFC 5545 drops a 30th or 31st that a month lacks: such deadlines must clamp instead."""
    tasks = [_task("ngay-31", "chậm nhất ngày 31 hằng tháng"),
             _task("ngay-30", "chậm nhất ngày 30 hằng tháng"),
             _task("truoc-1-3", "trước ngày 01/03 hằng năm")]
    lp = load_plan(write_plan(tmp_path / "p", vp_tasks=tasks, calendar="years: 3"))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    cal, _ = parse_both(res.paths["vp"].read_bytes())
    lo, hi = date(2024, 1, 1), date(2026, 12, 31)
    got = {}
    for task, (ev,) in events_by_task(cal).items():
        occ = recurring_ical_events.of(cal).between(lo, hi + timedelta(days=1))  # end exclusive
        got[task] = [o.decoded("DTSTART") for o in occ if o["UID"] == ev["UID"]]
        ours = next(e for e in res.events["vp"] if e.task_id == task)
        assert [a for a, _ in ours.occurrences(lo, hi)] == got[task], task  # agenda agrees
    assert len(got["ngay-31"]) == len(got["ngay-30"]) == 36
    assert got["ngay-31"][:4] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert got["ngay-30"][:3] == [date(2024, 1, 30), date(2024, 2, 29), date(2024, 3, 30)]
    assert date(2025, 2, 28) in got["ngay-30"]
    assert got["truoc-1-3"] == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28)]


def test_fast_folding_gives_exactly_icalendars_bytes(seed_build):
    """ics.to_ical folds lines itself (icalendar's folding was half the build time)."""
    import random

    from icalendar.parser.string import _foldline

    from workflow.calendars.ics import fold, to_ical

    rnd = random.Random(4)
    alphabet = "aă,;\\^ệữ😀 n:\"" + "x" * 5
    for _ in range(3000):
        line = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 400)))
        assert fold(line) == _foldline(line), line
    lp, res = seed_build
    for unit, path in res.paths.items():
        cal, _ = parse_both(path.read_bytes())
        assert to_ical(cal) == cal.to_ical() == path.read_bytes(), unit


def test_categories_read_the_same_in_both_parsers(seed_build):
    """A comma inside a category ("Trường MN, TH") is escaped per RFC 5545, but ical and
    several clients split on it anyway: categories carry no comma."""
    lp, res = seed_build
    for unit, path in res.paths.items():
        cal, cal2 = parse_both(path.read_bytes())
        for ev, ev2 in zip(cal.walk("VEVENT"), cal2.events):
            cats = [str(c) for c in ev["CATEGORIES"].cats]
            assert cats == list(ev2.categories), unit
            assert not any("," in c or "\\" in c for c in cats), cats
    cal, _ = parse_both(res.paths["truong-mn-th"].read_bytes())
    assert any("Trường MN/TH" in map(str, e["CATEGORIES"].cats) for e in cal.walk("VEVENT"))


def _icalendar_built(lp, unit, events, state) -> bytes:
    """The calendar built the plain way: every event an icalendar Event, then to_ical()."""
    from icalendar import Calendar

    from workflow.calendars.ics import calendar_bytes, vevent

    head = Calendar.from_ical(calendar_bytes(lp, unit, [], state))
    for ev in events:
        head.add_component(vevent(lp, ev, state["events"][ev.uid]))
    return head.to_ical()


@pytest.mark.parametrize("calendar", ["years: 2", "long_periods: bar\nalarms: [3, 0]\nalarm_hour: 17",
                                      "alarms: []"])
def test_shared_lines_give_exactly_icalendars_bytes(tmp_path, calendar):
    """IcsWriter serialises each distinct property once and puts events together from those
    lines: every file must equal icalendar's own serialisation of the same events."""
    tasks = [*VP_TASKS, _task("ngay-31", "chậm nhất ngày 31 hằng tháng"),
             _task("ngay-30", "chậm nhất ngày 30 hằng tháng"),
             _task("truoc-1-3", "trước ngày 01/03 hằng năm"), _task("quy", "tháng 10/2024"),
             "      - task: Việc có; chấm phẩy, gạch \\\\ ngược và \"nháy\" (trước ngày 02/12/2024).\n"
             "        id: ky-tu\n        summary: 'Việc có; chấm phẩy, gạch \\ ngược, \"nháy\" và "
             + "một tiêu đề rất dài " * 6 + "'\n        deadline: trước ngày 02/12/2024"]
    lp = load_plan(write_plan(tmp_path / "p", vp_tasks=tasks, calendar=calendar))
    res = build_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    assert len(res.paths) > 3
    for unit, path in res.paths.items():
        assert path.read_bytes() == _icalendar_built(lp, unit, res.events[unit], res.state), unit


def test_shared_lines_on_the_sample_plan(seed_build):
    lp, res = seed_build
    for unit, path in res.paths.items():
        assert path.read_bytes() == _icalendar_built(lp, unit, res.events[unit], res.state), unit


def test_shared_lines_tell_apart_events_that_differ_in_one_thing(tmp_path):
    """Events that share all but one field, written by one IcsWriter (its caches warm from
    the first): each must still be exactly what icalendar writes for it."""
    from dataclasses import replace

    from workflow.calendars.events import CalEvent
    from workflow.calendars.ics import IcsWriter, to_ical, vevent
    from workflow.plan.obligations import Repeat

    lp = load_plan(write_plan(tmp_path / "p"))
    base = build_calendars(lp, out_dir=tmp_path / "cal", now=T0).events["vp"][0]
    assert isinstance(base, CalEvent)
    day = base.start
    yearly = Repeat("YEARLY", 1, date(day.year + 1, 12, 31))
    variants = [base._replace(last=day), base._replace(last=day + timedelta(days=3)),
                base._replace(last=day, rule=yearly), base._replace(last=day, rule=replace(yearly, monthday=30)),
                base._replace(last=day, rule=Repeat("MONTHLY", 3, date(day.year, 12, 31))),
                base._replace(last=day, categories=("Phối hợp", "Văn phòng")),
                base._replace(last=day, description="Khác; hẳn\nmột dòng, nữa"),
                base._replace(last=day, summary="Tiêu đề khác, có dấu phẩy"),
                base._replace(last=day, uid="khac-uid-1@kehoach")]
    entries = [{"sequence": 0, "dtstamp": "20240220T010203Z"}, {"sequence": 3, "dtstamp": "20240220T010203Z"},
               {"sequence": 3, "dtstamp": "20240301T090000Z"}]
    ruled_first = sorted(variants, key=lambda e: e.rule is None)
    for order in (variants, variants[::-1], ruled_first):
        w = IcsWriter()
        for ev in order:
            for entry in entries:
                assert w.vevent(lp, ev, entry) == to_ical(vevent(lp, ev, entry)).decode(), (ev, entry)


def test_state_hashes_are_event_hash(seed_build):
    """next_state hashes each shared piece once; the digits must stay event_hash's (a change
    would make every event look changed to calendars already subscribed)."""
    from workflow.calendars.ics import _Hasher, event_hash

    lp, res = seed_build
    hasher = _Hasher(lp)
    for unit, events in res.events.items():
        for ev in events:
            assert hasher(ev) == event_hash(ev, lp) == res.state["events"][ev.uid]["hash"], unit


def test_state_file_one_list_per_event_and_old_files_still_read(tmp_path):
    """lich.json (version 2) keeps each event as one line, a list of its fields (true last
    for a tombstone); a version-1 file (an object per event) still gives the same SEQUENCE
    and DTSTAMP, and a tombstone in either form raises SEQUENCE when its event comes back."""
    from workflow.calendars.ics import FIELDS, read_state

    lp = load_plan(write_plan(tmp_path / "p"))
    first = write_calendars(lp, out_dir=tmp_path / "cal", now=T0)
    text = (tmp_path / "cal" / "lich.json").read_text(encoding="utf-8")
    state = json.loads(text)["calendar"]
    assert state["version"] == 2
    lines = [ln for ln in text.splitlines() if "@kehoach\": [" in ln]
    assert len(lines) == len(state["events"]) == len(first.state["events"])
    for uid, row in state["events"].items():
        assert row == [first.state["events"][uid][f] for f in FIELDS]
    assert read_state(state)["events"] == first.state["events"]
    # the same state as version 1 wrote it: an object per event
    v1 = {**state, "version": 1, "written": {},
          "events": {uid: dict(zip(FIELDS, row)) for uid, row in state["events"].items()}}
    again = build_calendars(lp, out_dir=tmp_path / "cal1", previous=v1, now=T1)
    assert not again.added and not again.changed
    assert again.state["events"] == first.state["events"]
    # a tombstone written by version 2, then its task back
    assert state["summaries"]["bao-cao-nam"] == "Báo cáo số liệu năm"  # each task's title once
    assert text.count("Báo cáo số liệu năm") == 1
    write_plan(tmp_path / "p", vp_tasks=VP_TASKS[:2])
    gone = write_calendars(load_plan(lp.path), out_dir=tmp_path / "cal", now=T1)
    assert any("'bao-cao-nam' (Báo cáo số liệu năm)" in n for n in gone.notes), gone.notes
    kept = json.loads((tmp_path / "cal" / "lich.json").read_text(encoding="utf-8"))["calendar"]
    rows = kept["events"]
    tombs = {uid: row for uid, row in rows.items() if row[-1] is True}
    assert tombs and {row[0] for row in tombs.values()} == {"bao-cao-nam"}
    assert kept["summaries"]["bao-cao-nam"] == "Báo cáo số liệu năm"  # kept with its tombstones
    # a version-1 file's title, kept in each entry, names the task when its events go
    old = {**v1, "events": {uid: {**e, "summary": "Tên cũ"} for uid, e in v1["events"].items()}}
    old.pop("summaries")
    res = build_calendars(load_plan(lp.path), out_dir=tmp_path / "cal3", previous=old, now=T1)
    assert any("'bao-cao-nam' (Tên cũ)" in n for n in res.notes), res.notes
    write_plan(tmp_path / "p")
    back = write_calendars(load_plan(lp.path), out_dir=tmp_path / "cal", now=T1)
    assert all(back.state["events"][uid]["sequence"] == 1 for uid in tombs)
    # an entry that is neither form is left out: that event starts afresh, no error
    broken = {**state, "written": {}, "events": {**state["events"], next(iter(state["events"])): [1]}}
    res = build_calendars(lp, out_dir=tmp_path / "cal2", previous=broken, now=T1)
    assert len(res.added) == 1
