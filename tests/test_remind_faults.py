"""Fault runs, counted at a real SMTP server (aiosmtpd on 127.0.0.1): several `remind run-due`
at once on one ledger, and kill -9 again and again during a 400-mail batch. The promise of
docs/nhac-viec.md: nothing lost, at most one duplicate per abrupt stop (and that one byte
for byte the same mail, same Message-ID)."""

from __future__ import annotations

import email
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.remind_helpers import Sink, SmtpServer, write_plan, write_settings
from workflow.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOW = "2024-09-23T07:30"  # "còn 7 ngày" for every unit; the 16/9 start reminders are missed


def _setup(tmp_path: Path, n_units: int, port: int, capsys) -> list[str]:
    """A plan whose one task is shared by ``n_units`` units, synced into the ledger."""
    wards = [f"p{i:03d}" for i in range(n_units)]
    units = {"pgd": {"name": "Phòng GDĐT", "email": "pgd@example.org"},
             "nhom": {"name": "Các phường", "kind": "nhom", "members": wards}}
    units.update({w: {"name": f"Phường {w}", "email": f"{w}@example.org"} for w in wards})
    tasks = [{"task": "Báo cáo (ngày 30/9/2024).", "id": "bao-cao", "summary": "Báo cáo",
              "deadline": "ngày 30/9/2024", "co_owners": ["nhom"]}]
    plan = write_plan(tmp_path / "kh.yaml", tasks=tasks, units=units)
    settings = write_settings(tmp_path / "settings.yaml", port=port)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    assert main(["remind", "sync", str(plan), *common, "--now", "2024-09-01"]) == 0
    capsys.readouterr()
    return common


def _run_due(tmp_path: Path, common: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "workflow", "remind", "run-due", *common,
                             "--now", NOW], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def _ledger(tmp_path: Path, sql: str):
    with sqlite3.connect(tmp_path / "db.sqlite", timeout=60) as c:
        return c.execute(sql).fetchall()


def _sent_count(output: str) -> int:
    m = re.search(r"gửi (\d+) thư", output)
    assert m, output
    return int(m[1])


def test_three_run_due_at_once_send_each_mail_once(tmp_path, capsys):
    sink = Sink(delay=0.02)  # a batch long enough for the three to overlap
    server = SmtpServer(sink).start()
    try:
        common = _setup(tmp_path, 60, server.port, capsys)
        procs = [_run_due(tmp_path, common) for _ in range(3)]
        outs = [p.communicate(timeout=300)[0].decode() for p in procs]
    finally:
        server.stop()
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    received = Counter(sink.msgids())
    expected = {r[0] for r in _ledger(tmp_path, "SELECT msgid FROM messages")}
    assert len(expected) == 61  # pgd and the 60 wards, one digest each
    assert set(received) == expected and set(received.values()) == {1}, received.most_common(3)
    assert sum(_sent_count(o) for o in outs) == 61  # the batch was done once, not split twice
    assert _ledger(tmp_path, "SELECT DISTINCT state FROM messages") == [("sent",)]


def test_repeated_kill_9_during_a_400_mail_batch_loses_nothing(tmp_path, capsys):
    sink = Sink()
    server = SmtpServer(sink).start()
    kills = 0
    try:
        common = _setup(tmp_path, 400, server.port, capsys)
        for _ in range(6):
            before = len(sink.raw)
            p = _run_due(tmp_path, common)
            end = time.monotonic() + 120
            # let it get well into the batch, then kill it without warning
            while p.poll() is None and len(sink.raw) < before + 40 and time.monotonic() < end:
                time.sleep(0.005)
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                kills += 1
            p.communicate(timeout=60)
        assert kills >= 3, "the kills must land inside the batch"
        p = _run_due(tmp_path, common)
        out = p.communicate(timeout=300)[0].decode()
        assert p.returncode == 0, out
    finally:
        server.stop()

    expected = {r[0] for r in _ledger(tmp_path, "SELECT msgid FROM messages")}
    assert len(expected) == 401
    assert _ledger(tmp_path, "SELECT DISTINCT state FROM messages") == [("sent",)]
    received = Counter(sink.msgids())
    assert set(received) == expected, f"lost: {sorted(expected - set(received))[:5]}"
    dupes = {m: n for m, n in received.items() if n > 1}
    assert all(n == 2 for n in dupes.values()) and len(dupes) <= kills, (dupes, kills)
    for m in dupes:  # a duplicate is the very same mail
        copies = {raw for raw, msg in zip(sink.raw, sink.messages) if msg["Message-ID"] == m}
        assert len(copies) == 1
    in_doubt = _ledger(tmp_path, "SELECT COUNT(*) FROM attempts WHERE result = 'in-doubt'")[0][0]
    assert len(dupes) <= in_doubt <= kills
    print(f"{kills} kill -9, {sum(received.values())} mails received for {len(expected)}, "
          f"{len(dupes)} duplicate(s), {in_doubt} in doubt")


def test_repeated_kill_9_during_an_outbox_batch_writes_each_mail_once(tmp_path, capsys):
    """The outbox is written a chunk at a time (files flushed together, one commit): a kill
    anywhere in it leaves the chunk in doubt, and the run after writes what is missing and
    nothing twice — one file per Message-ID, every one of the batch."""
    common = _setup(tmp_path, 400, None, capsys)
    new = tmp_path / "outbox" / "new"
    kills = 0
    for _ in range(6):
        before = len(list(new.iterdir())) if new.exists() else 0
        p = _run_due(tmp_path, common)
        end = time.monotonic() + 120
        while (p.poll() is None and time.monotonic() < end
               and (len(list(new.iterdir())) if new.exists() else 0) < before + 40):
            time.sleep(0.002)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            kills += 1
        p.communicate(timeout=60)
    assert kills >= 2, "the kills must land inside the batch"
    p = _run_due(tmp_path, common)
    out = p.communicate(timeout=300)[0].decode()
    assert p.returncode == 0, out
    expected = {r[0] for r in _ledger(tmp_path, "SELECT msgid FROM messages")}
    assert len(expected) == 401
    assert _ledger(tmp_path, "SELECT DISTINCT state FROM messages") == [("sent",)]
    files = list(new.iterdir())
    ids = Counter(email.message_from_bytes(f.read_bytes())["Message-ID"] for f in files)
    assert set(ids) == expected and set(ids.values()) == {1}
