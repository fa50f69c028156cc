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
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class CalEvent:
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


def make_uid(lp: LoadedPlan, task_id: str, unit: str, index: int) -> str:
    ident = plan_identity(lp)
    h = hashlib.sha256(f"{ident}\n{task_id}\n{unit}\n{index}".encode()).hexdigest()[:20]
    return f"{plan_key(lp)}-{h}@{UID_DOMAIN}"


def unit_events(lp: LoadedPlan, unit: str, obs: list[Obligation] | None = None) -> list[CalEvent]:
    """Events of every task ``unit`` owes (owner or co-owner, directly or through a group);
    ``obs``: the plan's obligations when already computed."""
    mine = by_unit(obs if obs is not None else obligations(lp)).get(unit, [])
    return _sorted([ev for o in mine for ev in _task_events(lp, o.task, o.spans, unit,
                                                           ROLE_NAMES[o.role], prefix="")])


def all_events(lp: LoadedPlan) -> list[CalEvent]:
    """Every task's events, once each, titled with the owner (for tat-ca.ics)."""
    return _sorted([ev for t in lp.tasks for ev in _task_events(
        lp, t, task_spans(lp, t), ALL, ROLE_NAMES["chu-tri"], prefix=f"[{lp.unit_label(t.owner)}] ")])


def _sorted(events: list[CalEvent]) -> list[CalEvent]:
    # Not the task order: reordering tasks in the plan must not change the files.
    return sorted(events, key=lambda e: (e.start, e.last, e.task_id, e.index))


def _task_events(lp: LoadedPlan, t: Task, spans: tuple[Span, ...], unit: str, role: str, *,
                 prefix: str) -> list[CalEvent]:
    return [_event(lp, t, unit, role, s, prefix) for s in spans]


_TITLES = {"deadline": "Hạn: ", "start": "Bắt đầu: ", "range": "", "day": ""}
_REPEAT = {("YEARLY", 1): "hằng năm", ("MONTHLY", 1): "hằng tháng", ("MONTHLY", 3): "hằng quý"}


def _event(lp: LoadedPlan, t: Task, unit: str, role: str, span: Span, prefix: str) -> CalEvent:
    kind, rule, phrase, k = span.kind, span.repeat, span.phrase, span.index
    start, last = span.first, span.last
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
