"""Signing in and out (only when the workspace has accounts)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ..pages import page
from ..security import read_form


def _next(target: str | None) -> str:
    # only a path on this site: never an address elsewhere
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


async def login_page(request: Request):
    return page(request, "login.html", next=_next(request.query_params.get("next")), error="", name="")


async def login(request: Request):
    form = await read_form(request)
    state = request.app.state
    name = str(form.get("name") or "").strip()[:64]
    password = str(form.get("password") or "")
    target = _next(str(form.get("next") or ""))
    keys = (f"name:{name}", f"ip:{request.client.host if request.client else '?'}")
    wait = state.throttle.wait(*keys)
    if wait > 0:
        return page(request, "login.html", 429, next=target, name=name, error=(
            f"Đăng nhập sai quá nhiều lần. Thử lại sau {int(wait // 60) + 1} phút."))
    if not state.accounts.verify(name, password):
        state.throttle.failed(*keys)
        return page(request, "login.html", 401, next=target, name=name,
                    error="Sai tên đăng nhập hoặc mật khẩu.")
    state.throttle.succeeded(*keys)
    request.session.clear()           # a fresh session (and CSRF token) on login
    request.session["user"] = name
    return RedirectResponse(target, status_code=303)


async def logout(request: Request):
    await read_form(request)
    request.session.clear()
    return RedirectResponse("/dang-nhap", status_code=303)


routes = [
    Route("/dang-nhap", login_page, methods=["GET"]),
    Route("/dang-nhap", login, methods=["POST"]),
    Route("/dang-xuat", logout, methods=["POST"]),
]
