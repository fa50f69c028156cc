"""Hand a composed message to the outside world: an SMTP server (yagmail) or a Maildir.

Both take the stored message bytes as they are. ``send`` returns a short note (or None)
and raises :class:`SendError` with a Vietnamese reason when the message was not accepted.

yagmail is used for the connection only, through its public API (``login()``, the
``smtp`` connection it opens, ``close()``). Two of its habits are wrong for a ledger and are
avoided: its composer copies the HTML into the "plain" part and attaches any string that
happens to be an existing path (we hand the connection our own finished message instead),
and its ``send`` retries a dropped connection itself, with sleeps, then returns False (we
make one attempt and let the ledger retry with backoff, so every attempt is recorded).
yagmail and smtplib do not check the server's certificate by default; we always pass a
verifying TLS context, so the password never goes to a server that only pretends.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import socket
import ssl
import sys
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, Problem
from .settings import Settings


class SendError(Exception):
    """The message was not accepted; ``str()`` is a Vietnamese reason without secrets.

    ``unreachable``: the server could not be reached at all (later messages would fail too).
    """

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


class MaildirTransport:
    """Write into a Maildir outbox (``new/``), once per Message-ID.

    The file name is derived from the Message-ID, so a resend after a crash finds the file
    already there and writes nothing: for the outbox, delivery is exactly once whatever the
    ledger remembers (``idempotent``: mails may be written and recorded a chunk at a time).
    """

    name = "maildir"
    idempotent = True

    def __init__(self, path: str | Path):
        import mailbox  # the email package behind it: only for a run that delivers

        self.path = Path(path)
        mailbox.Maildir(str(self.path), create=True)  # cur/ new/ tmp/
        self._cur: tuple[int, set[str]] | None = None  # (cur/'s mtime, names in it)

    def _name(self, msgid: str) -> str:
        return "kehoach-" + hashlib.sha256(msgid.encode()).hexdigest()[:32]

    def _in_cur(self, name: str) -> bool:
        """Whether a mail program has moved the message to ``cur/`` (named ``name:2,FLAGS``).
        The folder is listed again only when it changed, not for every message."""
        cur = self.path / "cur"
        stamp = cur.stat().st_mtime_ns
        if self._cur is None or self._cur[0] != stamp:
            self._cur = (stamp, {entry.split(":", 1)[0] for entry in os.listdir(cur)})
        return name in self._cur[1]

    def send(self, raw: bytes, *, msgid: str, sender: str, recipients: list[str]) -> str | None:
        name = self._name(msgid)
        if (self.path / "new" / name).exists() or self._in_cur(name):
            return "đã có trong hộp thư đi (không ghi lại)"
        tmp = self.path / "tmp" / f"{name}.{os.getpid()}"
        try:
            with open(tmp, "wb") as f:
                f.write(raw)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path / "new" / name)
        except OSError as e:
            raise SendError(f"không ghi được vào hộp thư đi {self.path}: {e.strerror}") from None
        return None

    def send_many(self, mails: list[tuple[bytes, str]]) -> list[str | None | SendError]:
        """Write several (raw, Message-ID) at once: each file written, then all made durable
        together (their data, then the folder's entries), then in place. Per mail, what
        :meth:`send` would return, or the :class:`SendError` it would raise."""
        out: list = []
        written: list[tuple[int, Path, Path]] = []  # (index, temp file, final name)
        for raw, msgid in mails:
            name = self._name(msgid)
            if (self.path / "new" / name).exists() or self._in_cur(name):
                out.append("đã có trong hộp thư đi (không ghi lại)")
                continue
            tmp = self.path / "tmp" / f"{name}.{os.getpid()}"
            try:
                with open(tmp, "wb") as f:
                    f.write(raw)
                written.append((len(out), tmp, self.path / "new" / name))
                out.append(None)
            except OSError as e:
                out.append(SendError(f"không ghi được vào hộp thư đi {self.path}: {e.strerror}"))
        if written and not _sync_filesystem(self.path / "tmp"):
            # Every file flushed to disk, several at once: the file system commits concurrent
            # flushes together (one disk flush for many), where one after another each waits.
            from concurrent.futures import ThreadPoolExecutor  # only when mail is written

            with ThreadPoolExecutor(max_workers=FLUSHERS) as pool:
                for (i, _, _), error in zip(written, pool.map(_fsync_file, [t for _, t, _ in written])):
                    if error is not None:
                        out[i] = SendError(f"không ghi được vào hộp thư đi {self.path}: {error}")
        for i, tmp, final in written:
            if out[i] is None:
                try:
                    os.replace(tmp, final)
                except OSError as e:
                    out[i] = SendError(f"không ghi được vào hộp thư đi {self.path}: {e.strerror}")
        if written:
            _fsync_dir(self.path / "new")  # the names in new/ survive a power cut too
        return out

    def close(self) -> None:
        pass


FLUSHERS = 8  # files flushed at once


def _sync_filesystem(folder: Path) -> bool:
    """Flush everything written to the file system holding ``folder`` in one call: Linux's
    syncfs(2), which returns once the data is on disk and, since Linux 5.8, fails if any of
    it could not be written. Half the time of flushing 256 files one by one, even several
    at once (0.35 against 0.75 s for 2,048 mails here). False where there is no syncfs or it
    failed: the caller then flushes each file and learns which one failed."""
    syncfs = _syncfs()
    if syncfs is None:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


@lru_cache(maxsize=1)
def _syncfs():
    """The C library's syncfs, or None (not Linux, or no such function)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # the C library's syncfs: the os module has none

    try:
        found = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    found.argtypes, found.restype = [ctypes.c_int], ctypes.c_int
    return found


def _fsync_file(path: Path) -> str | None:
    """Flush ``path`` to disk; None, or why it failed."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        return e.strerror or str(e)
    return None


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder to flush it
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def tls_context(settings: Settings) -> ssl.SSLContext:
    """A context that checks the server's certificate and host name: the system's CAs, or
    only ``smtp.ca_file`` (an office's own server with a self-signed certificate)."""
    return ssl.create_default_context(cafile=settings.smtp.ca_file or None)


class SmtpTransport:
    """Send through an SMTP server with yagmail; one connection per batch."""

    name = "smtp"

    def __init__(self, settings: Settings, password: str | None):
        # yagmail (and smtplib's TLS): only when mail goes to a server
        import yagmail

        s = settings.smtp
        if s.user and s.security == "none" and not s.allow_plaintext_auth:  # settings refuse it too
            raise InputError(Problem(file="<cấu hình>", field="smtp.user", message=(
                "không đăng nhập máy chủ thư qua kết nối không mã hóa (security: none) khi "
                "smtp.allow_plaintext_auth chưa bật")))
        tls = tls_context(settings) if s.security != "none" else None
        self.client = yagmail.SMTP(
            user=s.user or settings.sender.address, password=password, host=s.host,
            port=s.default_port, smtp_ssl=s.security == "ssl",
            smtp_starttls={"context": tls} if s.security == "starttls" else False,
            smtp_skip_login=not s.user, soft_email_validation=False, timeout=s.timeout_seconds,
            **({"context": tls} if s.security == "ssl" else {}))
        self.client.set_logging(None)  # no I/O from yagmail's logger
        # yagmail appends "@gmail.com" to a login without "@" and uses the login as the
        # envelope sender: keep the login exact, and send from the configured address
        self.client.user = s.user or settings.sender.address
        self.envelope_from = settings.sender.address
        self.where = f"{s.host}:{s.default_port}"

    def _send_once(self, recipients: list[str], raw: bytes) -> dict:
        """One SMTP transaction on yagmail's connection (opened and logged in on first use)."""
        if self.client.smtp is None or self.client.is_closed:
            self.client.login()
        return self.client.smtp.sendmail(self.envelope_from, recipients, raw)

    def send(self, raw: bytes, *, msgid: str, sender: str, recipients: list[str]) -> str | None:
        try:
            refused = self._send_once(recipients, raw)
        except smtplib.SMTPRecipientsRefused as e:
            self._drop()
            raise SendError(f"máy chủ {self.where} từ chối mọi người nhận: "
                            f"{', '.join(e.recipients)}") from None
        except smtplib.SMTPAuthenticationError as e:
            self._drop()
            raise SendError(f"máy chủ {self.where} không chấp nhận đăng nhập (mã {e.smtp_code}); "
                            "kiểm tra tên đăng nhập và mật khẩu") from None
        except UnicodeEncodeError:  # smtplib sends logins and passwords as ASCII only
            self._drop()
            raise SendError("tên đăng nhập hoặc mật khẩu máy chủ thư có ký tự không phải ASCII "
                            "(chữ có dấu…); thư viện SMTP chỉ gửi được ký tự ASCII") from None
        except smtplib.SMTPResponseException as e:
            self._drop()
            raise SendError(f"máy chủ {self.where} trả lỗi {e.smtp_code}: {_text(e.smtp_error)}") from None
        except ssl.SSLCertVerificationError as e:
            self._drop()
            raise SendError(f"máy chủ thư {self.where} có chứng chỉ không tin cậy được "
                            f"({_text(e.verify_message)}); nếu là máy chủ nội bộ dùng chứng chỉ tự "
                            "ký, khai báo tệp chứng chỉ của nó ở smtp.ca_file", unreachable=True) from None
        except (smtplib.SMTPException, OSError, socket.timeout) as e:
            self._drop()
            raise SendError(f"không kết nối được máy chủ thư {self.where}: "
                            f"{type(e).__name__}: {_text(str(e))}", unreachable=True) from None
        if refused:
            return "máy chủ từ chối một số địa chỉ: " + ", ".join(sorted(refused))
        return None

    def _drop(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass
        self.client.smtp = None

    def close(self) -> None:
        self._drop()


def _text(x) -> str:
    if isinstance(x, bytes):
        x = x.decode("utf-8", "replace")
    return " ".join(str(x).split())[:300]
