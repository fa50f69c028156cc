"""Fixtures for the reminder tests: a real SMTP server (aiosmtpd) on 127.0.0.1, small plans
and settings files written into tmp_path."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from pathlib import Path

import yaml

NASTY = 'A&B <c> "d"'  # goes into every field a mail shows


def run(capsys, *args) -> tuple[int, str, str]:
    """`kehoach ARGS…` in this process: (exit code, stdout, stderr)."""
    from workflow.cli import main

    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Handler that records every message the server accepted (after an optional delay)."""

    def __init__(self, delay: float = 0.0, *, record_first: bool = False):
        self.delay = delay
        self.record_first = record_first  # accept (record) the mail, then answer slowly
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []
        self.tls: list[bool] = []  # per accepted mail: did it come over TLS?
        self.peers: list[tuple] = []  # per accepted mail: the client's (address, port)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay and not self.record_first:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.raw.append(envelope.original_content or envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.peers.append(tuple(session.peer))
            self.tls.append(session.ssl is not None  # STARTTLS, or implicit TLS:
                            or server.transport.get_extra_info("ssl_object") is not None)
        if self.delay and self.record_first:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            raws = list(self.raw)
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raws]

    def msgids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    """A real aiosmtpd server on 127.0.0.1 that can be stopped and started on the same port."""

    def __init__(self, sink: Sink | None = None, port: int | None = None, **tls):
        self.sink = sink or Sink()
        self.port = port or free_port()
        self.tls = tls  # tls_context= and require_starttls=, or ssl_context= (implicit TLS)
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port,
                                     authenticator=self.sink.authenticate,
                                     # aiosmtpd counts only STARTTLS as TLS for AUTH
                                     auth_require_tls="tls_context" in self.tls,
                                     auth_exclude_mechanism=["CRAM-MD5"], **self.tls)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (made with the openssl command): (cert.pem, key.pem)."""
    import subprocess

    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def write_settings(path: Path, *, port: int | None, user: str | None = None,
                   security: str = "none", ca_file: Path | None = None,
                   allow_plaintext_auth: bool | None = None, **reminders) -> Path:
    data = {
        "timezone": "Asia/Ho_Chi_Minh",
        "reminders": {"offsets": [7, 3, 1, 0], "send_at": "07:30", "late_limit_days": 2,
                      "retry": {"first_delay_minutes": 5, "max_delay_minutes": 60}, **reminders},
        "smtp": {"host": "127.0.0.1" if port else None, "port": port, "security": security,
                 "user": user, "timeout_seconds": 5, "ca_file": str(ca_file) if ca_file else None,
                 **({} if allow_plaintext_auth is None
                    else {"allow_plaintext_auth": allow_plaintext_auth})},
        "sender": {"address": "nhacviec@example.org", "name": f"Nhắc việc {NASTY}"},
        "office": {"name": f"Phòng GDĐT {NASTY}", "phone": "024 <123> & 456",
                   "email": "lienhe@example.org", "person": f"Chị {NASTY}"},
        "outbox": str(path.parent / "outbox"),
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def write_plan(path: Path, tasks: list[dict] | None = None, **extra) -> Path:
    """A small plan: units pgd (owner), a group 'nhom' of p1 and p2, a unit without e-mail."""
    if tasks is None:
        tasks = [
            {"task": f"Nộp báo cáo {NASTY} (từ ngày 16/9 đến ngày 30/9/2024).",
             "id": "bao-cao", "summary": f"Báo cáo {NASTY}",
             "deadline": "từ ngày 16/9 đến ngày 30/9/2024", "co_owners": ["nhom"]},
            {"task": "Nhập phần mềm (ngày 30/9/2024).", "id": "nhap", "summary": "Nhập phần mềm",
             "deadline": "ngày 30/9/2024"},
            {"task": "Hồ sơ (ngày 15/10/2024).", "id": "ho-so", "summary": "Hồ sơ",
             "deadline": "ngày 15/10/2024", "co_owners": ["khong-thu"]},
            {"task": "Việc thường xuyên.", "id": "thuong-xuyen", "ongoing": True},
        ]
    data = {
        "year": 2024,
        "document": {"issuing_body": "BAN CHỈ ĐẠO PCGD, XMC", "number": "12", "symbol": "KH-BCĐ",
                     "place": "Ba Đình", "date": {"day": 5, "month": 2, "year": 2024},
                     "title": f"Kế hoạch {NASTY} năm 2024",
                     "issuer_name": f"Ban Chỉ đạo {NASTY}"},
        "units": {
            "pgd": {"name": f"Phòng GDĐT {NASTY}", "short": f"Phòng {NASTY}",
                    "email": ["pgd@example.org"]},
            "nhom": {"name": "Các phường", "kind": "nhom", "members": ["p1", "p2"]},
            "p1": {"name": "Phường Một", "email": "p&1@example.org"},
            "p2": {"name": "Phường Hai", "email": ["p2@example.org", "p2b@example.org"]},
            "khong-thu": {"name": "Đơn vị không có thư"},
        },
        "sections": [{"title": "TỔ CHỨC THỰC HIỆN", "implementation": True}],
        "implementation": [{"unit": "pgd", "content": tasks}],
        "signer": {"lines": ["TRƯỞNG BAN"], "name": "Nguyễn Văn A"},
        **extra,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def body_parts(msg) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
