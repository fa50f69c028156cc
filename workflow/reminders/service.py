"""Reminder API: plan, sync, run-due and log. Keyword-only functions returning data.

The ledger (SQLite, default ``.kehoach/nhac-viec.sqlite``) is the source of truth; these
functions are what the CLI, ``serve`` and the tests call. Nothing here prints.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError, Problem
from ..plan.loader import LoadedPlan, load_plan
from ..plan.obligations import obligations
from ..plan.status import Status, load_status
from . import lock, mail
from .ledger import Ledger
from .schedule import Computed, compute, plan_key, plan_reference
from .settings import Settings, load_settings, smtp_password
from .transport import MaildirTransport, SendError, SmtpTransport

DEFAULT_DB = Path(".kehoach/nhac-viec.sqlite")
BATCH_LOCK_WAIT = 120.0


def resolve_settings(settings: Settings | str | Path | None) -> Settings:
    return settings if isinstance(settings, Settings) else load_settings(settings)


def at_send_time(moment: date | datetime | None, settings: Settings) -> datetime | None:
    """A day (at the send hour) or a moment (local time unless it carries an offset) as an
    aware datetime in the settings' timezone; None stays None."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return datetime.combine(moment, settings.reminders.send_time, tzinfo=settings.tz)
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)


def _now(now: datetime | None, settings: Settings) -> datetime:
    return (now or datetime.now(settings.tz)).astimezone(settings.tz)


def _load(plan, status) -> tuple[LoadedPlan, Status]:
    lp = plan if isinstance(plan, LoadedPlan) else load_plan(plan)
    st = status if isinstance(status, Status) else load_status(status, lp)
    return lp, st


# --- remind plan ---------------------------------------------------------------------------

@dataclass
class PlanView:
    plan: str
    ref: str
    computed: Computed
    units: list[dict]
    rule: str = ""  # when mails go, in one Vietnamese sentence

    @property
    def warnings(self) -> list[Problem]:
        return self.computed.warnings

    def to_json(self) -> dict:
        return {"plan": self.plan, "ref": self.ref, "rule": self.rule, "units": self.units,
                "done": len(self.computed.done), "undated_tasks": self.computed.undated,
                "warnings": [w.to_json() for w in self.warnings]}


def plan_reminders(*, plan, status=None, settings=None, unit: str | None = None,
                   since: date | None = None) -> PlanView:
    """What goes when, per unit (reminders without an address are listed, with a warning);
    with ``since``, only what goes on or after that day."""
    s = resolve_settings(settings)
    lp, st = _load(plan, status)
    if unit is not None and unit not in lp.units:
        raise InputError(Problem(file="<dòng lệnh>", field="--unit",
                                 message=f"không có đơn vị '{unit}' trong danh mục"))
    c = compute(lp, s, st)
    by_unit: dict[str, dict] = {}
    for r, sendable in [(r, True) for r in c.reminders] + [(r, False) for r in c.no_address]:
        if (unit is not None and r.unit != unit) or (since is not None and r.due_date < since):
            continue
        u = by_unit.setdefault(r.unit, {"unit": r.unit, "label": r.unit_label,
                                        "emails": list(r.emails), "reminders": []})
        e = mail.Entry(r.task, r.summary, r.text, r.phrase, r.start, r.end, r.kind)
        u["reminders"].append({"due": r.due_at.isoformat(), "kind": r.kind, "task": r.task,
                               "summary": r.summary, "status": e.status(r.due_date),
                               "deadline": e.deadline(), "sendable": sendable})
    units = sorted(by_unit.values(), key=lambda u: u["unit"])
    for u in units:
        u["reminders"].sort(key=lambda x: (x["due"], x["task"]))
        u["mails"] = len({x["due"][:10] for x in u["reminders"]}) if s.reminders.digest \
            else len(u["reminders"])
    return PlanView(plan=plan_key(lp), ref=plan_reference(lp), computed=c, units=units,
                    rule=_rule(s))


def _rule(s: Settings) -> str:
    r = s.reminders
    parts = (["vào ngày bắt đầu của một khoảng thời gian"] if r.on_start else [])
    before = [str(n) for n in r.offsets if n]
    if before:
        parts.append(f"trước hạn cuối {', '.join(before)} ngày")
    if 0 in r.offsets:
        parts.append("đúng ngày hạn cuối")
    when = " và ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
    digest = "mỗi đơn vị mỗi ngày một thư" if r.digest else "mỗi lời nhắc một thư"
    return f"Nhắc {when or '(không có ngày nhắc nào)'}; gửi lúc {r.send_at}; {digest}."


# --- remind sync ---------------------------------------------------------------------------

@dataclass
class SyncResult:
    plan: str
    added: int
    rescheduled: int
    restored: int
    unchanged: int
    cancelled: list[tuple[str, str]]
    done_skipped: int
    warnings: list[Problem]
    calendars: int
    dry_run: bool

    def to_json(self) -> dict:
        return {"plan": self.plan, "added": self.added, "rescheduled": self.rescheduled,
                "restored": self.restored, "unchanged": self.unchanged,
                "cancelled": [{"key": k, "reason": r} for k, r in self.cancelled],
                "done_skipped": self.done_skipped, "calendars_attached": self.calendars,
                "dry_run": self.dry_run, "warnings": [w.to_json() for w in self.warnings]}


def _calendars(lp: LoadedPlan, units: set[str]) -> dict[str, bytes]:
    try:
        # the calendars (their modules, icalendar when written): only for a sync, not for run-due
        from ..calendars import unit_calendar_bytes
    except ImportError:  # the calendar stage is not installed: mails go without .ics
        return {}
    return {u: unit_calendar_bytes(lp, u) for u in sorted(units)}


def sync_plan(*, plan, status=None, db: str | Path = DEFAULT_DB, settings=None,
              now: datetime | None = None, dry_run: bool = False) -> SyncResult:
    """Bring the ledger in line with the plan (and status file): add new reminders,
    reschedule moved ones, cancel those of removed or done tasks. Sent ones stay history."""
    s = resolve_settings(settings)
    lp, st = _load(plan, status)
    c = compute(lp, s, st)
    t = int(_now(now, s).timestamp())
    tasks = {task.id for task in lp.tasks}
    owes = {(o.task.id, o.unit) for o in obligations(lp, st) if o.leaf}
    finished = {(o.task.id, o.unit) for o in obligations(lp, st) if o.leaf and o.is_done()}
    done = {(r.task, r.unit) for r in c.done}
    no_addr = {r.unit for r in c.no_address}

    def reason(key: str) -> str:
        _, task, unit, *_ = key.split("|")
        if task not in tasks:
            return "nhiệm vụ đã bỏ khỏi kế hoạch"
        if (task, unit) in done or (task, unit) in finished:
            return "đơn vị đã hoàn thành nhiệm vụ"
        if (task, unit) not in owes:
            return "đơn vị không còn phụ trách nhiệm vụ này"
        if unit in no_addr:
            return "đơn vị không còn địa chỉ thư"
        return "thời hạn đã thay đổi"

    cals = {} if dry_run else _calendars(lp, {r.unit for r in c.reminders})
    # the batch lock: a mail waiting for a retry may be withdrawn, never while it is being sent
    db = Path(db)
    with (nullcontext() if dry_run else lock.hold(db, "batch", wait=BATCH_LOCK_WAIT)), \
            Ledger(":memory:" if dry_run and not db.exists() else db) as ledger:
        ch = ledger.sync(plan_key(lp), str(lp.path), plan_reference(lp), c.reminders, reason,
                         cals, t, dry_run=dry_run,
                         keep_after=t - s.reminders.late_limit_days * 86400)
    n_cals = len({r.unit for r in c.reminders}) if dry_run else len(cals)
    return SyncResult(plan=plan_key(lp), added=len(ch.added), rescheduled=len(ch.rescheduled),
                      restored=len(ch.restored), unchanged=ch.unchanged, cancelled=ch.cancelled,
                      done_skipped=len(c.done), warnings=c.warnings, calendars=n_cals,
                      dry_run=dry_run)


# --- remind run-due ------------------------------------------------------------------------

@dataclass
class RunResult:
    now: datetime
    sent: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    in_doubt: list[str] = field(default_factory=list)
    transport: str = ""
    dry_run: bool = False
    sync: SyncResult | None = None

    def to_json(self) -> dict:
        return {"now": self.now.isoformat(), "transport": self.transport, "dry_run": self.dry_run,
                "sent": self.sent, "failed": self.failed, "missed": self.missed,
                "in_doubt": self.in_doubt, "sync": self.sync.to_json() if self.sync else None}


class _DryTransport:
    name = "dry-run"

    def send(self, raw, **_):
        return None

    def close(self):
        pass


def make_transport(settings: Settings):
    if settings.smtp.host:
        return SmtpTransport(settings, smtp_password(settings))
    return MaildirTransport(settings.outbox)


def run_due(*, db: str | Path = DEFAULT_DB, settings=None, now: datetime | None = None,
            dry_run: bool = False, plan=None, status=None, transport=None,
            stop: Callable[[], bool] | None = None,
            links: Callable[[str, str], str | None] | None = None) -> RunResult:
    """Send everything due at ``now`` and not yet sent; return what happened.

    With ``plan`` the ledger is synced with it first. ``dry_run`` runs the same steps on a
    copy of the ledger with a transport that sends nothing. ``stop`` is asked before each
    mail: once it says True the batch ends cleanly after the mail in flight (the rest stay
    queued for the next run). ``links(plan key, unit)`` gives the unit's own page, printed
    in its mail. Raises :class:`InputError` when the ledger stays busy or the SMTP password
    is missing.
    """
    s = resolve_settings(settings)
    when = _now(now, s)
    db = Path(db)
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="kehoach-dry-") as tmp:
            copy = Path(tmp) / "copy.sqlite"
            if db.exists():
                with Ledger(db) as src, Ledger(copy) as dst:
                    src.db.backup(dst.db)
            res = run_due(db=copy, settings=s, now=when, plan=plan, status=status,
                          transport=_DryTransport(), links=links)
            res.dry_run = True
            return res
    if transport is None:
        smtp_password(s)  # a missing password is an input error before anything is claimed
    res = RunResult(now=when)
    if plan is not None:
        res.sync = sync_plan(plan=plan, status=status, db=db, settings=s, now=when)
    t = int(when.timestamp())
    today = when.date()
    with lock.hold(db, "batch", wait=BATCH_LOCK_WAIT), Ledger(db) as ledger:
        res.in_doubt = [m["msgid"] for m in ledger.recover(t)]
        limit = s.reminders.late_limit_days * 86400
        res.missed = [{"key": r["key"], "unit": r["unit"], "task": r["task"],
                       "due": datetime.fromtimestamp(r["due_at"], s.tz).isoformat()}
                      for r in ledger.expire(t, limit)]
        groups: dict[tuple, list] = {}
        for r in ledger.due(t):
            k = (r["plan"], r["unit"], r["recipients"]) if s.reminders.digest else (r["id"],)
            groups.setdefault(k, []).append(r)
        batch = []
        refs: dict[str, str] = {}                     # plan -> its reference, read once
        calendars: dict[str, dict[str, bytes]] = {}   # plan -> unit -> .ics, read once
        for rows in groups.values():
            first = rows[0]
            plan = first["plan"]
            if plan not in refs:
                refs[plan] = ledger.plan_ref(plan)
                calendars[plan] = ledger.calendars(plan)
            keys = [r["key"] for r in rows]
            late = any(datetime.fromtimestamp(r["due_at"], s.tz).date() < today for r in rows)
            msgid = mail.message_id(keys, s.sender.address)
            recipients = json.loads(first["recipients"])
            subj, raw = mail.compose(
                rows, unit_id=first["unit"], unit_label=first["unit_label"],
                recipients=recipients, today=today, late=late, settings=s,
                plan_ref=refs[plan], ics=calendars[plan].get(first["unit"]), msgid=msgid, now=when,
                link=links(first["plan"], first["unit"]) if links else None)
            batch.append((rows, msgid, subj, raw, late))
        if batch:
            ledger.queue(batch, t)
        _send_all(ledger, s, t, transport, res, stop or (lambda: False))
    return res


def _backoff(settings: Settings, attempts: int) -> int:
    r = settings.reminders.retry
    minutes = min(r.first_delay_minutes * 2 ** max(attempts - 1, 0), r.max_delay_minutes)
    return int(minutes * 60)


def _send_all(ledger: Ledger, s: Settings, t: int, transport, res: RunResult,
              stop: Callable[[], bool]) -> None:
    todo = ledger.sendable(t)
    if not todo:
        res.transport = getattr(transport, "name", "") if transport else ""
        return
    own = transport is None
    transport = transport or make_transport(s)
    res.transport = transport.name
    try:
        if getattr(transport, "idempotent", False) and hasattr(transport, "send_many"):
            _send_chunks(ledger, s, t, transport, todo, res, stop)
            return
        down: str | None = None
        aid = None  # attempt already begun for the current message (by the previous commit)
        for i, m in enumerate(todo):
            recipients = json.loads(m["recipients"])
            info = {"unit": m["unit"], "subject": m["subject"], "msgid": m["msgid"],
                    "recipients": recipients, "late": bool(m["late"])}
            if down is not None:
                ledger.defer(m["id"], t, t + _backoff(s, max(m["attempts"], 1)),
                             f"{m['msgid']}: hoãn vì {down}")
                res.failed.append({**info, "error": down, "attempted": False})
                continue
            if aid is None:
                if stop():  # asked to stop: this one and the rest wait, queued, for next time
                    break
                aid = ledger.begin(m["id"], transport.name, t)
            try:
                note = transport.send(bytes(m["raw"]), msgid=m["msgid"], sender=s.sender.address,
                                      recipients=recipients)
            except SendError as e:
                nxt = t + _backoff(s, m["attempts"] + 1)
                ledger.failed_attempt(m["id"], aid, t, str(e), nxt)
                res.failed.append({**info, "error": str(e), "attempted": True,
                                   "next_try": datetime.fromtimestamp(nxt, s.tz).isoformat()})
                if e.unreachable:
                    down = str(e)
                aid = None
                continue
            stopping = stop()
            nxt_id = todo[i + 1]["id"] if i + 1 < len(todo) and not stopping else None
            aid = ledger.sent(m["id"], aid, t, note, then=nxt_id, transport=transport.name)
            res.sent.append({**info, "note": note})
            if stopping:
                break
    finally:
        if own:
            transport.close()


CHUNK = 256  # outbox mails written, made durable and recorded together


def _send_chunks(ledger: Ledger, s: Settings, t: int, transport, todo, res: RunResult,
                 stop: Callable[[], bool]) -> None:
    """The outbox way: it writes each Message-ID once whatever the ledger remembers, so a
    chunk of mails is begun in one commit, written and flushed to disk together, and recorded
    sent in one commit. A kill in between leaves the chunk "in doubt": the next run sends it
    again and the outbox, finding the files, writes nothing twice. ``stop`` is asked before
    each chunk (the chunk in flight is finished)."""
    for start in range(0, len(todo), CHUNK):
        if stop():  # asked to stop: the rest wait, queued, for next time
            break
        chunk = todo[start:start + CHUNK]
        aids = ledger.begin_many([m["id"] for m in chunk], transport.name, t)
        results = transport.send_many([(bytes(m["raw"]), m["msgid"]) for m in chunk])
        sent, failed = [], []
        for m, aid, r in zip(chunk, aids, results):
            info = {"unit": m["unit"], "subject": m["subject"], "msgid": m["msgid"],
                    "recipients": json.loads(m["recipients"]), "late": bool(m["late"])}
            if isinstance(r, SendError):
                nxt = t + _backoff(s, m["attempts"] + 1)
                failed.append((m["id"], aid, str(r), nxt))
                res.failed.append({**info, "error": str(r), "attempted": True,
                                   "next_try": datetime.fromtimestamp(nxt, s.tz).isoformat()})
            else:
                sent.append((m["id"], aid, r))
                res.sent.append({**info, "note": r})
        ledger.finish_many(sent, failed, t)


# --- remind log ----------------------------------------------------------------------------

def reminder_log(*, db: str | Path = DEFAULT_DB, settings=None, limit: int = 50) -> dict:
    """Recent attempts and events (newest first) and the count of reminders per state."""
    s = resolve_settings(settings)
    db = Path(db)
    if not db.exists():
        raise InputError(Problem(file=str(db), message="chưa có sổ nhắc việc; chạy 'kehoach remind "
                                                       "sync KẾ_HOẠCH' trước"))
    with Ledger(db) as ledger:
        rows = ledger.log(limit)
        counts = ledger.counts()
        nxt = ledger.next_wake()
    for r in rows:
        r["at"] = datetime.fromtimestamp(r["at"], s.tz).isoformat()
        r.pop("n", None)
    return {"db": str(db), "counts": counts, "entries": rows,
            "next": datetime.fromtimestamp(nxt, s.tz).isoformat() if nxt else None}
