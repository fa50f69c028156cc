"""Recursive-descent parser: tokens of a phrase into `Item`s.

phrase := item (joiner item)*; an item is a recurrence ("hằng quý", "1-2 lần/quý"), an
ongoing marker ("thường xuyên"), or a point wrapped by an operator (at / from / before /
by). In strict mode, used inside running text, forms too ambiguous there are refused: a
bare "năm 2024", "thường xuyên", a day without "ngày" and without a year.
"""

from __future__ import annotations

from .syntax import (
    SEPS,
    Day,
    Half,
    Item,
    Month,
    Quarter,
    School,
    Span,
    Year,
    bare_day_without_year,
)

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


class Parser:
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
            return Item("rec", i, j + 2, rec=_REC_UNITS[self.v(j + 1)])
        if dk >= 0:
            return Item("dinhky", i, dk)
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
            return Item("rec", i, j + 1, rec=_REC_UNITS[unit])
        return None

    def ongoing(self, i):
        for seq in _ONGOING:
            j = self.words(i, seq)
            if j >= 0:
                if self.strict and seq not in _ONGOING_IN_TEXT:
                    return None
                return Item("ongoing", i, j)
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
            if isinstance(point, (Year, School, Half)):
                return None
            if not ngay and bare_day_without_year(point):
                return None
        return Item("period", i, j, op=op, point=point, rec=rec, prefixed=prefixed, ngay=ngay)

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
                return "at", Span(pa, pb, before), k2, True, ngay or ngay2
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
        e = self.range_end(a[1])  # "tháng 6 đến tháng 8/2025": a range written without "từ"
        if e is not None:
            before, pb, k2, ngay2 = e
            return "at", Span(a[0], pb, before), k2, False, a[2] or ngay2
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
        if self.v(k) in SEPS or self.v(k) == "năm":
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
        if w in SEPS:
            m = self.num(j + 1, 1, 2)
            if m is not None:
                k = j + 2
                if w == "-" and self.v(k) in SEPS and self.v(k) != "-":
                    m2 = self.num(k + 1, 1, 2)
                    if m2 is not None:  # "22-28/12/2024": days 22 to 28
                        y, k2 = self.opt_year(k + 2)
                        return Span(Day(d, None, None), Day(m, m2, y)), k2
                y, k = self.opt_year(k)
                if y is None and not after_ngay and self.v(k) in _UNIT_WORDS:
                    return None
                return Day(d, m, y), k
        if w == "tháng":
            m = self.num(j + 1, 1, 2)
            if m is not None:
                k = j + 2
                y = None
                if self.v(k) == "năm" and self.num(k + 1, 4, 4) is not None:
                    y = self.num(k + 1, 4, 4)
                    k += 2
                return Day(d, m, y), k
        if after_ngay:
            return Day(d, None, None), j
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
                return Span(Month(m, None), Month(m2, y)), k2
        y, k = self.opt_year(k)
        return Month(m, y), k

    def part_month(self, i):
        part = self.v(i)
        if part not in ("đầu", "giữa", "cuối"):
            return None
        r = self.month(i + 1)
        if r is None or not isinstance(r[0], Month):
            return None
        return Month(r[0].m, r[0].y, part), r[1]

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
        return Quarter(q1, q2, y), k

    def half(self, i):
        if self.v(i) not in ("6", "06", "sáu") or self.v(i + 1) != "tháng":
            return None
        h = {"đầu": 1, "cuối": 2}.get(self.v(i + 2))
        if h is None or self.v(i + 3) != "năm":
            return None
        y = self.num(i + 4, 4, 4)
        return Half(h, y), (i + 5 if y is not None else i + 4)

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
        return Year(y), k

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
            return School(r[0], r[1], None), r[2]
        if self.words(i, ("học", "kỳ")) < 0:
            return None
        term = self.quarter_num(i + 2)
        if term not in (1, 2):
            return None
        r = self.school_years(i + 3)
        if r is None:
            return School(None, None, term), i + 3
        return School(r[0], r[1], term), r[2]
