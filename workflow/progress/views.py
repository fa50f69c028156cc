"""What the follow-up pages show, computed from the obligation model: a unit's tasks with
their state, and a month of deadlines.

A (task, unit) is *done* when the status says so, *late* when its last day is before the
day in question and it is not done, *due* otherwise — the rules of ``kehoach overdue``
(docs/cong-van.md), so a page never disagrees with the overdue list or the reminders. The
task of issuing the plan itself is done once the plan exists. Nothing here reads files.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, field
from datetime import date

from ..plan.loader import LoadedPlan
from ..plan.obligations import ROLE_NAMES, Obligation, issues_the_plan

DONE, LATE, DUE, OPEN = "done", "late", "due", "open"
# Each state has a colour AND a sign and a word, so that it reads without colour too.
STATE_SIGNS = {DONE: "✓", LATE: "▲", DUE: "○", OPEN: "–"}
STATE_WORDS = {DONE: "Đã xong", LATE: "Quá hạn", DUE: "Chưa đến hạn", OPEN: "Không có hạn cụ thể"}


def _vn(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def state_of(lp: LoadedPlan, o: Obligation, on: date) -> str:
    if o.done_on is not None or issues_the_plan(lp, o.task):
        return DONE
    if o.due is None:
        return OPEN
    return LATE if o.due < on else DUE


@dataclass
class Item:
    """One task of a unit, as its page shows it."""

    ob: Obligation
    state: str
    words: str          # "Đã xong ngày 21/10/2024", "Quá hạn 5 ngày", "Còn 3 ngày" …
    role: str           # "Chủ trì", "Phối hợp", "Chủ trì (giao cho UBND các phường)"
    dates: list[str]    # each dated period, "05/09/2024 – 30/09/2024"
    report: object = None   # the current store report of this (task, unit), if any

    @property
    def task(self):
        return self.ob.task

    @property
    def sign(self) -> str:
        return STATE_SIGNS[self.state]


def _words(lp: LoadedPlan, o: Obligation, state: str, on: date) -> str:
    if state == DONE:
        if o.done_on is None:
            return "Đã xong (kế hoạch đã ban hành)"
        return f"Đã xong ngày {_vn(o.done_on)}"
    if state == OPEN:
        return "Thường xuyên" if o.task.ongoing else "Không có hạn cụ thể"
    n = (o.due - on).days
    if n < 0:
        return f"Quá hạn {-n} ngày (hạn {_vn(o.due)})"
    if n == 0:
        return f"Hôm nay là hạn cuối ({_vn(o.due)})"
    return f"Còn {n} ngày (hạn {_vn(o.due)})"


def _period(p) -> str:
    if p.start and p.end and p.start != p.end:
        return f"{_vn(p.start)} – {_vn(p.end)}"
    if p.end:
        return _vn(p.end)
    return f"từ {_vn(p.start)}"


def unit_items(lp: LoadedPlan, obs: list[Obligation], unit: str, on: date,
               reports: dict | None = None) -> list[Item]:
    """The tasks of ``unit`` (its own obligations), in plan order; ``reports`` maps
    (task, unit) to the store's current report."""
    reports = reports or {}
    out = []
    for o in obs:
        if o.unit != unit:
            continue
        st = state_of(lp, o, on)
        role = ROLE_NAMES[o.role] + (f" (giao cho {lp.unit_label(o.via)})" if o.via else "")
        shown = [_period(p) for _, p in o.occurrences()][:6]
        rep = reports.get((o.task.id, unit)) or (reports.get((o.task.id, o.via)) if o.via else None) \
            or reports.get((o.task.id, ""))
        out.append(Item(o, st, _words(lp, o, st, on), role, shown, rep))
    return out


@dataclass
class DayMark:
    """A deadline on one day of the month calendar."""

    task: str
    summary: str
    state: str
    words: str                  # "Quá hạn", "Đã xong", "Chưa đến hạn", with counts for all units
    units: list[str] = field(default_factory=list)   # labels of the units still owing it

    @property
    def sign(self) -> str:
        return STATE_SIGNS[self.state]


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """The month as weeks from Monday, days outside it as None."""
    return [[d if d.month == month else None for d in week]
            for week in _cal.Calendar(firstweekday=0).monthdatescalendar(year, month)]


def month_marks(lp: LoadedPlan, obs: list[Obligation], year: int, month: int, on: date,
                unit: str | None = None) -> dict[date, list[DayMark]]:
    """Every deadline falling in the month, by day: for one unit, its own tasks; for all,
    one mark per task and day counting the leaf units (chủ trì) done, late and due."""
    groups: dict[tuple[date, str], list[Obligation]] = {}
    for o in obs:
        if unit is not None and o.unit != unit:
            continue
        if unit is None and not (o.leaf and o.role == "chu-tri"):
            continue
        for _span, p in o.occurrences():
            day = p.end or p.start
            if day and day.year == year and day.month == month:
                groups.setdefault((day, o.task.id), []).append(o)
    out: dict[date, list[DayMark]] = {}
    for (day, _tid), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[1][0].task.order)):
        states = []
        for o in items:
            st = state_of(lp, o, on)
            if st == DUE and day < on:   # this occurrence is past although the task's last day is not
                st = LATE
            if st == OPEN:
                st = DUE if day >= on else LATE
            states.append((o, st))
        late = [o for o, s in states if s == LATE]
        due = [o for o, s in states if s == DUE]
        done = [o for o, s in states if s == DONE]
        state = LATE if late else (DUE if due else DONE)
        words = STATE_WORDS[state]
        if unit is None and len(states) > 1:
            words += f": {len(done)}/{len(states)} đơn vị đã xong"
        task = items[0].task
        out.setdefault(day, []).append(DayMark(task.id, task.summary, state, words,
                                               [lp.unit_label(o.unit) for o in late + due]))
    return out
