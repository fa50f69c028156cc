"""The overdue list of a plan on a day (as ``kehoach overdue`` with the store's status),
and "Soạn công văn đôn đốc" for the units the office chooses, to download."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from ...overdue import find_overdue
from ...plan.obligations import by_unit
from ..pages import page
from ..security import read_form
from .month import day_param


def _late(fu, name: str, on):
    lp = fu.followed(name)
    return find_overdue(lp, on=on, status=fu.status(name))


async def overdue_page(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    on = day_param(request.query_params.get("ngay"), fu.today())
    res = await run_in_threadpool(_late, fu, name, on)
    return page(request, "overdue.html", name=name, tab="followup", sub="overdue", on=on, res=res,
                groups=by_unit(res.pairs), letters=[], chosen=set())


def _draft(fu, name: str, on, units: set[str]):
    lp = fu.followed(name)
    out = fu.ws.out_dir(name) / f"don-doc-{on.isoformat()}"
    return find_overdue(lp, on=on, status=fu.status(name), draft=True, out_dir=out, units=units)


async def draft_letters(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    form = await read_form(request)
    on = day_param(str(form.get("ngay") or ""), fu.today())
    units = {str(u) for u in form.getlist("unit")}
    if not units:
        res = await run_in_threadpool(_late, fu, name, on)
        return page(request, "overdue.html", 422, name=name, tab="followup", sub="overdue", on=on,
                    res=res, groups=by_unit(res.pairs), letters=[], chosen=set(),
                    error="Chưa chọn đơn vị nào: đánh dấu các đơn vị cần đôn đốc.")
    res = await run_in_threadpool(_draft, fu, name, on, units)
    letters = [(u, fu.ws.display(p)) for u, p in res.letters]
    return page(request, "overdue.html", name=name, tab="followup", sub="overdue", on=on, res=res,
                groups=by_unit(res.pairs), letters=letters, chosen=units,
                message=f"Đã soạn {len(letters)} công văn đôn đốc.")


routes = [
    Route("/ke-hoach/{name}/cham-han", overdue_page, methods=["GET"]),
    Route("/ke-hoach/{name}/cham-han", draft_letters, methods=["POST"]),
]
