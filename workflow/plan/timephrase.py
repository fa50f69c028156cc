"""Read Vietnamese deadline phrases ("thời hạn") into dated periods.

Plans state time as prose ("tháng 3/2024 và tháng 8/2024", "trước ngày 05/11/2024",
"Quý II-III/2024", "thường xuyên" ...). The prose stays in the generated documents
exactly as written; this module turns one phrase into periods (inclusive first and
last day), a recurrence, or the "ongoing" marker, so that calendars and reminders
get real dates. A phrase that cannot be read raises `PhraseError`, which quotes the
phrase and lists the understood forms: never a silent guess.

Spec: docs "time-expressions" (shared domain notes). Pure stdlib, no I/O.

Implementation: the text is NFC-normalised and split into tokens (numbers, words,
single punctuation characters); a small recursive-descent parser reads the tokens
into points (day, month, quarter, half-year, year, school year/term, ranges of
these) wrapped by an operator (at / from / before / by), then `_resolve` turns them
into dates. `find_phrases` runs the same parser at each token of a sentence in a
"strict" mode that refuses forms too ambiguous in running text (a bare "năm 2024",
"thường xuyên", a bare "11-18"), and skips dates of legal citations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "RECURRENCES",
    "Period",
    "SchoolCalendar",
    "Reading",
    "PhraseError",
    "FORMS",
    "read_phrase",
    "find_phrases",
]

RECURRENCES = ("yearly", "quarterly", "monthly")


@dataclass(frozen=True)
class Period:
    start: date | None  # first day, None if open
    end: date | None  # last allowed day, INCLUSIVE, None if open


@dataclass(frozen=True)
class SchoolCalendar:
    # defaults: school year 1/9 .. 31/5; học kỳ I 1/9 .. 15/1; học kỳ II 16/1 .. 31/5
    year_start: tuple[int, int] = (9, 1)  # (month, day)
    year_end: tuple[int, int] = (5, 31)
    term1_end: tuple[int, int] = (1, 15)


@dataclass(frozen=True)
class Reading:
    text: str  # the phrase exactly as given
    periods: tuple[Period, ...]  # in order of appearance
    recurrence: str | None  # None | "yearly" | "quarterly" | "monthly"
    ongoing: bool  # "thường xuyên", "kịp thời", "khi có yêu cầu": no date at all

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "periods": [
                {
                    "start": p.start.isoformat() if p.start else None,
                    "end": p.end.isoformat() if p.end else None,
                }
                for p in self.periods
            ],
            "recurrence": self.recurrence,
            "ongoing": self.ongoing,
        }


# Each entry: an example phrase, then " (" and a description. The example (text before
# the first " (") is itself readable; tests check it.
FORMS: tuple[str, ...] = (
    'ngày 30/9/2024 (một ngày; dấu "/", "-" hoặc "." đều được; không ghi năm thì lấy năm của kế hoạch: "ngày 30/9")',
    "ngày 22 tháng 5 năm 2024 (một ngày, viết đầy đủ)",
    'tháng 2/2024 (cả tháng; cũng viết "tháng 02/2024", "tháng 2 năm 2024", "vào tháng 10/2024", "trong tháng 11/2024")',
    'tháng 3/2024 và tháng 8/2024 (nhiều thời hạn, ngăn bởi "và", "hoặc", dấu phẩy hoặc dấu chấm phẩy)',
    'từ tháng 5 đến tháng 8/2024 (khoảng tháng; năm ghi một lần ở cuối áp dụng cho cả hai đầu; cũng viết "tháng 5-8/2024", "từ tháng 8 năm 2022 đến hết tháng 9 năm 2022")',
    'từ ngày 05/9 đến ngày 30/9/2024 (khoảng ngày; cũng viết "từ ngày 22 đến 28-12", "ngày 22-28/12/2024")',
    'từ tháng 6/2024 (từ đó trở đi, không có ngày kết thúc; cũng viết "từ ngày 05/9/2024")',
    'trước ngày 05/11/2024 (hạn cuối là ngày liền trước, 04/11/2024; cũng viết "trước tháng 9/2024")',
    'chậm nhất ngày 15/6/2024 (hạn cuối tính cả ngày đó; cũng viết "chậm nhất là ngày 15/6/2024", "hạn cuối ngày 15/6/2024", "hạn chót 15/6/2024", "đến hết ngày 15/6/2024", "đến hết tháng 6/2024")',
    'quý II-III/2024 (một quý hoặc nhiều quý liền nhau, số La Mã hoặc số thường; cũng viết "quý I/2025", "quý 2/2024", "quý II năm 2024")',
    "cuối tháng 12/2024 (đầu tháng: ngày 1–10; giữa tháng: ngày 11–20; cuối tháng: ngày 21 đến hết tháng)",
    '6 tháng đầu năm 2024 (01/01–30/6; "6 tháng cuối năm" là 01/7–31/12; không ghi năm thì lấy năm của kế hoạch)',
    'trong năm 2023 (cả năm; cũng viết "năm 2023"; "đến hết năm 2024" là hạn cuối 31/12/2024)',
    'học kỳ I năm học 2024-2025 (theo lịch năm học; cũng viết "năm học 2024-2025", "học kỳ II năm học 2024-2025")',
    'trước ngày 03/10 hằng năm (lặp lại mỗi năm; "trước ngày 20 hằng tháng" lặp lại mỗi tháng)',
    'định kỳ hằng quý (lặp lại, không có ngày cụ thể; cũng viết "hằng tháng", "hằng năm", "1-2 lần/quý")',
    'thường xuyên (công việc liên tục, không có ngày; cũng viết "kịp thời", "khi có yêu cầu")',
)


class PhraseError(ValueError):
    """Unreadable phrase. .phrase = the text, .message = Vietnamese message quoting it, .forms = FORMS."""

    def __init__(self, phrase: str, message: str | None = None):
        self.phrase = phrase
        self.message = message if message is not None else _generic_message(phrase)
        self.forms = FORMS
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _generic_message(phrase: str) -> str:
    return f'không hiểu thời hạn "{phrase.strip()}". Các cách viết được hiểu:\n' + "\n".join(
        "- " + f for f in FORMS
    )


# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+|\S")
_WORD_VARIANTS = {"hàng": "hằng", "kì": "kỳ", "quí": "quý", "qúy": "quý", "qúi": "quý"}
_PUNCT_VARIANTS = {"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "[": "(", "]": ")"}
_SEPS = frozenset(("/", "-", "."))
# A bare "D-M" followed by one of these is a count or an age, not a date: "11-18 tuổi".
_UNIT_WORDS = frozenset(
    ("lần", "tuổi", "buổi", "giờ", "tiết", "người", "%", "năm", "tháng", "ngày", "tuần", "quý", "lớp")
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_REC_UNITS = {"năm": "yearly", "quý": "quarterly", "tháng": "monthly"}
_ONGOING = (
    ("thường", "xuyên"),
    ("kịp", "thời"),
    ("khi", "có", "yêu", "cầu"),
    ("theo", "yêu", "cầu"),
    ("đột", "xuất"),
)
# Only these ongoing words are specific enough to be reported inside running text.
_ONGOING_IN_TEXT = frozenset((("khi", "có", "yêu", "cầu"),))
_BY_PREFIXES = (
    ("chậm", "nhất"),
    ("muộn", "nhất"),
    ("hạn", "cuối"),
    ("hạn", "chót"),
    ("không", "quá"),
    ("đến",),
    ("tới",),
)
_STRIP_LEAD = " \t\r\n\u00a0-–—•*+([{\"“‘'"
_STRIP_TRAIL = " \t\r\n\u00a0.,;:!?)]}\"”’'"


def _tokenize(text: str) -> list[tuple[str, int, int, str]]:
    """(normalised value, start, end, kind) with kind 'n' number, 'w' word, 'p' punctuation."""
    out = []
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        c = raw[0]
        if c.isdigit():
            out.append((raw, m.start(), m.end(), "n"))
        elif c.isalpha():
            low = raw.lower()
            out.append((_WORD_VARIANTS.get(low, low), m.start(), m.end(), "w"))
        else:
            out.append((_PUNCT_VARIANTS.get(raw, raw), m.start(), m.end(), "p"))
    return out


# --------------------------------------------------------------------------- syntax tree


class _Day:
    __slots__ = ("d", "m", "y")

    def __init__(self, d, m, y):
        self.d, self.m, self.y = d, m, y


class _Month:
    __slots__ = ("m", "y", "part")

    def __init__(self, m, y, part=None):
        self.m, self.y, self.part = m, y, part


class _Quarter:
    __slots__ = ("q1", "q2", "y")

    def __init__(self, q1, q2, y):
        self.q1, self.q2, self.y = q1, q2, y


class _Half:
    __slots__ = ("h", "y")

    def __init__(self, h, y):
        self.h, self.y = h, y


class _Year:
    __slots__ = ("y",)

    def __init__(self, y):
        self.y = y


class _School:
    __slots__ = ("y1", "y2", "term")

    def __init__(self, y1, y2, term):
        self.y1, self.y2, self.term = y1, y2, term


class _Span:
    """From the start of `a` to the end of `b` (or to the day before `b` when `before`)."""

    __slots__ = ("a", "b", "before")

    def __init__(self, a, b, before=False):
        self.a, self.b, self.before = a, b, before


class _Item:
    __slots__ = ("kind", "i", "j", "op", "point", "rec", "prefixed", "ngay")

    def __init__(self, kind, i, j, op=None, point=None, rec=None, prefixed=False, ngay=False):
        self.kind = kind  # "period" | "rec" | "ongoing" | "dinhky"
        self.i, self.j = i, j  # token span [i, j)
        self.op = op  # "at" | "from" | "before" | "by"
        self.point = point
        self.rec = rec
        self.prefixed = prefixed  # led by từ/trước/vào/trong/chậm nhất/...
        self.ngay = ngay  # point written with the word "ngày"


def _explicit_year(p):
    if isinstance(p, _Span):
        y = _explicit_year(p.b)
        return y if y is not None else _explicit_year(p.a)
    if isinstance(p, _School):
        return p.y1
    return p.y


def _bare_day_without_year(p) -> bool:
    if isinstance(p, _Span):
        return _bare_day_without_year(p.b)
    return isinstance(p, _Day) and p.y is None


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, toks, strict: bool):
        self.t = toks
        self.n = len(toks)
        self.strict = strict

    def v(self, i):
        return self.t[i][0] if 0 <= i < self.n else None

    def num(self, i, lo, hi):
        if 0 <= i < self.n:
            tok = self.t[i]
            if tok[3] == "n" and lo <= len(tok[0]) <= hi:
                return int(tok[0])
        return None

    def words(self, i, seq) -> int:
        for k, w in enumerate(seq):
            if self.v(i + k) != w:
                return -1
        return i + len(seq)

    # phrase := item (joiner item)*
    def phrase(self, i):
        it = self.item(i)
        if it is None:
            return None
        items = [it]
        j = it.j
        while True:
            k = self.joiner(j)
            if k < 0:
                break
            nxt = self.item(k)
            if nxt is None:
                break
            items.append(nxt)
            j = nxt.j
        return items, j

    def joiner(self, i) -> int:
        v = self.v(i)
        if v in (",", ";"):
            return i + 2 if self.v(i + 1) in ("và", "hoặc") else i + 1
        if v in ("và", "hoặc"):
            return i + 1
        return -1

    def item(self, i):
        return self.recurrence_only(i) or self.ongoing(i) or self.timed_item(i)

    def recurrence_only(self, i):
        j = i
        dk = self.words(i, ("định", "kỳ"))
        if dk >= 0:
            j = dk
        if self.v(j) in ("hằng", "mỗi") and self.v(j + 1) in _REC_UNITS:
            if self.v(j + 2) == "học":  # "hằng năm học": not understood
                return None
            return _Item("rec", i, j + 2, rec=_REC_UNITS[self.v(j + 1)])
        if dk >= 0:
            return _Item("dinhky", i, dk)
        # "(từ) 1-2 lần/quý", "01 lần/năm", "2 lần mỗi tháng"
        if self.v(j) == "từ":
            j += 1
        if self.num(j, 1, 2) is None:
            return None
        j += 1
        if self.v(j) == "-" and self.num(j + 1, 1, 2) is not None:
            j += 2
        if self.v(j) != "lần":
            return None
        j += 1
        if self.v(j) == "/":
            j += 1
            if self.v(j) in ("1", "01", "một"):
                j += 1
        elif self.v(j) in ("mỗi", "một", "trên", "trong"):
            j += 1
        else:
            return None
        unit = self.v(j)
        if unit in _REC_UNITS and self.v(j + 1) != "học":
            return _Item("rec", i, j + 1, rec=_REC_UNITS[unit])
        return None

    def ongoing(self, i):
        for seq in _ONGOING:
            j = self.words(i, seq)
            if j >= 0:
                if self.strict and seq not in _ONGOING_IN_TEXT:
                    return None
                return _Item("ongoing", i, j)
        return None

    def timed_item(self, i):
        r = self.timed(i, allow_in=True)
        if r is None:
            return None
        op, point, j, prefixed, ngay = r
        rec = None
        if self.v(j) in ("hằng", "mỗi") and self.v(j + 1) in _REC_UNITS and self.v(j + 2) != "học":
            rec = _REC_UNITS[self.v(j + 1)]
            j += 2
        if self.strict and not prefixed:
            if isinstance(point, (_Year, _School, _Half)):
                return None
            if not ngay and _bare_day_without_year(point):
                return None
        return _Item("period", i, j, op=op, point=point, rec=rec, prefixed=prefixed, ngay=ngay)

    def timed(self, i, allow_in: bool):
        """-> (op, point, end, prefixed, ngay) or None."""
        v = self.v(i)
        j = -1
        if v == "từ":
            j = i + 1
        elif v == "kể" and self.v(i + 1) == "từ":
            j = i + 2
        elif self.words(i, ("bắt", "đầu", "từ")) >= 0:
            j = i + 3
        if j >= 0:
            if self.v(j) == "nay":  # "từ nay đến hết tháng 9/2024": only an end
                e = self.range_end(j + 1)
                if e is None:
                    return None
                before, pb, k, ngay = e
                return ("before" if before else "by"), pb, k, True, ngay
            a = self.point(j)
            if a is None:
                return None
            pa, k, ngay = a
            e = self.range_end(k)
            if e is not None:
                before, pb, k2, ngay2 = e
                return "at", _Span(pa, pb, before), k2, True, ngay or ngay2
            return "from", pa, k, True, ngay
        if v == "trước":
            a = self.point(i + 1)
            if a is None:
                return None
            return "before", a[0], a[1], True, a[2]
        for seq in _BY_PREFIXES:
            k = self.words(i, seq)
            if k < 0:
                continue
            if self.v(k) == ":":
                k += 1
            if self.v(k) == "là":
                k += 1
            if self.v(k) in ("vào", "trong"):
                k += 1
            if self.v(k) == "hết":
                k += 1
            op = "by"
            if self.v(k) == "trước":
                op = "before"
                k += 1
            a = self.point(k)
            if a is None:
                return None
            return op, a[0], a[1], True, a[2]
        if allow_in and v in ("vào", "trong"):
            k = i + 1
            if self.v(k) in ("khoảng", "suốt"):
                k += 1
            elif self.words(k, ("thời", "gian")) >= 0:
                k += 2
            r = self.timed(k, allow_in=False)
            if r is None:
                return None
            op, p, j2, _, ngay = r
            return op, p, j2, True, ngay
        a = self.point(i)
        if a is None:
            return None
        return "at", a[0], a[1], False, a[2]

    def range_end(self, k):
        """'đến [hết|trước] point' -> (before, point, end, ngay) or None."""
        if self.v(k) not in ("đến", "tới"):
            return None
        k += 1
        before = False
        if self.v(k) == "hết":
            k += 1
        elif self.v(k) == "trước":
            before = True
            k += 1
        b = self.point(k)
        if b is None:
            return None
        return before, b[0], b[1], b[2]

    def point(self, i):
        """-> (node, end, ngay) or None."""
        if self.v(i) == "ngày":
            r = self.day(i + 1, after_ngay=True)
            if r is None:
                return None
            return r[0], r[1], True
        for f in (self.school, self.half, self.part_month, self.month, self.quarter, self.year):
            r = f(i)
            if r is not None:
                return r[0], r[1], False
        r = self.day(i, after_ngay=False)
        if r is None:
            return None
        return r[0], r[1], False

    def opt_year(self, k):
        if self.v(k) in _SEPS or self.v(k) == "năm":
            y = self.num(k + 1, 4, 4)
            if y is not None:
                return y, k + 2
        return None, k

    def day(self, i, after_ngay: bool):
        d = self.num(i, 1, 2)
        if d is None:
            return None
        j = i + 1
        w = self.v(j)
        if w in _SEPS:
            m = self.num(j + 1, 1, 2)
            if m is not None:
                k = j + 2
                if w == "-" and self.v(k) in _SEPS and self.v(k) != "-":
                    m2 = self.num(k + 1, 1, 2)
                    if m2 is not None:  # "22-28/12/2024": days 22 to 28
                        y, k2 = self.opt_year(k + 2)
                        return _Span(_Day(d, None, None), _Day(m, m2, y)), k2
                y, k = self.opt_year(k)
                if y is None and not after_ngay and self.v(k) in _UNIT_WORDS:
                    return None
                return _Day(d, m, y), k
        if w == "tháng":
            m = self.num(j + 1, 1, 2)
            if m is not None:
                k = j + 2
                y = None
                if self.v(k) == "năm" and self.num(k + 1, 4, 4) is not None:
                    y = self.num(k + 1, 4, 4)
                    k += 2
                return _Day(d, m, y), k
        if after_ngay:
            return _Day(d, None, None), j
        return None

    def month(self, i):
        if self.v(i) != "tháng":
            return None
        m = self.num(i + 1, 1, 2)
        if m is None:
            return None
        k = i + 2
        if self.v(k) == "-":
            m2 = self.num(k + 1, 1, 2)
            if m2 is not None:  # "tháng 5-8/2024"
                y, k2 = self.opt_year(k + 2)
                return _Span(_Month(m, None), _Month(m2, y)), k2
        y, k = self.opt_year(k)
        return _Month(m, y), k

    def part_month(self, i):
        part = self.v(i)
        if part not in ("đầu", "giữa", "cuối"):
            return None
        r = self.month(i + 1)
        if r is None or not isinstance(r[0], _Month):
            return None
        return _Month(r[0].m, r[0].y, part), r[1]

    def quarter_num(self, i):
        v = self.v(i)
        if v in _ROMAN:
            return _ROMAN[v]
        return self.num(i, 1, 1)

    def quarter(self, i):
        if self.v(i) != "quý":
            return None
        q1 = self.quarter_num(i + 1)
        if q1 is None:
            return None
        k = i + 2
        q2 = q1
        if self.v(k) == "-":
            qq = self.quarter_num(k + 1)
            if qq is not None:
                q2 = qq
                k += 2
        y, k = self.opt_year(k)
        return _Quarter(q1, q2, y), k

    def half(self, i):
        if self.v(i) not in ("6", "06", "sáu") or self.v(i + 1) != "tháng":
            return None
        h = {"đầu": 1, "cuối": 2}.get(self.v(i + 2))
        if h is None or self.v(i + 3) != "năm":
            return None
        y = self.num(i + 4, 4, 4)
        return _Half(h, y), (i + 5 if y is not None else i + 4)

    def year(self, i):
        if self.v(i) != "năm":
            return None
        y = self.num(i + 1, 4, 4)
        if y is None:
            return None
        k = i + 2
        # "năm 2020-2030", "năm 2024/2025": a span of years, not understood
        if self.v(k) in ("-", "/") and self.num(k + 1, 1, 4) is not None:
            return None
        return _Year(y), k

    def school_years(self, i):
        if self.words(i, ("năm", "học")) < 0:
            return None
        y1 = self.num(i + 2, 4, 4)
        if y1 is None or self.v(i + 3) not in ("-", "/"):
            return None
        y2 = self.num(i + 4, 4, 4)
        if y2 is None:
            return None
        return y1, y2, i + 5

    def school(self, i):
        r = self.school_years(i)
        if r is not None:
            return _School(r[0], r[1], None), r[2]
        if self.words(i, ("học", "kỳ")) < 0:
            return None
        term = self.quarter_num(i + 2)
        if term not in (1, 2):
            return None
        r = self.school_years(i + 3)
        if r is None:
            return _School(None, None, term), i + 3
        return _School(r[0], r[1], term), r[2]


# --------------------------------------------------------------------------- resolution

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _month_len(y: int, m: int) -> int:
    return 29 if m == 2 and _is_leap(y) else _MONTH_DAYS[m - 1]


class _Ctx:
    __slots__ = ("text", "q", "school")

    def __init__(self, text, school):
        self.text = text
        self.q = text.strip()
        self.school = school

    def err(self, msg):
        return PhraseError(self.text, f'thời hạn "{self.q}": {msg}')

    def check_month(self, m):
        if not 1 <= m <= 12:
            raise self.err(f"tháng {m} không hợp lệ (tháng phải từ 1 đến 12)")

    def mkdate(self, y, m, d):
        self.check_month(m)
        if not 1 <= y <= 9999:
            raise self.err(f"năm {y} không hợp lệ")
        if not 1 <= d <= _month_len(y, m):
            extra = f" ({y} không phải năm nhuận)" if (m == 2 and d == 29) else ""
            raise self.err(f"ngày {d:02d}/{m:02d}/{y} không tồn tại{extra}")
        return date(y, m, d)

    def month_end(self, y, m):
        self.check_month(m)
        return self.mkdate(y, m, _month_len(y, m))

    def order(self, start, end):
        if start is not None and end is not None and end < start:
            raise self.err(
                f"ngày kết thúc trước ngày bắt đầu ({end:%d/%m/%Y} trước {start:%d/%m/%Y}); "
                "nếu khoảng thời gian kéo qua năm mới, hãy ghi năm cho cả hai đầu"
            )


def _span(ctx: _Ctx, p, fb: int) -> tuple[date, date]:
    """First and last day of a point; `fb` is the year used when none is written."""
    if isinstance(p, _Day):
        if p.m is None:
            raise ctx.err(f'ngày {p.d} thiếu tháng (ví dụ: "ngày {p.d}/9/2024")')
        d = ctx.mkdate(p.y if p.y is not None else fb, p.m, p.d)
        return d, d
    if isinstance(p, _Month):
        y = p.y if p.y is not None else fb
        ctx.check_month(p.m)
        last = _month_len(y, p.m)
        lo, hi = {None: (1, last), "đầu": (1, 10), "giữa": (11, 20), "cuối": (21, last)}[p.part]
        return ctx.mkdate(y, p.m, lo), ctx.mkdate(y, p.m, hi)
    if isinstance(p, _Quarter):
        y = p.y if p.y is not None else fb
        for q in (p.q1, p.q2):
            if not 1 <= q <= 4:
                raise ctx.err(f"quý {q} không hợp lệ (quý từ I đến IV)")
        start, end = ctx.mkdate(y, 3 * p.q1 - 2, 1), ctx.month_end(y, 3 * p.q2)
        ctx.order(start, end)
        return start, end
    if isinstance(p, _Half):
        y = p.y if p.y is not None else fb
        if p.h == 1:
            return ctx.mkdate(y, 1, 1), ctx.mkdate(y, 6, 30)
        return ctx.mkdate(y, 7, 1), ctx.mkdate(y, 12, 31)
    if isinstance(p, _Year):
        return ctx.mkdate(p.y, 1, 1), ctx.mkdate(p.y, 12, 31)
    if isinstance(p, _School):
        return _school_span(ctx, p)
    if isinstance(p, _Span):
        a, b = p.a, p.b
        if isinstance(a, _Day) and a.m is None:
            bm = b.m if isinstance(b, (_Day, _Month)) else None
            if bm is None:
                raise ctx.err(f'ngày {a.d} thiếu tháng (ví dụ: "từ ngày {a.d}/9 đến ngày 30/9/2024")')
            a = _Day(a.d, bm, a.y)
        ya, yb = _explicit_year(a), _explicit_year(b)
        # A year written on one end applies to both ends.
        fa = ya if ya is not None else (yb if yb is not None else fb)
        fbb = yb if yb is not None else (ya if ya is not None else fb)
        start = _span(ctx, a, fa)[0]
        bs, be = _span(ctx, b, fbb)
        end = bs - timedelta(days=1) if p.before else be
        ctx.order(start, end)
        return start, end
    raise AssertionError(p)  # pragma: no cover


def _school_span(ctx: _Ctx, p: _School) -> tuple[date, date]:
    if p.y1 is None:
        raise ctx.err('cần ghi rõ năm học, ví dụ "học kỳ I năm học 2024-2025"')
    if p.y2 != p.y1 + 1:
        raise ctx.err(f'năm học {p.y1}-{p.y2} không hợp lệ (hai năm phải liền nhau, ví dụ "năm học 2024-2025")')
    sc = ctx.school or SchoolCalendar()

    def at(md):  # a (month, day) inside the school year y1-y2
        y = p.y1 if md >= sc.year_start else p.y2
        return ctx.mkdate(y, md[0], md[1])

    start, end = at(sc.year_start), at(sc.year_end)
    if p.term == 1:
        end = at(sc.term1_end)
    elif p.term == 2:
        start = at(sc.term1_end) + timedelta(days=1)
    ctx.order(start, end)
    return start, end


def _resolve(items, ctx: _Ctx, year: int) -> tuple[tuple[Period, ...], str | None, bool]:
    periods = []
    recs = set()
    ongoing = False
    with_rec = without_rec = 0
    for idx, it in enumerate(items):
        if it.kind == "ongoing":
            ongoing = True
            continue
        if it.kind == "dinhky":
            raise ctx.err('"định kỳ" cần ghi rõ tần suất, ví dụ "định kỳ hằng quý", "định kỳ hằng tháng"')
        if it.kind == "rec":
            recs.add(it.rec)
            continue
        # A year written only on a later item applies to the earlier ones
        # ("tháng 3 và tháng 8/2024"); otherwise the plan year.
        fb = year
        for later in items[idx + 1 :]:
            if later.kind == "period":
                y = _explicit_year(later.point)
                if y is not None:
                    fb = y
                    break
        point = it.point
        if it.rec is not None:
            with_rec += 1
            recs.add(it.rec)
            if it.rec == "monthly":
                if not (isinstance(point, _Day) and point.m is None):
                    raise ctx.err('"hằng tháng" chỉ đi với một ngày trong tháng, ví dụ "trước ngày 20 hằng tháng"')
                point = _Day(point.d, 1, point.y)  # first occurrence: January of the plan year
            elif it.rec == "quarterly":
                raise ctx.err('"hằng quý" không đi kèm ngày cụ thể; hãy viết "hằng quý" hoặc "định kỳ hằng quý"')
        else:
            without_rec += 1
        start, end = _span(ctx, point, fb)
        if it.op == "from":
            periods.append(Period(start, None))
        elif it.op == "before":
            periods.append(Period(None, start - timedelta(days=1)))
        elif it.op == "by":
            periods.append(Period(None, end))
        else:
            periods.append(Period(start, end))
    if len(recs) > 1:
        raise ctx.err("không thể kết hợp nhiều tần suất lặp lại khác nhau trong một thời hạn")
    if with_rec and without_rec:
        raise ctx.err("không thể kết hợp thời hạn lặp lại và thời hạn không lặp lại trong một thời hạn")
    return tuple(periods), (recs.pop() if recs else None), ongoing


# --------------------------------------------------------------------------- public API


def _core_bounds(text: str) -> tuple[int, int]:
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


def _read_tokens(toks, ctx: _Ctx, year: int, strict: bool = False) -> Reading:
    if not toks:
        raise PhraseError(ctx.text)
    r = _Parser(toks, strict).phrase(0)
    if r is None or r[1] != len(toks):
        raise PhraseError(ctx.text)
    periods, rec, ongoing = _resolve(r[0], ctx, year)
    return Reading(text=ctx.text, periods=periods, recurrence=rec, ongoing=ongoing)


def read_phrase(text: str, *, year: int, school: SchoolCalendar | None = None) -> Reading:
    """Read one deadline phrase; a missing year comes from `year` (the plan year). Raises PhraseError."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError("year must be an int")
    norm = unicodedata.normalize("NFC", text)
    a, b = _core_bounds(norm)
    return _read_tokens(_tokenize(norm[a:b]), _Ctx(text, school), year)


def _nfc_with_map(s: str) -> tuple[str, list[int] | None]:
    """NFC form of `s` and, if it differs, a map from its offsets to offsets in `s`."""
    if unicodedata.is_normalized("NFC", s):
        return s, None
    parts: list[str] = []
    omap: list[int] = []
    i, n = 0, len(s)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(s[j]):
            j += 1
        seg = unicodedata.normalize("NFC", s[i:j])
        parts.append(seg)
        omap.extend([i] * len(seg))
        i = j
    omap.append(n)
    return "".join(parts), omap


def _is_doc_symbol(chunk: str) -> bool:
    """'20/2014/NĐ-CP', '/KH-SGDĐT', '29-CT/TW': a legal document's number and symbol."""
    chunk = chunk.strip(",;:")
    return "/" in chunk and any(c.isupper() for c in chunk)


def _is_excluded(ns: str, toks, items, i: int, j: int, quoted: list[bool]) -> bool:
    """Readable phrases that are not deadlines in running text."""
    if quoted[i]:  # inside “...”: a quoted title
        return True
    first = items[0]
    tv = toks[i][0]
    prev = toks[i - 1][0] if i > 0 else None
    # "Ba Đình, ngày   tháng 02 năm 2024": the document date with a blank day
    if tv == "tháng" and prev == "ngày":
        return True
    # A number glued to a longer number: "...12/2024/..."
    if toks[i][3] == "n" and prev in _SEPS and toks[i - 1][2] == toks[i][1] and i > 1 and toks[i - 2][3] == "n":
        return True
    if j < len(toks) and toks[j][0] in ("/", "-") and toks[j][1] == toks[j - 1][2]:
        if j + 1 < len(toks) and toks[j + 1][1] == toks[j][2] and toks[j + 1][3] != "p":
            return True
    # "định hướng đến năm 2030", "tầm nhìn đến năm 2045": titles of strategies
    if tv in ("đến", "tới") and i >= 2 and (toks[i - 2][0], prev) in (("tầm", "nhìn"), ("định", "hướng")):
        return True
    if first.kind == "period" and not first.prefixed and isinstance(first.point, _Day):
        # Legal citation: "... số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ"
        if j < len(toks) and toks[j][0] == "của":
            return True
        before = ns[: toks[i][1]].rstrip(" \t\r\n\u00a0,")
        chunk = before.rsplit(None, 1)[-1] if before else ""
        if _is_doc_symbol(chunk):
            return True
    return False


def _quote_flags(toks) -> list[bool]:
    out = []
    depth = 0
    for tok in toks:
        v = tok[0]
        if v == "“":
            depth += 1
        elif v == "”":
            depth = max(0, depth - 1)
        out.append(depth > 0)
    return out


def find_phrases(sentence: str) -> list[tuple[int, int, str]]:
    """Locate deadline phrases inside a longer sentence (for importing Word plans).

    Returns (start offset, end offset, phrase text) for each readable phrase, offsets into
    `sentence`. A sentence (or a parenthesised group) that is as a whole a phrase is read
    leniently ("Thường xuyên", "(năm 2024)"); inside running text only specific forms count:
    not a bare "năm 2024" (too often a scope, "Chương trình ... năm 2018"), not
    "thường xuyên"/"kịp thời" (adverbs), not numbers such as "11-18 tuổi", and not the date
    of a legal citation ("Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ").
    """
    ns, omap = _nfc_with_map(sentence)

    def out(a: int, b: int) -> tuple[int, int, str]:
        if omap is not None:
            a, b = omap[a], omap[b]
        return a, b, sentence[a:b]

    year = 2000  # any year: only readability matters here
    ca, cb = _core_bounds(ns)
    if ca < cb:
        toks = _tokenize(ns[ca:cb])
        try:
            _read_tokens(toks, _Ctx(ns[ca:cb], None), year)
        except PhraseError:
            pass
        else:
            return [out(ca, cb)]

    toks = _tokenize(ns)
    n = len(toks)
    quoted = _quote_flags(toks)
    strict = _Parser(toks, strict=True)
    lenient = _Parser(toks, strict=False)
    found = []
    i = 0
    while i < n:
        r = None
        if i > 0 and toks[i - 1][0] == "(":
            r = lenient.phrase(i)
            if r is not None and not (r[1] < n and toks[r[1]][0] == ")"):
                r = None
        if r is None:
            r = strict.phrase(i)
        if r is None:
            i += 1
            continue
        items, j = r
        if not _is_excluded(ns, toks, items, i, j, quoted):
            a, b = toks[i][1], toks[j - 1][2]
            try:
                _resolve(items, _Ctx(ns[a:b], None), year)
            except PhraseError:
                pass
            else:
                found.append(out(a, b))
        i = j
    return found
