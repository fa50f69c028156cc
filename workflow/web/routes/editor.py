"""The plan editor: the form (Soạn thảo), the YAML text (Nâng cao), the check panel, and
the two calls the page's script makes (reading a deadline phrase, checking the plan).

Saving goes through :func:`workflow.workspace.save`: refused when the file changed since the
page opened it (a conflict page with both versions), and when the plan has errors (the form
again, every error beside its field, HTTP 422). Structural buttons (add, remove, move a task
or a unit) change the draft only; nothing is written until "Lưu".
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ...errors import InputError, ProblemList
from ...plan import yamlsource
from ...plan.checks import plan_warnings, read_deadline
from ...plan.diff import diff_plans
from ...plan.edit import apply_edits
from ...plan.loader import load_plan, load_units
from ...plan.timephrase import FORMS
from ...plan.yamlsource import format_path
from ...workspace import Conflict, History, save
from ..editor_view import build_form, fid, form_edits, label_of, op_edit, place_problems
from ..pages import brief, page, ws_problem
from ..security import check_csrf, read_form
from ..session import current_user
from .plans import go

MAX_PHRASE = 400


def checked(ws, name: str, text: str):
    """(errors, warnings, loaded plan or None) of ``text`` as plan ``name``."""
    path = ws.plan_path(name)
    try:
        lp = load_plan(path, text=text)
    except InputError as e:
        return [ws_problem(ws, p) for p in e.problems], [], None
    return [], [ws_problem(ws, p) for p in plan_warnings(lp)], lp


def units_of(ws, name: str, text: str, data) -> dict:
    """The units directory the plan names (even when the plan itself has errors)."""
    path = ws.plan_path(name)
    if not isinstance(data, dict):
        return {}
    _, pos = yamlsource.load_text(text, str(path))
    return load_units(path, data, pos, ProblemList()).units


def editor_page(request: Request, name: str, text: str, base: str, *, status: int = 200,
                note: str = "", draft: bool = False, errors=None, fresh: str = ""):
    """The form for ``text``; problems under ``fresh`` (a row just added, still empty) are
    not shown until the user saves."""
    ws = request.app.state.ws
    try:
        data, _ = yamlsource.load_text(text, f"plans/{name}.yaml")
    except InputError as e:  # the YAML itself is broken: only the text tab can mend it
        return yaml_page(request, name, text, base, status=status if status != 200 else 422,
                         errors=[ws_problem(ws, p) for p in e.problems])
    if not isinstance(data, dict):
        return yaml_page(request, name, text, base, status=422, errors=[])
    units = units_of(ws, name, text, data)
    form = build_form(data, {uid: u.label for uid, u in units.items()})
    if errors is None:
        errors, warnings, _ = checked(ws, name, text)
    else:
        errors, warnings = [ws_problem(ws, p) for p in errors], []
    if fresh:
        errors = [p for p in errors if not (p.field == fresh or p.field.startswith(fresh + "."))]
        warnings = [p for p in warnings if not (p.field == fresh or p.field.startswith(fresh + "."))]
    placed = place_problems(form, [*errors, *warnings])
    links = [(p, key) for p in (errors or warnings) for key, ps in placed.items() if p in ps]
    year = data.get("year") if isinstance(data.get("year"), int) else 0
    return page(request, "editor.html", status, name=name, form=form, placed=placed, links=links, errors=errors,
                warnings=warnings, text=text, base=base, draft=draft, note=note, year=year,
                units=[(uid, u.label, u.name) for uid, u in units.items()], fid=fid, tab="editor",
                forms=FORMS)


async def open_editor(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    text, sha = ws.read(name)
    History(ws, name).ensure_current(text)
    return editor_page(request, name, text, sha)


async def post_editor(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    ws.plan_path(name)
    form = await read_form(request)
    base, draft = str(form.get("base") or ""), form.get("draft")
    if not isinstance(draft, str) or not base:
        raise HTTPException(400, "Biểu mẫu thiếu dữ liệu; mở lại trang kế hoạch.")
    draft = draft.replace("\r\n", "\n")
    data, _ = yamlsource.load_text(draft, f"plans/{name}.yaml")
    if not isinstance(data, dict):
        raise HTTPException(400, "Biểu mẫu thiếu dữ liệu; mở lại trang kế hoạch.")
    units = units_of(ws, name, draft, data)
    view = build_form(data, {uid: u.label for uid, u in units.items()})
    edits = form_edits(view, form)
    op = str(form.get("op") or "save")
    if op != "save":
        e = op_edit(op, form)
        if e is None:
            raise HTTPException(400, "Thao tác không hợp lệ.")
        edits.append(e)
    text = apply_edits(draft, edits, name=f"plans/{name}.yaml")
    if op != "save":
        return editor_page(request, name, text, base, draft=True, fresh=_added_row(text, edits[-1]),
                           note=_OP_NOTES.get(op.partition(":")[0], ""))
    return _save(request, name, text, base, back="editor")


def _added_row(text: str, e) -> str:
    """The field path of the row an add-task / add-part edit made ("" for other edits)."""

    if e.op not in ("add-task", "add-part"):
        return ""
    data, _ = yamlsource.loads(text)
    parts = data.get("implementation") or []
    if e.op == "add-part":
        return format_path(("implementation", len(parts) - 1))
    content = parts[e.path[1]].get("content") or []
    return format_path(e.path + ("content", len(content) - 1))


_OP_NOTES = {"add-task": "Đã thêm một dòng nhiệm vụ (chưa lưu): điền nội dung rồi bấm Lưu.",
             "remove": "Đã bỏ (chưa lưu): bấm Lưu để ghi, hoặc Bỏ thay đổi.",
             "up": "Đã chuyển lên (chưa lưu).", "down": "Đã chuyển xuống (chưa lưu).",
             "add-part": "Đã thêm đơn vị (chưa lưu): điền nhiệm vụ rồi bấm Lưu."}


def _save(request: Request, name: str, text: str, base: str, *, back: str):
    ws = request.app.state.ws
    current, sha = ws.read(name)
    if text == current and base == sha:
        return go(f"/ke-hoach/{name}", "Không có thay đổi nào để lưu.")
    try:
        v = save(ws, name, text, base_sha=base, user=current_user(request))
    except Conflict as c:
        return conflict_page(request, name, c)
    except InputError as e:
        n = len(e.problems)
        note = f"Chưa lưu: có {n} lỗi cần sửa (xem bên cạnh từng ô)."
        if back == "yaml":
            return yaml_page(request, name, text, base, status=422, note=note,
                             errors=[ws_problem(ws, p) for p in e.problems])
        return editor_page(request, name, text, base, status=422, note=note, draft=True, errors=e.problems)
    msg = f"Đã lưu ({v.label})."
    try:  # a plan whose reminders are on: the ledger follows the new deadlines at once
        if request.app.state.followup.sync_if_on(name) is not None:
            msg += " Sổ nhắc việc đã cập nhật theo kế hoạch."
    except InputError as e:
        msg += f" Chưa cập nhật được sổ nhắc việc: {e.problems[0].message}"
    return go(f"/ke-hoach/{name}" + ("/yaml" if back == "yaml" else ""), msg)


def conflict_page(request: Request, name: str, c: Conflict):

    ws = request.app.state.ws
    changes = None
    try:
        path = ws.plan_path(name)
        changes = diff_plans(load_plan(path, text=c.current_text), load_plan(path, text=c.mine))
    except InputError:
        pass
    return page(request, "conflict.html", 409, name=name, current=c.current_text, mine=c.mine,
                current_sha=c.current_sha, diff=changes, tab="editor")


def yaml_page(request: Request, name: str, text: str, base: str, *, status: int = 200,
              note: str = "", errors=None):
    ws = request.app.state.ws
    if errors is None:
        errors, warnings, _ = checked(ws, name, text)
    else:
        warnings = []
    return page(request, "yaml.html", status, name=name, text=text, base=base, errors=errors,
                warnings=warnings, note=note, tab="yaml", fid=fid)


async def open_yaml(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    text, sha = ws.read(name)
    return yaml_page(request, name, text, sha)


async def post_yaml(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    ws.plan_path(name)
    form = await read_form(request)
    text, base = form.get("yaml"), str(form.get("base") or "")
    if not isinstance(text, str) or not base:
        raise HTTPException(400, "Biểu mẫu thiếu dữ liệu; mở lại trang.")
    return _save(request, name, text.replace("\r\n", "\n"), base, back="yaml")


async def check_page(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    text, _ = ws.read(name)
    errors, warnings, lp = checked(ws, name, text)
    try:
        data, _ = yamlsource.load_text(text, f"plans/{name}.yaml")
        view = build_form(data, {uid: u.label for uid, u in units_of(ws, name, text, data).items()})
    except InputError:
        view = None
    return page(request, "check.html", status=200, name=name, errors=errors, warnings=warnings,
                lp=lp, tab="check", fid=fid, label=lambda f: label_of(view, f) if view and f else "")


async def api_check(request: Request):
    ws = request.app.state.ws
    name = request.path_params["name"]
    text, _ = ws.read(name)
    errors, warnings, lp = checked(ws, name, text)
    return JSONResponse({"ok": not errors, "errors": [p.to_json() for p in errors],
                         "warnings": [p.to_json() for p in warnings],
                         "tasks": len(lp.tasks) if lp else None})


async def api_phrase(request: Request):
    check_csrf(request, request.headers.get("x-csrf-token"))
    try:
        body = json.loads(await request.body() or b"{}")
        phrase, year = str(body.get("phrase", ""))[:MAX_PHRASE], int(body.get("year") or 0)
    except (ValueError, TypeError, AttributeError):
        raise HTTPException(400, "Yêu cầu không hợp lệ.") from None
    if not 2000 <= year <= 2100:
        raise HTTPException(400, "Năm kế hoạch không hợp lệ.")
    data = read_deadline(phrase, year).to_json()
    data["error_brief"] = brief(data["error"]) if data["error"] else None
    return JSONResponse(data)


routes = [
    Route("/ke-hoach/{name}", open_editor, methods=["GET"]),
    Route("/ke-hoach/{name}", post_editor, methods=["POST"]),
    Route("/ke-hoach/{name}/yaml", open_yaml, methods=["GET"]),
    Route("/ke-hoach/{name}/yaml", post_yaml, methods=["POST"]),
    Route("/ke-hoach/{name}/kiem-tra", check_page, methods=["GET"]),
    Route("/api/ke-hoach/{name}/kiem-tra", api_check, methods=["GET"]),
    Route("/api/thoi-han", api_phrase, methods=["POST"]),
]
