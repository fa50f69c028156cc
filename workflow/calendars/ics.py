"""Events → .ics files, with stable SEQUENCE and DTSTAMP kept in a state dict.

The state (kept in the build manifest under "calendar", and in calendars/<year>/lich.json)
maps each UID to a hash of what the event says, its SEQUENCE and its DTSTAMP. An event whose
hash is unchanged keeps both, so rebuilding an unchanged plan gives byte-identical files;
a changed event gets SEQUENCE + 1 and a new DTSTAMP; a removed one is reported and kept as
a tombstone so that, if it comes back, its SEQUENCE still rises.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path

from .. import __version__
from ..documents.vnformat import one_line
from ..errors import InputError
from ..jsontext import Raw, dumps
from ..plan.loader import LoadedPlan
from ..plan.obligations import by_unit
from ..safeio import atomic_path, confined, current_path, remove_output
from .events import ALL, CalEvent, EventMaker, all_events, check_unit, plan_key, unit_events

# fold and vevent: this module's API since before serialize.py was split off
from .serialize import STAMP_FMT, IcsWriter, content_key, fold, to_ical, vevent  # noqa: F401

PRODID = "-//kehoach//Lich thoi han ke hoach//VI"
# 2: each event's entry kept on disk as a list of FIELDS (then true for a tombstone), one
# line per event, and each task's title once under "summaries" (for the note when its
# events go): a third of the bytes of version 1, which repeated the title in every entry,
# read and written in a fraction of the time at 13,000 events. Version 1 is read as before.
STATE_VERSION = 2
FIELDS = ("task", "unit", "hash", "sequence", "dtstamp")
_ROW = itemgetter(*FIELDS)


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
    digests: dict[Path, str] = field(default_factory=dict)      # file -> SHA-256 of its bytes
    state_text: str | None = None                               # the state as JSON, once saved


def calendar_name(lp: LoadedPlan, unit: str) -> str:
    label = "Tất cả đơn vị" if unit == ALL else lp.unit_label(unit)
    return f"{label} – thời hạn {lp.plan.document.type.lower()} năm {lp.year}"


def collect(lp: LoadedPlan, obs: list | None = None) -> dict[str, list[CalEvent]]:
    """Every calendar's events: each unit with at least one event, then "tat-ca" (``obs``:
    the plan's obligations, when already at hand)."""
    maker = EventMaker(lp, obs)
    mine = by_unit(maker.obligations)
    cals = {u: evs for u in lp.units if (evs := maker.unit_events(u, mine.get(u, [])))}
    cals[ALL] = maker.all_events()
    return cals


def event_hash(ev: CalEvent, lp: LoadedPlan) -> str:
    """A hash of everything the event says (not SEQUENCE/DTSTAMP)."""
    cfg = lp.plan.calendar
    data = [ev.start.isoformat(), ev.last.isoformat(), _rrule(ev), ev.summary, ev.description,
            list(ev.categories), list(cfg.alarms), cfg.alarm_hour]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


# json.dumps(text, ensure_ascii=False) for a str: the C function json itself calls
_json_str = json.encoder.encode_basestring


class _Hasher:
    """:func:`event_hash`, the same digits, with the JSON of each shared piece (a task's
    description is in every calendar that shows the task) encoded once."""

    def __init__(self, lp: LoadedPlan):
        cfg = lp.plan.calendar
        self._tail = json.dumps([list(cfg.alarms), cfg.alarm_hour], ensure_ascii=False)[1:-1]
        self._json: dict = {}
        self._rules: dict = {}
        self._done: dict[tuple, str] = {}

    def _j(self, value) -> str:
        """``json.dumps(value, ensure_ascii=False)`` (a tuple as a list), once per value."""
        found = self._json.get(value)
        if found is None:
            found = self._json[value] = json.dumps(
                list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
        return found

    def _rule(self, ev: CalEvent) -> str:
        found = self._rules.get(ev.rule)
        if found is None:
            found = self._rules[ev.rule] = json.dumps(_rrule(ev), ensure_ascii=False)
        return found

    def __call__(self, ev: CalEvent) -> str:
        key = content_key(ev)
        found = self._done.get(key)
        if found is None:
            j = self._j
            # dates in ISO form need no escaping: '"2024-10-03"' is what json.dumps writes
            text = (f'["{ev.start.isoformat()}", "{ev.last.isoformat()}", '
                    f'{"null" if ev.rule is None else self._rule(ev)}, {_json_str(ev.summary)}, '
                    f'{j(ev.description)}, {j(ev.categories)}, {self._tail}]')
            found = self._done[key] = hashlib.sha256(text.encode()).hexdigest()[:16]
        return found


def next_state(lp: LoadedPlan, cals: dict[str, list[CalEvent]], previous: dict | None,
               now: datetime) -> tuple[dict, list[str], list[str], list[dict]]:
    """(new state, added UIDs, changed UIDs, removed tombstones) against ``previous``."""
    prev = read_state(previous)
    old = prev.get("events", {}) if prev.get("plan") == plan_key(lp) else {}
    stamp = now.astimezone(timezone.utc).strftime(STAMP_FMT)
    events: dict[str, dict] = {}
    added, changed = [], []
    event_hash = _Hasher(lp)
    old_get = old.get
    for evs in cals.values():
        for ev in evs:
            h = event_hash(ev)
            uid = ev.uid
            was = old_get(uid)
            if was is None:
                seq, dtstamp = 0, stamp
                added.append(uid)
            elif was["hash"] != h or "removed" in was:  # (read_state checked every entry)
                seq, dtstamp = was["sequence"] + 1, stamp
                changed.append(uid)
            else:
                seq, dtstamp = was["sequence"], was["dtstamp"]
            events[uid] = {"task": ev.task_id, "unit": ev.unit, "hash": h, "sequence": seq,
                           "dtstamp": dtstamp}
    titles = {t.id: one_line(t.summary) for t in lp.tasks}
    summaries = {tid: titles[tid] for tid in {e["task"] for e in events.values()}}
    old_summaries = prev.get("summaries") if isinstance(prev.get("summaries"), dict) else {}
    removed = []
    for uid, was in old.items():
        if uid not in events:
            tomb = {**{f: was[f] for f in FIELDS}, "removed": True}
            events[uid] = tomb
            task = tomb["task"]
            if task not in summaries:  # what the task was called, while its tombstones last
                summaries[task] = str(titles.get(task) or old_summaries.get(task) or was.get("summary") or "")
            if not was.get("removed"):
                removed.append({"uid": uid, **tomb, "summary": summaries[task]})
    # Plan keys used before in this folder (calendar.id or the issuer changed): publishing
    # deletes their events from the server too, else the old UIDs would stay as duplicates.
    retired = [k for k in prev.get("retired", []) if k != plan_key(lp)]
    if prev.get("plan") and prev["plan"] != plan_key(lp) and prev["plan"] not in retired:
        retired.append(prev["plan"])
    state = {"version": STATE_VERSION, "plan": plan_key(lp), "retired": retired,
             "files": {}, "summaries": dict(sorted(summaries.items())),
             "events": dict(sorted(events.items()))}
    return state, added, changed, removed


def calendar_bytes(lp: LoadedPlan, unit: str, events: list[CalEvent], state: dict, *,
                   method: bool = True, writer: IcsWriter | None = None) -> bytes:
    """One VCALENDAR; SEQUENCE and DTSTAMP come from ``state`` (see :func:`next_state`).

    ``writer``: an :class:`IcsWriter` shared by the calendars of one build, so that what
    they have in common is serialised once.
    """
    # icalendar (~40 ms to import): only when a calendar is written anew
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
    head = to_ical(cal).decode()  # the calendar's own lines, then its events before END
    end = head.rindex("END:")
    writer = writer or IcsWriter()
    body = "".join(writer.vevent(lp, ev, state["events"][ev.uid]) for ev in events)
    return (head[:end] + body + head[end:]).encode()


def build_calendars(lp: LoadedPlan, *, out_dir: Path, previous: dict | None = None,
                    now: datetime | None = None, obs: list | None = None) -> CalendarBuild:
    """Write <unit>.ics for every unit with events and tat-ca.ics into ``out_dir``.

    ``previous`` is the last state (or a whole manifest holding it under "calendar").
    Returns the paths, events, the new state and what was added, changed or removed. Files
    of units that no longer have events are deleted. Every file is written atomically; the
    caller saves ``result.state``.
    """
    out_dir = Path(out_dir)
    now = now or datetime.now(timezone.utc)
    prev = read_state(previous)  # checked once: each step below reads it
    cals = collect(lp, obs)
    state, added, changed, removed = next_state(lp, cals, prev, now)
    res = CalendarBuild(out_dir=out_dir, events=cals, state=state, added=added,
                        changed=changed, removed=removed)
    written = prev.get("written") if prev.get("plan") == state["plan"] else None
    written = written if isinstance(written, dict) else {}
    # every name is checked before anything is written
    targets = {u: confined(out_dir, f"{u}.ics") for u in cals}
    writer = None  # icalendar is imported only when a calendar has to be written anew
    state["written"] = {}
    for unit, evs in cals.items():
        target = targets[unit]
        inputs = _inputs(lp, unit, evs, state)
        was = written.get(unit)
        blob = digest = None
        reused = False
        if isinstance(was, dict) and was.get("inputs") == inputs:
            # Nothing this file says has changed: the one on disk is reused, unless it is not
            # what was written then (edited, replaced, cut short).
            digest = was.get("sha256")
            reused = _still(target, digest, was.get("stat"))
        if not reused:
            writer = writer or IcsWriter()
            blob = calendar_bytes(lp, unit, evs, state, writer=writer)
            digest = hashlib.sha256(blob).hexdigest()
            if not (target.exists() and target.read_bytes() == blob):
                with atomic_path(target) as tmp:
                    tmp.write_bytes(blob)
        res.paths[unit] = target
        res.digests[target] = digest
        state["files"][unit] = target.name
        state["written"][unit] = {"inputs": inputs, "sha256": digest, "stat": _stat(current_path(target))}
    for unit, name in sorted(prev.get("files", {}).items()):
        stale = out_dir / Path(str(name)).name  # unlinking a link never touches its target
        if unit not in cals and stale.suffix == ".ics" and stale.exists():
            remove_output(stale)
            res.deleted_files.append(stale)
    res.notes = change_notes(lp, res, prev)
    return res


def _inputs(lp: LoadedPlan, unit: str, events: list[CalEvent], state: dict) -> str:
    """A digest of everything one calendar file says: its header and, per event, its UID,
    content hash, SEQUENCE and DTSTAMP (kehoach's version too: a new one may write anew)."""
    cfg = lp.plan.calendar
    doc = lp.plan.document
    head = json.dumps([__version__, STATE_VERSION, calendar_name(lp, unit),
                       doc.issuer_name or doc.issuing_body, cfg.refresh_hours], ensure_ascii=False)
    entries = state["events"]
    # one line per event: UIDs, digests and stamps hold no space or line break
    lines = [f"{e.uid} {x['hash']} {x['sequence']} {x['dtstamp']}" for e in events
             for x in (entries[e.uid],)]
    return hashlib.sha256("\n".join([head, *lines]).encode()).hexdigest()


def _still(path: Path, digest: str | None, stat: list | None) -> bool:
    """Whether ``path`` still holds what was written: its size and modification time as
    they were then, else its bytes hashing to ``digest``."""
    now = _stat(path)
    if now is None or not digest:
        return False
    if stat is not None and now == stat:
        return True
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False


def _stat(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


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
    prev_plan = read_state(previous).get("plan")
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


class _Read(dict):
    """A state :func:`read_state` has checked already: read again as it is."""


def read_state(previous: dict | None) -> dict:
    """The calendar state in ``previous`` (a state as read from disk, in either version, or
    a whole manifest holding one under "calendar"), each event's entry a dict of FIELDS
    (and "removed" for a tombstone); {} when there is none. An entry that is not one (a
    field missing or of the wrong type: a file edited, cut short or from another version)
    is left out: its event is then new again, as with no state at all."""
    if isinstance(previous, _Read):
        return previous
    if not isinstance(previous, dict):
        return {}
    if "calendar" in previous and isinstance(previous["calendar"], dict):
        previous = previous["calendar"]
    events = previous.get("events")
    if not isinstance(events, dict):
        return {}
    return _Read(previous, events={uid: entry for uid, e in events.items()
                                   if (entry := _entry(e)) is not None})


_DTSTAMP = re.compile(r"\d{8}T\d{6}Z")


def _entry(e) -> dict | None:
    """An entry of either version as a dict, or None when it is not a well-formed one."""
    summary = None
    if type(e) is list:  # version 2: FIELDS, then true for a tombstone
        removed = len(e) == len(FIELDS) + 1 and e[-1] is True
        if len(e) != len(FIELDS) and not removed:
            return None
        task, unit, h, seq, stamp = e[:len(FIELDS)]
    elif type(e) is dict:  # version 1 (its title in each entry), or a state in memory
        task, unit, h, seq, stamp = (e.get(f) for f in FIELDS)
        removed, summary = e.get("removed") is True, e.get("summary")
    else:
        return None
    if not (type(task) is str and type(unit) is str and type(h) is str and type(seq) is int
            and seq >= 0 and type(stamp) is str and _DTSTAMP.fullmatch(stamp)):
        return None
    entry = {"task": task, "unit": unit, "hash": h, "sequence": seq, "dtstamp": stamp}
    if removed:
        entry["removed"] = True
    if isinstance(summary, str):
        entry["summary"] = summary
    return entry


def state_json(state: dict, *, level: int = 0) -> str:
    """``state`` as JSON text in the form kept on disk (version 2): indented like other
    manifests, each event one line (a list of FIELDS, then true for a tombstone), encoded by
    json's C encoder at once. ``level``: how deep the text goes in (see jsontext.dumps)."""
    events = state.get("events", {})
    rows = {uid: (*_ROW(e), True) if "removed" in e else _ROW(e) for uid, e in events.items()}
    text = json.dumps(rows)  # UIDs, codes, digests: ASCII (and twice as fast so)
    if rows:
        # '], "' only ever stands between two entries: inside a JSON string a quote is
        # escaped, and an entry's fields are strings and numbers.
        pad = "  " * (level + 2)
        text = "{\n" + pad + text[1:-1].replace('], "', '],\n' + pad + '"') + "\n" + "  " * (level + 1) + "}"
    return dumps({**state, "events": Raw(text)}, level=level)


def _rrule(ev: CalEvent) -> list | None:
    r = ev.rule
    return None if r is None else [r.freq, r.interval, r.until.isoformat(), r.monthday]

