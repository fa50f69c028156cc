"""Working days in Vietnam: weekends and public holidays (the ``holidays`` package, Tết
included), for the checks of a plan, the days reminders go out and new deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def vn_holidays(years):
    """Vietnamese public holidays of ``years`` (a dict-like of date → Vietnamese name)."""
    # Building the table costs milliseconds; the web editor asks for it at every key press.
    return _holidays_for(tuple(sorted(set(years))))


@lru_cache(maxsize=16)
def _holidays_for(years: tuple[int, ...]):
    import holidays  # its country tables take a while to import: only when dates are checked

    return holidays.country_holidays("VN", years=list(years), language="vi")


def day_off(d: date, holidays) -> str | None:
    """Why ``d`` is not a working day ("thứ Bảy", "Chủ nhật", or the holiday's name), or None."""
    if holidays is not None and d in holidays:
        return (holidays.get(d) if hasattr(holidays, "get") else None) or "ngày nghỉ"
    return WEEKDAYS[d.weekday()] if d.weekday() >= 5 else None


def next_workday(d: date, holidays=None) -> date:
    """``d`` itself if it is a working day, else the next one."""
    while day_off(d, holidays):
        d += timedelta(days=1)
    return d


def previous_workday(d: date, holidays=None) -> date:
    """``d`` itself if it is a working day, else the one before."""
    while day_off(d, holidays):
        d -= timedelta(days=1)
    return d
