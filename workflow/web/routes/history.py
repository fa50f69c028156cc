"""Every saved version of a plan: the list, the differences between any two (as
``kehoach diff`` reports them), restoring one, and the amendment công văn from a diff."""

from __future__ import annotations

import difflib

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ...errors import InputError
from ...plan.diff import FIELD_NAMES, changed_words
from ...workspace import Conflict, History, actions, restore
from ..pages import page, ws_problem
from ..security import read_form
from ..session import current_user
from .editor import conflict_page
from .plans import go


def _n(raw, default=None):
    raw = str(raw or "").strip()
    if raw in ("", "hien-tai"):
        return default
    if not raw.isdigit():
        raise HTTPException(400, "Số hiệu bản không hợp lệ.")
    return int(raw)


async def history_page(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    text, sha = ws.read(name)
    hist = History(ws, name)
    hist.ensure_current(text)
    versions = list(reversed(hist.list()))
    return page(request, "history.html", name=name, versions=versions, sha=sha, tab="history")


async def diff_page(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    hist = History(ws, name)
    a = _n(request.query_params.get("a"))
    b = _n(request.query_params.get("b"))
    if a is None:
        raise HTTPException(400, "Chọn hai bản để so sánh.")
    old_text = hist.text(a)
    new_text = hist.text(b) if b is not None else ws.read(name)[0]
    lines = list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines(),
                                      f"bản {a}", f"bản {b}" if b else "hiện tại", lineterm="", n=2))
    try:
        d, problems = actions.diff_versions(ws, name, a, b), []
    except InputError as e:
        d, problems = None, [ws_problem(ws, p) for p in e.problems]
    return page(request, "diff.html", name=name, a=a, b=b, d=d, problems=problems, lines=lines,
                field_names=FIELD_NAMES, changed_words=changed_words, tab="history")


async def restore_version(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    form = await read_form(request)
    n = _n(form.get("n"))
    if n is None:
        raise HTTPException(400, "Chọn bản cần khôi phục.")

    try:
        v = restore(ws, name, n, base_sha=str(form.get("base") or ""), user=current_user(request))
    except Conflict as c:
        return conflict_page(request, name, c)
    return go(f"/ke-hoach/{name}", f"Đã khôi phục bản {n} (lưu thành {v.label}).")


async def amendment(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    form = await read_form(request)
    a, b = _n(form.get("a")), _n(form.get("b"))
    if a is None:
        raise HTTPException(400, "Chọn hai bản để so sánh.")
    path = await run_in_threadpool(actions.draft_amendment, ws, name, a, b)
    return go(f"/ke-hoach/{name}/van-ban", f"Đã soạn công văn điều chỉnh: {path.name}")


routes = [
    Route("/ke-hoach/{name}/lich-su", history_page, methods=["GET"]),
    Route("/ke-hoach/{name}/so-sanh", diff_page, methods=["GET"]),
    Route("/ke-hoach/{name}/khoi-phuc", restore_version, methods=["POST"]),
    Route("/ke-hoach/{name}/dieu-chinh", amendment, methods=["POST"]),
]
