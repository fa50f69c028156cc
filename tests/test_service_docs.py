"""docs/nhac-viec.md's systemd unit and cron line work as written (paths adapted)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.remind_helpers import write_plan

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "nhac-viec.md"
PROJECT = "/srv/kehoach"  # the project folder the documentation uses


def doc_block(lang: str) -> str:
    blocks = re.findall(rf"^```{lang}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    assert blocks, f"no ```{lang} block in {DOC.name}"
    return blocks[0]


def cron_block() -> str:
    return next(b for b in re.findall(r"^```sh\n(.*?)^```", DOC.read_text(encoding="utf-8"),
                                      re.S | re.M) if "run-due" in b and "* * *" in b)


def test_unit_runs_serve_and_stops_with_time_for_the_mail_in_flight():
    unit = doc_block("ini")
    assert f"ExecStart={PROJECT}/.venv/bin/kehoach remind serve" in unit
    assert "KillSignal" not in unit  # systemd's default, SIGTERM: what serve stops on cleanly
    assert "Restart=on-failure" in unit and "RestartPreventExitStatus=2" in unit
    stop = int(re.search(r"TimeoutStopSec=(\d+)", unit)[1])
    from workflow.reminders.settings import Settings

    assert stop > Settings().smtp.timeout_seconds
    assert "PASSWORD" not in unit.replace("KEHOACH_SMTP_PASSWORD=… trong tệp này", "")


def test_unit_file_verifies(tmp_path):
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze is not installed: the unit file is not verified")
    if not (ROOT / ".venv" / "bin" / "kehoach").exists():
        pytest.skip("no .venv/bin/kehoach in this checkout (run make): ExecStart cannot resolve")
    unit = tmp_path / "kehoach-nhac-viec.service"
    unit.write_text(doc_block("ini").replace(PROJECT, str(ROOT)), encoding="utf-8")
    run = subprocess.run([exe, "verify", str(unit)], capture_output=True, text=True)
    ours = [ln for ln in (run.stdout + run.stderr).splitlines() if unit.name in ln]
    assert run.returncode == 0 and not ours, run.stdout + run.stderr


def test_cron_line_runs_in_crons_bare_environment(tmp_path):
    venv = ROOT / ".venv"
    if Path(sys.prefix).resolve() != venv.resolve():
        pytest.skip(f"the cron line is tested with the checkout's .venv (this run uses {sys.prefix})")
    lines = [ln for ln in cron_block().splitlines() if ln.strip()]
    env_lines = [ln for ln in lines if re.match(r"^[A-Z_]+=", ln)]
    [job] = [ln for ln in lines if ln not in env_lines]
    fields = job.split(None, 5)
    assert fields[:5] == ["0", "*", "*", "*", "*"]  # every hour, on the hour
    command = fields[5].replace(PROJECT, str(tmp_path))

    (tmp_path / ".venv").symlink_to(venv, target_is_directory=True)
    write_plan(tmp_path / "kh.yaml")
    sync = subprocess.run([str(venv / "bin" / "kehoach"), "remind", "sync", "kh.yaml",
                           "--now", "2024-09-01"], cwd=tmp_path, capture_output=True, text=True)
    assert sync.returncode == 0, sync.stderr
    # what cron gives a job: its own small PATH, HOME, the crontab's variables, /bin/sh
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh", "LANG": "C.UTF-8"}
    env.update(ln.split("=", 1) for ln in env_lines)
    # the hour is not the hour of the test: run it as at the reminders' send time
    command = command.replace("remind run-due", "remind run-due --now 2024-09-23T07:30")
    run = subprocess.run(["/bin/sh", "-c", command], cwd="/", env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    log = (tmp_path / ".kehoach" / "run-due.log").read_text(encoding="utf-8")
    assert "gửi 3 thư vào hộp thư đi" in log, log
    assert len(os.listdir(tmp_path / ".kehoach" / "hop-thu-di" / "new")) == 3
