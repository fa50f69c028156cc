"""Which reminder goes to which unit on which day: pure computation from a loaded plan.

For every dated period of a task: one reminder on the first day (when the period has a
start and lasts more than a day, if ``on_start``), and one for each offset (days before the
last day; 0 = on the last day). Recurring phrases ("trước ngày 20 hằng tháng") repeat inside
the plan year. A reminder goes to the owner and each co-owner; a group with members goes to
each member instead, each with their own addresses. Units with no address are reported as
warnings. Nothing here reads or writes files.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..errors import Problem
from ..plan.loader import LoadedPlan, Task
from ..plan.status import Status
from ..plan.timephrase import Period
from .settings import Settings

START = "bat-dau"
LAST_DAY = "han-cuoi"


@dataclass(frozen=True)
class Planned:
    """One reminder to one unit. ``key`` is stable across syncs while nothing changes."""

    key: str
    plan: str
    task: str
    unit: str
    kind: str              # "bat-dau", "con-7", "con-3", "con-1", "han-cuoi"
    offset: int | None     # days before the last day; None for a start reminder
    due_at: datetime       # aware, in the settings' timezone
    start: date | None
    end: date | None
    summary: str
    text: str
    phrase: str
    unit_label: str
    emails: tuple[str, ...]

    @property
    def due_date(self) -> date:
        return self.due_at.date()


@dataclass
class Computed:
    reminders: list[Planned] = field(default_factory=list)   # to send
    done: list[Planned] = field(default_factory=list)        # skipped: task done for the unit
    no_address: list[Planned] = field(default_factory=list)  # cannot be sent
    warnings: list[Problem] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)         # task ids with no date (ongoing, …)


def plan_key(lp: LoadedPlan) -> str:
    """The ledger's name for the plan: its identity, not its file name, so that syncing a
    renamed copy replaces the plan's reminders instead of adding a second set."""
    return lp.key


def plan_reference(lp: LoadedPlan) -> str:
    """'Kế hoạch số 12/KH-BCĐ ngày 05/02/2024 của … về …' as the mails quote it."""
    from ..documents.vnformat import doc_date

    d = lp.plan.document
    number = (d.number or "").strip() or "…"
    when = doc_date(d.date.day, d.date.month, d.date.year).replace("\u00a0" * 6, "…")
    issuer = d.issuer_name or d.issuing_body
    title = " ".join(d.title.split())
    return f"{d.type} số {number}/{d.symbol} {when} của {issuer} về {title[:1].lower()}{title[1:]}"


def recipients_of(lp: LoadedPlan, task: Task) -> list[str]:
    """Owner and co-owners; a group with members is replaced by its (leaf) members."""
    out: list[str] = []
    for uid in (task.owner, *task.co_owners):
        unit = lp.units.get(uid)
        targets = [m for m in lp.members(uid)[1:] if not lp.units[m].members] \
            if unit is not None and unit.members else [uid]
        for t in targets:
            if t not in out:
                out.append(t)
    return out


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _periods(task: Task, year: int):
    """(phrase, Period) for every dated occurrence of the task, recurrences expanded."""
    for r in task.readings:
        step = {"monthly": 1, "quarterly": 3}.get(r.recurrence or "")
        for p in r.periods:
            if step is None:
                yield r.text, p
                continue
            k = 0
            while True:
                s = _add_months(p.start, k) if p.start else None
                e = _add_months(p.end, k) if p.end else None
                if (e or s).year > year:
                    break
                yield r.text, Period(s, e)
                k += step


def compute(lp: LoadedPlan, settings: Settings, status: Status | None = None) -> Computed:
    """Every reminder of the plan, split into to-send, done (skipped) and no-address."""
    tz = settings.tz
    cfg = settings.reminders
    at = cfg.send_time
    out = Computed()
    key = plan_key(lp)
    status = status or Status()
    warned: set[str] = set()
    for task in lp.tasks:
        occurrences = list(_periods(task, lp.year))
        if not occurrences:
            out.undated.append(task.id)
            continue
        units = recipients_of(lp, task)
        for phrase, p in occurrences:
            shots: list[tuple[str, int | None, date]] = []
            if p.start and cfg.on_start and p.start != p.end:
                shots.append((START, None, p.start))
            if p.end:
                for n in cfg.offsets:
                    shots.append((LAST_DAY if n == 0 else f"con-{n}", n, p.end - timedelta(days=n)))
            for uid in units:
                unit = lp.units.get(uid)
                emails = tuple(unit.email) if unit else ()
                for kind, offset, day in shots:
                    target = p.start if kind == START else p.end
                    r = Planned(
                        key=f"{key}|{task.id}|{uid}|{kind}|{target.isoformat()}",
                        plan=key, task=task.id, unit=uid, kind=kind, offset=offset,
                        due_at=datetime.combine(day, at, tzinfo=tz), start=p.start, end=p.end,
                        summary=task.summary, text=" ".join(task.text.split()), phrase=phrase,
                        unit_label=lp.unit_label(uid), emails=emails)
                    if status.is_done(task.id, uid, by=day):
                        out.done.append(r)
                    elif not emails:
                        out.no_address.append(r)
                        if uid not in warned:
                            warned.add(uid)
                            out.warnings.append(Problem(
                                file=str(lp.path), field=f"units.{uid}", severity="warning",
                                message=f"đơn vị '{lp.unit_label(uid)}' ({uid}) không có địa chỉ thư: "
                                        "lời nhắc của đơn vị này sẽ không được gửi; thêm 'email:' "
                                        "vào danh mục đơn vị"))
                    else:
                        out.reminders.append(r)
    # a key is unique unless two phrases of a task give the same period: keep the first
    seen: set[str] = set()
    out.reminders = [r for r in out.reminders if not (r.key in seen or seen.add(r.key))]
    out.reminders.sort(key=lambda r: (r.due_at, r.unit, r.task))
    return out
