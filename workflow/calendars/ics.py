"""Events → .ics files, with stable SEQUENCE and DTSTAMP kept in a state dict.

The state (kept in the build manifest under "calendar", and in calendars/<year>/manifest.json)
maps each UID to a hash of what the event says, its SEQUENCE and its DTSTAMP. An event whose
hash is unchanged keeps both, so rebuilding an unchanged plan gives byte-identical files;
a changed event gets SEQUENCE + 1 and a new DTSTAMP; a removed one is reported and kept as
a tombstone so that, if it comes back, its SEQUENCE still rises.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import InputError
from ..plan.loader import LoadedPlan
from ..plan.obligations import obligations
from ..safeio import atomic_path, confined, remove_output
from .events import ALL, CalEvent, all_events, check_unit, plan_key, unit_events

PRODID = "-//kehoach//Lich thoi han ke hoach//VI"
STATE_VERSION = 1
STAMP_FMT = "%Y%m%dT%H%M%SZ"


@dataclass
class CalendarBuild:
    """What :func:`build_calendars` wrote and what changed since the previous state."""

    out_dir: Path
    paths: dict[str, Path] = field(default_factory=dict)        # unit (or "tat-ca") -> file
    events: dict[str, list[CalEvent]] = field(default_factory=dict)
    state: dict = field(default_factory=dict)                   # for the manifest
    added: list[str] = field(default_factory=list)              # UIDs
    changed: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)           # tombstones (uid, task, unit, …)
    deleted_files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)              # Vietnamese, for the user


def calendar_name(lp: LoadedPlan, unit: str) -> str:
    label = "Tất cả đơn vị" if unit == ALL else lp.unit_label(unit)
    return f"{label} – thời hạn {lp.plan.document.type.lower()} năm {lp.year}"


def collect(lp: LoadedPlan) -> dict[str, list[CalEvent]]:
    """Every calendar's events: each unit with at least one event, then "tat-ca"."""
    obs = obligations(lp)
    cals = {u: evs for u in lp.units if (evs := unit_events(lp, u, obs))}
    cals[ALL] = all_events(lp)
    return cals


def event_hash(ev: CalEvent, lp: LoadedPlan) -> str:
    """A hash of everything the event says (not SEQUENCE/DTSTAMP)."""
    cfg = lp.plan.calendar
    data = [ev.start.isoformat(), ev.last.isoformat(), _rrule(ev), ev.summary, ev.description,
            list(ev.categories), list(cfg.alarms), cfg.alarm_hour]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


def next_state(lp: LoadedPlan, cals: dict[str, list[CalEvent]], previous: dict | None,
               now: datetime) -> tuple[dict, list[str], list[str], list[dict]]:
    """(new state, added UIDs, changed UIDs, removed tombstones) against ``previous``."""
    prev = _state_of(previous)
    old = prev.get("events", {}) if prev.get("plan") == plan_key(lp) else {}
    stamp = now.astimezone(timezone.utc).strftime(STAMP_FMT)
    events: dict[str, dict] = {}
    added, changed = [], []
    for evs in cals.values():
        for ev in evs:
            h = event_hash(ev, lp)
            was = old.get(ev.uid)
            entry = {"task": ev.task_id, "unit": ev.unit, "summary": ev.summary, "hash": h}
            if was is None:
                entry.update(sequence=0, dtstamp=stamp)
                added.append(ev.uid)
            elif was.get("hash") != h or was.get("removed"):
                entry.update(sequence=int(was.get("sequence", 0)) + 1, dtstamp=stamp)
                changed.append(ev.uid)
            else:
                entry.update(sequence=int(was.get("sequence", 0)), dtstamp=was["dtstamp"])
            events[ev.uid] = entry
    removed = []
    for uid, was in old.items():
        if uid not in events:
            tomb = {**was, "removed": True}
            events[uid] = tomb
            if not was.get("removed"):
                removed.append({"uid": uid, **tomb})
    # Plan keys used before in this folder (calendar.id or the issuer changed): publishing
    # deletes their events from the server too, else the old UIDs would stay as duplicates.
    retired = [k for k in prev.get("retired", []) if k != plan_key(lp)]
    if prev.get("plan") and prev["plan"] != plan_key(lp) and prev["plan"] not in retired:
        retired.append(prev["plan"])
    state = {"version": STATE_VERSION, "plan": plan_key(lp), "retired": retired,
             "files": {}, "events": dict(sorted(events.items()))}
    return state, added, changed, removed


def calendar_bytes(lp: LoadedPlan, unit: str, events: list[CalEvent], state: dict, *,
                   method: bool = True) -> bytes:
    """One VCALENDAR; SEQUENCE and DTSTAMP come from ``state`` (see :func:`next_state`)."""
    from icalendar import Calendar

    cfg = lp.plan.calendar
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", "PUBLISH")
    name = calendar_name(lp, unit)
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("description", lp.plan.document.issuer_name or lp.plan.document.issuing_body)
    cal.add("refresh-interval", timedelta(hours=cfg.refresh_hours), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", f"PT{cfg.refresh_hours}H")
    for ev in events:
        cal.add_component(vevent(lp, ev, state["events"][ev.uid]))
    return to_ical(cal)


def to_ical(component) -> bytes:
    """``component.to_ical()``, byte for byte, with a faster line folding (see :func:`fold`)."""
    return "".join(fold(str(line)) + "\r\n" for line in component.content_lines() if line).encode()


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line as icalendar does (RFC 5545 §3.1): pieces under ``limit`` octets,
    never inside a UTF-8 character nor right after a backslash or caret (an escape).

    icalendar measures every character of every line in Python, half of a build's time;
    here short lines pass untouched and long ones are cut on their bytes.
    """
    data = line.encode()
    if len(data) < limit:
        return line
    pieces, pos, n = [], 0, len(data)
    while pos < n:
        cut = pos + limit - 1
        if cut < n:
            while data[cut] & 0xC0 == 0x80:  # a continuation byte: inside a character
                cut -= 1
            if data[cut - 1] in b"\\^" and cut - 1 > pos:
                cut -= 1  # keep an escape with the character it escapes
        else:
            cut = n
        pieces.append(data[pos:cut])
        pos = cut
    return b"\r\n ".join(pieces).decode()


def vevent(lp: LoadedPlan, ev: CalEvent, entry: dict):
    from icalendar import Alarm, Event

    cfg = lp.plan.calendar
    e = Event()
    e.add("uid", ev.uid)
    e.add("dtstamp", datetime.strptime(entry["dtstamp"], STAMP_FMT).replace(tzinfo=timezone.utc))
    e.add("sequence", int(entry["sequence"]))
    e.add("dtstart", ev.start)
    e.add("dtend", ev.last + timedelta(days=1))  # all-day DTEND is exclusive
    if ev.rule:
        rr = {"freq": ev.rule.freq, "until": ev.rule.until}
        if ev.rule.interval != 1:
            rr["interval"] = ev.rule.interval
        md = ev.rule.monthday
        if md is not None:
            if ev.rule.freq == "YEARLY":
                rr["bymonth"] = ev.start.month
            if md > 28:  # "the 30th, or the last day when the month is shorter"
                rr["bymonthday"], rr["bysetpos"] = list(range(28, md + 1)), -1
            else:
                rr["bymonthday"] = md
        e.add("rrule", rr)
    e.add("summary", ev.summary)
    e.add("description", ev.description)
    e.add("categories", list(ev.categories))
    e.add("transp", "TRANSPARENT")
    e.add("class", "PUBLIC")
    for days in sorted(set(cfg.alarms), reverse=True):
        a = Alarm()
        a.add("action", "DISPLAY")
        a.add("description", ev.summary)
        if ev.start == ev.last:  # one day: relative to its start (widest client support)
            a.add("trigger", timedelta(days=-days, hours=cfg.alarm_hour))
        else:  # a range: before its last day, relative to the (exclusive) end
            a.add("trigger", timedelta(days=-days - 1, hours=cfg.alarm_hour),
                  parameters={"RELATED": "END"})
        e.add_component(a)
    return e


def build_calendars(lp: LoadedPlan, *, out_dir: Path, previous: dict | None = None,
                    now: datetime | None = None) -> CalendarBuild:
    """Write <unit>.ics for every unit with events and tat-ca.ics into ``out_dir``.

    ``previous`` is the last state (or a whole manifest holding it under "calendar").
    Returns the paths, events, the new state and what was added, changed or removed. Files
    of units that no longer have events are deleted. Every file is written atomically; the
    caller saves ``result.state``.
    """
    out_dir = Path(out_dir)
    now = now or datetime.now(timezone.utc)
    cals = collect(lp)
    state, added, changed, removed = next_state(lp, cals, previous, now)
    blobs = {u: calendar_bytes(lp, u, evs, state) for u, evs in cals.items()}
    res = CalendarBuild(out_dir=out_dir, events=cals, state=state, added=added,
                        changed=changed, removed=removed)
    # every name is checked before anything is written
    targets = {u: confined(out_dir, f"{u}.ics") for u in blobs}
    for unit, blob in blobs.items():
        target = targets[unit]
        if not (target.exists() and target.read_bytes() == blob):
            with atomic_path(target) as tmp:
                tmp.write_bytes(blob)
        res.paths[unit] = target
        state["files"][unit] = target.name
    for unit, name in sorted(_state_of(previous).get("files", {}).items()):
        stale = out_dir / Path(str(name)).name  # unlinking a link never touches its target
        if unit not in blobs and stale.suffix == ".ics" and stale.exists():
            remove_output(stale)
            res.deleted_files.append(stale)
    res.notes = change_notes(lp, res, previous)
    return res


def change_notes(lp: LoadedPlan, res: CalendarBuild, previous: dict | None = None) -> list[str]:
    notes = []
    tasks = {t.id for t in lp.tasks}
    by_task: dict[str, list[dict]] = {}
    for r in res.removed:
        by_task.setdefault(r.get("task", "?"), []).append(r)
    for tid, items in sorted(by_task.items()):
        summary = items[0].get("summary", "")
        why = "đã bỏ thời hạn" if tid in tasks else "nhiệm vụ không còn trong kế hoạch"
        notes.append(f"Lịch: đã xóa {len(items)} sự kiện của '{tid}' ({summary}) — {why}.")
    prev_plan = _state_of(previous).get("plan")
    if prev_plan and prev_plan != res.state["plan"]:
        notes.append("Lịch: mã lịch của kế hoạch đã đổi (calendar.id, cơ quan ban hành, ký hiệu hoặc "
                     "năm): mọi sự kiện có UID mới; lịch đã đăng ký cần tải lại, "
                     "'kehoach calendar publish' sẽ xóa các sự kiện UID cũ.")
    if res.changed:
        n_tasks = len({res.state["events"][u]["task"] for u in res.changed})
        notes.append(f"Lịch: {len(res.changed)} sự kiện thay đổi ({n_tasks} nhiệm vụ); "
                     "ứng dụng lịch sẽ cập nhật, không tạo bản trùng.")
    for p in res.deleted_files:
        notes.append(f"Lịch: đã xóa tệp {p} (đơn vị không còn thời hạn nào).")
    return notes


def unit_calendar_bytes(lp: LoadedPlan, unit_id: str, *, state: dict | None = None,
                        now: datetime | None = None) -> bytes:
    """One unit's calendar (or "tat-ca") as .ics bytes, e.g. for an e-mail attachment.

    With the state of the last build, SEQUENCE and DTSTAMP match the published files.
    Raises :class:`InputError` for an unknown unit.
    """
    check_unit(lp, unit_id, allow_all=True, field="unit", file=str(lp.path), error=InputError)
    events = all_events(lp) if unit_id == ALL else unit_events(lp, unit_id)
    st, *_ = next_state(lp, {unit_id: events}, state, now or datetime.now(timezone.utc))
    return calendar_bytes(lp, unit_id, events, st)


def _state_of(previous: dict | None) -> dict:
    if not isinstance(previous, dict):
        return {}
    if "calendar" in previous and isinstance(previous["calendar"], dict):
        previous = previous["calendar"]
    return previous if isinstance(previous.get("events"), dict) else {}


def _rrule(ev: CalEvent) -> list | None:
    r = ev.rule
    return None if r is None else [r.freq, r.interval, r.until.isoformat(), r.monthday]

