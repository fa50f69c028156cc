"""Events → iCalendar text (icalendar), each distinct piece serialised once.

:func:`vevent` builds an event as an icalendar ``Event``; :class:`IcsWriter` writes the
very same text for thousands of events at a fraction of the cost, and :func:`to_ical` /
:func:`fold` serialise a component as icalendar does, with faster line folding.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from ..plan.loader import LoadedPlan
from .events import CalEvent

STAMP_FMT = "%Y%m%dT%H%M%SZ"


def content_key(ev: CalEvent) -> tuple:
    """What an event says, UID and calendar aside: equal keys, equal event text (and hash)."""
    return (ev.summary, ev.description, ev.start, ev.last, ev.rule, ev.categories)



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


def _event_props(lp: LoadedPlan, ev: CalEvent, entry: dict) -> list[tuple]:
    """The VEVENT's properties as (name, value, parameters, key): what :func:`vevent` adds
    to an icalendar Event; ``key`` stands for the value in a cache (hashable)."""
    props = [("uid", ev.uid, None, ev.uid),
             ("dtstamp", _stamp(entry["dtstamp"]), None, entry["dtstamp"]),
             ("sequence", int(entry["sequence"]), None, int(entry["sequence"])),
             ("dtstart", ev.start, None, ev.start),
             ("dtend", ev.last + timedelta(days=1), None, ev.last)]  # all-day DTEND is exclusive
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
        props.append(("rrule", rr, None, (ev.rule, ev.start.month)))
    props += [("summary", ev.summary, None, ev.summary),
              ("description", ev.description, None, ev.description),
              ("categories", list(ev.categories), None, ev.categories),
              ("transp", "TRANSPARENT", None, "TRANSPARENT"),
              ("class", "PUBLIC", None, "PUBLIC")]
    return props


def _alarm_props(lp: LoadedPlan, ev: CalEvent) -> list[list[tuple]]:
    """Each VALARM's properties, as :func:`_event_props` gives the event's."""
    cfg = lp.plan.calendar
    out = []
    for days in sorted(set(cfg.alarms), reverse=True):
        props = [("action", "DISPLAY", None, "DISPLAY"),
                 ("description", ev.summary, None, ev.summary)]
        if ev.start == ev.last:  # one day: relative to its start (widest client support)
            t = timedelta(days=-days, hours=cfg.alarm_hour)
            props.append(("trigger", t, None, t))
        else:  # a range: before its last day, relative to the (exclusive) end
            t = timedelta(days=-days - 1, hours=cfg.alarm_hour)
            props.append(("trigger", t, {"RELATED": "END"}, (t, "END")))
        out.append(props)
    return out


def vevent(lp: LoadedPlan, ev: CalEvent, entry: dict):
    """The event as an icalendar ``Event`` (with its alarms)."""
    # icalendar (~40 ms to import): only when events are written
    from icalendar import Alarm, Event

    e = Event()
    for name, value, params, _ in _event_props(lp, ev, entry):
        e.add(name, value, parameters=params)
    for props in _alarm_props(lp, ev):
        a = Alarm()
        for name, value, params, _ in props:
            a.add(name, value, parameters=params)
        e.add_component(a)
    return e


class IcsWriter:
    """VEVENTs as text, exactly as ``to_ical(vevent(…))`` writes them, at a fraction of the
    cost: icalendar serialises each distinct property once (a task's dates, description and
    categories are the same in every calendar showing it, an alarm block the same for every
    event with that title) and the events are put together from those lines, in the order
    icalendar gives its properties. tests/test_calendar_ics.py holds the two equal."""

    def __init__(self):
        # icalendar (~40 ms to import): only when events are written
        from icalendar import Alarm, Event, vText

        self._classes = {"VEVENT": Event, "VALARM": Alarm}
        self._vtext = vText
        self._text = {n for n in ("uid", "summary", "description")
                      if Event.types_factory.for_property(n) is vText
                      and Alarm.types_factory.for_property(n) is vText}
        self._lines: dict[tuple, str] = {}
        self._alarms: dict[tuple, str] = {}
        self._groups: dict[tuple, dict[str, str]] = {}
        self._alarm_frames: dict[tuple, tuple[str, str]] = {}
        self._escaped: dict[str, str] = {}
        self._events: dict[tuple, tuple[str, ...]] = {}
        self._own: dict[tuple, dict[str, str]] = {}
        self._order: dict[tuple, tuple[str, ...]] = {}
        self._frame = {name: to_ical(cls()).decode().split("\r\n")[:2]
                       for name, cls in self._classes.items()}  # ["BEGIN:…", "END:…"]

    def vevent(self, lp: LoadedPlan, ev: CalEvent, entry: dict) -> str:
        """The event's text: BEGIN:VEVENT … END:VEVENT, CRLF line ends, folded."""
        parts = self._events.get(content_key(ev))
        if parts is None:  # the first calendar showing this content: the others share it
            parts = self._events[content_key(ev)] = self._event_parts(lp, ev, entry)
        uid, stamp, seq = ev.uid, entry["dtstamp"], entry["sequence"]
        own = self._own.get((stamp, seq))
        if own is None:
            own = self._own[(stamp, seq)] = {
                "DTSTAMP": self._line("VEVENT", "dtstamp", _stamp(stamp), None, stamp),
                "SEQUENCE": self._line("VEVENT", "sequence", int(seq), None, int(seq))}
        own["UID"] = (f"UID:{uid}\r\n" if _PLAIN_UID.fullmatch(uid)  # nothing to escape
                      else self._line("VEVENT", "uid", uid, None, uid))
        a, n1, b, n2, c, n3, d = parts
        return f"{a}{own[n1]}{b}{own[n2]}{c}{own[n3]}{d}"

    def _event_parts(self, lp: LoadedPlan, ev: CalEvent, entry: dict) -> tuple[str, ...]:
        """The event's text cut around its own lines (UID, DTSTAMP, SEQUENCE): text, name,
        text, name, text, name, text. Each group of lines (its dates, title, description,
        categories, alarms) is looked up by what it depends on, made on a miss."""
        props = _event_props(lp, ev, entry)
        lines: dict[str, str] = {}
        for group, names in _GROUPS.items():
            key = (group, _group_key(group, ev))
            found = self._groups.get(key)
            if found is None:
                found = self._groups[key] = {
                    name.upper(): self._line("VEVENT", name, value, params, k)
                    for name, value, params, k in props if name.upper() in names}
            lines.update(found)
        for name, value, params, k in props:  # in no group: its own line
            if name.upper() not in lines and name.upper() not in _OWN:
                lines[name.upper()] = self._line("VEVENT", name, value, params, k)
        alarms = self._alarms.get((ev.summary, ev.start == ev.last))
        if alarms is None:
            alarms = self._alarms[(ev.summary, ev.start == ev.last)] = "".join(
                self._alarm(a) for a in _alarm_props(lp, ev))
        order = self._order.get(("VEVENT", *(p[0] for p in props)))
        if order is None:
            order = self._order[("VEVENT", *(p[0] for p in props))] = self._sorted("VEVENT", props)
        begin, end = self._frame["VEVENT"]
        parts, run = [], [begin + "\r\n"]
        for name in order:
            if name in _OWN:
                parts += ["".join(run), name]
                run = []
            else:
                run.append(lines[name])
        parts.append("".join(run) + alarms + end + "\r\n")
        return tuple(parts)

    def _alarm(self, props: list[tuple]) -> str:
        """A VALARM: its lines around its DESCRIPTION (the event's title) are the same for
        every event with the same trigger, made once."""
        rest = tuple((name, k, _params_key(params)) for name, _, params, k in props
                     if name != "description")
        frame = self._alarm_frames.get(rest)
        if frame is None:
            text = self._component("VALARM", props, "")
            line = next(self._line("VALARM", *p[:3], p[3]) for p in props if p[0] == "description")
            at = text.index(line)
            frame = self._alarm_frames[rest] = (text[:at], text[at + len(line):])
        described = next(p for p in props if p[0] == "description")
        return frame[0] + self._line("VALARM", *described[:3], described[3]) + frame[1]

    def _sorted(self, kind: str, props: list[tuple]) -> tuple[str, ...]:
        """The property names in the order icalendar writes them."""
        comp = self._classes[kind]()
        for name, value, params, _ in props:
            comp.add(name, value, parameters=params)
        return tuple(comp.sorted_keys())

    def _component(self, kind: str, props: list[tuple], inner: str) -> str:
        begin, end = self._frame[kind]
        body = "".join(line for _, line in self._lines_in_order(kind, props))
        return f"{begin}\r\n{body}{inner}{end}\r\n"

    def _lines_in_order(self, kind: str, props: list[tuple]) -> list[tuple[str, str]]:
        """(NAME, line) of each property, in the order icalendar writes them."""
        lines = {name.upper(): self._line(kind, name, value, params, key)
                 for name, value, params, key in props}
        order = self._order.get((kind, *(p[0] for p in props)))
        if order is None:
            order = self._order[(kind, *(p[0] for p in props))] = self._sorted(kind, props)
        return [(n, lines[n]) for n in order]

    def _line(self, kind: str, name: str, value, params, key) -> str:
        k = (kind, name, key, _params_key(params))
        line = self._lines.get(k)
        if line is None:
            if name in self._text and params is None:  # what icalendar does for TEXT
                esc = self._escaped.get(value)  # an alarm says its event's title again
                if esc is None:
                    esc = self._escaped[value] = self._vtext(value).to_ical().decode()
                texts = [f"{name.upper()}:{esc}"]
            else:
                comp = self._classes[kind]()
                comp.add(name, value, parameters=params)
                values = comp[name.upper()]
                texts = [str(comp.content_line(name.upper(), v))
                         for v in (values if isinstance(values, list) else [values])]
            line = self._lines[k] = "".join(fold(t) + "\r\n" for t in texts)
        return line


_OWN = ("UID", "DTSTAMP", "SEQUENCE")  # what tells apart the same task in two calendars
# VEVENT lines by what they depend on (a property in no group gets a line of its own)
_GROUPS = {"span": ("DTSTART", "DTEND", "RRULE"), "summary": ("SUMMARY",),
           "description": ("DESCRIPTION",), "categories": ("CATEGORIES",),
           "fixed": ("TRANSP", "CLASS")}


def _group_key(group: str, ev: CalEvent):
    if group == "span":
        return (ev.start, ev.last, ev.rule)
    if group == "fixed":
        return ()
    return getattr(ev, group)


_PLAIN_UID = re.compile(r"[A-Za-z0-9@.-]+")  # as make_uid writes them: no escape, no fold


@lru_cache(maxsize=64)
def _stamp(text: str) -> datetime:
    return datetime.strptime(text, STAMP_FMT).replace(tzinfo=timezone.utc)


def _params_key(params: dict | None):
    return None if params is None else tuple(sorted(params.items()))
