"""Compose one reminder mail (a digest of one unit's reminders of the day).

The message is built with the standard ``email`` package: a real text/plain part, a
text/html part in which every value from the plan is ``html.escape``d, and the unit's .ics
as a ``text/calendar`` attachment given as bytes (never as a path). Headers and bodies are
7-bit (RFC 2047 headers, base64 bodies), so any SMTP server and any Maildir reader
take it. The bytes are composed once and stored, so a resend is byte-identical.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from email import charset, encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

from ..documents.vnformat import short_date
from ..plan.models import code_problem
from .mimepolicy import Subject, as_bytes
from .schedule import START
from .settings import Settings

_UTF8 = charset.Charset("utf-8")
_UTF8.body_encoding = charset.BASE64  # fewer, longer lines than quoted-printable: faster
_as_bytes = as_bytes  # msg.as_bytes() with compat32 and CRLF, written faster (mimepolicy.py)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Entry:
    """One task in a digest, as the unit reads it."""

    task: str
    summary: str
    text: str
    phrase: str
    start: date | None
    end: date | None
    kind: str

    def status(self, today: date) -> str:
        if self.kind == START or self.end is None:
            if self.start and today > self.start:
                return f"Đã bắt đầu từ {short_date(self.start)}"
            if self.start and today < self.start:  # sent on the working day before
                return f"Bắt đầu từ {short_date(self.start)}"
            return "Bắt đầu hôm nay"
        n = (self.end - today).days
        if n > 0:
            return f"Còn {n} ngày"
        if n == 0:
            return "Hôm nay là hạn cuối"
        return f"Đã quá hạn {-n} ngày"

    def deadline(self) -> str:
        if self.end:
            return f"hạn {short_date(self.end)}"
        return f"từ {short_date(self.start)}"

    def urgency(self, today: date) -> tuple:
        if self.kind == START or self.end is None:
            return (1, self.start or today, self.task)
        return (0, self.end, self.task)


def _one_line(s: str) -> str:
    # a ledger written from an older plan may still hold control characters: none in a mail
    return " ".join(_CONTROL.sub("", str(s)).split())


def entries(rows) -> list[Entry]:
    """Reminder rows → one entry per (task, period): a late run may hold several reminders of
    the same task (e.g. "còn 3 ngày" and "còn 1 ngày"); the unit reads it once."""
    best: dict[tuple, Entry] = {}
    for r in rows:
        e = Entry(task=r["task"], summary=_one_line(r["summary"]), text=_one_line(r["text"]),
                  phrase=_one_line(r["phrase"]),
                  start=date.fromisoformat(r["start"]) if r["start"] else None,
                  end=date.fromisoformat(r["end"]) if r["end"] else None, kind=r["kind"])
        k = (e.task, e.start, e.end)
        if k not in best or (best[k].kind == START and e.kind != START):
            best[k] = e
    return list(best.values())


def message_id(keys: list[str], sender: str) -> str:
    """A Message-ID fixed by the reminders it carries, so a resend is recognisable."""
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]
    domain = sender.rsplit("@", 1)[-1] or "kehoach.invalid"
    return f"<nhac-viec.{digest}@{domain}>"


def subject(items: list[Entry], today: date, *, late: bool) -> str:
    items = sorted(items, key=lambda e: e.urgency(today))
    first = items[0]
    s = f"[Nhắc việc] {first.status(today)}: {first.summary} — {first.deadline()}"
    if len(items) > 1:
        s += f" (và {len(items) - 1} việc khác)"
    if late:
        s += " (gửi muộn)"
    return s


def compose(rows, *, unit_id: str, unit_label: str, recipients: list[str], today: date,
            late: bool, settings: Settings, plan_ref: str, ics: bytes | None, msgid: str,
            now: datetime, link: str | None = None) -> tuple[str, bytes]:
    """Return (subject, message bytes) for one unit's digest; ``link`` is the unit's own
    page (report a task done, subscribe to its calendar), printed when given."""
    items = sorted(entries(rows), key=lambda e: e.urgency(today))
    subj = subject(items, today, late=late)
    office = settings.office
    contact = [office.name]
    if office.person:
        contact.append(f"người phụ trách: {office.person}")
    if office.phone:
        contact.append(f"điện thoại: {office.phone}")
    if office.email:
        contact.append(f"thư: {office.email}")
    contact_line = "; ".join(_one_line(c) for c in contact)
    late_note = ("Thư này được gửi muộn so với ngày nhắc (máy gửi thư không chạy vào ngày đó "
                 "hoặc máy chủ thư bị lỗi).") if late else ""
    # the recipient's mail program saves the attachment under this name: a ledger written
    # before codes were checked may hold any unit id
    ics_name = f"{unit_id}.ics" if code_problem(unit_id) is None else "lich.ics"

    text = [f"Kính gửi: {_one_line(unit_label)}", "",
            f"Nhắc việc theo {_one_line(plan_ref)}:", ""]
    for i, e in enumerate(items, 1):
        text += [f"{i}. {e.status(today)}: {e.summary} — {e.deadline()}",
                 f"   Nội dung: {e.text}",
                 f"   Thời hạn trong kế hoạch: {e.phrase}", ""]
    if late_note:
        text += [late_note, ""]
    if ics:
        text += [f"Lịch công việc của đơn vị đính kèm thư này (tệp {ics_name}); mở bằng "
                 "Outlook, Thunderbird, Lịch Google hoặc điện thoại để thêm vào lịch.", ""]
    done_line = "Nếu đơn vị đã hoàn thành, xin báo về cơ quan thường trực để ngừng nhắc."
    if link:
        done_line = ("Đơn vị đã hoàn thành việc nào thì báo ngay tại trang theo dõi của đơn vị "
                     "(không cần đăng nhập; chỉ đơn vị mở được): " + link)
    text += [done_line,
             f"Liên hệ: {contact_line}", "",
             "Thư gửi tự động từ chương trình kehoach; xin không trả lời thư này."]
    plain = "\n".join(text) + "\n"

    h = html.escape
    li = "".join(
        f"<li><p><b>{h(e.status(today))}: {h(e.summary)}</b> — {h(e.deadline())}</p>"
        f"<p>Nội dung: {h(e.text)}</p><p>Thời hạn trong kế hoạch: <i>{h(e.phrase)}</i></p></li>"
        for e in items)
    body = [f"<p>Kính gửi: <b>{h(_one_line(unit_label))}</b></p>",
            f"<p>Nhắc việc theo {h(_one_line(plan_ref))}:</p>", f"<ol>{li}</ol>"]
    if late_note:
        body.append(f"<p><i>{h(late_note)}</i></p>")
    if ics:
        body.append(f"<p>Lịch công việc của đơn vị đính kèm thư này (tệp {h(ics_name)}).</p>")
    done_html = f"<p>{h(done_line)}</p>"
    if link:
        done_html = ("<p>Đơn vị đã hoàn thành việc nào thì báo ngay tại <a href=\"" + h(link)
                     + "\">trang theo dõi của đơn vị</a> (không cần đăng nhập; chỉ đơn vị mở được): "
                     + h(link) + "</p>")
    body += [done_html,
             f"<p>Liên hệ: {h(contact_line)}</p>",
             "<p><small>Thư gửi tự động từ chương trình kehoach; xin không trả lời thư này."
             "</small></p>"]
    page = ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>'
            f'{h(subj)}</title></head><body>{"".join(body)}</body></html>')

    # The classic (compat32) MIME classes: the same standard message, built ~5x faster
    # than EmailMessage, which matters when a late start sends hundreds of digests at once.
    # Fixed boundaries: "_" never occurs in a base64 body, and the generator then skips
    # drawing a random one and compiling a regex to check it (a third of the compose time).
    tag = hashlib.sha256(msgid.encode()).hexdigest()[:20]
    msg = MIMEMultipart("mixed", boundary=f"=_kehoach_{tag}_m")
    msg["Subject"] = Subject(subj)  # Header(subj, "utf-8"), encoded once per subject
    msg["From"] = formataddr((_one_line(settings.sender.name), settings.sender.address), "utf-8")
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = msgid
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = "vi"
    alt = MIMEMultipart("alternative", boundary=f"=_kehoach_{tag}_a")
    alt.attach(MIMEText(plain, "plain", _UTF8))
    alt.attach(MIMEText(page, "html", _UTF8))
    msg.attach(alt)
    if ics:
        part = MIMEBase("text", "calendar", charset="utf-8", method="PUBLISH")
        part.set_payload(ics)
        encoders.encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=ics_name)
        msg.attach(part)
    return subj, _as_bytes(msg)
