"""Composing digests fast (workflow/reminders/mimepolicy.py) writes the very bytes the
standard compat32 policy writes: headers of every kind (Vietnamese, long, folded, short
ASCII), on real digests and on any header text."""

from __future__ import annotations

import random
from datetime import date, datetime, timezone
from email.header import Header
from email.policy import compat32

import pytest

from workflow.reminders import mail
from workflow.reminders.mimepolicy import POLICY
from workflow.reminders.settings import Settings

STANDARD = compat32.clone(linesep="\r\n")


def _rows(n: int, summary: str) -> list[dict]:
    return [{"key": f"kh|t{k}|u|con-7|2024-10-0{1 + k % 9}", "task": f"t{k}", "summary": f"{summary} {k}",
             "text": f"Nội dung việc {k} & <kiểm tra> " * 3, "phrase": f"trước ngày 0{1 + k % 9}/10/2024",
             "start": None, "end": f"2024-10-0{1 + k % 9}", "kind": "con-7",
             "due_at": 1725148800 + k} for k in range(n)]


@pytest.mark.parametrize("n, summary, recipients", [
    (1, "Nhập dữ liệu", ["a@example.org"]),
    (7, "Báo cáo số liệu PCGD, XMC về Phòng Giáo dục và Đào tạo quận trước hạn " * 2,
     [f"phuong-{i}@badinh.example.org" for i in range(9)]),
    (3, "ASCII only summary", ["x@example.org", "y@example.org"]),
])
def test_digests_are_byte_for_byte_what_compat32_writes(monkeypatch, n, summary, recipients):
    s = Settings(outbox="/nonexistent")
    args = dict(unit_id="p-kim-ma", unit_label="Phường Kim Mã — UBND", recipients=recipients,
                today=date(2024, 9, 24), late=n == 7, settings=s, plan_ref="Kế hoạch số 12/KH-BCĐ",
                ics=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" * 40, msgid="<nhac-viec.abc@example.org>",
                now=datetime(2024, 9, 24, 7, 30, tzinfo=timezone.utc))
    fast = mail.compose(_rows(n, summary), **args)
    again = mail.compose(_rows(n, summary), **args)  # the subject's encoding from memory
    monkeypatch.setattr(mail, "_as_bytes", lambda msg: msg.as_bytes(policy=STANDARD))
    monkeypatch.setattr(mail, "Subject", lambda text: Header(text, "utf-8"))
    assert mail.compose(_rows(n, summary), **args) == fast == again


def test_any_header_text_folds_as_compat32_folds_it():
    rnd = random.Random(11)
    alphabet = "ab XY;,=?:<>@\"()[]\\.-_/09\tđ\u00a0"
    for _ in range(20000):
        name = rnd.choice(["Subject", "To", "Content-Type", "X-Kehoach", "Message-ID"])
        value = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 100)))
        assert POLICY.fold_binary(name, value) == STANDARD.fold_binary(name, value), (name, value)
