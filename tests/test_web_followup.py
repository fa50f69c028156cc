"""The follow-up at the HTTP level: a unit's token opens only its own page and feed (another
unit's task, another plan, another year, a guessed or revoked token: the same 404, no
hint); tokens never reach a log line; files from units are kept in quarantine and only
ever downloaded; feeds answer 304; the store and the status file round-trip; the reports
reach the ledger at once; one reminder service per ledger."""

from __future__ import annotations

import logging
import re
import shutil
import stat
import subprocess
import sys
from datetime import date, datetime

import httpx2 as httpx
import pytest
import yaml

from tests.web_helpers import csrf_of, free_port, serve, workspace

PLAN = "ba-dinh-2024"
NOW = datetime(2024, 10, 20, 9, 0)


@pytest.fixture
def ws(tmp_path):
    root = workspace(tmp_path)
    # a second plan in the same workspace (same units): its links are its own
    shutil.copyfile(root / "plans" / f"{PLAN}.yaml", root / "plans" / "ba-dinh-2024-b.yaml")
    return root


@pytest.fixture
def app(ws):
    return client_now(ws)


def client_now(root):
    from starlette.testclient import TestClient

    from workflow.web.app import create_app

    return TestClient(create_app(root, now=NOW), raise_server_exceptions=False, follow_redirects=False)


def links(c, plan=PLAN) -> dict[str, str]:
    """unit label -> page path, as the office's page lists them."""
    html = c.get(f"/ke-hoach/{plan}/theo-doi").text
    rows = re.findall(r"<tr><td>([^<]+)</td><td><a href=\"http://[^/]+(/dv/[a-z2-7]+/\d{4})\"", html)
    return dict(rows)


def post(c, url: str, data: dict, files=None):
    page = c.get(url.rsplit("/", 1)[0] if url.endswith(("/bao-cao", "/so-lieu")) else url)
    return c.post(url, data={"csrf": csrf_of(page.text), **data}, files=files)


def test_a_token_opens_its_own_page_and_nothing_else(app):
    ln = links(app)
    kim_ma, cong_vi = ln["Phường Kim Mã"], ln["Phường Cống Vị"]
    other_plan = links(app, "ba-dinh-2024-b")["Phường Kim Mã"]
    assert other_plan != kim_ma
    ok = app.get(kim_ma)
    assert ok.status_code == 200 and "UBND phường Kim Mã" in ok.text and "Phường Cống Vị" not in ok.text
    token = kim_ma.split("/")[2]
    cv_token = cong_vi.split("/")[2]
    guessed = "a" * 22
    answers = {
        "guessed token": app.get(f"/dv/{guessed}/2024"),
        "malformed token": app.get("/dv/not-a-token/2024"),
        "another year": app.get(f"/dv/{token}/2025"),
        "another unit's feed": app.get(f"/lich/{PLAN}/p-cong-vi.ics?k={token}"),
        "another plan's feed": app.get(f"/lich/ba-dinh-2024-b/p-kim-ma.ics?k={token}"),
        "no token": app.get(f"/lich/{PLAN}/p-kim-ma.ics"),
        "guessed feed token": app.get(f"/lich/{PLAN}/p-kim-ma.ics?k={guessed}"),
    }
    for what, r in answers.items():
        assert r.status_code == 404, what
        assert "Kim Mã" not in r.text and "Cống Vị" not in r.text and "thu hồi" not in r.text, what
    pages = {r.text.split("<main")[1] for w, r in answers.items() if w in ("guessed token", "another year")}
    assert len(pages) == 1                                   # the same page: no telling why
    # a task of another unit, reported with Kim Mã's token
    r = post(app, f"{kim_ma}/bao-cao", {"task": "pgd-bao-cao", "on": "2024-10-10"})
    assert r.status_code == 404
    r = post(app, f"/dv/{cv_token}/2024/bao-cao", {"task": "phuong-lich-dieu-tra", "on": "2024-10-10"})
    assert r.status_code == 303
    fu = app.app.state.followup
    assert [(e.task, e.unit) for e in fu.status(PLAN).entries] == [("phuong-lich-dieu-tra", "p-cong-vi")]
    assert fu.status("ba-dinh-2024-b").entries == []
    # the tat-ca feed opens with any unit's token of that plan, not of another
    assert app.get(f"/lich/{PLAN}/tat-ca.ics?k={token}").status_code == 200
    assert app.get(f"/lich/ba-dinh-2024-b/tat-ca.ics?k={token}").status_code == 404


def test_a_revoked_link_stops_working(app):
    kim_ma = links(app)["Phường Kim Mã"]
    page = app.get(f"/ke-hoach/{PLAN}/theo-doi")
    r = app.post(f"/ke-hoach/{PLAN}/theo-doi/lien-ket", data={"csrf": csrf_of(page.text), "unit": "p-kim-ma"})
    assert r.status_code == 303
    assert app.get(kim_ma).status_code == 404
    fresh = links(app)["Phường Kim Mã"]
    assert fresh != kim_ma and app.get(fresh).status_code == 200


def test_unit_pages_need_no_account_but_office_pages_do(ws):
    from workflow.web.accounts import Accounts
    from workflow.workspace import Workspace

    c = client_now(ws)
    kim_ma = links(c)["Phường Kim Mã"]
    Accounts(Workspace(ws).state).add("lan", "mat-khau-dai")
    c = client_now(ws)
    assert c.get(kim_ma).status_code == 200
    assert c.get(f"/ke-hoach/{PLAN}/theo-doi").status_code == 303      # to the login page
    assert c.get(f"/ke-hoach/{PLAN}/tep-don-vi/1").status_code == 303
    r = c.get(f"/lich/{PLAN}/p-kim-ma.ics?k={kim_ma.split('/')[2]}")
    assert r.status_code == 200


def test_tokens_never_reach_the_access_log(ws):
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    keep = Keep()
    try:
        with serve(ws, access_log=True, now=NOW) as url:
            for name in ("uvicorn.access", "uvicorn.error"):   # uvicorn has set its loggers up by now
                logging.getLogger(name).addHandler(keep)
            c = httpx.Client(base_url=url, timeout=10)
            ln = links(c)
            path = ln["Phường Kim Mã"]
            token = path.split("/")[2]
            assert c.get(path).status_code == 200
            assert c.get(f"/lich/{PLAN}/p-kim-ma.ics?k={token}").status_code == 200
            assert c.get(f"/dv/{token[:-1]}x/2024").status_code == 404
    finally:
        for name in ("uvicorn.access", "uvicorn.error"):
            logging.getLogger(name).removeHandler(keep)
    text = "\n".join(records)
    assert "/dv/…/2024" in text and "p-kim-ma.ics?k=…" in text   # the requests were logged
    assert token not in text and token[:-1] not in text


def test_uploads_are_judged_by_content_quarantined_and_only_downloaded(app, ws):
    kim_ma = links(app)["Phường Kim Mã"]
    html = b"<html><script>alert(1)</script></html>"
    r = post(app, f"{kim_ma}/bao-cao", {"task": "phuong-lich-dieu-tra", "on": "2024-10-18"},
             files={"file": ("bien-ban.pdf", html, "application/pdf")})
    assert r.status_code == 422 and "chỉ nhận PDF" in r.text
    assert app.app.state.followup.status(PLAN).entries == []            # nothing recorded
    pdf = b"%PDF-1.4\n%%EOF\n"
    r = post(app, f"{kim_ma}/bao-cao", {"task": "phuong-lich-dieu-tra", "on": "2024-10-18", "note": "xong"},
             files={"file": ("../../bien ban.pdf", pdf, "text/html")})
    assert r.status_code == 303
    kept = list((ws / ".kehoach" / "cach-ly" / PLAN).iterdir())
    assert len(kept) == 1 and kept[0].suffix == "" and kept[0].read_bytes() == pdf
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    r = app.get(f"/ke-hoach/{PLAN}/tep-don-vi/1")
    assert r.status_code == 200 and r.content == pdf
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "bien%20ban.pdf" in r.headers["content-disposition"] and ".." not in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in r.headers["content-security-policy"]
    assert app.get("/ke-hoach/ba-dinh-2024-b/tep-don-vi/1").status_code == 404   # not that plan's


def test_a_report_in_the_future_or_a_long_note_is_refused(app):
    kim_ma = links(app)["Phường Kim Mã"]
    r = post(app, f"{kim_ma}/bao-cao", {"task": "phuong-lich-dieu-tra", "on": "2024-10-25"})
    assert r.status_code == 422 and "chưa đến" in r.text
    r = post(app, f"{kim_ma}/bao-cao", {"task": "phuong-lich-dieu-tra", "on": "2024-10-18", "note": "x" * 600})
    assert r.status_code == 422 and "ghi chú dài quá" in r.text
    assert app.app.state.followup.status(PLAN).entries == []


def test_feed_answers_304_and_changes_with_the_plan(app, ws):
    from icalendar import Calendar

    token = links(app)["Phường Kim Mã"].split("/")[2]
    url = f"/lich/{PLAN}/p-kim-ma.ics?k={token}"
    first = app.get(url)
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.content)
    assert any("Điều tra" in str(e.get("summary")) for e in cal.walk("VEVENT"))
    assert app.get(url, headers={"if-none-match": first.headers["etag"]}).status_code == 304
    assert app.get(url, headers={"if-modified-since": first.headers["last-modified"]}).status_code == 304
    again = client_now(ws).get(url)                      # a restart: the same bytes, the same tag
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    plan = ws / "plans" / f"{PLAN}.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "Từ ngày 05/9 đến ngày 30/9/2024", "Từ ngày 06/9 đến ngày 30/9/2024"), encoding="utf-8")
    changed = app.get(url, headers={"if-none-match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    seqs = [int(e.get("sequence")) for e in Calendar.from_ical(changed.content).walk("VEVENT")]
    assert 1 in seqs and 0 in seqs                        # the moved event, and the rest kept


def test_a_report_cancels_that_units_reminders_at_once(app):
    from workflow.reminders.ledger import Ledger

    fu = app.app.state.followup
    page = app.get(f"/ke-hoach/{PLAN}/nhac-viec")
    assert app.post(f"/ke-hoach/{PLAN}/nhac-viec/cap-nhat", data={"csrf": csrf_of(page.text)}).status_code == 303

    def planned(unit):
        with Ledger(fu.ledger) as led:
            return led.db.execute("SELECT COUNT(*) FROM reminders WHERE task='phuong-lich-dieu-tra' "
                                  "AND unit=? AND state='planned'", (unit,)).fetchone()[0]

    assert planned("p-kim-ma") > 0 and planned("p-cong-vi") > 0
    kim_ma = links(app)["Phường Kim Mã"]
    assert post(app, f"{kim_ma}/bao-cao", {"task": "phuong-lich-dieu-tra", "on": "2024-10-18"}).status_code == 303
    assert planned("p-kim-ma") == 0 and planned("p-cong-vi") > 0
    # reopened by the office: the reminders come back
    rid = fu.store.current(PLAN)[0].id
    page = app.get(f"/ke-hoach/{PLAN}/theo-doi")
    r = app.post(f"/ke-hoach/{PLAN}/theo-doi/xu-ly", data={"csrf": csrf_of(page.text), "report": rid,
                                                          "action": "reopened", "note": "thiếu biên bản"})
    assert r.status_code == 303 and planned("p-kim-ma") > 0
    assert "thiếu biên bản" in app.get(kim_ma).text


def test_status_file_round_trip_and_cli(ws, capsys):
    from workflow.cli import main

    plan = ws / "plans" / f"{PLAN}.yaml"
    sample = ws / "status" / f"{PLAN}.yaml"
    assert main(["status", "import", str(plan), str(sample)]) == 0
    out = ws / "xuat.yaml"
    assert main(["status", "export", str(plan), "-o", str(out)]) == 0
    from workflow.plan.loader import load_plan
    from workflow.plan.status import load_status

    lp = load_plan(plan)

    def entries(p):
        return sorted((e.task, e.unit, e.on, e.note) for e in load_status(p, lp).entries)

    assert entries(out) == entries(sample)
    # the exported file is what overdue --status reads: the same late pairs as from the sample
    rc_a = main(["overdue", str(plan), "--on", "2024-11-05", "--status", str(out), "--json"])
    a = capsys.readouterr().out
    rc_b = main(["overdue", str(plan), "--on", "2024-11-05", "--status", str(sample), "--json"])
    b = capsys.readouterr().out
    assert rc_a == rc_b == 1 and a.split('"status"')[1].split("\n", 1)[1] == b.split('"status"')[1].split("\n", 1)[1]
    # again: nothing changes; --replace with a shorter file reopens what it lacks
    assert main(["status", "import", str(plan), str(sample), "--json"]) == 0
    assert '"unchanged": 21' in capsys.readouterr().out
    short = ws / "ngan.yaml"
    short.write_text('done:\n  - {task: pgd-ke-hoach, "on": 2024-02-20}\n', encoding="utf-8")
    assert main(["status", "import", str(plan), str(short), "--replace", "--json"]) == 0
    assert len(yaml.safe_load(capsys.readouterr().out)["reopened"]) == 20
    bad = ws / "sai.yaml"
    bad.write_text('done:\n  - {task: khong-co, "on": 2024-02-20}\n', encoding="utf-8")
    assert main(["status", "import", str(plan), str(bad)]) == 2
    assert "sai.yaml:2" in capsys.readouterr().err and "khong-co" in bad.read_text()
    loose = ws.parent / "ke-hoach.yaml"
    shutil.copyfile(plan, loose)
    assert main(["status", "export", str(loose)]) == 2
    assert "không nằm trong thư mục làm việc" in capsys.readouterr().err


def test_one_reminder_service_per_ledger(ws, tmp_path):
    from workflow.errors import InputError
    from workflow.reminders import lock
    from workflow.reminders.server import Scheduler
    from workflow.workspace import Workspace
    from workflow.workspace.followup import FollowUp

    fu = FollowUp(Workspace(ws))
    first = Scheduler(db=fu.ledger, settings=fu.settings())
    first.start()
    import time

    deadline = time.monotonic() + 20
    while first.service.runs < 1 and time.monotonic() < deadline:  # its first batch is done
        time.sleep(0.05)
    try:
        with pytest.raises(InputError, match="mỗi tiến trình chỉ chạy một"):
            Scheduler(db=fu.ledger, settings=fu.settings()).start()
    finally:
        first.stop()
    # another process holds the ledger: kehoach web refuses to start (exit 2), unless --no-scheduler
    with lock.hold(fu.ledger, "serve"):
        r = subprocess.run([sys.executable, "-m", "workflow", "web", str(ws), "--no-browser",
                            "--port", str(free_port())], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, r.stderr
        assert "mỗi sổ chỉ chạy một tiến trình" in r.stderr and "--no-scheduler" in r.stderr


def test_a_public_url_needs_accounts_and_must_be_an_address(ws):
    (ws / "settings.yaml").write_text("web:\n  public_url: https://phocap.example.org\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "workflow", "web", str(ws), "--no-browser", "--no-scheduler",
                        "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "web user add" in r.stderr
    (ws / "settings.yaml").write_text("web:\n  public_url: phocap.example.org/?a=1\n", encoding="utf-8")
    from workflow.errors import InputError
    from workflow.reminders.settings import load_settings

    with pytest.raises(InputError) as e:
        load_settings(ws / "settings.yaml")
    assert "settings.yaml:2" in str(e.value.problems[0]) and "web.public_url" in str(e.value.problems[0])


def test_triển_khai_letters_carry_each_units_link_and_qr(ws):
    from docx import Document

    from workflow.documents.qr import qr_png
    from workflow.workspace import Workspace, actions
    from workflow.workspace.followup import FollowUp

    (ws / "settings.yaml").write_text("web:\n  public_url: https://phocap.example.org/\n", encoding="utf-8")
    fu = FollowUp(Workspace(ws))
    res = actions.build_plan(fu.ws, PLAN, followup=fu)
    letters = {p.name: p for k, p in res.outputs if k == "cong-van-don-vi"}
    target = letters[f"{PLAN}-cong-van-trien-khai-p-kim-ma.docx"]
    assert f"{PLAN}-cong-van-trien-khai-ubnd-phuong.docx" not in letters     # a group: each member
    doc = Document(target)
    texts = [p.text for p in doc.paragraphs]
    token = fu.store.token_of(fu.key(), PLAN, "p-kim-ma")
    url = f"https://phocap.example.org/dv/{token}/2024"
    assert url in texts and "UBND phường Kim Mã" in "\n".join(texts)
    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    assert blobs == [qr_png(url)]
    assert client_now(ws).get(f"/dv/{token}/2024").status_code == 200


def test_trial_mail_reaches_the_address_with_the_units_link(ws):
    from tests.remind_helpers import SmtpServer

    smtp = SmtpServer().start()
    try:
        (ws / "settings.yaml").write_text(yaml.safe_dump({"smtp": {
            "host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout_seconds": 5}}),
            encoding="utf-8")
        c = client_now(ws)
        kim_ma = links(c)["Phường Kim Mã"]
        page = c.get(f"/ke-hoach/{PLAN}/nhac-viec")
        r = c.post(f"/ke-hoach/{PLAN}/nhac-viec/gui-thu", data={
            "csrf": csrf_of(page.text), "unit": "p-kim-ma", "to": "chuyenvien@badinh.example.org"})
        assert r.status_code == 303, r.text[:500]
        [m] = smtp.sink.messages
        assert str(m["Subject"]).startswith("[Thư thử] [Nhắc việc]")
        assert str(m["To"]) == "chuyenvien@badinh.example.org"
        assert kim_ma in m.get_body(preferencelist=("plain",)).get_content()
        r = c.post(f"/ke-hoach/{PLAN}/nhac-viec/gui-thu", data={
            "csrf": csrf_of(page.text), "unit": "p-kim-ma", "to": "khong-phai-dia-chi"})
        assert r.status_code == 422 and "không phải địa chỉ thư" in r.text
    finally:
        smtp.stop()


def test_a_workbook_from_another_unit_or_not_a_workbook_is_refused(app, ws):
    from workflow.workspace import figures

    page = app.get(f"/ke-hoach/{PLAN}/so-lieu")
    r = app.post(f"/ke-hoach/{PLAN}/so-lieu/mo", data={
        "csrf": csrf_of(page.text), "start": "2024-10-01", "deadline": "2024-10-31",
        "unit": ["p-kim-ma", "p-cong-vi"], "criteria": "nd20-2014", "previous": "stats/ba-dinh-2023.csv"})
    assert r.status_code == 303
    fu = app.app.state.followup
    kim_ma = links(app)["Phường Kim Mã"]
    theirs = figures.unit_workbook(fu, PLAN, "p-cong-vi")
    r = post(app, f"{kim_ma}/so-lieu", {}, files={"file": ("cong-vi.xlsx", theirs, "application/octet-stream")})
    assert r.status_code == 422 and "chỉ ghi số liệu của Phường Kim Mã" in r.text
    r = post(app, f"{kim_ma}/so-lieu", {}, files={"file": ("so-lieu.xlsx", b"don_vi,mn5_tong\n", "text/csv")})
    assert r.status_code == 422 and "Excel (.xlsx)" in r.text
    # the collection is an obligation: the units owe it by the deadline, the ledger reminds them
    lp, obs = fu.obligations(PLAN)
    owed = {(o.unit, o.due) for o in obs if o.task.id == "gui-so-lieu-thang-10" and o.leaf}
    assert owed == {("p-kim-ma", date(2024, 10, 31)), ("p-cong-vi", date(2024, 10, 31))}


def test_kehoach_web_sends_due_mails_with_each_units_link(ws):
    """The scheduler runs inside kehoach web: started on a day reminders are due, it sends
    them at once (to a real SMTP server), each with its unit's own link; SIGTERM stops it."""
    import signal
    import time

    from tests.remind_helpers import SmtpServer
    from workflow.workspace import Workspace
    from workflow.workspace.followup import FollowUp

    smtp = SmtpServer().start()
    try:
        (ws / "settings.yaml").write_text(yaml.safe_dump({"smtp": {
            "host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout_seconds": 5}}),
            encoding="utf-8")
        FollowUp(Workspace(ws), now=NOW).sync(PLAN)            # the office turned reminders on
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "workflow", "web", str(ws), "--no-browser",
                                 "--port", str(port), "--now", "2024-10-24T08:00"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            up = False
            while not (up and smtp.sink.messages) and time.monotonic() < deadline and proc.poll() is None:
                try:
                    up = up or httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        mails = smtp.sink.messages
        assert mails, out + err
        kim_ma = [m for m in mails if "kimma@" in str(m["To"])]
        assert kim_ma
        body = kim_ma[0].get_body(preferencelist=("plain",)).get_content()
        fu = FollowUp(Workspace(ws))
        token = fu.store.token_of(fu.key(), PLAN, "p-kim-ma")
        assert f"http://127.0.0.1:{port}/dv/{token}/2024" in body
        assert token not in out + err                         # nor in what the server printed
    finally:
        smtp.stop()
