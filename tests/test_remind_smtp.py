"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1): outages, late days, digests,
escaping, the attached calendar, and the password never leaking."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from html.parser import HTMLParser

import pytest

from tests.remind_helpers import NASTY, SmtpServer, body_parts, write_plan, write_settings
from tests.remind_helpers import run as _run
from workflow.cli import main

PASSWORD = "Mk-bi-mat&<9>\"x-7f3q"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def _setup(tmp_path, port, **reminders):
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=port, **reminders)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    return plan, common


def test_server_down_then_back_retried_with_backoff_no_duplicate(tmp_path, capsys, smtp):
    """(b) the server is down at send time: the failure is logged, the retry waits (backoff),
    and the mail goes once the server is back — once."""
    plan, common = _setup(tmp_path, smtp.port)
    _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")
    smtp.stop()
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T07:30", "--json")
    assert rc == 1  # findings: some mails could not go
    res = json.loads(out)
    assert res["sent"] == [] and len(res["failed"]) == 3
    first = res["failed"][0]
    assert first["attempted"] and "không kết nối được máy chủ thư" in first["error"]
    assert first["next_try"].startswith("2024-09-23T07:35")  # 5 minutes later
    # the two others were not even tried against a dead server, just put off
    assert [f["attempted"] for f in res["failed"]] == [True, False, False]

    rc, out, _ = _run(capsys, "remind", "log", *common)
    assert rc == 0 and "LỖI" in out and "không kết nối được máy chủ thư" in out

    # still down at 07:36: second attempt fails, next wait doubles (10 minutes)
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T07:36", "--json")
    res = json.loads(out)
    assert res["failed"][0]["next_try"].startswith("2024-09-23T07:46")

    smtp.start()  # back on the same port
    # before the retry time nothing is tried
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T07:40", "--json")
    assert json.loads(out)["sent"] == [] and smtp.sink.raw == []
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T07:47", "--json")
    assert rc == 0 and len(json.loads(out)["sent"]) == 3
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T09:00", "--json")
    assert json.loads(out)["sent"] == []
    ids = smtp.sink.msgids()
    assert len(ids) == 3 == len(set(ids))
    # the attempts are all in the ledger: 2 failures + 1 success for the first message
    with sqlite3.connect(tmp_path / "db.sqlite") as c:
        results = [r[0] for r in c.execute(
            "SELECT result FROM attempts WHERE message_id = (SELECT MIN(id) FROM messages) ORDER BY id")]
    assert results == ["error", "error", "ok"]


def test_machine_off_sent_late_within_limit_or_missed(tmp_path, capsys, smtp):
    """(c) off on the reminder day: sent the next day marked "gửi muộn"; past the limit
    (2 days), recorded as missed and not sent."""
    plan, common = _setup(tmp_path, smtp.port)
    _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")
    # 16/9 start reminders: never run that day. 23/9 reminders: run one day late (24/9).
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-24T09:00", "--json")
    res = json.loads(out)
    missed = {(m["unit"], m["task"]) for m in res["missed"]}
    assert missed == {("pgd", "bao-cao"), ("p1", "bao-cao"), ("p2", "bao-cao")}  # 16/9: > 2 days
    assert {m["unit"] for m in res["sent"]} == {"pgd", "p1", "p2"}
    assert all(m["late"] for m in res["sent"])
    subjects = [m["Subject"] for m in smtp.sink.messages]
    assert len(subjects) == 3
    for s in subjects:
        assert s.endswith("(gửi muộn)")
        assert "Còn 6 ngày" in s  # counted from the day it is actually sent
    plain, html_part = body_parts(smtp.sink.messages[0])
    assert "gửi muộn" in plain and "gửi muộn" in html_part
    rc, out, _ = _run(capsys, "remind", "log", *common)
    assert "missed" not in out and "planned" not in out  # Vietnamese, not ledger codes
    assert "bỏ lỡ     bao-cao → pgd (nhắc ngày bắt đầu 16/09/2024): bỏ lỡ" in out
    assert "Lời nhắc theo trạng thái — bỏ lỡ: 3, chờ gửi: " in out
    assert out.rstrip().endswith("Lần gửi tới: 27/09/2024 07:30")
    # near the limit: the 27/9 07:30 reminders run on 29/9 07:29 (just under 2 days) still go
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-29T07:29", "--json")
    res = json.loads(out)
    # the 27/9 reminders ("còn 3 ngày"), counted from 29/9: one day left
    assert any("Còn 1 ngày" in m["subject"] and m["late"] for m in res["sent"])
    assert res["missed"] == []


def test_digest_escaping_attachment_and_password(tmp_path, capsys, smtp):
    """(e) & < > " arrive intact in every field; one digest per unit per day; the .ics is
    attached; the SMTP password is used but appears in no output, log or file."""
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port, user="nhacviec",
                              allow_plaintext_auth=True)  # a server on this machine
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    os.environ["KEHOACH_SMTP_PASSWORD"] = PASSWORD
    try:
        outputs = []
        for args in (["sync", str(plan), "--now", "2024-09-01", "--json"],
                     ["run-due", "--now", "2024-09-23T08:00", "--json"],
                     ["run-due", "--now", "2024-09-23T08:00"],
                     ["log", "--json"], ["log"], ["plan", str(plan), "--json"]):
            rc, out, err = _run(capsys, "remind", *args[:1], *args[1:], *common) \
                if args[0] != "plan" else _run(capsys, "remind", *args, "--settings", str(settings))
            assert rc == 0, err
            outputs.append(out + err)
    finally:
        del os.environ["KEHOACH_SMTP_PASSWORD"]
    assert smtp.sink.logins == [("nhacviec", PASSWORD)]  # really used to log in

    msgs = {m["To"]: m for m in smtp.sink.messages}
    assert set(msgs) == {"pgd@example.org", "p&1@example.org", "p2@example.org, p2b@example.org"}
    envelopes = dict((tuple(r), f) for f, r in smtp.sink.envelopes)
    assert envelopes[("p2@example.org", "p2b@example.org")] == "nhacviec@example.org"

    pgd = msgs["pgd@example.org"]
    # two reminders for pgd today (bao-cao and nhap): one mail, both tracked as sent
    assert pgd["Subject"] == f"[Nhắc việc] Còn 7 ngày: Báo cáo {NASTY} — hạn 30/9/2024 (và 1 việc khác)"
    assert pgd["From"].addresses[0].display_name == f"Nhắc việc {NASTY}"
    with sqlite3.connect(tmp_path / "db.sqlite") as c:
        rows = c.execute("SELECT r.state, m.msgid FROM reminders r JOIN messages m "
                         "ON m.id = r.message_id WHERE r.unit='pgd'").fetchall()
    assert len(rows) == 2 and {r[0] for r in rows} == {"sent"} and len({r[1] for r in rows}) == 1
    assert rows[0][1] == pgd["Message-ID"]

    plain, html_part = body_parts(pgd)
    for expected in (f"Kính gửi: Phòng {NASTY}", f"Báo cáo {NASTY}", f"Nộp báo cáo {NASTY}",
                     f"Kế hoạch số 12/KH-BCĐ ngày 05 tháng 02 năm 2024 của Ban Chỉ đạo {NASTY} về "
                     f"kế hoạch {NASTY} năm 2024", f"Phòng GDĐT {NASTY}", "024 <123> & 456",
                     f"Chị {NASTY}", "Nhập phần mềm"):
        assert expected in plain, expected
        if "<" in expected:
            assert expected not in html_part  # raw markup never reaches the HTML
        assert expected in _html_text(html_part), expected
    assert "&lt;c&gt;" in html_part and "&amp;" in html_part and "&quot;d&quot;" in html_part
    assert "<br>" not in plain and "<li>" not in plain  # a real plain-text part

    [ics] = [p for p in pgd.iter_attachments()]
    assert ics.get_filename() == "pgd.ics" and ics.get_content_type() == "text/calendar"
    import icalendar

    assert ics.get_content_charset() == "utf-8"
    cal = icalendar.Calendar.from_ical(ics.get_payload(decode=True))
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert any(f"Báo cáo {NASTY}" in s for s in summaries)

    # the password is nowhere: command outputs, ledger, outbox, any file in tmp_path
    blob = "\n".join(outputs)
    assert PASSWORD not in blob
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PASSWORD.encode() not in data, path
            assert PASSWORD.encode("utf-8").hex().encode() not in data, path
    for raw in smtp.sink.raw:
        assert PASSWORD.encode() not in raw


def test_missing_password_is_an_input_error(tmp_path, capsys, smtp):
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port, user="nhacviec",
                              allow_plaintext_auth=True)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    os.environ.pop("KEHOACH_SMTP_PASSWORD", None)
    _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")
    rc, out, err = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T08:00")
    assert rc == 2 and "KEHOACH_SMTP_PASSWORD" in err and "Traceback" not in err
    assert smtp.sink.raw == []
    # nothing was claimed: once the password is there, everything goes
    os.environ["KEHOACH_SMTP_PASSWORD"] = "x"
    try:
        rc, out, err = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T08:00")
    finally:
        del os.environ["KEHOACH_SMTP_PASSWORD"]
    assert rc == 0 and len(smtp.sink.raw) == 3


def test_login_without_tls_is_refused_unless_allowed(tmp_path, capsys):
    """security: none with a login would send the password in the clear: refused at the
    settings line, before any connection; allow_plaintext_auth: true (a server on this
    machine) lets it through."""
    server = SmtpServer().start()  # plain SMTP that would accept the login
    try:
        settings = write_settings(tmp_path / "settings.yaml", port=server.port, user="nhacviec")
        plan = write_plan(tmp_path / "kh.yaml")
        common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
        os.environ["KEHOACH_SMTP_PASSWORD"] = PASSWORD
        try:
            for argv in (["remind", "sync", str(plan), *common, "--now", "2024-09-01"],
                         ["remind", "run-due", str(plan), *common, "--now", "2024-09-23T08:00"],
                         ["remind", "plan", str(plan), "--settings", str(settings)]):
                rc = main(argv)
                out, err = capsys.readouterr()
                line = next(i for i, ln in enumerate(settings.read_text().splitlines(), 1)
                            if ln.strip().startswith("user:"))
                assert rc == 2 and f"{settings}:{line}:" in err and "smtp.user" in err, err
                assert "allow_plaintext_auth: true" in err and PASSWORD not in out + err
            assert server.sink.logins == [] and server.sink.raw == []
            assert not (tmp_path / "db.sqlite").exists()  # nothing claimed or queued

            settings = write_settings(tmp_path / "settings.yaml", port=server.port,
                                      user="nhacviec", allow_plaintext_auth=True)
            assert main(["remind", "run-due", str(plan), *common,
                         "--now", "2024-09-23T08:00"]) == 0
        finally:
            del os.environ["KEHOACH_SMTP_PASSWORD"]
    finally:
        server.stop()
    assert server.sink.logins == [("nhacviec", PASSWORD)] and len(server.sink.raw) == 3


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _html_text(page: str) -> str:
    p = _Text()
    p.feed(page)
    return re.sub(r"\s+", " ", "".join(p.parts))


def test_a_batch_goes_through_one_connection(tmp_path, capsys, smtp):
    """yagmail's one SMTP object serves the whole batch: every mail of a run-due comes over
    the same connection (one client port), logged in once."""
    wards = [f"p{i:02d}" for i in range(30)]
    units = {"pgd": {"name": "Phòng GDĐT", "email": "pgd@example.org"},
             "nhom": {"name": "Các phường", "kind": "nhom", "members": wards}}
    units.update({w: {"name": f"Phường {w}", "email": f"{w}@example.org"} for w in wards})
    plan = write_plan(tmp_path / "kh.yaml", units=units, tasks=[
        {"task": "Báo cáo (ngày 30/9/2024).", "id": "bao-cao", "summary": "Báo cáo",
         "deadline": "ngày 30/9/2024", "co_owners": ["nhom"]}])
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    assert main(["remind", "sync", str(plan), *common, "--now", "2024-09-01"]) == 0
    assert main(["remind", "run-due", *common, "--now", "2024-09-23T07:30"]) == 0
    capsys.readouterr()
    assert len(smtp.sink.raw) == 31 and len(set(smtp.sink.peers)) == 1
