"""SMTP over TLS against a real aiosmtpd server with a self-signed certificate: STARTTLS and
implicit SSL deliver (and log in) only over TLS, and an untrusted certificate is refused
before the password is sent."""

from __future__ import annotations

import json
import os
import shutil
import ssl

import pytest

from tests.remind_helpers import SmtpServer, self_signed_cert, write_plan, write_settings
from workflow.cli import main

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

PASSWORD = "tls-Mk&<bi-mat>"


@pytest.fixture
def cert(tmp_path):
    return self_signed_cert(tmp_path)


def _server_context(cert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*cert)
    return ctx


def _run_day(tmp_path, capsys, settings) -> tuple[int, dict, str]:
    plan = write_plan(tmp_path / "kh.yaml")
    common = ["--db", str(tmp_path / "db.sqlite"), "--settings", str(settings)]
    os.environ["KEHOACH_SMTP_PASSWORD"] = PASSWORD
    try:
        assert main(["remind", "sync", str(plan), *common, "--now", "2024-09-01"]) == 0
        capsys.readouterr()
        rc = main(["remind", "run-due", *common, "--now", "2024-09-23T08:00", "--json"])
    finally:
        del os.environ["KEHOACH_SMTP_PASSWORD"]
    out, err = capsys.readouterr()
    return rc, json.loads(out), out + err


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_the_servers_certificate_delivers_over_tls(tmp_path, capsys, cert, security):
    ctx = _server_context(cert)
    tls = {"tls_context": ctx, "require_starttls": True} if security == "starttls" \
        else {"ssl_context": ctx}
    server = SmtpServer(**tls).start()
    try:
        settings = write_settings(tmp_path / "settings.yaml", port=server.port, user="nhacviec",
                                  security=security, ca_file=cert[0])
        rc, res, _ = _run_day(tmp_path, capsys, settings)
    finally:
        server.stop()
    assert rc == 0 and len(res["sent"]) == 3 and res["transport"] == "smtp", res["failed"][0]["error"]
    assert len(server.sink.raw) == 3 and all(server.sink.tls)
    assert server.sink.logins == [("nhacviec", PASSWORD)]


def test_untrusted_certificate_is_refused_before_login(tmp_path, capsys, cert):
    """Without smtp.ca_file the self-signed certificate is not trusted: nothing is sent, the
    password never leaves, the error says what to do, and the mails wait for a retry."""
    server = SmtpServer(tls_context=_server_context(cert), require_starttls=True).start()
    try:
        settings = write_settings(tmp_path / "settings.yaml", port=server.port, user="nhacviec",
                                  security="starttls")
        rc, res, text = _run_day(tmp_path, capsys, settings)
    finally:
        server.stop()
    assert rc == 1 and res["sent"] == []
    assert server.sink.raw == [] and server.sink.logins == []
    first = res["failed"][0]
    assert "chứng chỉ không tin cậy" in first["error"] and "smtp.ca_file" in first["error"]
    assert first["next_try"].startswith("2024-09-23T08:05")
    assert PASSWORD not in text


def test_missing_ca_file_is_a_settings_error(tmp_path, capsys):
    settings = tmp_path / "settings.yaml"
    settings.write_text("smtp:\n  host: mail.example.org\n  ca_file: khong-co.pem\n", encoding="utf-8")
    rc = main(["remind", "plan", str(write_plan(tmp_path / "kh.yaml")), "--settings", str(settings)])
    err = capsys.readouterr().err
    assert rc == 2 and f"{settings}:3:" in err and "smtp.ca_file" in err and "khong-co.pem" in err

