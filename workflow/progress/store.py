"""The progress store: an SQLite file (``.kehoach/tien-do.sqlite``, beside the reminder
ledger) holding who reported what, when, and what the office decided.

Tables: ``links`` (one row per private link issued: plan, unit, nonce, token hash, who and
when, revoked), ``reports`` (every "Đã hoàn thành" — by a unit, by the office, or imported
from a status file — with the day done, a note, an attachment, and the office's confirmation
or reopening), ``attachments`` (files a unit sent, kept in quarantine), ``collections`` and
``submissions`` (the October figures), and ``history`` (every change, in order). Nothing is
ever deleted: a new report supersedes the previous one of the same (task, unit), a reopened
one stays with who reopened it and why.

The *current* report of a (plan, task, unit) is its latest; it counts as done unless it was
reopened. :meth:`Store.status` gives those as the :class:`~workflow.plan.status.Status`
every other part of kehoach reads. Times are Unix seconds; days are ISO dates.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..plan.status import DoneEntry, Status
from . import tokens

STORE_NAME = "tien-do.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS links(
  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, unit TEXT NOT NULL, nonce TEXT NOT NULL,
  token_hash TEXT UNIQUE NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
  revoked_at INTEGER, revoked_by TEXT);
CREATE INDEX IF NOT EXISTS links_unit ON links(plan, unit);
CREATE TABLE IF NOT EXISTS reports(
  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, task TEXT NOT NULL,
  unit TEXT NOT NULL,        -- '' : the whole task (a status line without a unit)
  done_on TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', attachment INTEGER,
  at INTEGER NOT NULL, by TEXT NOT NULL,
  source TEXT NOT NULL,      -- don-vi | van-phong | nhap-tep
  state TEXT NOT NULL,       -- reported | confirmed | reopened
  decided_at INTEGER, decided_by TEXT, decision_note TEXT);
CREATE INDEX IF NOT EXISTS reports_key ON reports(plan, task, unit);
CREATE TABLE IF NOT EXISTS attachments(
  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, unit TEXT NOT NULL, sha256 TEXT NOT NULL,
  size INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, stored TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS collections(
  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, year INTEGER NOT NULL, criteria TEXT NOT NULL,
  start TEXT NOT NULL, deadline TEXT NOT NULL, units TEXT NOT NULL, previous TEXT,
  opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL, closed_at INTEGER, closed_by TEXT);
CREATE TABLE IF NOT EXISTS submissions(
  id INTEGER PRIMARY KEY, collection INTEGER NOT NULL, unit TEXT NOT NULL, at INTEGER NOT NULL,
  name TEXT NOT NULL, attachment INTEGER NOT NULL, ok INTEGER NOT NULL,
  problems TEXT NOT NULL, row TEXT);
CREATE TABLE IF NOT EXISTS history(
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, plan TEXT NOT NULL, task TEXT, unit TEXT,
  action TEXT NOT NULL, by TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
"""


@dataclass(frozen=True)
class Report:
    id: int
    plan: str
    task: str
    unit: str            # '' for the whole task
    done_on: date
    note: str
    attachment: int | None
    at: int
    by: str
    source: str
    state: str
    decided_at: int | None
    decided_by: str | None
    decision_note: str | None

    @property
    def counts(self) -> bool:
        """Whether this report makes the task done (it was not reopened)."""
        return self.state != "reopened"


@dataclass(frozen=True)
class Link:
    plan: str
    unit: str
    nonce: str
    created_at: int
    created_by: str


def _report(r: sqlite3.Row) -> Report:
    return Report(r["id"], r["plan"], r["task"], r["unit"], date.fromisoformat(r["done_on"]),
                  r["note"], r["attachment"], r["at"], r["by"], r["source"], r["state"],
                  r["decided_at"], r["decided_by"], r["decision_note"])


class Store:
    """The store at ``path`` (created on first use). Each call is its own short
    transaction, so many requests and processes may use one store at once."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock   # what "now" is (kehoach web --now shifts it)
        self._ready = False

    def now(self) -> int:
        return int(self.clock())

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        try:
            con.row_factory = sqlite3.Row
            if not self._ready:
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(SCHEMA)
                self._ready = True
            yield con
        finally:
            con.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self.db() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def log(self, con, plan: str, action: str, by: str, detail: str = "", *, task=None,
            unit=None) -> None:
        con.execute("INSERT INTO history(at, plan, task, unit, action, by, detail) "
                    "VALUES (?,?,?,?,?,?,?)", (self.now(), plan, task, unit, action, by, detail))

    # --- links ---------------------------------------------------------------------------

    def issue(self, key: bytes, plan: str, unit: str, by: str) -> str:
        """A new link for (plan, unit), revoking the one it had; returns the token."""
        nonce = tokens.new_nonce()
        token = tokens.derive(key, plan, unit, nonce)
        now = self.now()
        with self.tx() as con:
            old = con.execute("UPDATE links SET revoked_at=?, revoked_by=? WHERE plan=? AND unit=? "
                              "AND revoked_at IS NULL", (now, by, plan, unit)).rowcount
            con.execute("INSERT INTO links(plan, unit, nonce, token_hash, created_at, created_by) "
                        "VALUES (?,?,?,?,?,?)", (plan, unit, nonce, tokens.token_hash(token), now, by))
            self.log(con, plan, "cap-lai-lien-ket" if old else "cap-lien-ket", by, unit=unit)
        return token

    def ensure_links(self, key: bytes, plan: str, units: list[str], by: str) -> dict[str, str]:
        """The token of every unit in ``units``, issuing the missing ones."""
        have = {u: self.token_of(key, plan, u) for u in units}
        return {u: t or self.issue(key, plan, u, by) for u, t in have.items()}

    def link(self, plan: str, unit: str) -> Link | None:
        with self.db() as con:
            r = con.execute("SELECT * FROM links WHERE plan=? AND unit=? AND revoked_at IS NULL "
                            "ORDER BY id DESC LIMIT 1", (plan, unit)).fetchone()
        return Link(r["plan"], r["unit"], r["nonce"], r["created_at"], r["created_by"]) if r else None

    def links(self, plan: str) -> dict[str, Link]:
        with self.db() as con:
            rows = con.execute("SELECT * FROM links WHERE plan=? AND revoked_at IS NULL ORDER BY id",
                               (plan,)).fetchall()
        return {r["unit"]: Link(r["plan"], r["unit"], r["nonce"], r["created_at"], r["created_by"])
                for r in rows}

    def token_of(self, key: bytes, plan: str, unit: str) -> str | None:
        lk = self.link(plan, unit)
        return tokens.derive(key, plan, unit, lk.nonce) if lk else None

    def revoke(self, plan: str, unit: str, by: str) -> bool:
        with self.tx() as con:
            n = con.execute("UPDATE links SET revoked_at=?, revoked_by=? WHERE plan=? AND unit=? "
                            "AND revoked_at IS NULL", (self.now(), by, plan, unit)).rowcount
            if n:
                self.log(con, plan, "thu-hoi-lien-ket", by, unit=unit)
        return bool(n)

    def resolve(self, raw_token: str) -> tuple[str, str] | None:
        """(plan, unit) of a live link, or None — for a malformed, unknown or revoked token
        alike (the caller answers 404 without saying which)."""
        token = tokens.normalize(raw_token)
        if token is None:
            return None
        with self.db() as con:
            r = con.execute("SELECT plan, unit FROM links WHERE token_hash=? AND revoked_at IS NULL",
                            (tokens.token_hash(token),)).fetchone()
        return (r["plan"], r["unit"]) if r else None

    # --- reports -------------------------------------------------------------------------

    def report(self, plan: str, task: str, unit: str | None, done_on: date, *, by: str,
               source: str, note: str = "", attachment: int | None = None,
               con: sqlite3.Connection | None = None) -> int:
        """Record that ``task`` is done for ``unit`` (None: the whole task) on ``done_on``."""
        if con is None:
            with self.tx() as c:
                return self.report(plan, task, unit, done_on, by=by, source=source, note=note,
                                   attachment=attachment, con=c)
        rid = con.execute(
            "INSERT INTO reports(plan, task, unit, done_on, note, attachment, at, by, source, state) "
            "VALUES (?,?,?,?,?,?,?,?,?, 'reported')",
            (plan, task, unit or "", done_on.isoformat(), note, attachment, self.now(), by,
             source)).lastrowid
        self.log(con, plan, "bao-hoan-thanh", by, f"ngày {done_on:%d/%m/%Y}" + (f": {note}" if note else ""),
                 task=task, unit=unit or "")
        return rid

    def decide(self, report_id: int, state: str, *, by: str, note: str = "") -> Report:
        """Confirm (``confirmed``) or reopen (``reopened``) a report. Raises KeyError when it
        does not exist."""
        assert state in ("confirmed", "reopened")
        with self.tx() as con:
            r = con.execute("SELECT * FROM reports WHERE id=?", (report_id,)).fetchone()
            if r is None:
                raise KeyError(report_id)
            con.execute("UPDATE reports SET state=?, decided_at=?, decided_by=?, decision_note=? "
                        "WHERE id=?", (state, self.now(), by, note, report_id))
            self.log(con, r["plan"], "xac-nhan" if state == "confirmed" else "mo-lai", by, note,
                     task=r["task"], unit=r["unit"])
            r = con.execute("SELECT * FROM reports WHERE id=?", (report_id,)).fetchone()
        return _report(r)

    def get_report(self, report_id: int) -> Report | None:
        with self.db() as con:
            r = con.execute("SELECT * FROM reports WHERE id=?", (report_id,)).fetchone()
        return _report(r) if r else None

    def current(self, plan: str) -> list[Report]:
        """The latest report of every (task, unit) of the plan, newest first."""
        with self.db() as con:
            rows = con.execute(
                "SELECT * FROM reports WHERE id IN (SELECT MAX(id) FROM reports WHERE plan=? "
                "GROUP BY task, unit) ORDER BY at DESC, id DESC", (plan,)).fetchall()
        return [_report(r) for r in rows]

    def reports_of(self, plan: str, task: str, unit: str) -> list[Report]:
        """Every report of one (task, unit), oldest first."""
        with self.db() as con:
            rows = con.execute("SELECT * FROM reports WHERE plan=? AND task=? AND unit=? ORDER BY id",
                               (plan, task, unit)).fetchall()
        return [_report(r) for r in rows]

    def status(self, plan: str) -> Status:
        """What the store says is done, as the Status every stage reads."""
        return Status(entries=[DoneEntry(task=r.task, unit=r.unit or None, on=r.done_on,
                                         note=r.note or None)
                               for r in sorted(self.current(plan), key=lambda r: r.id) if r.counts])

    def history(self, plan: str, limit: int = 200) -> list[sqlite3.Row]:
        with self.db() as con:
            return con.execute("SELECT * FROM history WHERE plan=? ORDER BY id DESC LIMIT ?",
                               (plan, limit)).fetchall()

    # --- attachments ---------------------------------------------------------------------

    def add_attachment(self, plan: str, unit: str, *, sha256: str, size: int, kind: str,
                       name: str, stored: str) -> int:
        with self.tx() as con:
            return con.execute(
                "INSERT INTO attachments(plan, unit, sha256, size, kind, name, stored, at) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (plan, unit, sha256, size, kind, name, stored, self.now())).lastrowid

    def attachment(self, aid: int) -> sqlite3.Row | None:
        with self.db() as con:
            return con.execute("SELECT * FROM attachments WHERE id=?", (aid,)).fetchone()
