"""Plan → calendar events, as plain data (no icalendar here).

One :class:`CalEvent` per (task, unit calendar, dated span). Which unit owes which task, in
which role, and on which days comes from :mod:`workflow.plan.obligations` (the same model
reminders and overdue read); the rules, documented for users in docs/lich.md:

- a span with start and end is one all-day event over the whole range;
- a span with only an end is a one-day event on the last allowed day, titled "Hạn: …";
- a span with only a start (open end) marks the start day, titled "Bắt đầu: …";
- a repeating span repeats (RRULE) until 31/12 of the last year covered
  (``calendar.years``, default 1 = the plan year only: next year's plan brings next year's
  dates, so two plans never show the same deadline twice);
- "hằng quý" / "hằng tháng" without a day are anchored on ``calendar.quarterly_day`` /
  ``calendar.monthly_day`` (default: the last day of the quarter / month); "hằng năm"
  without a day, and ongoing tasks, give no event.

The UID of an event depends only on the plan identity, the task id, the calendar's unit
and the span's index within the task, so it survives rebuilds, other machines, moving
the plan file and reordering tasks.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from ..documents.vnformat import after_colon
from ..errors import Problem, UsageError
from ..plan.loader import LoadedPlan, Task, suggest
from ..plan.obligations import (
    ROLE_NAMES,
    Obligation,
    Repeat,
    Span,
    by_unit,
    obligations,
    repeat_starts,
    task_spans,
)

UID_DOMAIN = "kehoach"
ALL = "tat-ca"  # the calendar with every task


class CalEvent(NamedTuple):
    """One event of one calendar. A named tuple, immutable: a 2,000-task plan makes 13,000
    of them, and a frozen dataclass spends 3 µs setting each one's thirteen fields (40 ms)."""

    uid: str
    task_id: str
    unit: str          # the calendar it belongs to (a unit id or "tat-ca")
    index: int         # period index within the task
    kind: str          # "range" | "day" | "deadline" | "start"
    start: date        # first day
    last: date         # last day, inclusive (DTEND is the day after)
    rule: Repeat | None
    summary: str
    description: str
    categories: tuple[str, ...]
    phrase: str        # the deadline phrase as written
    owner: str

    def occurrences(self, lo: date, hi: date) -> list[tuple[date, date]]:
        """(first, last) of every occurrence overlapping [lo, hi], in order."""
        out = []
        length = self.last - self.start
        for first in (repeat_starts(self.start, self.rule) if self.rule else [self.start]):
            if first > hi:
                break
            if first + length >= lo:
                out.append((first, first + length))
        return out


def check_unit(lp: LoadedPlan, unit: str, *, allow_all: bool = False, field: str = "--unit",
               file: str = "<dòng lệnh>", error: type = UsageError) -> None:
    """Raise ``error`` naming ``unit`` (with a likely spelling) unless the plan has it;
    "tat-ca" (every task) counts as a unit when ``allow_all``."""
    if unit in lp.units or (allow_all and unit == ALL):
        return
    known = [*lp.units, ALL] if allow_all else list(lp.units)
    raise error(Problem(file=file, field=field,
                        message=f"không có đơn vị '{unit}' trong danh mục{suggest(unit, known)}"))


def plan_identity(lp: LoadedPlan) -> str:
    """The plan's identity (see :attr:`LoadedPlan.identity`)."""
    return lp.identity


def plan_key(lp: LoadedPlan) -> str:
    """A short ASCII prefix shared by every UID of this plan (CalDAV deletes only these)."""
    return lp.key


def make_uid(lp: LoadedPlan, task_id: str, unit: str, index: int, part: str = "") -> str:
    """The event's UID; ``part`` tells apart the two events of one long span ("bat-dau")."""
    return _uid(plan_identity(lp), plan_key(lp), task_id, unit, index, part)


def _uid(ident: str, key: str, task_id: str, unit: str, index: int, part: str) -> str:
    text = f"{ident}\n{task_id}\n{unit}\n{index}" + (f"\n{part}" if part else "")
    return f"{key}-{hashlib.sha256(text.encode()).hexdigest()[:20]}@{UID_DOMAIN}"


class EventMaker:
    """Builds a plan's events, each piece once: a task's spans, and per (task, role, title
    prefix) its events without their calendar — text, dates, categories — which every
    calendar showing the task then shares (a task of a 14-ward group is in 15 calendars and
    tat-ca.ics; only the UID differs between them)."""

    def __init__(self, lp: LoadedPlan, obs: list[Obligation] | None = None):
        self.lp = lp
        self.ident, self.key = plan_identity(lp), plan_key(lp)
        self.ref = reference(lp)
        self._obs = obs
        self._spans: dict[str, tuple[Span, ...]] = {}
        self._shared: dict[tuple, list[tuple[CalEvent, str]]] = {}
        self._texts: dict[tuple, tuple] = {}

    @property
    def obligations(self) -> list[Obligation]:
        if self._obs is None:
            self._obs = obligations(self.lp)
        return self._obs

    def unit_events(self, unit: str, mine: list[Obligation]) -> list[CalEvent]:
        """The events of ``mine``, one unit's obligations, in that unit's calendar."""
        return _finish([ev for o in mine for ev in self.events(o.task, o.spans, unit, o.role, "")])

    def all_events(self) -> list[CalEvent]:
        """Every task's events once, titled with the owner (tat-ca.ics)."""
        lp = self.lp
        return _finish([ev for t in lp.tasks for ev in self.events(
            t, self.spans(t), ALL, "chu-tri", f"[{lp.unit_label(t.owner)}] ")])

    def spans(self, t: Task) -> tuple[Span, ...]:
        found = self._spans.get(t.id)
        if found is None:
            found = self._spans[t.id] = task_spans(self.lp, t)
        return found

    def events(self, t: Task, spans: tuple[Span, ...], unit: str, role: str,
               prefix: str) -> list[CalEvent]:
        key = (t.id, role, prefix)
        shared = self._shared.get(key)
        if shared is None:
            shared = self._shared[key] = _task_events(self.lp, t, spans, ROLE_NAMES[role],
                                                      prefix=prefix, ref=self.ref, memo=self._texts)
        ident, pkey = self.ident, self.key
        return [CalEvent(_uid(ident, pkey, e.task_id, unit, e.index, part), e.task_id, unit,
                         e.index, e.kind, e.start, e.last, e.rule, e.summary, e.description,
                         e.categories, e.phrase, e.owner) for e, part in shared]


def unit_events(lp: LoadedPlan, unit: str, obs: list[Obligation] | None = None) -> list[CalEvent]:
    """Events of every task ``unit`` owes (owner or co-owner, directly or through a group);
    ``obs``: the plan's obligations when already computed."""
    maker = EventMaker(lp, obs)
    return maker.unit_events(unit, by_unit(maker.obligations).get(unit, []))


def all_events(lp: LoadedPlan) -> list[CalEvent]:
    """Every task's events, once each, titled with the owner (for tat-ca.ics)."""
    return EventMaker(lp, []).all_events()


LONG_DAYS = 28  # a period this long or longer ("tháng 10/2024", "quý II/2024") is a long one


def _finish(events: list[CalEvent]) -> list[CalEvent]:
    """One calendar's events in date order, every title told apart from the others."""
    # Not the task order: reordering tasks in the plan must not change the files.
    events = sorted(events, key=lambda e: (e.start, e.last, e.task_id, e.index, e.kind))
    return _unique_titles(events)


def _unique_titles(events: list[CalEvent]) -> list[CalEvent]:
    """Two events with one title read as one in a calendar app: add the phrase they come
    from, then, if still alike, the day."""
    for extra in (lambda e: e.phrase, lambda e: f"{e.last:%d/%m/%Y}" if e.kind != "start"
                  else f"{e.start:%d/%m/%Y}"):
        seen: dict[str, int] = {}
        for e in events:
            seen[e.summary] = seen.get(e.summary, 0) + 1
        if len(seen) == len(events):
            break
        events = [e._replace(summary=f"{e.summary} ({extra(e)})") if seen[e.summary] > 1 else e
                  for e in events]
    return events


def _task_events(lp: LoadedPlan, t: Task, spans: tuple[Span, ...], role: str, *,
                 prefix: str, ref: str, memo: dict | None = None) -> list[tuple[CalEvent, str]]:
    """(event without its calendar: no unit, no UID; the UID's part) for each span.
    ``memo`` keeps the texts a task's events share whatever their role and title."""
    out = []
    memo = {} if memo is None else memo
    marks = lp.plan.calendar.long_periods == "marks"
    for s in spans:
        if marks and s.kind == "range" and (s.last - s.first).days + 1 >= LONG_DAYS:
            # A month-long all-day bar hides every other day of that month in a calendar app:
            # the start and the deadline are what a unit acts on.
            out.append((_event(lp, t, role, replace(s, kind="start"), prefix, ref, memo,
                               first=s.first, last=s.first), "bat-dau"))
            out.append((_event(lp, t, role, replace(s, kind="deadline"), prefix, ref, memo,
                               first=s.last, last=s.last), ""))
        else:
            out.append((_event(lp, t, role, s, prefix, ref, memo), ""))
    return out


_TITLES = {"deadline": "Hạn: ", "start": "Bắt đầu: ", "range": "", "day": ""}
_REPEAT = {("YEARLY", 1): "hằng năm", ("MONTHLY", 1): "hằng tháng", ("MONTHLY", 3): "hằng quý"}


def _event(lp: LoadedPlan, t: Task, role: str, span: Span, prefix: str, ref: str, memo: dict, *,
           first=None, last=None) -> CalEvent:
    kind, rule, phrase, k = span.kind, span.repeat, span.phrase, span.index
    start, last = first or span.first, last or span.last
    title = _TITLES[kind]
    if rule and kind in ("deadline", "start"):
        title = f"{title[:-2]} ({_REPEAT[(rule.freq, rule.interval)]}): "
    texts = memo.get((t.id, phrase))
    if texts is None:
        owner = lp.unit_name(t.owner)
        lines = [_one_line(t.text), "", f"Thời hạn: {after_colon(phrase)}", f"Chủ trì: {owner}"]
        if t.co_owners:
            lines.append("Phối hợp: " + "; ".join(lp.unit_name(c) for c in t.co_owners))
        lines.append(f"Theo: {ref}")
        lines.append(f"Mã nhiệm vụ: {t.id}")
        # No comma in a category: RFC 5545 escapes it, but ical and some clients split there.
        owner_cat = re.sub(r"\s*,\s*", "/", lp.unit_label(t.owner))
        texts = memo[(t.id, phrase)] = ("\n".join(lines), _one_line(t.summary), _one_line(phrase),
                                        owner_cat, f"{lp.plan.document.type} {lp.year}")
    description, summary, one_phrase, owner_cat, plan_cat = texts
    return CalEvent(
        uid="", task_id=t.id, unit="", index=k, kind=kind,
        start=start, last=last, rule=rule, summary=prefix + title + summary,
        description=description, categories=tuple(dict.fromkeys((role, owner_cat, plan_cat))),
        phrase=one_phrase, owner=t.owner)


def reference(lp: LoadedPlan) -> str:
    """'Kế hoạch số 12/KH-BCĐ ngày 05/02/2024 của …: <trích yếu>' (blank number: '…')."""
    d = lp.plan.document
    when = ""
    if d.date.day and d.date.month:
        when = f" ngày {d.date.day:02d}/{d.date.month:02d}/{d.date.year}"
    elif d.date.month:
        when = f" tháng {d.date.month:02d}/{d.date.year}"
    issuer = d.issuer_name or d.issuing_body
    return f"{d.type} số {(d.number or '').strip() or '…'}/{d.symbol}{when} của {issuer}: {_one_line(d.title)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
