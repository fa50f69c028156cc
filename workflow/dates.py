"""Dates typed by a user on the command line or in a form: one reader for every command.

``2024-09-10`` or ``10/9/2024`` (also ``10-9-2024``, ``10.9.2024``) is a day; a day followed
by a time (``2024-09-23T07:30``, ``2024-09-23 07:30``, ``23/9/2024 07:30``, an optional UTC
offset) is a moment. Imports nothing of the project.
"""

from __future__ import annotations

import re
from datetime import date, datetime

DAY_FORMS = "2024-09-10 hoặc 10/9/2024"
MOMENT_FORMS = "2024-09-23 hoặc 2024-09-23T07:30"
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_TIME = re.compile(r"^(?P<day>\S+)[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<tz>Z|[+-]\d{2}:?\d{2})?$")


def parse_day(text: str) -> date:
    """The day ``text`` names; raises :class:`ValueError` for anything else."""
    value = text.strip()
    for fmt in _DAY_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_moment(text: str) -> date | datetime:
    """A day (:class:`date`) or a day and a time (:class:`datetime`, aware only when an
    offset is written); raises :class:`ValueError` for anything else."""
    value = text.strip()
    m = _TIME.match(value)
    if m is None:
        return parse_day(value)
    day = parse_day(m.group("day"))
    tz = m.group("tz") or ""
    stamp = f"{day.isoformat()}T{m.group('time').zfill(5)}{'+00:00' if tz == 'Z' else tz}"
    return datetime.fromisoformat(stamp)
