"""A unit's private page, reached by its link without an account: its tasks, "Đã hoàn
thành" with the day, a note and a file, its calendar feeds, and the October figures
(download the pre-filled workbook, send it back). Every token problem is the same 404."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...errors import InputError
from ...progress import attachments, collect
from ...progress.attachments import MAX_ATTACHMENT
from ...workspace import NotFound, figures
from ...workspace.followup import unit_actor
from ...workspace.unitview import unit_view
from ..pages import page
from ..security import read_form


def _who(request: Request) -> tuple[str, str, str]:
    """(plan, unit, token) of the page's link; 404 for any other token."""
    fu = request.app.state.followup
    token = request.path_params["token"]
    name, unit = fu.resolve(token, request.path_params["year"])
    return name, unit, token


def _base(request: Request) -> str:
    return f"/dv/{request.path_params['token']}/{request.path_params['year']}"


def _back(request: Request, msg: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{_base(request)}?msg={quote(msg)}{anchor}", status_code=303)


def _render(request: Request, name: str, unit: str, token: str, status: int = 200, **extra):
    fu = request.app.state.followup
    view = unit_view(fu, name, unit, token)
    return page(request, "unit.html", status, v=view, limit=MAX_ATTACHMENT, base=_base(request), **extra)


async def unit_page(request: Request):
    name, unit, token = await run_in_threadpool(_who, request)
    return await run_in_threadpool(_render, request, name, unit, token)


def _day(raw) -> date | None:
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None


async def report_done(request: Request):
    form = await read_form(request, max_files=1)  # the CSRF check first, as on every form
    name, unit, token = await run_in_threadpool(_who, request)
    fu = request.app.state.followup
    task = str(form.get("task") or "")
    on = _day(form.get("on"))
    up = form.get("file")
    attachment = None
    if isinstance(up, UploadFile) and up.filename:
        attachment = (up.filename, await up.read(MAX_ATTACHMENT + 1))
    if on is None:
        return await run_in_threadpool(_render, request, name, unit, token, 422, error_task=task,
                                       error="Ngày hoàn thành chưa đúng: chọn ngày trong lịch.")
    lp = fu.plan(name)
    try:
        await run_in_threadpool(fu.report_done, name, unit, task, on=on, note=str(form.get("note") or ""),
                                attachment=attachment, by=unit_actor(lp, unit))
    except NotFound:
        raise
    except InputError as e:
        return await run_in_threadpool(_render, request, name, unit, token, 422, error_task=task,
                                       error="Chưa ghi được: " + "; ".join(
                                           f"{p.file}: {p.message}" for p in e.problems))
    return _back(request, "Đã ghi: đơn vị đã hoàn thành nhiệm vụ này. Cơ quan thường trực đã thấy "
                          "báo cáo; thư nhắc việc này sẽ không gửi nữa.", f"#nv-{task}")


async def workbook(request: Request):
    name, unit, _ = await run_in_threadpool(_who, request)
    fu = request.app.state.followup
    c = fu.collection(name)
    if c is None or not c.open or unit not in c.units:
        # a heavy library: loaded only when this runs
        from starlette.exceptions import HTTPException

        raise HTTPException(404, "Không có trang này.")
    data = await run_in_threadpool(figures.unit_workbook, fu, name, unit)
    return Response(data, media_type="application/octet-stream", headers={
        "content-disposition": f'attachment; filename="so-lieu-{unit}-{c.year}.xlsx"'})


async def send_figures(request: Request):
    form = await read_form(request, max_files=1)
    name, unit, token = await run_in_threadpool(_who, request)
    fu = request.app.state.followup
    c = fu.collection(name)
    if c is None or not c.open or unit not in c.units:
        # a heavy library: loaded only when this runs
        from starlette.exceptions import HTTPException

        raise HTTPException(404, "Không có trang này.")
    up = form.get("file")
    if not isinstance(up, UploadFile) or not up.filename:
        return await run_in_threadpool(_render, request, name, unit, token, 422,
                                       figures_error="Chưa chọn tệp: chọn sổ Excel (.xlsx) đã điền.")
    data = await up.read(MAX_ATTACHMENT + 1)
    lp = fu.plan(name)
    try:
        checked = await run_in_threadpool(_receive, fu, name, unit, up.filename, data, lp)
    except InputError as e:
        return await run_in_threadpool(_render, request, name, unit, token, 422, figures_error=(
            f"Không nhận được {up.filename}: " + "; ".join(p.message for p in e.problems)))
    if not checked.ok:
        return await run_in_threadpool(_render, request, name, unit, token, 422, checked=checked,
                                       figures_error=f"Sổ {up.filename} còn {len(checked.problems)} lỗi; "
                                                     "sửa trong Excel rồi gửi lại.")
    return _back(request, f"Đã nhận số liệu ({up.filename}). Cảm ơn đơn vị.", "#so-lieu")


def _receive(fu, name, unit, filename, data, lp):
    """Read the workbook, keep it (in quarantine) and record it, accepted or not."""

    checked = figures.read_unit_workbook(fu, name, unit, filename, data)
    kept = attachments.quarantine(fu.ws.state, name, filename, data, "xlsx")
    aid = fu.store.add_attachment(name, unit, sha256=kept.sha256, size=kept.size, kind="xlsx",
                                  name=kept.name, stored=kept.stored)
    collect.submit(fu.store, fu.collection(name), unit, name=kept.name, attachment=aid, ok=checked.ok,
                   problems=checked.problems, row=checked.row, by=unit_actor(lp, unit), today=fu.today())
    if checked.ok:
        fu.sync_if_on(name)
    return checked


routes = [
    Route("/dv/{token}/{year}", unit_page, methods=["GET"]),
    Route("/dv/{token}/{year}/bao-cao", report_done, methods=["POST"]),
    Route("/dv/{token}/{year}/so-lieu.xlsx", workbook, methods=["GET"]),
    Route("/dv/{token}/{year}/so-lieu", send_figures, methods=["POST"]),
]
