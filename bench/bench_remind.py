"""Reminders as a user runs them: `kehoach remind run-due` on a ledger synced beforehand.

1. 2,000 units' digests due at once (a late start): the whole run-due process into the
   Maildir outbox, ≥ 1,000 mails/s (issue 17), against a bare process writing the same
   finished mails into a Maildir (each file flushed to disk), for the record; and the same
   in process.
2. The same batch to a real SMTP sink (aiosmtpd on 127.0.0.1, this bench's own): mails/s for
   the record, and one connection for the whole batch.
3. A normal day on a ledger of 10,000 pending reminders (20 due): run-due ≤ 1 s.
4. `kehoach remind serve` on that ledger: resident memory after its first batch ≤ 150 MB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from _common import ENV, KEHOACH, PY, ROOT, alternated, done, ms, verdict

from workflow.reminders.ledger import Ledger
from workflow.reminders.schedule import Planned
from workflow.reminders.service import run_due
from workflow.reminders.settings import Settings
from workflow.reminders.transport import MaildirTransport

DAY0 = date(2024, 9, 1)
NOW = f"{DAY0.isoformat()}T07:31"


def build(db: Path, settings: Settings, *, units: int, per_unit: int, mode: str) -> None:
    """A ledger of ``units`` × ``per_unit`` pending reminders: all due on DAY0 ("all"), one
    per unit due on DAY0 ("one"), or 20 due on any one day ("normal")."""
    tz = settings.tz
    rows = []
    for u in range(units):
        for k in range(per_unit):
            if mode == "normal":
                day = DAY0 + timedelta(days=(u * per_unit + k) % 500)
            elif mode == "one":
                day = DAY0 + timedelta(days=k)
            else:
                day = DAY0
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
                    {f"u{u}": ics for u in range(units)}, int(datetime(2024, 8, 1, tzinfo=tz).timestamp()),
                    keep_after=0)


def settings_file(path: Path, outbox: Path, port: int | None = None) -> Path:
    data = {"outbox": str(outbox)}
    if port:
        data["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


BARE_MAILDIR = """\
import os, sqlite3, sys
db, box = sys.argv[1], sys.argv[2]
for d in ("tmp", "new", "cur"):
    os.makedirs(os.path.join(box, d), exist_ok=True)
c = sqlite3.connect(db)
for n, (raw,) in enumerate(c.execute("SELECT raw FROM messages")):
    tmp = os.path.join(box, "tmp", f"m{n}")
    with open(tmp, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(box, "new", f"m{n}"))
"""


def restore(db: Path, pristine: Path) -> None:
    """The ledger ``db`` as ``pristine`` was: its write-ahead files gone, the copy put back."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(pristine, db)


def batch(tmp: Path) -> None:
    s = Settings(outbox=str(tmp / "outbox"))
    pristine = tmp / "batch.sqlite"
    build(pristine, s, units=2000, per_unit=1, mode="all")
    db = tmp / "run.sqlite"
    cfg = settings_file(tmp / "maildir.yaml", tmp / "outbox")
    composed = tmp / "composed.sqlite"  # the same mails, composed: what the bare one hands over
    shutil.copy(pristine, composed)
    run_due(db=composed, settings=s, now=datetime.fromisoformat(NOW).replace(tzinfo=s.tz),
            transport=MaildirTransport(tmp / "outbox-probe"))

    def fresh(name: str) -> None:
        shutil.rmtree(tmp / "outbox", ignore_errors=True)
        shutil.rmtree(tmp / "outbox-bare", ignore_errors=True)
        restore(db, pristine)
        # What the previous run left (2,000 files deleted, a ledger copied) written out now,
        # not during the next timed run: each run, ours and the bare one, starts on a disk
        # with nothing pending, as a user's run-due does.
        if hasattr(os, "sync"):
            os.sync()

    ours = [*KEHOACH, "remind", "run-due", "--db", str(db), "--settings", str(cfg), "--now", NOW]
    bare = [PY, "-c", BARE_MAILDIR, str(composed), str(tmp / "outbox-bare")]
    t = alternated({"bare": bare, "kehoach": ours}, n=5, before=fresh)
    sent = len(list((tmp / "outbox" / "new").iterdir()))
    assert sent == 2000, sent
    print(f"2.000 đơn vị cùng đến hạn, hộp thư đi Maildir: kehoach remind run-due {ms(t['kehoach'])} "
          f"(ghi trần các thư đã soạn {ms(t['bare'])}: {t['kehoach'] / t['bare']:.2f}×)")
    verdict("run-due 2.000 thư vào hộp thư đi", sent / t["kehoach"], 1000, unit="thư/s", higher=True)
    fresh("")
    start = time.perf_counter()
    res = run_due(db=db, settings=s, now=datetime.fromisoformat(NOW).replace(tzinfo=s.tz),
                  transport=MaildirTransport(tmp / "outbox"))
    took = time.perf_counter() - start
    print(f"  trong tiến trình: {len(res.sent)} thư {took * 1000:.0f} ms = {len(res.sent) / took:.0f} thư/s")

    from tests.remind_helpers import Sink, SmtpServer

    sink = Sink()
    server = SmtpServer(sink).start()
    try:
        cfg_smtp = settings_file(tmp / "smtp.yaml", tmp / "outbox", port=server.port)
        fresh("")
        took = subprocess_time([*KEHOACH, "remind", "run-due", "--db", str(db), "--settings",
                                str(cfg_smtp), "--now", NOW])
        peers = len(set(sink.peers))
        print(f"  qua máy chủ SMTP thật (aiosmtpd): {len(sink.raw)} thư {ms(took)} = "
              f"{len(sink.raw) / took:.0f} thư/s, {peers} kết nối (thông tin)")
        verdict("SMTP: số kết nối cho cả loạt thư", peers, 1, unit="kết nối")
    finally:
        server.stop()


def subprocess_time(argv: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def normal_day_and_serve(tmp: Path) -> None:
    s = Settings(outbox=str(tmp / "outbox-day"))
    pristine = tmp / "day.sqlite"
    build(pristine, s, units=500, per_unit=20, mode="normal")
    db = tmp / "day-run.sqlite"
    cfg = settings_file(tmp / "day.yaml", tmp / "outbox-day")

    def fresh(name: str) -> None:
        restore(db, pristine)

    t = alternated({"kehoach": [*KEHOACH, "remind", "run-due", "--db", str(db), "--settings", str(cfg),
                                "--now", NOW]}, n=5, before=fresh)
    verdict("run-due một ngày thường (sổ 10.000 lời nhắc, 20 thư)", t["kehoach"], 1.0, unit="s")

    import psutil

    fresh("")
    base = subprocess.Popen([PY, "-c", "import sqlite3, time; time.sleep(3)"])
    time.sleep(1.0)
    base_rss = psutil.Process(base.pid).memory_info().rss
    base.wait()
    p = subprocess.Popen([*KEHOACH, "remind", "serve", "--db", str(db), "--settings", str(cfg),
                          "--now", f"{DAY0.isoformat()}T07:31"], cwd=ROOT, env=ENV,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    try:
        proc = psutil.Process(p.pid)
        end = time.monotonic() + 8
        while time.monotonic() < end:
            peak = max(peak, proc.memory_info().rss)
            time.sleep(0.05)
    finally:
        p.terminate()
        p.communicate(timeout=20)
    print(f"kehoach remind serve: bộ nhớ thường trú cao nhất {peak / 2**20:.0f} MB "
          f"(Python trần {base_rss / 2**20:.0f} MB)")
    verdict("remind serve, bộ nhớ", peak / 2**20, 150, unit="MB")


def main() -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-remind-") as t:
        tmp = Path(t)
        batch(tmp)
        normal_day_and_serve(tmp)
    return done()


if __name__ == "__main__":
    sys.exit(main())
