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
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ..errors import InputError, Problem
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
    links: Callable[[str, str], str | None] | None = None

    def now(self) -> datetime:
        return datetime.now(self.settings.tz) + self.offset

    def tick(self) -> None:
        if self.stopped.is_set():
            return
        res: RunResult | Exception
        try:
            res = run_due(db=self.db, settings=self.settings, now=self.now(),
                          stop=self.stopped.is_set, links=self.links)
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


class Scheduler:
    """The waking service of one ledger, in background threads of this process: what
    ``remind serve`` runs, and what ``kehoach web`` runs beside its pages.

    :meth:`start` takes the ledger's serve lock (raising :class:`InputError` when another
    process serves it), starts APScheduler and runs a batch at once; :meth:`stop` lets the
    mail in flight finish, stops the scheduler and releases the lock. ``links`` gives each
    unit's own page for its mails.
    """

    def __init__(self, *, db: str | Path = DEFAULT_DB, settings=None, now: datetime | None = None,
                 report: Callable[[RunResult | Exception, datetime | None], None] = lambda r, n: None,
                 links: Callable[[str, str], str | None] | None = None):
        self.db = Path(db)
        self.settings = resolve_settings(settings)
        self._now, self._report, self._links = now, report, links
        self._stack: ExitStack | None = None
        self.service: _Service | None = None
        self.jobs = self.db.with_name(self.db.stem + "-lich-chay.sqlite")

    @property
    def running(self) -> bool:
        return self.service is not None

    def start(self) -> dict:
        global _current
        # APScheduler and SQLAlchemy (~0.1 s): only for the processes that serve reminders
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        if _current is not None:
            raise InputError(Problem(file=str(self.db), message=(
                "tiến trình này đã chạy một bộ nhắc việc; mỗi tiến trình chỉ chạy một")))
        s = self.settings
        stack = ExitStack()
        stack.enter_context(lock.hold(self.db, "serve"))
        try:
            scheduler = BackgroundScheduler(
                jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{self.jobs}")},
                executors={"default": {"type": "threadpool", "max_workers": 1}},
                job_defaults={"coalesce": True, "max_instances": 1,
                              "misfire_grace_time": MISFIRE_GRACE},
                timezone=s.tz)
            offset = (self._now - datetime.now(s.tz)) if self._now else timedelta(0)
            svc = _Service(db=self.db, settings=s, offset=offset, report=self._report,
                           scheduler=scheduler, links=self._links)
            Ledger(self.db).close()  # create the ledger before the first wake
            _current = svc
            scheduler.start(paused=True)
            svc.arm(at_once=True)  # a batch right away: whatever is due or was left half-sent
            scheduler.resume()
        except BaseException:
            _current = None
            stack.close()
            raise
        self._stack, self.service = stack, svc
        return {"db": str(self.db), "jobstore": str(self.jobs), "now": svc.now().isoformat()}

    def stop(self) -> None:
        """Finish the mail in flight, stop waking, release the ledger."""
        global _current
        svc, stack = self.service, self._stack
        if svc is None:
            return
        svc.stopped.set()
        try:
            svc.scheduler.shutdown(wait=True)  # the batch running ends after its mail in flight
        finally:
            if svc.scheduler.running:
                svc.scheduler.shutdown(wait=False)
            _current = None
            self.service = self._stack = None
            stack.close()


STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP")
                     if hasattr(signal, n))


def serve(*, db: str | Path = DEFAULT_DB, settings=None, now: datetime | None = None,
          report: Callable[[RunResult | Exception, datetime | None], None] = lambda r, n: None,
          on_start: Callable[[dict], None] = lambda info: None,
          links: Callable[[str, str], str | None] | None = None) -> str:
    """Run until stopped by SIGTERM, SIGINT (Ctrl+C) or SIGHUP; returns the signal's name
    once the mail in flight is finished.

    ``now`` shifts the service's clock (it runs from that moment on, at normal speed): for
    tests and demonstrations. Raises :class:`InputError` when another ``serve`` holds the
    ledger.
    """
    sched = Scheduler(db=db, settings=settings, now=now, report=report, links=links)
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    received: list[str] = []
    stopped = threading.Event()

    def _stop(signum, frame):
        if stopped.is_set():  # asked twice: do not wait for the mail in flight
            raise KeyboardInterrupt
        received.append(signal.Signals(signum).name)
        stopped.set()
        if sched.service is not None:
            sched.service.stopped.set()

    info = sched.start()
    try:
        for sig in STOP_SIGNALS:
            signal.signal(sig, _stop)
        on_start(info)
        while not stopped.wait(3600):  # only a signal ends the service
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sched.stop()
    return received[0] if received else ""
