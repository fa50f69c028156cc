"""Reading the ledger for people: one plan's reminders by state, and a mail as it was sent.

Read-only (the :class:`~workflow.reminders.ledger.Ledger` writes); what the web's reminder
page shows: upcoming, sent, failed, missed and cancelled, newest first where it matters.
"""

from __future__ import annotations

import email
import email.policy
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass
class PlanLedger:
    counts: dict[str, int] = field(default_factory=dict)
    upcoming: list[dict] = field(default_factory=list)     # planned reminders, soonest first
    sent: list[dict] = field(default_factory=list)         # messages sent, newest first
    failed: list[dict] = field(default_factory=list)       # messages waiting for a retry or given up
    missed: list[dict] = field(default_factory=list)       # reminders past the late limit
    cancelled: list[dict] = field(default_factory=list)    # with the reason
    synced_at: datetime | None = None


def _open(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    con.row_factory = sqlite3.Row
    return con


def plan_ledger(db: str | Path, plan_key: str, tz: ZoneInfo, *, limit: int = 80) -> PlanLedger:
    """What the ledger holds for plan ``plan_key`` (empty when there is no ledger yet)."""
    db = Path(db)
    out = PlanLedger()
    if not db.exists():
        return out

    def t(x):
        return datetime.fromtimestamp(x, tz) if x else None

    con = _open(db)
    try:
        row = con.execute("SELECT synced_at FROM plans WHERE key=?", (plan_key,)).fetchone()
        out.synced_at = t(row["synced_at"]) if row else None
        out.counts = {r[0]: r[1] for r in con.execute(
            "SELECT state, COUNT(*) FROM reminders WHERE plan=? GROUP BY state", (plan_key,))}
        rem = "SELECT * FROM reminders WHERE plan=? AND state=? ORDER BY due_at {} LIMIT ?"
        out.upcoming = [{**dict(r), "due": t(r["due_at"])} for r in con.execute(
            rem.format("ASC"), (plan_key, "planned", limit))]
        out.missed = [{**dict(r), "due": t(r["due_at"])} for r in con.execute(
            rem.format("DESC"), (plan_key, "missed", limit))]
        out.cancelled = [{**dict(r), "due": t(r["due_at"]), "at": t(r["updated_at"])} for r in con.execute(
            "SELECT * FROM reminders WHERE plan=? AND state='cancelled' ORDER BY updated_at DESC, id "
            "LIMIT ?", (plan_key, limit))]
        msg = ("SELECT id, msgid, unit, recipients, subject, state, created_at, sent_at, next_try_at, "
               "attempts, late FROM messages WHERE plan=? AND state IN ({}) ORDER BY {} DESC LIMIT ?")
        out.sent = [{**dict(r), "at": t(r["sent_at"])} for r in con.execute(
            msg.format("'sent'", "sent_at"), (plan_key, limit))]
        for r in con.execute(msg.format("'retry', 'failed', 'queued'", "created_at"), (plan_key, limit)):
            err = con.execute("SELECT error FROM attempts WHERE message_id=? ORDER BY id DESC LIMIT 1",
                              (r["id"],)).fetchone()
            out.failed.append({**dict(r), "at": t(r["created_at"]), "next": t(r["next_try_at"]),
                               "error": err["error"] if err else ""})
    finally:
        con.close()
    return out


@dataclass
class SentMail:
    id: int
    state: str
    headers: list[tuple[str, str]]
    text: str
    files: list[tuple[str, str, int]]     # (name, type, bytes)
    attempts: list[dict]


def sent_mail(db: str | Path, plan_key: str, mid: int, tz: ZoneInfo) -> SentMail | None:
    """Message ``mid`` of the plan as it was handed to the server: its headers, its text
    part and its attachments (the HTML part says the same)."""
    db = Path(db)
    if not db.exists():
        return None
    con = _open(db)
    try:
        r = con.execute("SELECT * FROM messages WHERE id=? AND plan=?", (mid, plan_key)).fetchone()
        tries = [dict(a) for a in con.execute("SELECT * FROM attempts WHERE message_id=? ORDER BY id",
                                              (mid,))] if r else []
    finally:
        con.close()
    if r is None:
        return None
    m = email.message_from_bytes(bytes(r["raw"]), policy=email.policy.default)
    headers = [(k, str(m[k])) for k in ("Subject", "From", "To", "Date", "Message-ID") if m[k]]
    body = m.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    files = [(p.get_filename() or "", p.get_content_type(), len(p.get_payload(decode=True) or b""))
             for p in m.iter_attachments()]
    for a in tries:
        a["started"] = datetime.fromtimestamp(a["started_at"], tz)
    return SentMail(mid, r["state"], headers, text, files, tries)
