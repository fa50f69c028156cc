"""Rendering pages: the Jinja environment (templates inside the package), the page helper
every route uses, and the error pages (a Vietnamese message and a 4xx, never a traceback)."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse

from ..errors import KehoachError, os_reason
from ..workspace import NotFound
from .session import csrf_token, current_user

log = logging.getLogger("kehoach.web")

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("workflow.web", "templates"),
    autoescape=jinja2.select_autoescape(("html",)),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)


def _when(d: datetime | None) -> str:
    return f"{d:%H:%M ngày %d/%m/%Y}" if d else "chưa dựng"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _unit_label(uid: str, units) -> str:
    return next((label for u, label, _ in units if u == uid), uid)


def brief(message: str) -> str:
    """The first line of a message, without the trailing "the forms are:" lead-in (the forms
    are listed apart)."""
    first = str(message).split("\n")[0]
    return re.sub(r"\s*Các cách viết được hiểu:\s*$", "", first)


_TZ = None


def _stamp(t: int | None) -> str:
    """Unix seconds as the office reads them (Vietnam time)."""
    global _TZ
    if not t:
        return ""
    if _TZ is None:

        _TZ = ZoneInfo("Asia/Ho_Chi_Minh")
    return f"{datetime.fromtimestamp(t, _TZ):%H:%M ngày %d/%m/%Y}"


ACTIONS = {"bao-hoan-thanh": "báo hoàn thành", "xac-nhan": "xác nhận", "mo-lai": "mở lại",
           "cap-lien-ket": "cấp liên kết", "cap-lai-lien-ket": "cấp lại liên kết",
           "thu-hoi-lien-ket": "thu hồi liên kết", "mo-thu-so-lieu": "mở thu số liệu",
           "dong-thu-so-lieu": "đóng thu số liệu", "so-lieu-loi": "gửi sổ số liệu có lỗi"}

ENV.filters["stamp"] = _stamp
ENV.filters["action"] = lambda a: ACTIONS.get(a, a)
ENV.filters["when"] = _when
ENV.filters["brief"] = brief
ENV.filters["unit_label"] = _unit_label
ENV.filters["size"] = _size


def page(request: Request, template: str, status: int = 200, /, **context) -> HTMLResponse:
    """Render template ``name`` with what every page needs (user, CSRF token, workspace)."""
    state = request.app.state
    context.setdefault("message", request.query_params.get("msg", "")[:300])
    html = ENV.get_template(template).render(
        request=request, csrf=csrf_token(request), user=current_user(request),
        login_required=state.accounts.exist(), workspace=state.ws, **context)
    return HTMLResponse(html, status_code=status)


def error_response(request: Request, status: int, message: str, problems=()):
    path = request.url.path
    if path.startswith("/api/"):
        return JSONResponse({"error": message, "problems": [str(p) for p in problems]},
                            status_code=status)
    if path.startswith("/lich/"):  # a calendar application shows no page
        return PlainTextResponse(message, status_code=status)
    try:
        return page(request, "unit_error.html" if path.startswith("/dv/") else "error.html", status, title=_TITLES.get(status, "Không thực hiện được"),
                    detail=message, problems=list(problems))
    except Exception:  # the error page itself must never fail
        log.exception("error page failed")
        return HTMLResponse(f"<p>{escape(message)}</p>", status_code=status)


_TITLES = {400: "Yêu cầu không hợp lệ", 403: "Không được phép", 404: "Không tìm thấy",
           405: "Không được phép", 409: "Xung đột", 413: "Quá lớn", 422: "Dữ liệu chưa đúng",
           429: "Thử lại sau", 500: "Lỗi trong chương trình"}


async def on_http_error(request: Request, exc):
    return error_response(request, exc.status_code, _vi_detail(exc.status_code, exc.detail))


def _vi_detail(status: int, detail) -> str:
    if isinstance(detail, str) and detail and not detail.isascii():
        return detail  # already ours
    return {404: "Không có trang này.", 405: "Trang này không nhận yêu cầu kiểu đó.",
            400: "Yêu cầu không hợp lệ."}.get(status, "Không thực hiện được yêu cầu.")


async def on_kehoach_error(request: Request, exc: KehoachError):

    ws = request.app.state.ws
    problems = [ws_problem(ws, p) for p in exc.problems]
    status = 404 if isinstance(exc, NotFound) else 422
    first = problems[0].message if len(problems) == 1 else f"Có {len(problems)} lỗi."
    return error_response(request, status, first, problems if len(problems) > 1 else ())


async def on_os_error(request: Request, exc: OSError):
    log.warning("file error: %s", exc)
    return error_response(request, 400, f"Không đọc hay ghi được tệp: {os_reason(exc)}.")


async def on_crash(request: Request, exc: Exception):
    log.exception("unexpected error on %s", request.url.path)
    return error_response(request, 500, "Có lỗi trong chương trình; không có gì bị ghi dở. "
                                        "Hãy thử lại, hoặc báo cho người quản trị.")


def ws_problem(ws, p):
    """A problem with its file named relative to the workspace (as the user knows it)."""

    if p.file and Path(p.file).is_absolute():
        return replace(p, file=ws.display(Path(p.file)))
    return p
