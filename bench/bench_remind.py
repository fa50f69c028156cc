"""Reminder bench: 10,000 pending reminders in the ledger.

1. run-due on a day when 500 reminders are due (500 units, one digest each), then on the
   day when all 10,000 are due at once (500 digests of 20); transport: the Maildir outbox
   (fsync per mail) and a real aiosmtpd sink on 127.0.0.1. Baseline in the same process:
   the bare SQLite scan of the due rows plus the bare transport hand-over of the same
   finished mails. Target: run-due ≤ 1 s.
2. `kehoach remind serve` as a subprocess on that ledger: resident memory after its first
   batch (psutil), against a bare `python -c "import sqlite3"`. Target: ≤ 150 MB.

Run:  python bench/bench_remind.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workflow.reminders.ledger import Ledger  # noqa: E402
from workflow.reminders.schedule import Planned  # noqa: E402
from workflow.reminders.service import run_due  # noqa: E402
from workflow.reminders.settings import Settings  # noqa: E402
from workflow.reminders.transport import MaildirTransport  # noqa: E402

UNITS, PER_UNIT = 500, 20
DAY0 = date(2024, 9, 1)


def _day(mode: str, u: int, k: int) -> date:
    if mode == "normal":   # 10,000 over 500 days: 20 due on any one day
        return DAY0 + timedelta(days=(u * PER_UNIT + k) % 500)
    if mode == "500":      # every unit has one due on DAY0 (k-th reminder on day k)
        return DAY0 + timedelta(days=k)
    if mode == "none":     # nothing due yet
        return DAY0 + timedelta(days=1 + k)
    return DAY0            # "all": 10,000 due at once


def build(db: Path, settings: Settings, *, mode: str) -> None:
    tz = settings.tz
    rows = []
    for u in range(UNITS):
        for k in range(PER_UNIT):
            day = _day(mode, u, k)
            end = day + timedelta(days=7)
            rows.append(Planned(
                key=f"bench|t{k}|u{u}|con-7|{end}", plan="bench", task=f"t{k}", unit=f"u{u}",
                kind="con-7", offset=7, due_at=datetime.combine(day, settings.reminders.send_time, tz),
                start=None, end=end, summary=f"Nhiệm vụ {k} & <kiểm tra>", text=f"Nội dung nhiệm vụ {k}",
                phrase=f"ngày {end.day}/{end.month}/{end.year}", unit_label=f"Đơn vị {u}",
                emails=(f"u{u}@example.org",)))
    ics = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 4000 + b"\r\nEND:VCALENDAR\r\n"
    with Ledger(db) as ledger:
        ledger.sync("bench", "bench.yaml", "Kế hoạch số 1/KH-BCĐ", rows, lambda k: "",
                    {f"u{u}": ics for u in range(UNITS)}, int(datetime(2024, 8, 1, tzinfo=tz).timestamp()),
                    keep_after=0)


def bare(db: Path, now: datetime, transport) -> float:
    """The floor: scan the due rows, hand the same finished mails to the transport."""
    import sqlite3

    t0 = time.perf_counter()
    c = sqlite3.connect(db)
    c.execute("SELECT * FROM reminders WHERE state='planned' AND due_at <= ?",
              (int(now.timestamp()),)).fetchall()
    raws = c.execute("SELECT msgid, raw, recipients FROM messages").fetchall()
    c.close()
    t1 = time.perf_counter()
    for msgid, raw, rcpt in raws:
        transport.send(bytes(raw), msgid=msgid + ".bare", sender="a@example.org",
                       recipients=json.loads(rcpt))
    return t1 - t0, time.perf_counter() - t1


def one(tmp: Path, name: str, settings: Settings, *, mode: str, transport_kind: str, port=None):
    d = tmp / name
    d.mkdir()
    db = d / "db.sqlite"
    build(db, settings, mode=mode)
    now = datetime.combine(DAY0, settings.reminders.send_time, settings.tz) + timedelta(minutes=1)
    if transport_kind == "maildir":
        transport = MaildirTransport(d / "outbox")
        bare_transport = MaildirTransport(d / "outbox-bare")
    else:
        from workflow.reminders.transport import SmtpTransport

        s = settings.model_copy(update={"smtp": settings.smtp.model_copy(
            update={"host": "127.0.0.1", "port": port, "security": "none"})})
        transport = SmtpTransport(s, None)
        bare_transport = SmtpTransport(s, None)
    t0 = time.perf_counter()
    res = run_due(db=db, settings=settings, now=now, transport=transport)
    took = time.perf_counter() - t0
    transport.close()
    scan, send = bare(db, now, bare_transport)
    bare_transport.close()
    with Ledger(db) as ledger:
        counts = ledger.counts()
    base = scan + send
    print(f"  {name:<30} {len(res.sent):>4} mails, {counts.get('sent', 0):>5} reminders sent, "
          f"{counts.get('planned', 0):>5} still pending: run-due {took:.3f} s; baseline "
          f"(scan {scan * 1000:.1f} ms + bare send {send:.3f} s) {base:.3f} s; ratio {took / base:.2f}x"
          f"  [{'OK' if took <= 1.0 else 'OVER 1 s'}]")
    return db


def serve_memory(db: Path, settings_file: Path, tmp: Path) -> None:
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = subprocess.Popen([sys.executable, "-c", "import sqlite3, time; time.sleep(3)"])
    time.sleep(1.0)
    base_rss = psutil.Process(base.pid).memory_info().rss
    base.wait()
    p = subprocess.Popen([sys.executable, "-m", "workflow", "remind", "serve", "--db", str(db),
                          "--settings", str(settings_file), "--now", "2024-09-05T07:31"],
                         cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    try:
        proc = psutil.Process(p.pid)
        end = time.monotonic() + 8
        while time.monotonic() < end:
            peak = max(peak, proc.memory_info().rss)
            time.sleep(0.05)
    finally:
        p.terminate()
        out = p.communicate(timeout=20)[0].decode()
    sent = out.count("đã gửi")
    mb = peak / 2**20
    print(f"  serve: peak RSS {mb:.1f} MB over 8 s (first batch: {sent} mails) vs bare python "
          f"{base_rss / 2**20:.1f} MB; ratio {peak / base_rss:.1f}x  [{'OK' if mb <= 150 else 'OVER 150 MB'}]")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-remind-") as t:
        tmp = Path(t)
        settings_file = tmp / "settings.yaml"
        settings_file.write_text(f"outbox: {tmp / 'serve-outbox'}\n", encoding="utf-8")
        settings = Settings(outbox=str(tmp / "outbox"))
        print(f"{UNITS * PER_UNIT:,} pending reminders, {UNITS} units")
        print("target (≤ 1 s) — a run-due on a ledger of 10,000 pending reminders:")
        one(tmp, "maildir, none due", settings, mode="none", transport_kind="maildir")
        one(tmp, "maildir, a normal day", settings, mode="normal", transport_kind="maildir")
        from tests.remind_helpers import SmtpServer

        server = SmtpServer().start()
        try:
            one(tmp, "smtp sink, a normal day", settings, mode="normal", transport_kind="smtp",
                port=server.port)
            print("stress (informational: cost grows with the mails sent, not the pending):")
            db = one(tmp, "maildir, 500 units due", settings, mode="500", transport_kind="maildir")
            one(tmp, "maildir, all 10,000 due", settings, mode="all", transport_kind="maildir")
            one(tmp, "smtp sink, 500 units due", settings, mode="500", transport_kind="smtp",
                port=server.port)
        finally:
            server.stop()
        serve_memory(db, settings_file, tmp)


if __name__ == "__main__":
    main()
