"""``kehoach remind serve``: a long-running process that wakes up and runs the due batch.

APScheduler 3 only wakes the process: one ``date`` job (id ``wake``) in an
SQLAlchemyJobStore (its own SQLite file next to the ledger), explicit timezone, coalesce, a
long misfire grace time, and a stable textual reference to :func:`wake`. Each wake runs
:func:`~workflow.reminders.service.run_due` (which reads everything from the ledger) and
re-arms the job for the next due time, or ``poll_minutes`` later at the latest. A lost,
late or deleted job therefore loses nothing: the next start (or poll) finds the work in the
ledger. A lock next to the ledger keeps a second ``serve`` on the same ledger from starting.

A service stops like one: SIGTERM (systemd, ``kill``) or SIGINT (Ctrl+C) lets the mail in
flight finish, leaves the rest queued in the ledger for the next start, and returns
normally (exit 0). The scheduler runs in its own thread so that the signal handler only has
to set an event; a second signal while waiting stops at once (KeyboardInterrupt).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from . import lock
from .ledger import Ledger
from .service import DEFAULT_DB, RunResult, resolve_settings, run_due
from .settings import Settings

JOB_REF = "workflow.reminders.server:wake"
MISFIRE_GRACE = 7 * 24 * 3600

_current: _Service | None = None  # the running service; the job reference stays stable


def wake() -> None:
    """The scheduler's job. A job left over from an earlier process just runs the batch of
    the current one (or nothing when no service runs in this process)."""
    svc = _current
    if svc is not None:
        svc.tick()


@dataclass
class _Service:
    db: Path
    settings: Settings
    offset: timedelta
    report: Callable[[RunResult | Exception, datetime | None], None]
    scheduler: object = None
    runs: int = 0
    stopped: threading.Event = field(default_factory=threading.Event)

    def now(self) -> datetime:
        return datetime.now(self.settings.tz) + self.offset

    def tick(self) -> None:
        if self.stopped.is_set():
            return
        res: RunResult | Exception
        try:
            res = run_due(db=self.db, settings=self.settings, now=self.now(),
                          stop=self.stopped.is_set)
        except Exception as e:  # keep serving; the CLI reports it and the next wake retries
            res = e
        self.runs += 1
        nxt = None if self.stopped.is_set() else self.arm()
        self.report(res, nxt)

    def arm(self, *, at_once: bool = False) -> datetime:
        """Schedule the next wake (in the service's clock); returns it."""
        fake_now = self.now()
        poll = fake_now + timedelta(minutes=self.settings.reminders.poll_minutes)
        target = poll
        if at_once:
            target = fake_now
        else:
            with Ledger(self.db) as ledger:
                t = ledger.next_wake()
            if t is not None:
                target = min(poll, max(fake_now, datetime.fromtimestamp(t, self.settings.tz)))
        real = datetime.now(self.settings.tz) + (target - fake_now)
        self.scheduler.add_job(JOB_REF, trigger="date", run_date=real, id="wake",
                               replace_existing=True)
        return target


STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, n))


def serve(*, db: str | Path = DEFAULT_DB, settings=None, now: datetime | None = None,
          report: Callable[[RunResult | Exception, datetime | None], None] = lambda r, n: None,
          on_start: Callable[[dict], None] = lambda info: None) -> str:
    """Run until stopped by SIGTERM, SIGINT (Ctrl+C) or SIGHUP; returns the signal's name
    once the mail in flight is finished.

    ``now`` shifts the service's clock (it runs from that moment on, at normal speed): for
    tests and demonstrations. Raises :class:`InputError` when another ``serve`` holds the
    ledger.
    """
    global _current
    # APScheduler and SQLAlchemy (~0.1 s): only for `remind serve`
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    s = resolve_settings(settings)
    db = Path(db)
    with lock.hold(db, "serve"):
        jobs = db.with_name(db.stem + "-lich-chay.sqlite")
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobs}")},
            executors={"default": {"type": "threadpool", "max_workers": 1}},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": MISFIRE_GRACE},
            timezone=s.tz)
        offset = (now - datetime.now(s.tz)) if now else timedelta(0)
        svc = _Service(db=db, settings=s, offset=offset, report=report, scheduler=scheduler)
        _current = svc
        Ledger(db).close()  # create the ledger before the first wake
        previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
        received: list[str] = []

        def _stop(signum, frame):
            if svc.stopped.is_set():  # asked twice: do not wait for the mail in flight
                raise KeyboardInterrupt
            received.append(signal.Signals(signum).name)
            svc.stopped.set()

        for sig in STOP_SIGNALS:
            signal.signal(sig, _stop)
        try:
            scheduler.start(paused=True)
            svc.arm(at_once=True)  # a batch right away: whatever is due or was left half-sent
            on_start({"db": str(db), "jobstore": str(jobs), "now": svc.now().isoformat()})
            scheduler.resume()
            while not svc.stopped.wait(3600):  # only a signal ends the service
                pass
            scheduler.shutdown(wait=True)  # the batch running ends after its mail in flight
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _current = None
            if scheduler.running:
                scheduler.shutdown(wait=False)
        return received[0] if received else ""
