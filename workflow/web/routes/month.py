"""A month of deadlines for the office: every task's deadlines on their days, done, due and
late told apart by colour, sign and word; one unit or all."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ...progress.views import STATE_SIGNS, STATE_WORDS, month_marks, month_weeks
from ..pages import page

MONTHS = ["tháng 1", "tháng 2", "tháng 3", "tháng 4", "tháng 5", "tháng 6", "tháng 7", "tháng 8",
          "tháng 9", "tháng 10", "tháng 11", "tháng 12"]


def day_param(raw: str | None, default: date) -> date:
    """A day from the query (2024-11-05 or 05/11/2024); 400 when it is not one."""
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        if "/" in raw:
            d, m, y = raw.split("/")
            return date(int(y), int(m), int(d))
        return date.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400, f"Ngày '{raw[:20]}' không hợp lệ (viết dạng 05/11/2024).") from None


def _month(raw: str | None, on: date, year: int) -> tuple[int, int]:
    if raw:
        try:
            y, m = (int(x) for x in raw.split("-"))
            date(y, m, 1)
            return y, m
        except ValueError:
            raise HTTPException(400, "Tháng không hợp lệ (viết dạng 2024-10).") from None
    if on.year == year:
        return year, on.month
    return (year, 12) if on.year > year else (year, 1)


def month_view(fu, name: str, query) -> dict:
    lp, obs = fu.obligations(name)
    on = day_param(query.get("ngay"), fu.today())
    y, m = _month(query.get("thang"), on, lp.year)
    unit = query.get("don-vi") or None
    units = [(u, lp.unit_label(u)) for u in fu.link_units(lp, obs)]
    if unit is not None and unit not in dict(units):
        raise HTTPException(404, "Không có đơn vị này trong kế hoạch.")
    prev_m = (y - 1, 12) if m == 1 else (y, m - 1)
    next_m = (y + 1, 1) if m == 12 else (y, m + 1)
    return {"weeks": month_weeks(y, m), "marks": month_marks(lp, obs, y, m, on, unit), "year": y,
            "month": m, "month_name": MONTHS[m - 1], "on": on, "unit": unit, "units": units,
            "prev": f"{prev_m[0]}-{prev_m[1]:02d}", "next": f"{next_m[0]}-{next_m[1]:02d}",
            "signs": STATE_SIGNS, "words": STATE_WORDS, "plan_year": lp.year}


async def month_page(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    data = await run_in_threadpool(month_view, fu, name, request.query_params)
    return page(request, "month.html", name=name, tab="followup", sub="month", **data)


routes = [Route("/ke-hoach/{name}/lich-thang", month_page, methods=["GET"])]
