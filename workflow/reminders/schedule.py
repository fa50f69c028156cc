"""Which reminder goes to which unit on which day: pure computation from a loaded plan.

Who owes what and on which days comes from :mod:`workflow.plan.obligations` (the model
calendars and overdue read too). For every dated occurrence of a leaf obligation: one
reminder on the first day (when the period has a start and lasts more than a day, if
``on_start``), and one for each offset (days before the last day; 0 = on the last day). A
group's task reaches each member, with their own addresses; a status line for the group
counts for every member. A reminder whose day is a Saturday, Sunday or public holiday goes
on the working day before (``reminders.working_days``); the mail still states the real
deadline. Units with no address are reported as warnings. Nothing here reads or writes
files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..documents.vnformat import doc_date
from ..errors import Problem
from ..plan.loader import LoadedPlan
from ..plan.obligations import Obligation, obligations
from ..plan.status import Status
from ..plan.workdays import previous_workday, vn_holidays
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
    d = lp.plan.document
    number = (d.number or "").strip() or "…"
    when = doc_date(d.date.day, d.date.month, d.date.year).replace("\u00a0" * 6, "…")
    issuer = d.issuer_name or d.issuing_body
    title = " ".join(d.title.split())
    return f"{d.type} số {number}/{d.symbol} {when} của {issuer} về {title[:1].lower()}{title[1:]}"


def compute(lp: LoadedPlan, settings: Settings, status: Status | None = None) -> Computed:
    """Every reminder of the plan, split into to-send, done (skipped) and no-address."""
    tz = settings.tz
    cfg = settings.reminders
    at = cfg.send_time
    out = Computed()
    key = plan_key(lp)
    obs = [o for o in obligations(lp, status) if o.leaf]
    off = vn_holidays(range(lp.year - 1, lp.year + lp.plan.calendar.years + 1)) \
        if cfg.working_days else None
    warned: set[str] = set()
    for o in obs:
        if not o.dated:
            if o.task.id not in out.undated:
                out.undated.append(o.task.id)
            continue
        unit = lp.units.get(o.unit)
        emails = tuple(unit.email) if unit else ()
        for span, p in o.occurrences():
            for send_on, (kind, offset, day) in _shots(p, cfg, off).items():
                target = p.start if kind == START else p.end
                r = Planned(
                    key=f"{key}|{o.task.id}|{o.unit}|{kind}|{target.isoformat()}",
                    plan=key, task=o.task.id, unit=o.unit, kind=kind, offset=offset,
                    due_at=datetime.combine(send_on, at, tzinfo=tz), start=p.start, end=p.end,
                    summary=o.task.summary, text=" ".join(o.task.text.split()),
                    phrase=span.phrase, unit_label=lp.unit_label(o.unit), emails=emails)
                if o.is_done(day):
                    out.done.append(r)
                elif not emails:
                    out.no_address.append(r)
                    if o.unit not in warned:
                        warned.add(o.unit)
                        out.warnings.append(_no_address(lp, o))
                else:
                    out.reminders.append(r)
    # a key is unique unless two phrases of a task give the same period: keep the first
    seen: set[str] = set()
    out.reminders = [r for r in out.reminders if not (r.key in seen or seen.add(r.key))]
    out.reminders.sort(key=lambda r: (r.due_at, r.unit, r.task))
    return out


def _shots(p, cfg, off) -> dict[date, tuple[str, int | None, date]]:
    """Sending day → (kind, days before the last day, day it is for) of each reminder of one
    period. Moved off days off (``off``: the holidays, None: no move), two reminders may meet
    on one day: the unit then gets the one nearest the deadline."""
    shots: list[tuple[str, int | None, date]] = []
    if p.start and cfg.on_start and p.start != p.end:
        shots.append((START, None, p.start))
    if p.end:
        for n in cfg.offsets:  # largest first: a later shot on the same day replaces it
            shots.append((LAST_DAY if n == 0 else f"con-{n}", n, p.end - timedelta(days=n)))
    out: dict[date, tuple[str, int | None, date]] = {}
    for shot in shots:
        out[previous_workday(shot[2], off) if off is not None else shot[2]] = shot
    return out


def _no_address(lp: LoadedPlan, o: Obligation) -> Problem:
    return Problem(file=str(lp.path), field=f"units.{o.unit}", severity="warning",
                   message=f"đơn vị '{lp.unit_label(o.unit)}' ({o.unit}) không có địa chỉ thư: "
                           "lời nhắc của đơn vị này sẽ không được gửi; thêm 'email:' "
                           "vào danh mục đơn vị")
