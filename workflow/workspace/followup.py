"""Following a plan up from a workspace: the progress store, the reminder ledger and the
settings of one folder, tied together for ``kehoach web`` (and the commands that share them).

Everything lives in the workspace's ``.kehoach/``: ``tien-do.sqlite`` (links, reports,
decisions, figures collected), ``nhac-viec.sqlite`` (the reminder ledger), the link key;
the settings are the workspace's ``settings.yaml`` (defaults when there is none). A report
takes effect at once: the store's :class:`~workflow.plan.status.Status` is what the
reminders (:func:`~workflow.reminders.service.sync_plan`), the overdue list, the đôn đốc
letters, the calendars and the pages read — once the plan's reminders are in the ledger
(the office turns them on), every report re-syncs it, so a unit that finished gets no
further mail for that task.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError, Problem
from ..plan.loader import LoadedPlan, load_plan
from ..plan.obligations import Obligation, obligations
from ..plan.status import Status
from ..progress import attachments as att
from ..progress import collect, tokens
from ..progress.store import STORE_NAME, Report, Store
from ..reminders.service import sync_plan
from ..reminders.settings import Settings, load_settings
from .folder import NotFound, Workspace

LEDGER_NAME = "nhac-viec.sqlite"
SETTINGS_NAME = "settings.yaml"
DEFAULT_LOCAL = "http://127.0.0.1:8765"
MAX_NOTE = 500


def office(user: str) -> str:
    """Who the store records for the office: the signed-in account, or this computer."""
    return f"văn phòng: {user}" if user else "văn phòng (máy này)"


def unit_actor(lp: LoadedPlan, unit: str) -> str:
    return f"đơn vị: {lp.unit_label(unit)}"


@dataclass
class _Cached:
    signature: tuple
    lp: LoadedPlan


class FollowUp:
    """The follow-up of workspace ``ws``. ``local_url`` is where ``kehoach web`` listens,
    used for links when the settings name no ``web.public_url``; ``now`` sets the clock to
    that moment (it runs on from there), as ``remind --now`` does: to try and demonstrate a
    past year's plan."""

    def __init__(self, ws: Workspace, *, local_url: str | None = None, now: datetime | None = None):
        self.ws = ws
        self._offset = None if now is None else (now, datetime.now(now.tzinfo))
        self.store = Store(ws.state / STORE_NAME, clock=lambda: self.now().timestamp())
        self.ledger = ws.state / LEDGER_NAME
        self.local_url = local_url or DEFAULT_LOCAL
        self._plans: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self._key: bytes | None = None
        self._settings = None

    # --- settings, key, urls -------------------------------------------------------------

    @property
    def settings_path(self) -> Path:
        return self.ws.root / SETTINGS_NAME

    def settings(self):
        """The workspace's settings (its own folder's outbox); read once."""
        if self._settings is None:

            s = load_settings(self.settings_path) if self.settings_path.is_file() else Settings()
            outbox = Path(s.outbox)
            if not outbox.is_absolute():
                s = s.model_copy(update={"outbox": str(self.ws.root / outbox)})
            self._settings = s
        return self._settings

    @property
    def public_url(self) -> str | None:
        return self.settings().web.public_url

    @property
    def base_url(self) -> str:
        return self.public_url or self.local_url

    def key(self) -> bytes:
        if self._key is None:
            self._key = tokens.load_key(self.ws.state)
        return self._key

    def now(self) -> datetime:
        tz = self.settings().tz
        if self._offset is None:
            return datetime.now(tz)
        start, real = self._offset
        start = start if start.tzinfo else start.replace(tzinfo=tz)
        return (start + (datetime.now(real.tzinfo) - real)).astimezone(tz)

    def today(self) -> date:
        return self.now().date()

    # --- plans ---------------------------------------------------------------------------

    def plan(self, name: str) -> LoadedPlan:
        """Plan ``name`` loaded, from a cache that notices any change of its files."""
        path = self.ws.plan_path(name)
        with self._lock:
            hit = self._plans.get(name)
        if hit is not None and hit.signature == signature(hit.lp.sources):
            return hit.lp
        lp = load_plan(path)
        with self._lock:
            self._plans[name] = _Cached(signature(lp.sources), lp)
        return lp

    def collection(self, name: str):
        return collect.current_collection(self.store, name)

    def followed(self, name: str) -> LoadedPlan:
        """The plan as followed up: with the task of an open figures collection."""
        return collect.with_collection(self.plan(name), self.collection(name))

    def status(self, name: str) -> Status:
        return self.store.status(name)

    def obligations(self, name: str) -> tuple[LoadedPlan, list[Obligation]]:
        lp = self.followed(name)
        return lp, obligations(lp, self.status(name))

    def link_units(self, lp: LoadedPlan, obs: list[Obligation] | None = None) -> list[str]:
        """The units that get a private link: every unit doing work (not a group) that owes
        a task of the plan, in plan order."""
        out: list[str] = []
        for o in obs if obs is not None else obligations(lp):
            if o.leaf and o.unit in lp.units and o.unit not in out:
                out.append(o.unit)
        return out

    # --- links ---------------------------------------------------------------------------

    def links(self, name: str, *, by: str = "kehoach") -> dict[str, str]:
        """unit -> token for every unit of the plan, issuing the missing links."""
        lp = self.followed(name)
        return self.store.ensure_links(self.key(), name, self.link_units(lp), by)

    def unit_url(self, name: str, token: str, *, absolute: bool = True) -> str:
        path = tokens.unit_path(token, self.plan(name).year)
        return self.base_url + path if absolute else path

    def feed_url(self, name: str, unit: str, token: str, *, webcal: bool = False) -> str:
        url = self.base_url + tokens.feed_path(name, unit, token)
        return "webcal://" + url.split("://", 1)[1] if webcal else url

    def resolve(self, token: str, year: str | int | None = None) -> tuple[str, str]:
        """(plan, unit) of a live token whose plan exists, has the unit and (when given)
        is of ``year``; :class:`NotFound` otherwise, the same for every reason."""
        hit = self.store.resolve(token)
        if hit is None:
            raise _nowhere()
        name, unit = hit
        try:
            lp = self.followed(name)
        except InputError:
            raise _nowhere() from None
        if unit not in lp.units or (year is not None and str(year) != str(lp.year)):
            raise _nowhere()
        return name, unit

    def mail_link(self, plan_key: str, unit: str) -> str | None:
        """The page of ``unit`` for a mail of the ledger's plan ``plan_key`` (None when no
        plan of this workspace has that key)."""
        name = self._names().get(plan_key)
        if name is None:
            return None
        token = self.store.token_of(self.key(), name, unit)
        if token is None and unit in self.link_units(self.followed(name)):
            token = self.links(name)[unit]
        return self.unit_url(name, token) if token else None

    def _names(self) -> dict[str, str]:
        """Ledger key -> plan name, for the plans of the workspace (cached loads)."""
        out = {}
        for p in sorted(self.ws.plans_dir.glob("*.yaml")):
            try:
                out[self.plan(p.stem).key] = p.stem
            except InputError:
                continue
        return out

    # --- reports -------------------------------------------------------------------------

    def report_done(self, name: str, unit: str, task: str, *, on: date, note: str = "",
                    attachment: tuple[str, bytes] | None = None, by: str) -> Report:
        """A unit (or the office for it) reports ``task`` done on ``on``. Raises
        :class:`NotFound` when the unit owes no such task, :class:`InputError` for a day in
        the future or before the plan's year, a note too long, a file refused."""

        lp, obs = self.obligations(name)
        if not any(o.task.id == task and o.unit == unit for o in obs):
            raise _nowhere()
        problems = []
        if task == collect.TASK_ID:  # done when its workbook is accepted, not by saying so
            problems.append(Problem(file="số liệu", message=(
                "việc gửi số liệu xong khi sổ Excel được nhận: gửi sổ ở mục Số liệu tháng 10")))
        if on > self.today():
            problems.append(Problem(file="ngày hoàn thành", message=f"ngày {on:%d/%m/%Y} chưa đến"))
        if on.year < lp.year - 1:
            problems.append(Problem(file="ngày hoàn thành", message=(
                f"ngày {on:%d/%m/%Y} trước năm của kế hoạch ({lp.year})")))
        note = " ".join(str(note or "").split())
        if len(note) > MAX_NOTE:
            problems.append(Problem(file="ghi chú", message=f"ghi chú dài quá {MAX_NOTE} ký tự"))
        if problems:
            raise InputError(*problems)
        aid = None
        if attachment is not None:
            fname, data = attachment
            kind = att.sniff(fname, data)
            kept = att.quarantine(self.ws.state, name, fname, data, kind)
            aid = self.store.add_attachment(name, unit, sha256=kept.sha256, size=kept.size,
                                            kind=kept.kind, name=kept.name, stored=kept.stored)
        rid = self.store.report(name, task, unit, on, by=by, source="don-vi" if by.startswith("đơn vị")
                                else "van-phong", note=note, attachment=aid)
        self.sync_if_on(name)
        return self.store.get_report(rid)

    def decide(self, name: str, report_id: int, state: str, *, by: str, note: str = "") -> Report:
        """The office confirms or reopens a report of plan ``name``."""
        r = self.store.get_report(report_id)
        if r is None or r.plan != name:
            raise NotFound(Problem(file=f"báo cáo {report_id}", message="không có báo cáo này"))
        out = self.store.decide(report_id, state, by=by, note=" ".join(note.split())[:MAX_NOTE])
        self.sync_if_on(name)
        return out

    # --- reminders -----------------------------------------------------------------------

    def in_ledger(self, name: str) -> bool:
        """Whether the office has put this plan's reminders into the ledger."""

        if not self.ledger.exists():
            return False
        key = self.plan(name).key
        con = sqlite3.connect(str(self.ledger), timeout=30)
        try:
            return con.execute("SELECT 1 FROM plans WHERE key=?", (key,)).fetchone() is not None
        except sqlite3.Error:
            return False
        finally:
            con.close()

    def sync(self, name: str):
        """The ledger brought in line with the plan and the store (``remind sync``)."""

        return sync_plan(plan=self.followed(name), status=self.status(name), db=self.ledger,
                         settings=self.settings(), now=self.now())

    def sync_if_on(self, name: str):
        return self.sync(name) if self.in_ledger(name) else None


def signature(paths) -> tuple:
    """What changes when any of ``paths`` changes (modification time and size)."""
    out = []
    for p in paths:
        try:
            st = Path(p).stat()
            out.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(p), None, None))
    return tuple(out)


def _nowhere() -> NotFound:
    # One answer for a guessed token, a revoked one, another year, another unit's task.
    return NotFound(Problem(file="trang", message="không có trang này"))


def for_plan(plan_path: str | Path) -> tuple[FollowUp, str] | None:
    """The follow-up of the workspace holding ``plan_path`` (``<folder>/plans/<name>.yaml``)
    and the plan's name, or None when the file is not in a workspace."""
    p = Path(plan_path).resolve()
    if p.suffix != ".yaml" or p.parent.name != "plans":
        return None
    try:
        return FollowUp(Workspace(p.parent.parent)), p.stem
    except InputError:
        return None


def for_ledger(db: str | Path) -> FollowUp | None:
    """The follow-up of the workspace whose ledger is ``db`` (``<folder>/.kehoach/…``), or
    None: the commands then print the units' links and read the store the web writes."""
    d = Path(db).resolve()
    if d.parent.name != ".kehoach" or not (d.parent.parent / "plans").is_dir():
        return None
    try:
        return FollowUp(Workspace(d.parent.parent))
    except InputError:
        return None
