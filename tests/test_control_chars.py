"""Control characters (C0 but tab and newline, DEL, C1) are refused at their line in every
text field; none reaches a document, a calendar, a mail or the terminal."""

from __future__ import annotations

import email
import email.policy
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.remind_helpers import write_plan, write_settings
from workflow.cli import main
from workflow.terminal import visible

ROOT = Path(__file__).resolve().parents[1]

PLAN = textwrap.dedent("""\
    year: 2024
    document:
      issuing_body: PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
      symbol: KH-PGDĐT
      place: Ba Đình
      date: {day: 5, month: 2, year: 2024}
      title: "TITLE"
    units:
      pgddt: {name: "UNIT_NAME", email: pgd@example.org}
    sections:
      - title: TỔ CHỨC THỰC HIỆN
        implementation: true
    implementation:
      - unit: pgddt
        content:
          - task: "TASK (từ ngày 05/9 đến ngày 30/9/2024)."
            id: nhap
            summary: "SUMMARY"
            deadline: từ ngày 05/9 đến ngày 30/9/2024
          - "PARAGRAPH"
    signer:
      lines: [TRƯỞNG PHÒNG]
      name: Nguyễn Văn A
    """)

FIELDS = {  # placeholder -> field path in the message
    "TITLE": "document.title",
    "UNIT_NAME": "units.pgddt.name",
    "TASK": "implementation[0].content[0].task",
    "SUMMARY": "implementation[0].content[0].summary",
    "PARAGRAPH": "implementation[0].content[1]",
}

# (YAML escape inside double quotes, the code point named in the message)
CONTROLS = [("\\e[31m", "U+001B (ESC)"), ("\\x00", "U+0000 (NUL)"), ("\\x07", "U+0007"),
            ("\\b", "U+0008 (BS)"), ("\\r", "U+000D (CR)"), ("\\x1f", "U+001F"),
            ("\\x7f", "U+007F (DEL)"), ("\\x9b", "U+009B (CSI)"), ("\\x80", "U+0080"),
            ("\\x9f", "U+009F")]


def plan_with(tmp_path: Path, **values) -> Path:
    text = PLAN
    for k in FIELDS:
        text = text.replace(k, values.get(k, f"Chữ thường {k.lower()}"))
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.parametrize("escape,named", CONTROLS)
@pytest.mark.parametrize("place", list(FIELDS))
def test_control_character_refused_at_its_line(tmp_path, capsys, place, escape, named):
    plan = plan_with(tmp_path, **{place: f"Nội dung {escape} tiếp"})
    rc = main(["check", str(plan)])
    err = capsys.readouterr().err
    assert rc == 2, err
    line = line_of(plan, escape)
    assert f"lỗi: {plan}:{line}:" in err and FIELDS[place] in err, err
    assert f"ký tự điều khiển {named}" in err, err


def test_every_control_character_reported_at_once(tmp_path, capsys):
    plan = plan_with(tmp_path, TITLE="a\\eb", SUMMARY="c\\x9bd", PARAGRAPH="e\\x7ff")
    assert main(["check", str(plan)]) == 2
    err = capsys.readouterr().err
    assert err.count("ký tự điều khiển") == 3 and "3 lỗi." in err, err


@pytest.mark.parametrize("raw,named", [("\x1b", "U+001B (ESC)"), ("\x7f", "U+007F (DEL)"),
                                       ("\x9b", "U+009B (CSI)"), ("\x01", "U+0001")])
def test_raw_control_character_in_the_file_refused_at_its_line_and_column(
        tmp_path, capsys, raw, named):
    plan = plan_with(tmp_path)
    text = plan.read_text(encoding="utf-8").replace("Chữ thường summary", f"Chữ{raw}thường")
    plan.write_text(text, encoding="utf-8")
    rc = main(["check", str(plan)])
    err = capsys.readouterr().err
    line = line_of(plan, raw)
    col = text.splitlines()[line - 1].index(raw) + 1
    assert rc == 2 and f"lỗi: {plan}:{line}:{col}:" in err and named in err, err


def test_a_key_with_a_control_character_is_refused(tmp_path, capsys):
    plan = plan_with(tmp_path)
    text = plan.read_text(encoding="utf-8").replace("  pgddt: {", '  "pg\\eddt": {')
    plan.write_text(text, encoding="utf-8")
    assert main(["check", str(plan)]) == 2
    err = capsys.readouterr().err
    assert f":{line_of(plan, 'pg')}:" in err and "U+001B (ESC)" in err, err


def test_tab_and_newline_are_text(tmp_path, capsys):
    plan = plan_with(tmp_path, SUMMARY="Cột\\tmột", PARAGRAPH="Dòng một\\nDòng hai")
    assert main(["check", str(plan)]) == 0, capsys.readouterr().err


def test_windows_line_endings_are_not_control_characters(tmp_path, capsys):
    """A plan saved by a Windows editor (CR LF): YAML reads the line breaks, no CR is left."""
    plan = plan_with(tmp_path, PARAGRAPH="Đoạn văn")
    text = plan.read_text(encoding="utf-8").replace(
        '- "Đoạn văn"', "- |\n" + " " * 12 + "Dòng một\n" + " " * 12 + "Dòng hai")
    plan.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert main(["check", str(plan)]) == 0, capsys.readouterr().err


def test_build_refuses_and_writes_nothing(tmp_path, capsys):
    plan = plan_with(tmp_path, SUMMARY="\\e]0;tiêu đề cửa sổ\\a")
    out = tmp_path / "out"
    assert main(["build", str(plan), "-o", str(out)]) == 2
    assert "ký tự điều khiển" in capsys.readouterr().err
    assert not out.exists()


def test_visible_form_is_valid_json():
    """The visible form is a JSON escape: --json output stays valid and means the same."""
    text = "a\x1bb\x7fc\x9bd"
    shown = visible(text)
    assert not any(c in shown for c in "\x1b\x7f\x9b")
    assert json.loads(f'"{shown}"') == text
    assert visible("tab\tand\nnewline") == "tab\tand\nnewline"


# --- the terminal, through a real pseudo-terminal --------------------------------------------

def in_terminal(args: list[str], cwd: Path) -> tuple[int, bytes]:
    """Run ``python -m workflow ARGS`` with a pseudo-terminal as its stdout and stderr (so
    nothing treats the output as a pipe and strips it); return (exit code, bytes shown)."""
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "workflow", *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks)


def _no_controls(shown: bytes) -> None:
    text = shown.decode("utf-8", "replace").replace("\r\n", "\n")
    bad = sorted({f"U+{ord(c):04X}" for c in text
                  if (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F})
    assert not bad, f"control characters reached the terminal: {bad}\n{text!r}"


def test_command_line_text_cannot_drive_the_terminal(tmp_path):
    rc, shown = in_terminal(["when", "ngày 30/9/2024\x1b]52;c;SGk=\x07\x1b[31m\x9b1m"], tmp_path)
    assert rc == 2
    _no_controls(shown)
    assert b"\\u001b]52;c;SGk=\\u0007" in shown


def test_run_due_with_an_old_ledger_prints_and_mails_no_control_character(tmp_path, capsys):
    """A ledger written before control characters were refused (edited here in SQLite)
    still holds an ESC in a summary: run-due shows the subject, and sends the mail, clean."""
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    assert main(["remind", "sync", str(plan), *common, "--now", "2024-09-01"]) == 0
    capsys.readouterr()
    with sqlite3.connect(tmp_path / "db.sqlite") as c:
        c.execute("UPDATE reminders SET summary = 'Đỏ ' || char(27) || '[31mCHỮ ĐỎ' || char(27)"
                  " || ']0;cửa sổ' || char(7) || char(155) || '1m' || char(13) || 'che'")
    plan.unlink()  # the old plan is gone: the ledger is all there is
    rc, shown = in_terminal(["remind", "run-due", *common, "--now", "2024-09-23T07:30"], tmp_path)
    assert rc == 0, shown.decode()
    _no_controls(shown)
    assert "CHỮ ĐỎ".encode() in shown
    mails = list((tmp_path / "outbox" / "new").iterdir())
    assert mails
    for path in mails:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        plain = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        for text in (str(msg["Subject"]), plain, html):
            assert not any((ord(c) < 0x20 and c not in "\t\r\n") or 0x7F <= ord(c) <= 0x9F
                           for c in text), repr(text)
        assert "CHỮ ĐỎ" in str(msg["Subject"])


def test_sync_refuses_a_plan_with_an_escape_in_a_summary(tmp_path, capsys):
    tasks = [{"task": "Nộp báo cáo (ngày 30/9/2024).", "id": "bao-cao", "deadline": "ngày 30/9/2024",
              "summary": "Đỏ \x1b[31mCHỮ ĐỎ"}]
    plan = write_plan(tmp_path / "kh.yaml", tasks)
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    rc = main(["remind", "sync", str(plan), "--db", str(tmp_path / "db.sqlite"),
               "--settings", str(settings), "--now", "2024-09-01"])
    err = capsys.readouterr().err
    assert rc == 2 and "U+001B (ESC)" in err and "summary" in err, err
