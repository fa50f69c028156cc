"""Publishing to a real CalDAV server: Radicale on 127.0.0.1, started by the test."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from calendar_helpers import VP_TASKS, parse_both, write_plan

from workflow.calendars.events import plan_key
from workflow.cli import main
from workflow.plan.loader import load_plan

USER, PASSWORD = "vanphong", "mat-khau-thu"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def radicale(tmp_path):
    """A Radicale server with temporary storage and plain htpasswd auth; yields its URL."""
    port = _free_port()
    (tmp_path / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    (tmp_path / "config").write_text("[logging]\nlevel = warning\n", encoding="utf-8")
    log = open(tmp_path / "radicale.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(tmp_path / "config"),
         "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(tmp_path / "store"),
         "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(tmp_path / "users"),
         "--auth-htpasswd-encryption", "plain"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Radicale did not start: " + (tmp_path / "radicale.log").read_text())
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
        log.close()


def _server_events(url: str) -> dict[str, dict[str, object]]:
    """{collection id: {UID: icalendar VEVENT}} read back over CalDAV."""
    import caldav

    out: dict[str, dict] = {}
    with caldav.DAVClient(url=url, username=USER, password=PASSWORD) as client:
        for cal in client.principal().calendars():
            cid = str(cal.url).rstrip("/").rsplit("/", 1)[-1]
            evs = {}
            for obj in cal.get_events():
                parse_both(obj.data.encode())  # each stored object is valid for both parsers
                comp = obj.get_icalendar_component()
                uid = str(comp["UID"])
                assert uid not in evs, f"duplicate UID {uid} in {cid}"
                evs[uid] = comp
            out[cid] = evs
    return out


def _publish(plan: Path, url: str, out: Path, capsys, *extra: str) -> tuple[int, str]:
    rc = main(["calendar", "publish", str(plan), "--url", url, "--user", USER, "-o", str(out), *extra])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


def test_publish_update_delete_idempotent(radicale, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KEHOACH_CALDAV_PASSWORD", PASSWORD)
    plan = write_plan(tmp_path / "p")
    out = tmp_path / "cal"
    rc, text = _publish(plan, radicale, out, capsys)
    assert rc == 0, text
    lp = load_plan(plan)
    first = _server_events(radicale)
    assert set(first) == {"vp", "truong-a", "truong-b", "cac-truong", "tat-ca"}
    # the server holds exactly the events of the files
    for unit, evs in first.items():
        cal, _ = parse_both((out / f"{unit}.ics").read_bytes())
        assert set(evs) == {str(e["UID"]) for e in cal.walk("VEVENT")}, unit
    de_nghi = [u for u, e in first["vp"].items() if "de-nghi" in str(e["DESCRIPTION"])]
    assert len(de_nghi) == 1
    assert first["vp"][de_nghi[0]].decoded("DTSTART") == date(2024, 11, 4)

    # an event someone else put in the same collection must survive our deletions
    import caldav
    with caldav.DAVClient(url=radicale, username=USER, password=PASSWORD) as client:
        vp = next(c for c in client.principal().calendars() if str(c.url).rstrip("/").endswith("/vp"))
        vp.add_event("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//x//EN\r\nBEGIN:VEVENT\r\n"
                     "UID:foreign-1@example.org\r\nDTSTAMP:20240101T000000Z\r\n"
                     "DTSTART;VALUE=DATE:20240115\r\nSUMMARY:Họp giao ban\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")

    # publish again unchanged: nothing written
    rc, text = _publish(plan, radicale, out, capsys, "--json")
    assert rc == 0 and '"created": 0' in text and '"updated": 0' in text and '"deleted": 0' in text

    # move one deadline, remove one task
    moved = [VP_TASKS[0], VP_TASKS[1].replace("05/11/2024", "15/11/2024")]
    write_plan(tmp_path / "p", vp_tasks=moved)
    rc, text = _publish(plan, radicale, out, capsys)
    assert rc == 0, text
    second = _server_events(radicale)
    assert set(second["vp"]) == (set(first["vp"]) - {u for u, e in first["vp"].items()
                                                     if "bao-cao-nam" in str(e["DESCRIPTION"])}
                                 ) | {"foreign-1@example.org"}
    ev = second["vp"][de_nghi[0]]  # same UID, moved, SEQUENCE 1
    assert ev.decoded("DTSTART") == date(2024, 11, 14) and int(ev["SEQUENCE"]) == 1
    untouched = [u for u in second["truong-a"]]
    assert all(int(second["truong-a"][u]["SEQUENCE"]) == 0 for u in untouched)
    assert all(u.startswith(plan_key(lp)) for c in second.values() for u in c if "example.org" not in u)

    # and once more: idempotent, SEQUENCE not bumped by the client library
    rc, text = _publish(plan, radicale, out, capsys, "--json")
    assert '"created": 0' in text and '"updated": 0' in text and '"deleted": 0' in text
    assert int(_server_events(radicale)["vp"][de_nghi[0]]["SEQUENCE"]) == 1


def test_wrong_password_is_a_clear_error(radicale, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KEHOACH_CALDAV_PASSWORD", "sai")
    rc, text = _publish(write_plan(tmp_path / "p"), radicale, tmp_path / "cal", capsys)
    assert rc == 2 and "KEHOACH_CALDAV_PASSWORD" in text and "Traceback" not in text


def test_unreachable_server_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("KEHOACH_CALDAV_PASSWORD", raising=False)
    url = f"http://127.0.0.1:{_free_port()}/"
    rc, text = _publish(write_plan(tmp_path / "p"), url, tmp_path / "cal", capsys)
    assert rc == 2 and "không kết nối được" in text and url in text
    # in words a chuyên viên can act on, not the HTTP library's internals
    assert "máy chủ từ chối kết nối" in text and "HTTPConnectionPool" not in text
    rc, text = _publish(write_plan(tmp_path / "p"), "http://may-chu-khong-co.invalid/", tmp_path / "cal", capsys)
    assert rc == 2 and "không tìm thấy máy chủ 'may-chu-khong-co.invalid'" in text


def test_password_is_not_a_command_line_option(radicale, tmp_path, monkeypatch, capsys):
    """Against a live server that would accept the password: refused as an unknown option,
    before anything is written or sent; the help names the environment variable instead."""
    monkeypatch.delenv("KEHOACH_CALDAV_PASSWORD", raising=False)
    out = tmp_path / "cal"
    rc = main(["calendar", "publish", str(write_plan(tmp_path / "p")), "--url", radicale,
               "--user", USER, "-o", str(out), "--password", PASSWORD])
    err = capsys.readouterr().err
    assert rc == 2 and "không có tùy chọn '--password'" in err, err
    assert not out.exists() and _server_events(radicale) == {}
    assert main(["calendar", "publish", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--password" not in help_text and "KEHOACH_CALDAV_PASSWORD" in help_text


@pytest.mark.parametrize("url", ["http://{user}:{pw}@{host}/", "https://{user}:{pw}@{host}/cal/",
                                 "ftp://{user}:{pw}@{host}/", "http://{user}:{pw}@{host}:bad/"])
def test_password_written_in_the_url_is_refused_and_never_echoed(radicale, tmp_path, monkeypatch,
                                                                 capsys, url):
    monkeypatch.delenv("KEHOACH_CALDAV_PASSWORD", raising=False)
    host = radicale.split("//", 1)[1].rstrip("/")
    url = url.format(user=USER, pw=PASSWORD, host=host)
    out = tmp_path / "cal"
    rc = main(["calendar", "publish", str(write_plan(tmp_path / "p")), "--url", url,
               "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert rc == 2, captured.err
    assert PASSWORD not in captured.out + captured.err
    assert "--url" in captured.err and "Traceback" not in captured.err
    if url.startswith("http"):
        assert "KEHOACH_CALDAV_PASSWORD" in captured.err and ":***@" in captured.err
    assert not out.exists() and _server_events(radicale) == {}  # nothing written, nothing sent


def test_changed_plan_identity_replaces_old_events_on_the_server(radicale, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KEHOACH_CALDAV_PASSWORD", PASSWORD)
    plan = write_plan(tmp_path / "p")
    out = tmp_path / "cal"
    assert _publish(plan, radicale, out, capsys)[0] == 0
    before = _server_events(radicale)
    write_plan(tmp_path / "p", calendar="id: phuong-thu-pcgd-2024")
    rc, text = _publish(plan, radicale, out, capsys)
    assert rc == 0, text
    after = _server_events(radicale)
    new_key = plan_key(load_plan(plan))
    for unit, evs in after.items():
        assert len(evs) == len(before[unit]), unit  # replaced, not duplicated
        assert all(uid.startswith(new_key) for uid in evs)
        assert not set(evs) & set(before[unit])
