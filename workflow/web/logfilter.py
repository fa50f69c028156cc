"""No link token in any log line.

A unit's page and feed carry its private token in the URL (``/dv/<token>/2024``,
``/lich/…/x.ics?k=<token>``). uvicorn's access log prints every path, and an error logged
while serving a request may name it: :class:`RedactTokens`, put on the loggers that can see
a request, replaces each token by ``…`` before a handler formats the record.
"""

from __future__ import annotations

import logging

from ..progress.tokens import redact

LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn", "kehoach.web", "starlette")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
            else:
                record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


_FILTER = RedactTokens()


def install() -> None:
    """Put the filter on every logger (and its handlers) that may log a request's path."""
    for name in LOGGERS:
        lg = logging.getLogger(name)
        if _FILTER not in lg.filters:
            lg.addFilter(_FILTER)
        for h in lg.handlers:
            if _FILTER not in h.filters:
                h.addFilter(_FILTER)
