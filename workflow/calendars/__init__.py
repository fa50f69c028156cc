"""Plan → per-unit deadline calendars (.ics), CalDAV publishing, agenda.

Public API (imported lazily so that ``import workflow.calendars`` stays cheap):
``build_calendars``, ``unit_calendar_bytes``, ``write_calendars``, ``CalendarBuild``.
Publishing and the agenda live in ``.publish`` and ``.agenda``.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "build_calendars": "ics",
    "unit_calendar_bytes": "ics",
    "CalendarBuild": "ics",
    "write_calendars": "output",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(name)
