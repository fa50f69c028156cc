"""JSON text for people and machines alike: indented where a person reads it, one line per
item below that (json's indenting encoder is pure Python, its one-line encoder is C: ten
thousand units or calendar events are written in a blink, and stay one item a line)."""

from __future__ import annotations

import json


class Raw(str):
    """JSON text already encoded (by :func:`dumps` at the level it goes in), written as it
    is: a value two files hold is encoded once."""


def dumps(data, *, depth: int = 3, level: int = 0) -> str:
    """JSON indented by two spaces down to ``depth`` levels, each value deeper on one line;
    ``level``: how deep the text goes in (for a :class:`Raw` value of an outer document)."""
    one_line = json.JSONEncoder(ensure_ascii=False).encode

    def enc(v, level: int) -> str:
        if isinstance(v, Raw):
            return str(v)
        if level >= depth or not isinstance(v, (dict, list)) or not v:
            return one_line(v)
        pad, inner = "  " * level, "  " * (level + 1)
        if isinstance(v, dict):
            items = [f"{inner}{one_line(str(k))}: {enc(x, level + 1)}" for k, x in v.items()]
            return "{\n" + ",\n".join(items) + f"\n{pad}}}"
        return "[\n" + ",\n".join(f"{inner}{enc(x, level + 1)}" for x in v) + f"\n{pad}]"
    return enc(data, level)
