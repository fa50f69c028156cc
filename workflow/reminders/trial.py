"""A trial mail ("Gửi thử"): what a unit's next reminder would say, sent to one address
through the configured transport, so the office sees a real mail before the units do.

It is composed as a real digest (same code, same look, the unit's own link), with
"[Thư thử]" in the subject, and is not written to the ledger: nothing is claimed, nothing
sent to the unit.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email import message_from_bytes
from email.header import Header
from email.policy import compat32

from ..errors import InputError, Problem
from . import mail
from .schedule import compute, plan_reference
from .service import make_transport, resolve_settings

ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def send_trial(*, plan, status, unit: str, to: str, settings=None, today: date | None = None,
               link: str | None = None, transport=None) -> dict:
    """Send the trial mail of ``unit`` to ``to``; returns {subject, to, transport, note}.
    Raises :class:`InputError` for a bad address or a unit with nothing to remind, and
    :class:`~workflow.reminders.transport.SendError` when the server refuses it."""
    s = resolve_settings(settings)
    if not ADDRESS.fullmatch(to or ""):
        raise InputError(Problem(file="địa chỉ thư", message=f"'{to}' không phải địa chỉ thư"))
    now = datetime.now(s.tz)
    today = today or now.date()
    c = compute(plan, s, status)
    mine = [r for r in c.reminders + c.no_address if r.unit == unit]
    if not mine:
        raise InputError(Problem(file="đơn vị", message=(
            f"{plan.unit_label(unit)} không còn lời nhắc nào (đã xong mọi việc có hạn)")))
    upcoming = [r for r in mine if r.due_date >= today] or mine[-1:]
    day = upcoming[0].due_date
    rows = [{"task": r.task, "summary": r.summary, "text": r.text, "phrase": r.phrase,
             "start": r.start.isoformat() if r.start else None,
             "end": r.end.isoformat() if r.end else None, "kind": r.kind}
            for r in upcoming if r.due_date == day]
    msgid = mail.message_id([f"thu-thu|{unit}|{now.isoformat()}"], s.sender.address)
    subject, raw = mail.compose(rows, unit_id=unit, unit_label=plan.unit_label(unit), recipients=[to],
                                today=day, late=False, settings=s, plan_ref=plan_reference(plan),
                                ics=None, msgid=msgid, now=now, link=link)
    subject, raw = _marked(raw, subject)
    own = transport is None
    transport = transport or make_transport(s)
    try:
        note = transport.send(raw, msgid=msgid, sender=s.sender.address, recipients=[to])
    finally:
        if own:
            transport.close()
    return {"subject": subject, "to": to, "transport": transport.name, "note": note, "day": day}


def _marked(raw: bytes, subject: str) -> tuple[str, bytes]:
    """The mail with "[Thư thử]" before its subject (the same bytes otherwise)."""

    msg = message_from_bytes(raw, policy=compat32)
    subject = f"[Thư thử] {subject}"
    del msg["Subject"]
    msg["Subject"] = Header(subject, "utf-8")
    return subject, msg.as_bytes(policy=compat32.clone(linesep="\r\n"))
