"""Who owes what by when: the one model calendars, reminders, overdue and letters read.

From a loaded plan (and optionally a status file) :func:`obligations` gives one
:class:`Obligation` per (task, unit): the unit named in the plan as owner (chủ trì) or
co-owner (phối hợp), and — for a group such as "UBND 14 phường" — each of its members,
recursively. Each obligation carries the task's dated spans (as written, with their
repetition) and every dated occurrence of them up to the plan's horizon, its last day, and
when the status file records it done. The rules, for users in docs/cong-van.md and
docs/lich.md:

- a task owned by a group is owed by every member that is not itself a group (a *leaf*);
  the group keeps an obligation too (its calendar), marked ``leaf=False``;
- the owner's role wins when a unit is both owner and co-owner of a task;
- a status line for a unit counts for that unit and every member of it (a line for the
  whole group, or one without a unit, is done for every member); once every unit doing the
  task as chủ trì has finished, the task is finished for its co-owners too;
- a repeating phrase repeats until 31/12 of the last year covered (``calendar.years``,
  default 1 = the plan year only); "hằng quý" / "hằng tháng" without a day fall on
  ``calendar.quarterly_day`` / ``calendar.monthly_day`` (default: the last day);
- a task's last day is the latest end among the periods its phrases state (days placed only
  by those defaults, open ends and ongoing tasks give none: such a task is never late).

Nothing here reads or writes files.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from .loader import LoadedPlan, Task
from .status import Status
from .timephrase import Period

Role = Literal["chu-tri", "phoi-hop"]
ROLE_NAMES = {"chu-tri": "Chủ trì", "phoi-hop": "Phối hợp"}


@dataclass(frozen=True)
class Repeat:
    """A repetition: every ``interval`` months (or years), until ``until`` (inclusive)."""

    freq: str          # "YEARLY" | "MONTHLY"
    interval: int
    until: date
    # -1: the month's last day; 29 or 30: that day, or the last day of a shorter month
    # (a bare RFC 5545 rule would skip the months that lack the day); None: the start's day.
    monthday: int | None = None


@dataclass(frozen=True)
class Span:
    """One dated period of a task as written, before its repetitions are expanded."""

    index: int              # position among the task's spans (calendar UIDs use it)
    phrase: str             # the deadline phrase it comes from, as written
    kind: str               # "range" | "day" | "deadline" (end only) | "start" (open end)
    period: Period          # start and end as read (either may be None)
    repeat: Repeat | None
    anchored: bool = False  # placed by calendar.monthly_day / quarterly_day, not by the text

    @property
    def first(self) -> date:
        """First day of the first occurrence."""
        return self.period.start or self.period.end  # type: ignore[return-value]

    @property
    def last(self) -> date:
        """Last day of the first occurrence (inclusive)."""
        return self.period.end or self.period.start  # type: ignore[return-value]

    def occurrences(self) -> list[Period]:
        """Every occurrence, in order (just the period itself when it does not repeat)."""
        if self.repeat is None:
            return [self.period]
        length = self.last - self.first
        out = []
        for first in repeat_starts(self.first, self.repeat):
            p = self.period
            start = first if p.start else None
            end = first + length if p.end else None
            out.append(Period(start, end))
        return out


@dataclass(frozen=True)
class Obligation:
    task: Task
    unit: str             # the unit that owes it
    role: Role
    via: str | None       # the unit named in the plan, when ``unit`` is reached as a member
    leaf: bool            # True when ``unit`` does the work (not a group with members)
    spans: tuple[Span, ...]
    due: date | None      # last allowed day (inclusive); None: never late
    done_on: date | None  # when the status records it finished for this unit

    @property
    def dated(self) -> bool:
        return bool(self.spans)

    def occurrences(self) -> list[tuple[Span, Period]]:
        """(span, period) of every dated occurrence, in span order."""
        return [(s, p) for s in self.spans for p in s.occurrences()]

    def is_done(self, on: date | None = None) -> bool:
        """Finished for this unit (on or before ``on``, when given)."""
        return self.done_on is not None and (on is None or self.done_on <= on)

    def is_late(self, on: date) -> bool:
        """Past its last day on ``on`` (the last day itself is not late) and not done by then."""
        return self.due is not None and self.due < on and not self.is_done(on)

    def days_late_on(self, on: date) -> int:
        return (on - self.due).days if self.due else 0


def obligations(lp: LoadedPlan, status: Status | None = None) -> list[Obligation]:
    """Every (task, unit) obligation of the plan, in task order, then the order the task
    names its units (owner first, then co-owners; a group before its members)."""
    status = status or Status()
    out: list[Obligation] = []
    for t in lp.tasks:
        spans = task_spans(lp, t)
        due = _due(spans)
        seen: set[str] = set()
        named = [(t.owner, "chu-tri")] + [(c, "phoi-hop") for c in t.co_owners]
        mine: list[Obligation] = []
        for uid, role in named:
            for member in lp.members(uid):
                if member in seen:
                    continue
                seen.add(member)
                unit = lp.units.get(member)
                mine.append(Obligation(
                    task=t, unit=member, role=role, via=None if member == uid else uid,
                    leaf=not (unit is not None and unit.members), spans=spans, due=due,
                    done_on=done_on(lp, status, t.id, member)))
        out.extend(_supporters_follow(mine))
    return out


def _supporters_follow(obs: list[Obligation]) -> list[Obligation]:
    """A co-owner only supports: once every unit doing the task as chủ trì has finished,
    the task is finished for its co-owners too (on the day the last owner finished)."""
    owners = [o.done_on for o in obs if o.leaf and o.role == "chu-tri"]
    if not owners or None in owners:
        return obs
    last = max(owners)
    return [replace(o, done_on=min(o.done_on or last, last)) if o.role == "phoi-hop" else o
            for o in obs]


_ISSUES_A_PLAN = re.compile(r"ban\s+hành\s+(?:\S+\s+){0,2}kế\s+hoạch", re.IGNORECASE)


def issues_the_plan(lp: LoadedPlan, task: Task) -> bool:
    """Whether ``task`` is drafting and issuing this very plan ("Dự thảo, trình ban hành Kế
    hoạch …", due by the plan's own month): done once the plan exists, so never chased."""
    text = " ".join((task.text, task.summary))
    if not _ISSUES_A_PLAN.search(text):
        return False
    d = lp.plan.document.date
    due = _due(task_spans(lp, task))
    if due is None or d.month is None:
        return False
    return (due.year, due.month) <= (d.year, d.month)


def done_on(lp: LoadedPlan, status: Status, task_id: str, unit: str) -> date | None:
    """The day the status records ``task_id`` finished for ``unit``: a line naming the
    unit, a group it belongs to, or no unit at all. None when not finished."""
    days = [e.on for e in status.entries
            if e.task == task_id and (e.unit is None or e.unit == unit
                                      or unit in lp.members(e.unit))]
    return min(days, default=None)


def of_unit(obs: list[Obligation], unit: str) -> list[Obligation]:
    """The obligations of one unit (a leaf or a group), in plan order."""
    return [o for o in obs if o.unit == unit]


def by_unit(obs: list[Obligation]) -> dict[str, list[Obligation]]:
    """Obligations grouped by unit, units in order of first appearance."""
    out: dict[str, list[Obligation]] = {}
    for o in obs:
        out.setdefault(o.unit, []).append(o)
    return out


def late(obs: list[Obligation], *, on: date, co_owners: bool = False) -> list[Obligation]:
    """The leaf obligations late on ``on``; co-owners (phối hợp) only with ``co_owners``."""
    return [o for o in obs if o.leaf and o.is_late(on) and (co_owners or o.role == "chu-tri")]


# --- spans: the dated periods of a task -------------------------------------------------

def horizon(lp: LoadedPlan) -> date:
    """The last day repetitions reach: 31/12 of the last year the plan covers."""
    return date(lp.year + lp.plan.calendar.years - 1, 12, 31)


_REPEATS = {"yearly": ("YEARLY", 1), "monthly": ("MONTHLY", 1), "quarterly": ("MONTHLY", 3)}


def task_spans(lp: LoadedPlan, t: Task) -> tuple[Span, ...]:
    """The dated spans of a task, in the order its phrases give them (none if ongoing)."""
    if t.ongoing:
        return ()
    cfg = lp.plan.calendar
    until = horizon(lp)
    out: list[Span] = []
    for reading in t.readings:
        rep = _REPEATS.get(reading.recurrence or "")
        for p in reading.periods:
            repeat = Repeat(rep[0], rep[1], until) if rep else None
            if p.start and p.end:
                kind = "range" if p.start != p.end else "day"
            elif p.end:
                kind = "deadline"
            elif p.start:
                kind = "start"
            else:
                continue
            start = p.start or p.end
            out.append(Span(len(out), reading.text, kind, p, _month_end_safe(repeat, start)))
        if not reading.periods and reading.recurrence in ("monthly", "quarterly"):
            day = cfg.monthly_day if reading.recurrence == "monthly" else cfg.quarterly_day
            if day is not None:
                first = month_day(lp.year, 1 if reading.recurrence == "monthly" else 3, day)
                repeat = Repeat("MONTHLY", rep[1], until, day if day < 0 else None)
                out.append(Span(len(out), reading.text, "deadline", Period(None, first),
                                _month_end_safe(repeat, first), anchored=True))
    return tuple(out)


def _due(spans: tuple[Span, ...]) -> date | None:
    ends = [p.end for s in spans if not s.anchored for p in s.occurrences() if p.end]
    return max(ends, default=None)


def _month_end_safe(rule: Repeat | None, start: date) -> Repeat | None:
    """A rule that keeps "ngày 31 hằng tháng" in short months and 29/02 in other years."""
    if rule is None or rule.monthday is not None:
        return rule
    if rule.freq == "MONTHLY" and start.day >= 29:
        return replace(rule, monthday=-1 if start.day == 31 else start.day)
    if rule.freq == "YEARLY" and (start.month, start.day) == (2, 29):
        return replace(rule, monthday=-1)  # with BYMONTH=2: 28/02 in common years
    return rule


def month_len(y: int, m: int) -> int:
    return _cal.monthrange(y, m)[1]


def month_day(y: int, m: int, day: int) -> date:
    """Day ``day`` of the month (-1: the last day; a day the month lacks: its last day)."""
    n = month_len(y, m)
    return date(y, m, n if day < 0 else min(day, n))


def repeat_starts(start: date, r: Repeat):
    """First days of the occurrences, as RFC 5545 expands the rule (invalid dates skipped)."""
    step = 12 * r.interval if r.freq == "YEARLY" else r.interval
    y, m = start.year, start.month
    while True:
        if r.monthday is not None:
            d = month_day(y, m, r.monthday)
        elif start.day <= month_len(y, m):
            d = date(y, m, start.day)
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
