"""The ledger: an SQLite file that is the one source of truth about reminders.

Tables: ``reminders`` (one row per planned reminder, keyed by a stable key), ``messages``
(one mail, possibly a digest of several reminders, with its fixed Message-ID and bytes),
``attempts`` (every hand-over to a transport and its result), ``events`` (sync changes,
missed reminders, recoveries) and ``calendars`` (each unit's .ics, snapshot at sync).

State of a message: ``queued`` (composed, never handed over) → ``sending`` (an attempt has
begun; committed *before* the transport is called) → ``sent`` (committed right after the
server accepted it) or ``retry`` (with ``next_try_at``) … → ``failed``. A message found in
``sending`` by the holder of the batch lock belongs to a process that died mid-send: it is
"in doubt" and is sent again with the same Message-ID. That is the one duplicate window:
the server accepted the mail, and the process died before the next commit.

Times are Unix seconds (UTC). The caller passes "now", so tests and ``--now`` control time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .schedule import Planned

SCHEMA = """
CREATE TABLE IF NOT EXISTS plans(
  key TEXT PRIMARY KEY, path TEXT NOT NULL, ref TEXT NOT NULL, synced_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS calendars(
  plan TEXT NOT NULL, unit TEXT NOT NULL, ics BLOB NOT NULL, PRIMARY KEY(plan, unit));
CREATE TABLE IF NOT EXISTS reminders(
  id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL,
  plan TEXT NOT NULL, task TEXT NOT NULL, unit TEXT NOT NULL, kind TEXT NOT NULL,
  offset_days INTEGER, due_at INTEGER NOT NULL, start TEXT, end TEXT,
  summary TEXT NOT NULL, text TEXT NOT NULL, phrase TEXT NOT NULL, unit_label TEXT NOT NULL,
  recipients TEXT NOT NULL,
  state TEXT NOT NULL,      -- planned | queued | sending | sent | missed | cancelled | failed
  note TEXT, message_id INTEGER, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders(state, due_at);
CREATE INDEX IF NOT EXISTS reminders_message ON reminders(message_id);
CREATE INDEX IF NOT EXISTS reminders_plan ON reminders(plan);
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY, msgid TEXT UNIQUE NOT NULL, plan TEXT NOT NULL, unit TEXT NOT NULL,
  recipients TEXT NOT NULL, subject TEXT NOT NULL, raw BLOB NOT NULL, late INTEGER NOT NULL,
  state TEXT NOT NULL,      -- queued | sending | retry | sent | failed | cancelled
  created_at INTEGER NOT NULL, earliest_due INTEGER NOT NULL, next_try_at INTEGER,
  sent_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS messages_state ON messages(state, next_try_at);
CREATE TABLE IF NOT EXISTS attempts(
  id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, started_at INTEGER NOT NULL,
  finished_at INTEGER, transport TEXT NOT NULL, result TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, plan TEXT, task TEXT,
  unit TEXT, detail TEXT NOT NULL);
"""

ACTIVE = ("planned",)          # may still be changed by a sync
FIELDS = ("plan", "task", "unit", "kind", "offset_days", "due_at", "start", "end", "summary",
          "text", "phrase", "unit_label", "recipients")


@dataclass
class SyncChanges:
    added: list[str]
    rescheduled: list[str]      # keys whose content changed (new date, text, addresses)
    cancelled: list[tuple[str, str]]  # (key, reason)
    restored: list[str]
    unchanged: int


def _row(r: Planned) -> dict:
    return {"plan": r.plan, "task": r.task, "unit": r.unit, "kind": r.kind,
            "offset_days": r.offset, "due_at": int(r.due_at.timestamp()),
            "start": r.start.isoformat() if r.start else None,
            "end": r.end.isoformat() if r.end else None, "summary": r.summary, "text": r.text,
            "phrase": r.phrase, "unit_label": r.unit_label,
            "recipients": json.dumps(list(r.emails), ensure_ascii=False)}


class Ledger:
    """An open ledger. Use as a context manager; every write is its own transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a "sent" commit survives a power cut too, which keeps the duplicate window small
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def tx(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def event(self, db, now: int, kind: str, detail: str, *, plan=None, task=None, unit=None):
        db.execute("INSERT INTO events(at, kind, plan, task, unit, detail) VALUES (?,?,?,?,?,?)",
                   (now, kind, plan, task, unit, detail))

    # --- sync ----------------------------------------------------------------------------

    def sync(self, plan: str, path: str, ref: str, wanted: list[Planned], reason: Callable[[str], str],
             calendars: dict[str, bytes], now: int, *, dry_run: bool = False,
             keep_after: int) -> SyncChanges:
        """Make the plan's ``planned`` rows match ``wanted``.

        New keys are added (unless already older than ``keep_after``: too late to send), rows
        whose content changed are updated, planned rows no longer wanted are cancelled with
        ``reason(key)`` (a Vietnamese phrase). A composed message that has not gone yet (waiting
        for a retry) and holds an unwanted reminder is cancelled, its other reminders planned
        again. Rows sent, missed or failed are history and never touched. Nothing is written
        when ``dry_run``. The caller holds the batch lock (no message is being sent).
        """
        ch = SyncChanges([], [], [], [], 0)
        existing = {r["key"]: r for r in self.db.execute(
            "SELECT * FROM reminders WHERE plan = ?", (plan,))}
        want = {r.key: r for r in wanted}
        inserts, updates, cancels = [], [], []
        for key, r in want.items():
            row = _row(r)
            old = existing.get(key)
            if old is None:
                if row["due_at"] >= keep_after:
                    inserts.append((key, row))
                    ch.added.append(key)
            elif old["state"] in ("planned", "cancelled"):
                changed = any(old[f] != row[f] for f in FIELDS)
                if old["state"] == "cancelled":
                    if row["due_at"] >= keep_after:
                        updates.append((key, row))
                        ch.restored.append(key)
                elif changed:
                    updates.append((key, row))
                    ch.rescheduled.append(key)
                else:
                    ch.unchanged += 1
            else:
                ch.unchanged += 1
        for key, old in existing.items():
            if old["state"] == "planned" and key not in want:
                why = reason(key)
                cancels.append((key, why))
                ch.cancelled.append((key, why))
        unsent = self._withdrawn(existing, want)
        for rows in unsent.values():
            for r in rows:
                if r["key"] not in want:
                    ch.cancelled.append((r["key"], reason(r["key"])))
        if dry_run:
            return ch
        with self.tx() as db:
            db.execute("INSERT INTO plans(key, path, ref, synced_at) VALUES (?,?,?,?) "
                       "ON CONFLICT(key) DO UPDATE SET path=excluded.path, ref=excluded.ref, "
                       "synced_at=excluded.synced_at", (plan, path, ref, now))
            for key, row in inserts:
                db.execute(f"INSERT INTO reminders(key, {', '.join(FIELDS)}, state, updated_at) "
                           f"VALUES (?, {', '.join('?' * len(FIELDS))}, 'planned', ?)",
                           (key, *[row[f] for f in FIELDS], now))
            for key, row in updates:
                db.execute(f"UPDATE reminders SET {', '.join(f + '=?' for f in FIELDS)}, "
                           "state='planned', note=NULL, updated_at=? WHERE key=? "
                           "AND state IN ('planned', 'cancelled')",
                           (*[row[f] for f in FIELDS], now, key))
            for key, why in cancels:
                db.execute("UPDATE reminders SET state='cancelled', note=?, updated_at=? "
                           "WHERE key=? AND state='planned'", (why, now, key))
            db.execute("DELETE FROM calendars WHERE plan = ?", (plan,))
            db.executemany("INSERT INTO calendars(plan, unit, ics) VALUES (?,?,?)",
                           [(plan, u, b) for u, b in calendars.items()])
            self.event(db, now, "sync", f"{plan}: thêm {len(ch.added)}, dời/cập nhật "
                       f"{len(ch.rescheduled)}, khôi phục {len(ch.restored)}, hủy {len(ch.cancelled)}",
                       plan=plan)
            for key, why in cancels:
                _, task, unit, *_ = key.split("|")
                self.event(db, now, "cancelled", f"{key}: {why}", plan=plan, task=task, unit=unit)
            for mid, rows in unsent.items():
                self._withdraw(db, mid, rows, want, reason, now)
        return ch

    def _withdrawn(self, existing: dict, want: dict) -> dict[int, list[sqlite3.Row]]:
        """Composed, not yet sent messages holding a reminder the plan no longer wants:
        {message id: all its reminders}. A message that may already have reached the server
        (an attempt in doubt) is left to go as it is, byte for byte."""
        mids = {old["message_id"] for key, old in existing.items()
                if old["state"] == "queued" and key not in want and old["message_id"]}
        out = {}
        for mid in sorted(mids):
            m = self.db.execute("SELECT state FROM messages WHERE id=?", (mid,)).fetchone()
            doubt = self.db.execute("SELECT 1 FROM attempts WHERE message_id=? AND "
                                    "result='in-doubt'", (mid,)).fetchone()
            if m is not None and m["state"] in ("queued", "retry") and not doubt:
                out[mid] = self.db.execute("SELECT * FROM reminders WHERE message_id=?",
                                           (mid,)).fetchall()
        return out

    def _withdraw(self, db, mid: int, rows, want: dict, reason: Callable[[str], str], now: int):
        """Cancel an unsent message: its unwanted reminders are cancelled, the others go back
        to ``planned`` and are composed anew (without the withdrawn task) by the next batch."""
        db.execute("UPDATE messages SET state='cancelled', next_try_at=NULL WHERE id=? "
                   "AND state IN ('queued', 'retry')", (mid,))
        keep = 0
        for r in rows:
            if r["key"] in want:
                keep += 1
                db.execute("UPDATE reminders SET state='planned', message_id=NULL, updated_at=? "
                           "WHERE id=?", (now, r["id"]))
            else:
                why = reason(r["key"])
                db.execute("UPDATE reminders SET state='cancelled', note=?, updated_at=? WHERE id=?",
                           (why, now, r["id"]))
                self.event(db, now, "cancelled", f"{r['key']}: {why}", plan=r["plan"],
                           task=r["task"], unit=r["unit"])
        msgid = db.execute("SELECT msgid FROM messages WHERE id=?", (mid,)).fetchone()[0]
        again = f"; {keep} lời nhắc còn lại sẽ được soạn thành thư mới" if keep else ""
        self.event(db, now, "withdrawn", f"{msgid}: thư chưa gửi được đã hủy vì kế hoạch đổi{again}",
                   plan=rows[0]["plan"], unit=rows[0]["unit"])

    def calendars(self, plan: str) -> dict[str, bytes]:
        """Every unit's calendar of ``plan`` (unit -> .ics bytes)."""
        return {r["unit"]: bytes(r["ics"]) for r in self.db.execute(
            "SELECT unit, ics FROM calendars WHERE plan=?", (plan,))}

    def calendar(self, plan: str, unit: str) -> bytes | None:
        row = self.db.execute("SELECT ics FROM calendars WHERE plan=? AND unit=?",
                              (plan, unit)).fetchone()
        return bytes(row["ics"]) if row else None

    def plan_ref(self, plan: str) -> str:
        row = self.db.execute("SELECT ref FROM plans WHERE key=?", (plan,)).fetchone()
        return row["ref"] if row else plan

    # --- sending -------------------------------------------------------------------------

    def recover(self, now: int) -> list[sqlite3.Row]:
        """Messages left in ``sending`` by a dead process: back to ``retry`` now (in doubt).

        Only the holder of the batch lock may call this.
        """
        with self.tx() as db:
            rows = db.execute("SELECT * FROM messages WHERE state='sending'").fetchall()
            for m in rows:
                db.execute("UPDATE messages SET state='retry', next_try_at=? WHERE id=?", (now, m["id"]))
                db.execute("UPDATE attempts SET finished_at=?, result='in-doubt', "
                           "error='tiến trình dừng giữa chừng; gửi lại cùng Message-ID' "
                           "WHERE message_id=? AND finished_at IS NULL", (now, m["id"]))
                self.event(db, now, "in-doubt", f"{m['msgid']}: gửi lại sau khi tiến trình dừng đột ngột",
                           plan=m["plan"], unit=m["unit"])
        return rows

    def expire(self, now: int, limit_s: int) -> list[sqlite3.Row]:
        """Planned reminders older than the late limit become ``missed``; messages whose
        reminders are all past it and still unsent become ``failed``. Returns the missed."""
        cutoff = now - limit_s
        with self.tx() as db:
            missed = db.execute("SELECT * FROM reminders WHERE state='planned' AND due_at < ?",
                                (cutoff,)).fetchall()
            db.execute("UPDATE reminders SET state='missed', updated_at=?, "
                       "note='máy không chạy vào ngày nhắc; quá hạn gửi muộn' "
                       "WHERE state='planned' AND due_at < ?", (now, cutoff))
            for r in missed:
                self.event(db, now, "missed", f"{r['key']}: bỏ lỡ (quá {limit_s // 86400} ngày gửi muộn)",
                           plan=r["plan"], task=r["task"], unit=r["unit"])
            dead = db.execute("SELECT * FROM messages WHERE state IN ('queued', 'retry') "
                              "AND earliest_due < ?", (cutoff,)).fetchall()
            for m in dead:
                db.execute("UPDATE messages SET state='failed' WHERE id=?", (m["id"],))
                db.execute("UPDATE reminders SET state='failed', updated_at=?, "
                           "note='gửi không được trước hạn gửi muộn' WHERE message_id=?", (now, m["id"]))
                self.event(db, now, "failed", f"{m['msgid']}: không gửi được, đã quá hạn gửi muộn",
                           plan=m["plan"], unit=m["unit"])
        return missed

    def due(self, now: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM reminders WHERE state='planned' AND due_at <= ? "
                               "ORDER BY unit, due_at, id", (now,)).fetchall()

    def queue(self, batch: list[tuple[list[sqlite3.Row], str, str, bytes, bool]],
              now: int) -> int:
        """Claim each group of reminders for one new message, all in one transaction:
        ``batch`` holds (reminders, msgid, subject, raw, late). A group any of whose
        reminders is no longer ``planned`` is skipped. Returns the number of messages queued."""
        n = 0
        with self.tx() as db:
            for reminders, msgid, subject, raw, late in batch:
                ids = [r["id"] for r in reminders]
                marks = ",".join("?" * len(ids))
                free = db.execute(f"SELECT COUNT(*) FROM reminders WHERE state='planned' "
                                  f"AND id IN ({marks})", ids).fetchone()[0]
                if free != len(ids) or db.execute("SELECT 1 FROM messages WHERE msgid=?",
                                                  (msgid,)).fetchone():
                    continue
                first = reminders[0]
                mid = db.execute(
                    "INSERT INTO messages(msgid, plan, unit, recipients, subject, raw, late, state, "
                    "created_at, earliest_due) VALUES (?,?,?,?,?,?,?,'queued',?,?)",
                    (msgid, first["plan"], first["unit"], first["recipients"], subject, raw,
                     int(late), now, min(r["due_at"] for r in reminders))).lastrowid
                db.execute(f"UPDATE reminders SET state='queued', message_id=?, updated_at=? "
                           f"WHERE id IN ({marks})", (mid, now, *ids))
                n += 1
        return n

    def sendable(self, now: int) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM messages WHERE state='queued' OR (state='retry' AND next_try_at <= ?) "
            "ORDER BY id", (now,)).fetchall()

    def begin(self, mid: int, transport: str, now: int) -> int:
        """Commit "an attempt has begun" before the transport is called; the attempt id."""
        with self.tx() as db:
            return self._begin(db, mid, transport, now)

    def _begin(self, db, mid: int, transport: str, now: int) -> int:
        db.execute("UPDATE messages SET state='sending', attempts=attempts+1 WHERE id=?", (mid,))
        db.execute("UPDATE reminders SET state='sending', updated_at=? WHERE message_id=?", (now, mid))
        return db.execute("INSERT INTO attempts(message_id, started_at, transport) VALUES (?,?,?)",
                          (mid, now, transport)).lastrowid

    def sent(self, mid: int, aid: int, now: int, note: str | None = None, *,
             then: int | None = None, transport: str = "") -> int | None:
        """Record that the server accepted message ``mid``. With ``then``, the next message's
        attempt begins in the same commit (one fsync per mail instead of two; still at most
        one message is ever in ``sending``). Returns that attempt's id."""
        with self.tx() as db:
            db.execute("UPDATE messages SET state='sent', sent_at=?, next_try_at=NULL WHERE id=?", (now, mid))
            db.execute("UPDATE reminders SET state='sent', updated_at=? WHERE message_id=?", (now, mid))
            db.execute("UPDATE attempts SET finished_at=?, result='ok', error=? WHERE id=?", (now, note, aid))
            return self._begin(db, then, transport, now) if then is not None else None

    def begin_many(self, mids: list[int], transport: str, now: int) -> list[int]:
        """:meth:`begin` for several messages in one commit; their attempt ids."""
        with self.tx() as db:
            return [self._begin(db, mid, transport, now) for mid in mids]

    def finish_many(self, sent: list[tuple[int, int, str | None]],
                    failed: list[tuple[int, int, str, int]], now: int) -> None:
        """:meth:`sent` for each (message, attempt, note) and :meth:`failed_attempt` for each
        (message, attempt, error, next try), in one commit."""
        with self.tx() as db:
            db.executemany("UPDATE messages SET state='sent', sent_at=?, next_try_at=NULL WHERE id=?",
                           [(now, mid) for mid, _, _ in sent])
            db.executemany("UPDATE reminders SET state='sent', updated_at=? WHERE message_id=?",
                           [(now, mid) for mid, _, _ in sent])
            db.executemany("UPDATE attempts SET finished_at=?, result='ok', error=? WHERE id=?",
                           [(now, note, aid) for _, aid, note in sent])
            for mid, aid, error, next_try in failed:
                self._failed(db, mid, aid, now, error, next_try)

    def failed_attempt(self, mid: int, aid: int, now: int, error: str, next_try: int) -> None:
        with self.tx() as db:
            self._failed(db, mid, aid, now, error, next_try)

    def _failed(self, db, mid: int, aid: int, now: int, error: str, next_try: int) -> None:
        db.execute("UPDATE messages SET state='retry', next_try_at=? WHERE id=?", (next_try, mid))
        db.execute("UPDATE reminders SET state='queued', updated_at=? WHERE message_id=?", (now, mid))
        db.execute("UPDATE attempts SET finished_at=?, result='error', error=? WHERE id=?",
                   (now, error, aid))

    def defer(self, mid: int, now: int, next_try: int, why: str) -> None:
        """Put off a message not tried because the server is unreachable (no attempt row)."""
        with self.tx() as db:
            db.execute("UPDATE messages SET state='retry', next_try_at=? WHERE id=? "
                       "AND state IN ('queued', 'retry')", (next_try, mid))
            self.event(db, now, "deferred", why, unit=db.execute(
                "SELECT unit FROM messages WHERE id=?", (mid,)).fetchone()[0])

    def next_wake(self) -> int | None:
        """The earliest time something may become sendable, or None."""
        row = self.db.execute(
            "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM reminders WHERE state='planned' "
            "UNION ALL SELECT MIN(next_try_at) FROM messages WHERE state='retry' "
            "UNION ALL SELECT MIN(created_at) FROM messages WHERE state IN ('queued','sending'))"
        ).fetchone()
        return row[0]

    # --- reading -------------------------------------------------------------------------

    def attempts_of(self, mid: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM attempts WHERE message_id=? ORDER BY id", (mid,)).fetchall()

    def log(self, limit: int) -> list[dict]:
        """Recent attempts and events, newest first."""
        rows = [dict(r) for r in self.db.execute(
            "SELECT a.started_at AS at, 'attempt' AS kind, m.plan, NULL AS task, m.unit, "
            "a.result, a.error, m.msgid, m.subject, m.state, a.transport, a.id AS n "
            "FROM attempts a JOIN messages m ON m.id = a.message_id "
            "ORDER BY a.id DESC LIMIT ?", (limit,))]
        rows += [dict(r) for r in self.db.execute(
            "SELECT at, kind, plan, task, unit, detail, id AS n FROM events "
            "ORDER BY id DESC LIMIT ?", (limit,))]
        rows.sort(key=lambda r: (r["at"], r["kind"] == "attempt", r["n"]), reverse=True)
        return rows[:limit]

    def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT state, COUNT(*) FROM reminders GROUP BY state")}

