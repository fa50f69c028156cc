"""Reading one phrase: parsed items resolved into dated periods (`read_phrase`)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from .model import Period, PhraseError, Reading, SchoolCalendar
from .parser import Parser
from .syntax import (
    Day,
    Half,
    Month,
    Quarter,
    School,
    Span,
    Year,
    core_bounds,
    explicit_year,
    tokenize,
)

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _month_len(y: int, m: int) -> int:
    return 29 if m == 2 and _is_leap(y) else _MONTH_DAYS[m - 1]


class Ctx:
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

    def day_before(self, d):
        if d == date.min:
            raise self.err(f"không có ngày nào trước ngày {d.day:02d}/{d.month:02d}/{d.year:04d}")
        return d - timedelta(days=1)

    def order(self, start, end):
        if start is not None and end is not None and end < start:
            raise self.err(
                f"ngày kết thúc trước ngày bắt đầu ({end:%d/%m/%Y} trước {start:%d/%m/%Y}); "
                "nếu khoảng thời gian kéo qua năm mới, hãy ghi năm cho cả hai đầu"
            )


def _span(ctx: Ctx, p, fb: int) -> tuple[date, date]:
    """First and last day of a point; `fb` is the year used when none is written."""
    if isinstance(p, Day):
        if p.m is None:
            raise ctx.err(f'ngày {p.d} thiếu tháng (ví dụ: "ngày {p.d}/9/2024")')
        d = ctx.mkdate(p.y if p.y is not None else fb, p.m, p.d)
        return d, d
    if isinstance(p, Month):
        y = p.y if p.y is not None else fb
        ctx.check_month(p.m)
        last = _month_len(y, p.m)
        lo, hi = {None: (1, last), "đầu": (1, 10), "giữa": (11, 20), "cuối": (21, last)}[p.part]
        return ctx.mkdate(y, p.m, lo), ctx.mkdate(y, p.m, hi)
    if isinstance(p, Quarter):
        y = p.y if p.y is not None else fb
        for q in (p.q1, p.q2):
            if not 1 <= q <= 4:
                raise ctx.err(f"quý {q} không hợp lệ (quý từ I đến IV)")
        start, end = ctx.mkdate(y, 3 * p.q1 - 2, 1), ctx.month_end(y, 3 * p.q2)
        ctx.order(start, end)
        return start, end
    if isinstance(p, Half):
        y = p.y if p.y is not None else fb
        if p.h == 1:
            return ctx.mkdate(y, 1, 1), ctx.mkdate(y, 6, 30)
        return ctx.mkdate(y, 7, 1), ctx.mkdate(y, 12, 31)
    if isinstance(p, Year):
        return ctx.mkdate(p.y, 1, 1), ctx.mkdate(p.y, 12, 31)
    if isinstance(p, School):
        return _school_span(ctx, p)
    if isinstance(p, Span):
        a, b = p.a, p.b
        if isinstance(a, Day) and a.m is None:
            bm = b.m if isinstance(b, (Day, Month)) else None
            if bm is None:
                raise ctx.err(f'ngày {a.d} thiếu tháng (ví dụ: "từ ngày {a.d}/9 đến ngày 30/9/2024")')
            a = Day(a.d, bm, a.y)
        ya, yb = explicit_year(a), explicit_year(b)
        # A year written on one end applies to both ends.
        fa = ya if ya is not None else (yb if yb is not None else fb)
        fbb = yb if yb is not None else (ya if ya is not None else fb)
        start = _span(ctx, a, fa)[0]
        bs, be = _span(ctx, b, fbb)
        end = ctx.day_before(bs) if p.before else be
        ctx.order(start, end)
        return start, end
    raise AssertionError(p)  # pragma: no cover


def _school_span(ctx: Ctx, p: School) -> tuple[date, date]:
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


def resolve(items, ctx: Ctx, year: int) -> tuple[tuple[Period, ...], str | None, bool]:
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
                y = explicit_year(later.point)
                if y is not None:
                    fb = y
                    break
        point = it.point
        if it.rec is not None:
            with_rec += 1
            recs.add(it.rec)
            if it.rec == "monthly":
                if not (isinstance(point, Day) and point.m is None):
                    raise ctx.err('"hằng tháng" chỉ đi với một ngày trong tháng, ví dụ "trước ngày 20 hằng tháng"')
                point = Day(point.d, 1, point.y)  # first occurrence: January of the plan year
            elif it.rec == "quarterly":
                raise ctx.err('"hằng quý" không đi kèm ngày cụ thể; hãy viết "hằng quý" hoặc "định kỳ hằng quý"')
        else:
            without_rec += 1
        start, end = _span(ctx, point, fb)
        if it.op == "from":
            periods.append(Period(start, None))
        elif it.op == "before":
            periods.append(Period(None, ctx.day_before(start)))
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


def read_tokens(toks, ctx: Ctx, year: int, strict: bool = False) -> Reading:
    if not toks:
        raise PhraseError(ctx.text)
    r = Parser(toks, strict).phrase(0)
    if r is None or r[1] != len(toks):
        raise PhraseError(ctx.text)
    periods, rec, ongoing = resolve(r[0], ctx, year)
    return Reading(text=ctx.text, periods=periods, recurrence=rec, ongoing=ongoing)


def read_phrase(text: str, *, year: int, school: SchoolCalendar | None = None) -> Reading:
    """Read one deadline phrase; a missing year comes from `year` (the plan year). Raises PhraseError."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError("year must be an int")
    return _read(text, year, school)


@lru_cache(maxsize=4096)
def _read(text: str, year: int, school: SchoolCalendar | None) -> Reading:
    """The reading of a phrase, made once: plans say "tháng 10/2024" again and again, and a
    Reading is immutable (a phrase that cannot be read raises, and is read again next time)."""
    norm = unicodedata.normalize("NFC", text)
    a, b = core_bounds(norm)
    return read_tokens(tokenize(norm[a:b]), Ctx(text, school), year)
