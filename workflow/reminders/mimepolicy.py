"""How reminder mails are written out: the standard ``compat32`` policy with CRLF line ends,
its headers folded faster, and bodies written a part at a time.

compat32 runs every header through :class:`email.header.Header` — a few dozen Python calls
even for ``MIME-Version: 1.0`` — and a digest has twenty headers, half of the time it takes
to compose one. A header that is plain ASCII, one line and short enough never to fold comes
out of that machinery exactly as it went in, so it is written as it is; every other header
still goes the standard way. The generator writes a body (base64 lines) line by line, a
couple of hundred writes a mail; :func:`as_bytes` writes each body at once, the same bytes.
tests/test_remind_compose.py holds all of it byte for byte equal to the standard output.
"""

from __future__ import annotations

from email.generator import NLCRE, BytesGenerator
from email.header import Header
from email.policy import Compat32
from functools import lru_cache
from io import BytesIO

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


class _Generator(BytesGenerator):
    def _write_lines(self, lines):
        # what BytesGenerator._write_lines writes (each line, then the line end but after
        # the last one), in one write
        if lines:
            self.write(self._NL.join(NLCRE.split(lines)))


def as_bytes(msg) -> bytes:
    """``msg.as_bytes(policy=POLICY)``, the same bytes, written faster."""
    fp = BytesIO()
    _Generator(fp, mangle_from_=False, policy=POLICY).flatten(msg, unixfrom=False)
    return fp.getvalue()


class Subject(Header):
    """``Header(text, "utf-8")`` whose encoded form is made once per text: the members of a
    group sent the same task on the same day share one subject, and encoding a Vietnamese
    subject (RFC 2047) is the dearest part of a header."""

    def __init__(self, text: str):
        super().__init__(text, "utf-8")
        self._text = text

    def encode(self, splitchars=";, \t", maxlinelen=None, linesep="\n"):
        return _subject(self._text, splitchars, maxlinelen, linesep)


@lru_cache(maxsize=1024)
def _subject(text: str, splitchars: str, maxlinelen, linesep: str) -> str:
    return Header(text, "utf-8").encode(splitchars=splitchars, maxlinelen=maxlinelen, linesep=linesep)
