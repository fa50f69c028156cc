"""The plans page: the workspace's plans; a new plan from the sample; next year's plan;
importing a Word or text Kế hoạch (with each ``# ?`` spot listed for review)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ...errors import InputError
from ...plan import yamlsource
from ...plan.loader import load_plan
from ...workspace import actions
from ..editor_view import build_form, fid, label_of
from ..pages import page, ws_problem
from ..security import read_form
from ..uploads import MAX_UPLOAD, sniff


def go(url: str, msg: str = "") -> RedirectResponse:
    return RedirectResponse(url + (("&" if "?" in url else "?") + "msg=" + quote(msg) if msg else ""),
                            status_code=303)


def _year(raw, default: int) -> int:
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() else default


async def plans_page(request: Request):
    ws = request.app.state.ws
    return page(request, "plans.html", plans=ws.plans(), this_year=date.today().year)


async def new_plan(request: Request):
    form = await read_form(request)
    ws = request.app.state.ws
    year = _year(form.get("year"), date.today().year)
    name = await run_in_threadpool(actions.new_from_sample, ws, year=year,
                                   name=str(form.get("name") or "").strip() or None)
    return go(f"/ke-hoach/{name}", f"Đã tạo kế hoạch {name} từ kế hoạch mẫu (năm {year}).")


async def roll_over(request: Request):
    form = await read_form(request)
    ws = request.app.state.ws
    name = request.path_params["name"]
    target, res = await run_in_threadpool(actions.roll_over, ws, name, year=_year(form.get("year"), 0) or None)
    view = _form_of(ws, target)
    return page(request, "rollover.html", name=name, target=target, res=res,
                label=lambda f: label_of(view, f) or f)


async def import_page(request: Request):
    return page(request, "import.html", limit=MAX_UPLOAD)


async def import_upload(request: Request):
    form = await read_form(request, max_files=1)
    ws = request.app.state.ws
    up = form.get("file")
    if not isinstance(up, UploadFile) or not up.filename:
        return page(request, "import.html", 400, limit=MAX_UPLOAD,
                    error="Chưa chọn tệp: chọn một tệp Kế hoạch .docx hoặc .txt.")
    data = await up.read(MAX_UPLOAD + 1)
    try:
        kind = sniff(up.filename, data)
        name, res, spots = await run_in_threadpool(actions.import_upload, ws, up.filename, data, kind)
    except InputError as e:
        problems = [ws_problem(ws, p) for p in e.problems]
        return page(request, "import.html", 422, limit=MAX_UPLOAD, error=(
            f"Không nhập được {up.filename}: " + "; ".join(p.message for p in problems[:5])))
    in_form = _form_of(ws, name).anchors
    return page(request, "imported.html", name=name, res=res, spots=spots, fid=fid, in_form=in_form)


def _form_of(ws, name: str):
    """The editor's form of a plan just written (valid: rollover and import check it), so a
    field path can be named as the editor names it."""

    path = ws.plan_path(name)
    lp = load_plan(path)
    data, _ = yamlsource.load(path)
    return build_form(data, {uid: u.label for uid, u in lp.units.items()})


routes = [
    Route("/", plans_page, methods=["GET"]),
    Route("/moi", new_plan, methods=["POST"]),
    Route("/nhap", import_page, methods=["GET"]),
    Route("/nhap", import_upload, methods=["POST"]),
    Route("/ke-hoach/{name}/chuyen-nam", roll_over, methods=["POST"]),
]
