"""kehoach remind plan / sync / settings: who gets what when, plan changes, done tasks."""

from __future__ import annotations

import json
import sqlite3

import pytest
import yaml

from tests.remind_helpers import SmtpServer, write_plan, write_settings
from tests.remind_helpers import run as _run


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def test_plan_lists_reminders_per_unit_and_warns_about_missing_address(tmp_path, capsys):
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    rc, out, err = _run(capsys, "remind", "plan", str(plan), "--settings", str(settings), "--json")
    assert rc == 0
    data = json.loads(out)
    units = {u["unit"]: u for u in data["units"]}
    # the group "nhom" is replaced by its members, each with their own addresses
    assert set(units) == {"pgd", "p1", "p2", "khong-thu"}
    assert units["p2"]["emails"] == ["p2@example.org", "p2b@example.org"]
    p1 = [(r["due"][:16], r["kind"], r["task"]) for r in units["p1"]["reminders"]]
    # "còn 1 ngày" falls on Sunday 29/9: it goes on Friday 27/9, where it replaces "còn 3 ngày"
    assert p1 == [("2024-09-16T07:30", "bat-dau", "bao-cao"), ("2024-09-23T07:30", "con-7", "bao-cao"),
                  ("2024-09-27T07:30", "con-1", "bao-cao"), ("2024-09-30T07:30", "han-cuoi", "bao-cao")]
    # a one-day deadline has no separate "starts today" reminder
    assert [r["kind"] for r in units["pgd"]["reminders"] if r["task"] == "nhap"] == \
        ["con-7", "con-1", "han-cuoi"]  # con-1 moved from Sunday onto con-3's Friday
    assert units["pgd"]["reminders"][0]["status"] == "Bắt đầu hôm nay"
    assert all(not r["sendable"] for r in units["khong-thu"]["reminders"])
    assert "thuong-xuyen" in data["undated_tasks"]
    [w] = data["warnings"]
    assert w["severity"] == "warning" and "khong-thu" in w["message"]
    # the text form shows the warning too, and still exits 0
    rc, out, err = _run(capsys, "remind", "plan", str(plan), "--settings", str(settings))
    assert rc == 0 and "không có địa chỉ thư" in err and "KHÔNG CÓ ĐỊA CHỈ THƯ" in out


def test_settings_errors_are_all_reported_with_positions(tmp_path, capsys):
    bad = tmp_path / "settings.yaml"
    bad.write_text("reminders:\n  offsets: [7, -1]\n  send_at: '25:00'\n  retri: 3\n"
                   "smtp:\n  security: tls\n", encoding="utf-8")
    plan = write_plan(tmp_path / "kh.yaml")
    rc, out, err = _run(capsys, "remind", "sync", str(plan), "--settings", str(bad),
                        "--db", str(tmp_path / "db.sqlite"))
    assert rc == 2
    assert f"{bad}:2:" in err and "reminders.offsets" in err
    assert f"{bad}:3:" in err and "reminders.send_at" in err
    assert f"{bad}:4:3: reminders.retri" in err and "có phải 'retry'" in err
    assert f"{bad}:6:" in err and "smtp.security" in err
    assert "Traceback" not in err
    assert not (tmp_path / "db.sqlite").exists()


def test_shipped_settings_file_is_valid():
    from workflow.reminders.settings import load_settings

    s = load_settings("config/settings.yaml")
    assert s.timezone == "Asia/Ho_Chi_Minh" and s.reminders.offsets == [7, 3, 1, 0]
    assert s.reminders.late_limit_days == 2 and s.smtp.host is None
    assert "password" not in yaml.safe_load(open("config/settings.yaml", encoding="utf-8"))["smtp"]


def test_plan_change_between_syncs(tmp_path, capsys, smtp):
    """(d) a removed task gets no mail; a moved deadline is used at its new date."""
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port)
    db = tmp_path / "db.sqlite"
    common = ["--db", str(db), "--settings", str(settings)]
    assert _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")[0] == 0

    # change: "nhap" removed; "bao-cao" moved from 30/9 to 10/10
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    tasks = data["implementation"][0]["content"]
    tasks[:] = [t for t in tasks if t["id"] != "nhap"]
    tasks[0]["deadline"] = "từ ngày 16/9 đến ngày 10/10/2024"
    tasks[0]["task"] = tasks[0]["task"].replace("30/9/2024", "10/10/2024")
    plan.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rc, out, _ = _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-02", "--json")
    res = json.loads(out)
    reasons = {c["key"].split("|")[1]: c["reason"] for c in res["cancelled"]}
    assert reasons["nhap"] == "nhiệm vụ đã bỏ khỏi kế hoạch"
    assert reasons["bao-cao"] == "thời hạn đã thay đổi"
    assert res["added"] > 0

    # the old "7 days before 30/9" day: nothing for the removed or moved task
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T08:00", "--json")
    assert rc == 0 and json.loads(out)["sent"] == []
    assert smtp.sink.raw == []
    # the new "7 days before 10/10" day: the moved task, with its new date
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-10-03T08:00", "--json")
    sent = json.loads(out)["sent"]
    assert {m["unit"] for m in sent} == {"pgd", "p1", "p2"}
    for m in smtp.sink.messages:
        assert "Còn 7 ngày" in m["Subject"] and "hạn 10/10/2024" in m["Subject"]
        assert "Nhập phần mềm" not in m.get_body(("plain",)).get_content()


def test_done_task_gets_nothing(tmp_path, capsys, smtp):
    """(e) a task marked done in the status file gets no reminder (for that unit only)."""
    plan = write_plan(tmp_path / "kh.yaml")
    status = tmp_path / "status.yaml"
    status.write_text("done:\n  - task: nhap\n    'on': 2024-09-20\n"
                      "  - task: bao-cao\n    unit: p1\n    'on': 2024-09-21\n", encoding="utf-8")
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    rc, out, _ = _run(capsys, "remind", "run-due", str(plan), "--status", str(status), *common,
                      "--now", "2024-09-23T07:31", "--json")
    assert rc == 0
    res = json.loads(out)
    assert {m["unit"] for m in res["sent"]} == {"pgd", "p2"}
    subjects = [m["Subject"] for m in smtp.sink.messages]
    assert len(subjects) == 2 and not any("Nhập phần mềm" in s for s in subjects)
    assert all("việc khác" not in s for s in subjects)  # pgd: only bao-cao left
    # marking a task done later cancels what is still planned for it
    status.write_text("done:\n  - task: bao-cao\n    'on': 2024-09-24\n", encoding="utf-8")
    rc, out, _ = _run(capsys, "remind", "sync", str(plan), "--status", str(status), *common,
                      "--now", "2024-09-24T09:00", "--json")
    reasons = {c["reason"] for c in json.loads(out)["cancelled"] if "|bao-cao|" in c["key"]}
    assert reasons == {"đơn vị đã hoàn thành nhiệm vụ"}
    _run(capsys, "remind", "run-due", *common, "--now", "2024-09-30T08:00")
    assert not any("Báo cáo" in m["Subject"] for m in smtp.sink.messages[2:])


def test_dry_run_sends_and_writes_nothing(tmp_path, capsys, smtp):
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port)
    db = tmp_path / "db.sqlite"
    common = ["--db", str(db), "--settings", str(settings)]
    rc, out, _ = _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01", "--dry-run")
    assert rc == 0 and "Xem trước" in out and "thêm 19" in out  # 23 less 4 met on a Friday
    assert not db.exists()  # not even an empty ledger
    _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T08:00",
                      "--dry-run", "--json")
    res = json.loads(out)
    assert res["dry_run"] and len(res["sent"]) == 3
    assert smtp.sink.raw == []
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0
        assert c.execute("SELECT COUNT(*) FROM reminders WHERE state != 'planned'").fetchone()[0] == 0
    # and the real run then sends exactly what the dry run announced
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T08:00", "--json")
    assert sorted(m["subject"] for m in json.loads(out)["sent"]) == \
        sorted(m["subject"] for m in res["sent"])
    assert len(smtp.sink.raw) == 3


def test_sample_plan_runs_without_a_server(tmp_path, capsys, monkeypatch):
    """`kehoach remind run-due --now …` on the sample plan writes into the Maildir outbox."""
    import email
    import email.policy
    import mailbox
    from pathlib import Path

    root = Path.cwd()
    monkeypatch.chdir(tmp_path)
    rc, out, _ = _run(capsys, "remind", "run-due", str(root / "config/plans/ba-dinh-2024.yaml"),
                      "--settings", str(root / "config/settings.yaml"), "--now", "2024-09-23")
    assert rc == 0, out
    box = mailbox.Maildir(str(tmp_path / ".kehoach/hop-thu-di"), create=False)
    msgs = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]
    # 14 wards, Phòng GDĐT, schools MN-TH, and the THCS and THPT schools for the quarterly
    # self-check whose calendar deadline is the quarter's last day: one digest each
    assert len(msgs) == 18
    assert all(m["Subject"].startswith("[Nhắc việc] ") for m in msgs)
    # run again at the same moment: nothing new
    rc, out, _ = _run(capsys, "remind", "run-due", "--settings", str(root / "config/settings.yaml"),
                      "--now", "2024-09-23")
    assert "gửi 0 thư" in out and len(list(box)) == 18


def test_mail_waiting_for_a_retry_loses_a_task_removed_meanwhile(tmp_path, capsys, smtp):
    """(d) The server was down, so the 23/9 digests wait for a retry; then the plan drops
    'nhap' and p1 finishes 'bao-cao'. When the server is back: p1 gets nothing, pgd gets a new
    digest without the removed task, p2 gets its mail as composed."""
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port)
    db = tmp_path / "db.sqlite"
    common = ["--db", str(db), "--settings", str(settings)]
    assert _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")[0] == 0
    smtp.stop()
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T07:30", "--json")
    assert rc == 1 and len(json.loads(out)["failed"]) == 3
    smtp.start()

    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    tasks = data["implementation"][0]["content"]
    tasks[:] = [t for t in tasks if t["id"] != "nhap"]
    plan.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    status = tmp_path / "status.yaml"
    status.write_text("done:\n  - task: bao-cao\n    unit: p1\n    'on': 2024-09-23\n", encoding="utf-8")
    rc, out, _ = _run(capsys, "remind", "sync", str(plan), "--status", str(status), *common,
                      "--now", "2024-09-23T07:40", "--json")
    cancelled = {tuple(c["key"].split("|")[1:4]): c["reason"] for c in json.loads(out)["cancelled"]}
    assert cancelled[("nhap", "pgd", "con-7")] == "nhiệm vụ đã bỏ khỏi kế hoạch"
    assert cancelled[("bao-cao", "p1", "con-7")] == "đơn vị đã hoàn thành nhiệm vụ"

    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T07:50", "--json")
    assert rc == 0
    assert sorted(m["unit"] for m in json.loads(out)["sent"]) == ["p2", "pgd"]
    msgs = {m["To"]: m for m in smtp.sink.messages}
    assert set(msgs) == {"pgd@example.org", "p2@example.org, p2b@example.org"}
    pgd = msgs["pgd@example.org"]
    assert "Nhập phần mềm" not in pgd.get_body(("plain",)).get_content()
    assert "việc khác" not in pgd["Subject"] and "gửi muộn" not in pgd["Subject"]
    rc, out, _ = _run(capsys, "remind", "log", *common)
    assert "thư chưa gửi được đã hủy vì kế hoạch đổi; 1 lời nhắc còn lại" in out
    # nothing is left to go later
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T12:00", "--json")
    assert json.loads(out)["sent"] == [] and len(smtp.sink.raw) == 2


def test_plan_text_reads_as_a_calendar_per_unit(tmp_path, capsys):
    """`remind plan` groups each unit's reminders by sending day (one mail a day), with the
    weekday and a Vietnamese date; --from keeps what is still to come."""
    plan = write_plan(tmp_path / "kh.yaml")
    settings = write_settings(tmp_path / "settings.yaml", port=None)
    rc, out, err = _run(capsys, "remind", "plan", str(plan), "--settings", str(settings),
                        "--unit", "pgd", "--from", "2024-09-23")
    assert rc == 0, err
    assert "Nhắc vào ngày bắt đầu của một khoảng thời gian, trước hạn cuối 7, 3, 1 ngày và " \
           "đúng ngày hạn cuối; gửi lúc 07:30; mỗi đơn vị mỗi ngày một thư." in out
    assert "  7 thư, 10 lời nhắc\n" in out  # Sunday's reminders go on the Friday before
    assert "  Thứ Hai, 23/09/2024 lúc 07:30\n      Còn 7 ngày: Báo cáo" in out
    assert "16/09/2024" not in out and "2024-09" not in out  # --from; no ISO dates
    assert out.count("Thứ Hai, 30/09/2024") == 1  # two tasks that day: one heading, one mail
    assert "Thứ Sáu, 11/10/2024 lúc 07:30\n      Còn 4 ngày: Hồ sơ" in out  # from Saturday 12/10
    assert "Tổng: 7 thư (10 lời nhắc) cho 1 đơn vị" in out
    rc, out, err = _run(capsys, "remind", "plan", str(plan), "--settings", str(settings),
                        "--from", "23/9")
    assert rc == 2 and "--from: không hiểu thời điểm '23/9'" in err


def test_renamed_copy_of_a_plan_replaces_its_reminders(tmp_path, capsys, smtp):
    """The ledger knows a plan by its identity, not its file name: syncing a renamed copy
    must not queue every reminder a second time."""
    import shutil

    plan = write_plan(tmp_path / "kh.yaml")
    copy = tmp_path / "kh-ban-sua.yaml"
    shutil.copy(plan, copy)
    settings = write_settings(tmp_path / "settings.yaml", port=smtp.port)
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    assert _run(capsys, "remind", "sync", str(plan), *common, "--now", "2024-09-01")[0] == 0
    rc, out, _ = _run(capsys, "remind", "sync", str(copy), *common, "--now", "2024-09-01", "--json")
    assert rc == 0 and json.loads(out)["added"] == 0
    rc, out, _ = _run(capsys, "remind", "run-due", *common, "--now", "2024-09-23T08:00", "--json")
    sent = json.loads(out)["sent"]
    assert sent and len(smtp.sink.messages) == len({m["unit"] for m in sent})
