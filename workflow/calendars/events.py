"""Plan → calendar events, as plain data (no icalendar here).

One :class:`CalEvent` per (task, unit calendar, period). The rules, documented for users
in docs/lich.md:

- a period with start and end is one all-day event over the whole range;
- a period with only an end is a one-day event on the last allowed day, titled "Hạn: …";
- a period with only a start (open end) marks the start day, titled "Bắt đầu: …";
- a recurring period repeats (RRULE) until 31/12 of the last year covered
  (``calendar.years``, default 1 = the plan year only: next year's plan brings next year's
  dates, so two plans never show the same deadline twice);
- "hằng quý" / "hằng tháng" without a day are anchored on ``calendar.quarterly_day`` /
  ``calendar.monthly_day`` (default: the last day of the quarter / month); "hằng năm"
  without a day, and ongoing tasks, give no event.

The UID of an event depends only on the plan identity, the task id, the calendar's unit
and the period's index within the task, so it survives rebuilds, other machines, moving
the plan file and reordering tasks.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from ..errors import Problem, UsageError
from ..plan.loader import LoadedPlan, Task, _suggest

UID_DOMAIN = "kehoach"
ALL = "tat-ca"  # the calendar with every task


@dataclass(frozen=True)
class Rule:
    """A recurrence: every ``interval`` months (or years), until ``until`` (inclusive)."""

    freq: str          # "YEARLY" | "MONTHLY"
    interval: int
    until: date
    # -1: the month's last day; 29 or 30: that day, or the last day of a shorter month
    # (a bare RFC 5545 rule would skip the months that lack the day); 1-28: that day.
    monthday: int | None = None


@dataclass(frozen=True)
class CalEvent:
    uid: str
    task_id: str
    unit: str          # the calendar it belongs to (a unit id or "tat-ca")
    index: int         # period index within the task
    kind: str          # "range" | "day" | "deadline" | "start"
    start: date        # first day
    last: date         # last day, inclusive (DTEND is the day after)
    rule: Rule | None
    summary: str
    description: str
    categories: tuple[str, ...]
    phrase: str        # the deadline phrase as written
    owner: str

    def occurrences(self, lo: date, hi: date) -> list[tuple[date, date]]:
        """(first, last) of every occurrence overlapping [lo, hi], in order."""
        out = []
        length = self.last - self.start
        for first in _starts(self):
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
                        message=f"không có đơn vị '{unit}' trong danh mục{_suggest(unit, known)}"))


def plan_identity(lp: LoadedPlan) -> str:
    """The plan's identity (see :attr:`LoadedPlan.identity`)."""
    return lp.identity


def plan_key(lp: LoadedPlan) -> str:
    """A short ASCII prefix shared by every UID of this plan (CalDAV deletes only these)."""
    return lp.key


def make_uid(lp: LoadedPlan, task_id: str, unit: str, index: int) -> str:
    ident = plan_identity(lp)
    h = hashlib.sha256(f"{ident}\n{task_id}\n{unit}\n{index}".encode()).hexdigest()[:20]
    return f"{plan_key(lp)}-{h}@{UID_DOMAIN}"


def unit_events(lp: LoadedPlan, unit: str) -> list[CalEvent]:
    """Events of every task ``unit`` owns or co-owns (directly or through a group)."""
    groups = {g for g in lp.units if unit in lp.members(g)}
    out = []
    for t in lp.tasks_of(unit):
        role = "Chủ trì" if t.owner in groups else "Phối hợp"
        out.extend(_task_events(lp, t, unit, role, prefix=""))
    return _sorted(out)


def all_events(lp: LoadedPlan) -> list[CalEvent]:
    """Every task's events, once each, titled with the owner (for tat-ca.ics)."""
    out = []
    for t in lp.tasks:
        out.extend(_task_events(lp, t, ALL, "Chủ trì", prefix=f"[{lp.unit_label(t.owner)}] "))
    return _sorted(out)


def _sorted(events: list[CalEvent]) -> list[CalEvent]:
    # Not the task order: reordering tasks in the plan must not change the files.
    return sorted(events, key=lambda e: (e.start, e.last, e.task_id, e.index))


def _task_events(lp: LoadedPlan, t: Task, unit: str, role: str, *, prefix: str) -> list[CalEvent]:
    if t.ongoing:
        return []
    cfg = lp.plan.calendar
    until = date(lp.year + cfg.years - 1, 12, 31)
    out = []
    k = 0
    for reading in t.readings:
        spans: list[tuple[str, date, date, Rule | None]] = []
        rec = reading.recurrence
        for p in reading.periods:
            rule = None
            if rec == "yearly":
                rule = Rule("YEARLY", 1, until)
            elif rec == "monthly":
                rule = Rule("MONTHLY", 1, until)
            elif rec == "quarterly":
                rule = Rule("MONTHLY", 3, until)
            if p.start and p.end:
                spans.append(("range" if p.start != p.end else "day", p.start, p.end, rule))
            elif p.end:
                spans.append(("deadline", p.end, p.end, rule))
            elif p.start:
                spans.append(("start", p.start, p.start, rule))
        if not reading.periods and rec in ("monthly", "quarterly"):
            day = cfg.monthly_day if rec == "monthly" else cfg.quarterly_day
            month = 1 if rec == "monthly" else 3
            if day is not None:
                first = _month_day(lp.year, month, day)
                rule = Rule("MONTHLY", 1 if rec == "monthly" else 3, until, day if day < 0 else None)
                spans.append(("deadline", first, first, rule))
        for kind, start, last, rule in spans:
            rule = _month_end_safe(rule, start)
            out.append(_event(lp, t, unit, role, k, kind, start, last, rule, reading.text, prefix))
            k += 1
    return out


def _month_end_safe(rule: Rule | None, start: date) -> Rule | None:
    """A rule that keeps "ngày 31 hằng tháng" in short months and 29/02 in other years."""
    if rule is None or rule.monthday is not None:
        return rule
    if rule.freq == "MONTHLY" and start.day >= 29:
        return replace(rule, monthday=-1 if start.day == 31 else start.day)
    if rule.freq == "YEARLY" and (start.month, start.day) == (2, 29):
        return replace(rule, monthday=-1)  # with BYMONTH=2: 28/02 in common years
    return rule


_TITLES = {"deadline": "Hạn: ", "start": "Bắt đầu: ", "range": "", "day": ""}
_REPEAT = {("YEARLY", 1): "hằng năm", ("MONTHLY", 1): "hằng tháng", ("MONTHLY", 3): "hằng quý"}


def _event(lp: LoadedPlan, t: Task, unit: str, role: str, k: int, kind: str, start: date,
           last: date, rule: Rule | None, phrase: str, prefix: str) -> CalEvent:
    title = _TITLES[kind]
    if rule and kind == "deadline":
        title = f"Hạn ({_REPEAT[(rule.freq, rule.interval)]}): "
    owner = lp.unit_name(t.owner)
    lines = [_one_line(t.text), "", f"Thời hạn: {_one_line(phrase)}", f"Chủ trì: {owner}"]
    if t.co_owners:
        lines.append("Phối hợp: " + "; ".join(lp.unit_name(c) for c in t.co_owners))
    lines.append(f"Theo: {reference(lp)}")
    lines.append(f"Mã nhiệm vụ: {t.id}")
    # No comma in a category: RFC 5545 escapes it, but ical and some clients split there.
    owner_cat = re.sub(r"\s*,\s*", "/", lp.unit_label(t.owner))
    cats = (role, owner_cat, f"{lp.plan.document.type} {lp.year}")
    return CalEvent(
        uid=make_uid(lp, t.id, unit, k), task_id=t.id, unit=unit, index=k, kind=kind,
        start=start, last=last, rule=rule, summary=prefix + title + _one_line(t.summary),
        description="\n".join(lines), categories=tuple(dict.fromkeys(cats)),
        phrase=_one_line(phrase), owner=t.owner)


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


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def _month_len(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _month_day(y: int, m: int, day: int) -> date:
    """Day ``day`` of the month (-1: the last day; a day the month lacks: its last day)."""
    n = _month_len(y, m)
    return date(y, m, n if day < 0 else min(day, n))


def _starts(ev: CalEvent):
    """First days of the occurrences, as RFC 5545 expands the rule (invalid dates skipped)."""
    if ev.rule is None:
        yield ev.start
        return
    r = ev.rule
    step = 12 * r.interval if r.freq == "YEARLY" else r.interval
    y, m = ev.start.year, ev.start.month
    while True:
        if r.monthday is not None:
            d = _month_day(y, m, r.monthday)
        elif ev.start.day <= _month_len(y, m):
            d = date(y, m, ev.start.day)
        else:
            d = None
        if d is not None:
            if d > r.until:
                return
            yield d
        elif date(y, m, 1) > r.until:
            return
        m += step
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
