"""The office's follow-up page of a plan: who reported what and when (confirm, reopen),
the units' private links (issue anew, revoke), the files units sent, and the status file
of ``kehoach overdue --status`` exported and imported."""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...errors import InputError
from ...progress import attachments
from ...progress.statusfile import export_status, import_status
from ...workspace.followup import office
from ..pages import page, ws_problem
from ..security import read_form
from ..session import current_user
from .plans import go


def _fu(request: Request, name: str):
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    return fu


def overview(fu, name: str) -> dict:
    """Everything the follow-up page shows (read in a worker thread)."""
    lp = fu.followed(name)
    links = fu.links(name)
    issued = fu.store.links(name)
    reports = fu.store.current(name)
    tasks = {t.id: t for t in lp.tasks}
    return {"lp": lp, "reports": reports, "tasks": tasks,
            "links": [(u, lp.unit_label(u), fu.unit_url(name, t), issued.get(u)) for u, t in links.items()],
            "history": fu.store.history(name, 40), "public": fu.public_url,
            "in_ledger": fu.in_ledger(name),
            "status_file": (fu.ws.root / "status" / f"{name}.yaml").is_file()}


async def followup_page(request: Request):
    name = request.path_params["name"]
    fu = _fu(request, name)
    data = await run_in_threadpool(overview, fu, name)
    return page(request, "followup.html", name=name, tab="followup", sub="reports", **data)


async def decide(request: Request):
    name = request.path_params["name"]
    fu = _fu(request, name)
    form = await read_form(request)
    action = str(form.get("action") or "")
    if action not in ("confirmed", "reopened"):
        raise HTTPException(400, "Thao tác không hợp lệ.")
    try:
        rid = int(str(form.get("report") or ""))
    except ValueError:
        raise HTTPException(400, "Thiếu báo cáo cần xử lý.") from None
    r = await run_in_threadpool(fu.decide, name, rid, action, by=office(current_user(request)),
                                note=str(form.get("note") or ""))
    what = "Đã xác nhận" if action == "confirmed" else "Đã mở lại (nhắc việc tiếp tục)"
    lp = fu.followed(name)
    task = next((t.summary for t in lp.tasks if t.id == r.task), r.task)
    return go(f"/ke-hoach/{name}/theo-doi",
              f"{what}: {task} — {lp.unit_label(r.unit) if r.unit else 'cả nhiệm vụ'}.")


async def reissue(request: Request):
    name = request.path_params["name"]
    fu = _fu(request, name)
    form = await read_form(request)
    unit = str(form.get("unit") or "")
    lp = fu.followed(name)
    if unit not in fu.link_units(lp):
        raise HTTPException(404, "Không có đơn vị này trong kế hoạch.")
    await run_in_threadpool(fu.store.issue, fu.key(), name, unit, office(current_user(request)))
    return go(f"/ke-hoach/{name}/theo-doi",
              f"Đã cấp liên kết mới cho {lp.unit_label(unit)}; liên kết cũ không mở được nữa.")


async def unit_file(request: Request):
    name = request.path_params["name"]
    fu = _fu(request, name)
    try:
        aid = int(request.path_params["id"])
    except ValueError:
        raise HTTPException(404, "Không có tệp này.") from None
    row = fu.store.attachment(aid)
    if row is None or row["plan"] != name:
        raise HTTPException(404, "Không có tệp này.")
    data = await run_in_threadpool(attachments.read_kept, fu.ws.state, row["stored"])
    # a download, never shown in place: no type a browser would run or render
    from urllib.parse import quote

    return Response(data, media_type="application/octet-stream", headers={
        "content-disposition": f"attachment; filename=\"tep-{aid}\"; filename*=UTF-8''{quote(row['name'])}",
        "content-security-policy": "sandbox; default-src 'none'"})


async def export(request: Request):
    name = request.path_params["name"]
    fu = _fu(request, name)
    text = await run_in_threadpool(export_status, fu.store, name)
    return Response(text.encode("utf-8"), media_type="application/octet-stream", headers={
        "content-disposition": f'attachment; filename="{name}-trang-thai.yaml"'})


async def import_file(request: Request):
    name = request.path_params["name"]
    fu = _fu(request, name)
    form = await read_form(request, max_files=1)
    replace = form.get("replace") == "1"
    up = form.get("file")
    source = str(form.get("source") or "")
    by = office(current_user(request))

    def run(path: Path):
        return import_status(fu.store, name, fu.followed(name), path, by=by, replace=replace)

    try:
        if source == "status":
            res = await run_in_threadpool(run, fu.ws.path("status", f"{name}.yaml"))
        elif isinstance(up, UploadFile) and up.filename:
            data = await up.read(1024 * 1024 + 1)
            if len(data) > 1024 * 1024:
                raise attachments.refuse(up.filename, "tệp trạng thái quá lớn (tối đa 1 MB)")
            with tempfile.TemporaryDirectory(prefix="kehoach-tt-") as tmp:
                p = Path(tmp) / attachments.display_name(up.filename)
                p.write_bytes(data)
                res = await run_in_threadpool(run, p)
        else:
            return go(f"/ke-hoach/{name}/theo-doi", "Chưa chọn tệp trạng thái.")
    except InputError as e:
        problems = [ws_problem(fu.ws, p) for p in e.problems]
        return page(request, "error.html", 422, title="Tệp trạng thái chưa đúng",
                    detail="Không nhập gì cả; sửa các lỗi sau rồi nhập lại.", problems=problems)
    await run_in_threadpool(fu.sync_if_on, name)
    return go(f"/ke-hoach/{name}/theo-doi", (
        f"Đã nhập: {len(res.added)} việc mới xong, {len(res.changed)} đổi ngày, "
        f"{len(res.reopened)} mở lại, {res.unchanged} không đổi."))


routes = [
    Route("/ke-hoach/{name}/theo-doi", followup_page, methods=["GET"]),
    Route("/ke-hoach/{name}/theo-doi/xu-ly", decide, methods=["POST"]),
    Route("/ke-hoach/{name}/theo-doi/lien-ket", reissue, methods=["POST"]),
    Route("/ke-hoach/{name}/theo-doi/nhap", import_file, methods=["POST"]),
    Route("/ke-hoach/{name}/trang-thai.yaml", export, methods=["GET"]),
    Route("/ke-hoach/{name}/tep-don-vi/{id}", unit_file, methods=["GET"]),
]
