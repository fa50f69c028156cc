"""`kehoach remind serve` as a real subprocess: kill -9 in the middle of a batch, restart,
every reminder delivered; a second serve on the same ledger refuses to start."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.remind_helpers import Sink, SmtpServer, write_plan, write_settings
from workflow.cli import main

ROOT = Path(__file__).resolve().parents[1]
WARDS = [f"w{i:02d}" for i in range(12)]


def _plan(tmp_path: Path) -> Path:
    units = {"pgd": {"name": "Phòng GDĐT", "email": "pgd@example.org"},
             "nhom": {"name": "Các phường", "kind": "nhom", "members": WARDS}}
    units.update({w: {"name": f"Phường {w}", "email": f"{w}@example.org"} for w in WARDS})
    tasks = [{"task": "Báo cáo (ngày 30/9/2024).", "id": "bao-cao", "summary": "Báo cáo",
              "deadline": "ngày 30/9/2024", "co_owners": ["nhom"]}]
    return write_plan(tmp_path / "kh.yaml", tasks=tasks, units=units)


def _serve(tmp_path: Path, settings: Path, *, now: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "workflow", "remind", "serve", "--db", str(tmp_path / "db.sqlite"),
         "--settings", str(settings), "--now", now],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait(cond, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _ledger(tmp_path, sql):
    with sqlite3.connect(tmp_path / "db.sqlite", timeout=30) as c:
        return c.execute(sql).fetchall()


@pytest.mark.parametrize("record_first", [False, True], ids=["reply-then-accept", "accept-then-reply"])
def test_kill_9_mid_batch_then_restart_delivers_every_reminder(tmp_path, capsys, record_first):
    """A slow server, so the kill lands inside the batch. "accept-then-reply": the server has
    taken the mail when the sender dies, before it could record it: the documented duplicate
    window, which must then show as exactly one identical resend."""
    sink = Sink(delay=0.4, record_first=record_first)
    server = SmtpServer(sink).start()
    try:
        plan = _plan(tmp_path)
        settings = write_settings(tmp_path / "settings.yaml", port=server.port)
        assert main(["remind", "sync", str(plan), "--db", str(tmp_path / "db.sqlite"),
                     "--settings", str(settings), "--now", "2024-09-01"]) == 0
        capsys.readouterr()

        p = _serve(tmp_path, settings, now="2024-09-23T07:45")
        try:
            _wait(lambda: len(sink.raw) >= (4 if record_first else 3), 30, "mails before the kill")
            time.sleep(0.2)  # halfway through the server's handling of the next one
            os.kill(p.pid, signal.SIGKILL)
            p.wait(10)
        finally:
            if p.poll() is None:
                p.kill()
        before = len(set(sink.msgids()))
        assert 3 <= before < 13, "the kill must land in the middle of the batch"
        states = Counter(r[0] for r in _ledger(tmp_path, "SELECT state FROM messages"))
        in_doubt = states["sending"]
        assert in_doubt <= 1  # at most the one in flight is left in doubt

        # the scheduler's own job store is lost too: the ledger alone must be enough
        (tmp_path / "db-lich-chay.sqlite").unlink()
        p = _serve(tmp_path, settings, now="2024-09-23T07:46")
        try:
            _wait(lambda: _ledger(tmp_path, "SELECT COUNT(*) FROM reminders WHERE kind = 'con-7' AND state != 'sent'")
                  == [(0,)], 60, "every reminder sent after the restart")
            time.sleep(0.5)  # anything sent twice would arrive now
        finally:
            p.send_signal(signal.SIGTERM)
            out = p.communicate(timeout=20)[0].decode()
        assert ("gửi lại" in out) == bool(in_doubt)  # the in-doubt message is announced

        expected = {r[0] for r in _ledger(tmp_path, "SELECT msgid FROM messages")}
        assert len(expected) == 13  # pgd + 12 wards, one digest each
        received = Counter(sink.msgids())
        assert set(received) == expected  # every reminder delivered
        # the documented duplicate window: at most the one message in flight at the kill,
        # sent again byte for byte with the same Message-ID
        dupes = [m for m, n in received.items() if n > 1]
        assert len(dupes) <= in_doubt and all(received[m] == 2 for m in dupes)
        if record_first:
            assert in_doubt == 1 and len(dupes) == 1
        for m in dupes:
            copies = [r for r, msg in zip(sink.raw, sink.messages, strict=True) if msg["Message-ID"] == m]
            assert copies[0] == copies[1]
        assert sum(received.values()) <= 13 + in_doubt
        rows = _ledger(tmp_path, "SELECT result FROM attempts WHERE result = 'in-doubt'")
        assert len(rows) == in_doubt
        print(f"kill -9: {before} delivered before, {in_doubt} in doubt, {len(dupes)} duplicate(s)")
    finally:
        server.stop()


def test_second_serve_on_the_same_ledger_refuses(tmp_path, capsys):
    plan = _plan(tmp_path)
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    db = tmp_path / "db.sqlite"
    assert main(["remind", "sync", str(plan), "--db", str(db), "--settings", str(settings),
                 "--now", "2024-09-01"]) == 0
    p = _serve(tmp_path, settings, now="2024-09-23T07:45")
    try:
        _wait(lambda: (tmp_path / "outbox" / "new").exists() and
              len(list((tmp_path / "outbox" / "new").iterdir())) == 13, 30, "the first batch")
        capsys.readouterr()
        rc = main(["remind", "serve", "--db", str(db), "--settings", str(settings)])
        err = capsys.readouterr().err
        assert rc == 2
        assert "đã có một tiến trình 'kehoach remind serve'" in err and f"pid {p.pid}" in err
        # run-due may still run between wakes: it takes only the batch lock
        assert main(["remind", "run-due", "--db", str(db), "--settings", str(settings),
                     "--now", "2024-09-23T07:50"]) == 0
        assert "gửi 0 thư" in capsys.readouterr().out
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=20)
    # once it stopped, a new serve may start (and finds nothing more to send)
    assert len(list((tmp_path / "outbox" / "new").iterdir())) == 13


@pytest.mark.parametrize("grace", [True])
def test_scheduler_settings(tmp_path, grace):
    """The scheduler is only an alarm clock: explicit zone, coalesce, long misfire grace."""
    from workflow.reminders import server

    assert server.JOB_REF == "workflow.reminders.server:wake"
    assert server.MISFIRE_GRACE >= 24 * 3600
    server.wake()  # with no service running in this process it does nothing


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_signal_finishes_the_mail_in_flight_and_exits_0(tmp_path, capsys, sig):
    """The server has the mail and is slow to answer when the signal comes: serve waits for
    the answer, records the mail as sent, starts no other, and exits 0. The rest stay
    queued; the next start sends them, none twice."""
    sink = Sink(delay=0.5, record_first=True)
    server = SmtpServer(sink).start()
    try:
        plan = _plan(tmp_path)
        settings = write_settings(tmp_path / "settings.yaml", port=server.port)
        assert main(["remind", "sync", str(plan), "--db", str(tmp_path / "db.sqlite"),
                     "--settings", str(settings), "--now", "2024-09-01"]) == 0
        capsys.readouterr()
        p = _serve(tmp_path, settings, now="2024-09-23T07:45")
        try:
            _wait(lambda: len(sink.raw) >= 3, 30, "three mails")
            in_flight = len(sink.raw)  # the last of these awaits its answer (0.5 s)
            p.send_signal(sig)
            out = p.communicate(timeout=30)[0].decode()
        finally:
            if p.poll() is None:
                p.kill()
        assert p.returncode == 0, out
        assert f"đã dừng ({signal.Signals(sig).name})" in out and "Traceback" not in out, out
        states = Counter(r[0] for r in _ledger(tmp_path, "SELECT state FROM messages"))
        assert states["sent"] == in_flight == len(sink.raw), (states, out)  # none more begun
        assert states["sending"] == 0 and states["queued"] == 13 - in_flight
        assert _ledger(tmp_path, "SELECT COUNT(*) FROM attempts WHERE result IS NULL "
                                 "OR result = 'in-doubt'") == [(0,)]

        p = _serve(tmp_path, settings, now="2024-09-23T07:46")
        try:
            _wait(lambda: _ledger(tmp_path, "SELECT COUNT(*) FROM messages WHERE state != 'sent'")
                  == [(0,)], 60, "the rest after the restart")
        finally:
            p.send_signal(signal.SIGTERM)
            out = p.communicate(timeout=30)[0].decode()
        assert p.returncode == 0 and "gửi lại" not in out, out
        received = Counter(sink.msgids())
        assert len(received) == 13 and set(received.values()) == {1}
    finally:
        server.stop()
