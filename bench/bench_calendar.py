"""Calendars as a user makes them: `kehoach calendar PLAN -o DIR` into an empty folder (every
file written), against a bare process writing the same events the most direct way — each an
icalendar ``Event`` with its alarms, each calendar ``to_ical()`` — from their properties
dumped beforehand. For the sample plan and a plan of 2,000 tasks.

Targets (this bench's own; issue 17 asks that each event be built once and serialised once):
kehoach ≤ 0.5× the bare icalendar process on the 2,000-task plan (where the events, not the
start-up, are the cost), ≤ 1.5× on the sample plan (where they are 254, and the start-up —
reading and checking the plan — weighs most). The pieces in process, for the record, against
loading the plan with every cache off.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from _common import (
    KEHOACH,
    PY,
    alternated,
    big_plan,
    copy_config,
    done,
    median,
    median_cold,
    ms,
    verdict,
    workdir,
)

NOW = datetime(2024, 2, 20, tzinfo=timezone.utc)


def _json(value):
    """A property value as JSON, tagged with its type for the bare process to rebuild it."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, timedelta):
        return {"timedelta": value.total_seconds()}
    if isinstance(value, dict):
        return {"dict": {k: _json(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"list": [_json(v) for v in value]}
    return value


def dump_events(plan: Path, work: Path) -> Path:
    """Every calendar's header and events, as the properties kehoach gives icalendar."""
    from workflow.calendars.ics import PRODID, build_calendars, calendar_name
    from workflow.calendars.serialize import _alarm_props, _event_props
    from workflow.plan.loader import load_plan

    lp = load_plan(plan)
    res = build_calendars(lp, out_dir=work / "probe", now=NOW)
    cfg = lp.plan.calendar
    out = {}
    for unit, events in res.events.items():
        name = calendar_name(lp, unit)
        head = [["prodid", PRODID, None], ["version", "2.0", None], ["calscale", "GREGORIAN", None],
                ["method", "PUBLISH", None], ["name", name, None], ["x-wr-calname", name, None],
                ["description", lp.plan.document.issuer_name or lp.plan.document.issuing_body, None],
                ["refresh-interval", _json(timedelta(hours=cfg.refresh_hours)), {"VALUE": "DURATION"}],
                ["x-published-ttl", f"PT{cfg.refresh_hours}H", None]]
        evs = []
        for ev in events:
            entry = res.state["events"][ev.uid]
            evs.append({"props": [[n, _json(v), p] for n, v, p, _ in _event_props(lp, ev, entry)],
                        "alarms": [[[n, _json(v), p] for n, v, p, _ in a] for a in _alarm_props(lp, ev)]})
        out[unit] = {"head": head, "events": evs}
    path = work / f"events-{plan.stem}.json"
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return path


BARE = """\
import json, sys
from datetime import date, datetime, timedelta
from pathlib import Path
from icalendar import Alarm, Calendar, Event

def value(v):
    if isinstance(v, dict):
        (kind, x), = v.items()
        if kind == "datetime": return datetime.fromisoformat(x)
        if kind == "date": return date.fromisoformat(x)
        if kind == "timedelta": return timedelta(seconds=x)
        if kind == "dict": return {k: value(y) for k, y in x.items()}
        if kind == "list": return [value(y) for y in x]
    return v

out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
for unit, c in json.load(open(sys.argv[1], encoding="utf-8")).items():
    cal = Calendar()
    for n, v, p in c["head"]:
        cal.add(n, value(v), parameters=p)
    for e in c["events"]:
        ev = Event()
        for n, v, p in e["props"]:
            ev.add(n, value(v), parameters=p)
        for a in e["alarms"]:
            al = Alarm()
            for n, v, p in a:
                al.add(n, value(v), parameters=p)
            ev.add_component(al)
        cal.add_component(ev)
    (out / f"{unit}.ics").write_bytes(cal.to_ical())
"""


def compare(label: str, plan: Path, work: Path, target: float, n: int) -> None:
    events = dump_events(plan, work)
    out, bare_out = work / f"cal-{plan.stem}", work / f"bare-{plan.stem}"

    def fresh(name: str) -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(bare_out, ignore_errors=True)
    bare = [PY, "-c", BARE, str(events), str(bare_out)]
    ours = [*KEHOACH, "calendar", str(plan), "-o", str(out)]
    fresh("")
    alternated({"kehoach": ours}, n=1)  # kehoach's cache holds the plan read, as after a first run
    t = alternated({"bare": bare, "kehoach": ours}, n=n, before=fresh)
    files = len(list(out.glob("*.ics")))
    print(f"{label}: {files} lịch; bare icalendar {ms(t['bare'])}, kehoach calendar {ms(t['kehoach'])}")
    verdict(f"lịch, {label}", t["kehoach"] / t["bare"], target)


def pieces(plan: Path, work: Path) -> None:
    from workflow.calendars.ics import build_calendars, unit_calendar_bytes
    from workflow.plan.loader import load_plan

    t_load = median_cold(lambda: load_plan(plan))
    lp = load_plan(plan)
    first = build_calendars(lp, out_dir=work / f"p-{plan.stem}", now=NOW)
    n_events = sum(len(v) for v in first.events.values())

    def fresh():
        shutil.rmtree(work / f"f-{plan.stem}", ignore_errors=True)
        build_calendars(lp, out_dir=work / f"f-{plan.stem}", now=NOW)
    t_fresh = median(fresh, 3)
    t_again = median(lambda: build_calendars(lp, out_dir=work / f"p-{plan.stem}", previous=first.state,
                                             now=NOW), 3)
    unit = next(u for u in first.paths if u != "tat-ca")
    t_unit = median(lambda: unit_calendar_bytes(lp, unit, state=first.state, now=NOW), 3)
    print(f"trong tiến trình ({plan.name}, {len(first.paths)} lịch, {n_events} sự kiện): đọc kế hoạch "
          f"(không cache) {t_load * 1000:.0f} ms; dựng lịch mới {t_fresh * 1000:.0f} ms "
          f"({t_fresh / t_load:.1f}×); dựng lại không đổi {t_again * 1000:.0f} ms; lịch một đơn vị "
          f"{t_unit * 1000:.0f} ms")


def main() -> int:
    work = workdir("kehoach-bench-calendar-")
    plan = copy_config(work)
    compare("kế hoạch mẫu", plan, work, 1.5, 9)
    big = big_plan(work / "big", 2000)
    compare("kế hoạch 2.000 nhiệm vụ", big, work, 0.5, 3)
    pieces(plan, work)
    pieces(big, work)
    return done()


if __name__ == "__main__":
    sys.exit(main())
