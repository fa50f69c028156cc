"""The mail policy reminders are written with: the standard ``compat32``, with CRLF line
ends, and its headers folded faster.

compat32 runs every header through :class:`email.header.Header` — a few dozen Python calls
even for ``MIME-Version: 1.0`` — and a digest has twenty headers, half of the time it takes
to compose one. A header that is plain ASCII, one line and short enough never to fold comes
out of that machinery exactly as it went in, so it is written as it is; every other header
still goes the standard way. tests/test_remind_plan.py holds the two byte for byte equal.
"""

from __future__ import annotations

from email.policy import Compat32
from functools import lru_cache

LINE = 78  # RFC 5322's recommended line length, compat32's default


class ReminderPolicy(Compat32):
    def _fold(self, name, value, sanitize):
        # (a policy without a line length never folds; the fast path keeps to 78 even then)
        if isinstance(value, str) and value.isascii() and value.isprintable():
            if len(name) + 2 + len(value) <= (self.max_line_length or LINE):
                return f"{name}: {value}{self.linesep}"
        if isinstance(value, str):  # the same sender, date and types in every mail of a batch
            return _folded(self, name, value, sanitize)
        return super()._fold(name, value, sanitize)


@lru_cache(maxsize=512)
def _folded(policy: ReminderPolicy, name: str, value: str, sanitize: bool) -> str:
    return Compat32._fold(policy, name, value, sanitize)


POLICY = ReminderPolicy(linesep="\r\n")
