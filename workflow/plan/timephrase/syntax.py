"""Text to tokens, and the syntax tree the parser builds from them.

Tokens are (normalised value, start, end, kind), kind "n" number, "w" word, "p"
punctuation; offsets point into the text given to `tokenize`. The tree nodes are
points in time as written (day, month, quarter, half-year, year, school year/term,
a span between two points) and `Item`, one item of a phrase.
"""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+|\S")
_WORD_VARIANTS = {"hàng": "hằng", "kì": "kỳ", "quí": "quý", "qúy": "quý", "qúi": "quý"}
_PUNCT_VARIANTS = {"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "[": "(", "]": ")"}
SEPS = frozenset(("/", "-", "."))

_STRIP_LEAD = " \t\r\n\u00a0-–—•*+([{\"“‘'"
_STRIP_TRAIL = " \t\r\n\u00a0.,;:!?)]}\"”’'"


def tokenize(text: str) -> list[tuple[str, int, int, str]]:
    """(normalised value, start, end, kind) with kind 'n' number, 'w' word, 'p' punctuation."""
    out = []
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        c = raw[0]
        # isdecimal, not isdigit: "²", "①" are digits that int() refuses (and \d does not match)
        if c.isdecimal():
            out.append((raw, m.start(), m.end(), "n"))
        elif c.isalpha():
            low = raw.lower()
            out.append((_WORD_VARIANTS.get(low, low), m.start(), m.end(), "w"))
        else:
            out.append((_PUNCT_VARIANTS.get(raw, raw), m.start(), m.end(), "p"))
    return out


def core_bounds(text: str) -> tuple[int, int]:
    """Bounds of `text` without surrounding blanks, bullets, parentheses, quotes and trailing punctuation."""
    a, b = 0, len(text)
    while True:
        a0, b0 = a, b
        while a < b and text[a] in _STRIP_LEAD:
            a += 1
        while b > a and text[b - 1] in _STRIP_TRAIL:
            b -= 1
        if (a, b) == (a0, b0):
            return a, b


# --------------------------------------------------------------------------- syntax tree


class Day:
    __slots__ = ("d", "m", "y")

    def __init__(self, d, m, y):
        self.d, self.m, self.y = d, m, y


class Month:
    __slots__ = ("m", "y", "part")

    def __init__(self, m, y, part=None):
        self.m, self.y, self.part = m, y, part


class Quarter:
    __slots__ = ("q1", "q2", "y")

    def __init__(self, q1, q2, y):
        self.q1, self.q2, self.y = q1, q2, y


class Half:
    __slots__ = ("h", "y")

    def __init__(self, h, y):
        self.h, self.y = h, y


class Year:
    __slots__ = ("y",)

    def __init__(self, y):
        self.y = y


class School:
    __slots__ = ("y1", "y2", "term")

    def __init__(self, y1, y2, term):
        self.y1, self.y2, self.term = y1, y2, term


class Span:
    """From the start of `a` to the end of `b` (or to the day before `b` when `before`)."""

    __slots__ = ("a", "b", "before")

    def __init__(self, a, b, before=False):
        self.a, self.b, self.before = a, b, before


class Item:
    __slots__ = ("kind", "i", "j", "op", "point", "rec", "prefixed", "ngay")

    def __init__(self, kind, i, j, op=None, point=None, rec=None, prefixed=False, ngay=False):
        self.kind = kind  # "period" | "rec" | "ongoing" | "dinhky"
        self.i, self.j = i, j  # token span [i, j)
        self.op = op  # "at" | "from" | "before" | "by"
        self.point = point
        self.rec = rec
        self.prefixed = prefixed  # led by từ/trước/vào/trong/chậm nhất/...
        self.ngay = ngay  # point written with the word "ngày"


def explicit_year(p):
    if isinstance(p, Span):
        y = explicit_year(p.b)
        return y if y is not None else explicit_year(p.a)
    if isinstance(p, School):
        return p.y1
    return p.y


def bare_day_without_year(p) -> bool:
    if isinstance(p, Span):
        return bare_day_without_year(p.b)
    return isinstance(p, Day) and p.y is None
