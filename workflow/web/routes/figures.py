"""The October figures for the office: open the collection (units, deadline, last year's
file), who has sent, the evaluation table, and the Báo cáo built from what was sent."""

from __future__ import annotations

from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ...errors import InputError
from ...progress import collect
from ...workspace import actions, figures
from ...workspace.followup import office
from ..pages import page, ws_problem
from ..security import read_form
from ..session import current_user
from .month import day_param
from .plans import go

KINDS = {".docx": "Báo cáo (Word, có biểu đồ)", ".xlsx": "Bảng kết quả đánh giá (Excel)"}
CRITERIA = (("nd20-2014", "Nghị định 20/2014/NĐ-CP"), ("2025", "Quy định từ ngày 01/7/2025"))


def _view(fu, name: str) -> dict:
    lp = fu.plan(name)
    c = fu.collection(name)
    subs = collect.submissions(fu.store, c) if c else {}
    stats = sorted(p.relative_to(fu.ws.root).as_posix() for p in (fu.ws.root / "stats").glob("*")
                   if p.suffix in (".csv", ".xlsx", ".yaml") and not p.stem.endswith("-meta")
                   and not p.stem.endswith("-so-lieu-don-vi")) if (fu.ws.root / "stats").is_dir() else []
    candidates = [u for u, x in lp.units.items() if x.kind == "ubnd" and x.parent and not x.members]
    ev, ev_error = None, ""
    if c is not None and collect.accepted_rows(fu.store, c):
        try:
            ev = figures.evaluation_rows(figures.evaluation(fu, name))
        except InputError as e:
            ev_error = "; ".join(p.message for p in e.problems[:3])
    folder = fu.ws.out_dir(name) / "bao-cao"
    reports = [actions.Output(fu.ws.display(p), p.name, KINDS[p.suffix], p.stat().st_size)
               for p in sorted(folder.glob("*")) if p.suffix in KINDS and p.is_file()] if folder.is_dir() else []
    return {"lp": lp, "c": c, "subs": subs, "stats": stats, "candidates": candidates, "ev": ev,
            "ev_error": ev_error, "reports": reports, "criteria": CRITERIA, "today": fu.today(),
            "previous_default": next((s for s in stats if str(lp.year - 1) in s), "")}


async def figures_page(request: Request, **extra):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    data = await run_in_threadpool(_view, fu, name)
    return page(request, "figures.html", extra.pop("status", 200), name=name, tab="followup",
                sub="figures", **data, **extra)


async def open_collection(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    form = await read_form(request)
    lp = fu.plan(name)
    start = day_param(str(form.get("start") or ""), fu.today())
    deadline = day_param(str(form.get("deadline") or ""), start + timedelta(days=14))
    units = [u for u in form.getlist("unit") if u in lp.units and not lp.units[u].members]
    crit = str(form.get("criteria") or "nd20-2014")
    previous = str(form.get("previous") or "") or None
    problems = []
    if deadline < start:
        problems.append("hạn gửi phải sau ngày bắt đầu")
    if not units:
        problems.append("chọn ít nhất một đơn vị gửi số liệu")
    if crit not in dict(CRITERIA):
        raise HTTPException(400, "Bộ tiêu chí không hợp lệ.")
    if previous is not None:
        try:
            if not fu.ws.path(previous).is_file() or not previous.startswith("stats/"):
                problems.append("không có tệp số liệu năm trước này trong stats/")
        except InputError:
            problems.append("không có tệp số liệu năm trước này trong stats/")
    if problems:
        return await figures_page(request, status=422, error="; ".join(problems).capitalize() + ".")
    c = collect.open_collection(fu.store, name, year=lp.year, criteria=crit, start=start, deadline=deadline,
                                units=units, previous=previous, by=office(current_user(request)))
    await run_in_threadpool(fu.sync_if_on, name)
    return go(f"/ke-hoach/{name}/so-lieu", (
        f"Đã mở thu số liệu: {len(units)} đơn vị, hạn {c.deadline:%d/%m/%Y}. Mỗi đơn vị thấy yêu cầu ở trang "
        "theo dõi của mình; đơn vị chưa gửi được nhắc như mọi nhiệm vụ."))


async def close_collection(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    await read_form(request)
    collect.close_collection(fu.store, name, by=office(current_user(request)))
    await run_in_threadpool(fu.sync_if_on, name)
    return go(f"/ke-hoach/{name}/so-lieu", "Đã đóng thu số liệu; không nhắc các đơn vị nữa.")


async def build(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    await read_form(request)
    try:
        res = await run_in_threadpool(figures.build_report, fu, name)
    except InputError as e:
        problems = [ws_problem(fu.ws, p) for p in e.problems]
        return await figures_page(request, status=422, error="Chưa dựng được báo cáo: " + "; ".join(
            p.message for p in problems[:5]))
    msg = f"Đã dựng Báo cáo ({len(res.outputs)} tệp)."
    if res.notes:
        msg += " " + " ".join(res.notes[:3])
    return go(f"/ke-hoach/{name}/so-lieu", msg[:290])


routes = [
    Route("/ke-hoach/{name}/so-lieu", figures_page, methods=["GET"]),
    Route("/ke-hoach/{name}/so-lieu/mo", open_collection, methods=["POST"]),
    Route("/ke-hoach/{name}/so-lieu/dong", close_collection, methods=["POST"]),
    Route("/ke-hoach/{name}/so-lieu/bao-cao", build, methods=["POST"]),
]
