"""Request guards of the web editor, as plain ASGI middleware and small helpers.

- :class:`SecurityHeaders`: Content-Security-Policy without inline script or style, no
  framing, no sniffing, no referrer;
- :class:`BodyLimit`: a request body larger than the limit is refused (413) before it is
  read whole;
- :class:`LoginGate`: with accounts, every page but the login page and static files needs a
  signed-in session;
- :func:`read_form`: parses a POST form and checks its CSRF token (every form carries one)
  and that it came from this site's own pages.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

from .pages import error_response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make a form POST send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
]
CSRF_FAILED = ("Yêu cầu không hợp lệ: thiếu hoặc sai mã bảo vệ biểu mẫu (CSRF). "
               "Tải lại trang rồi làm lại.")


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse bodies over ``limit`` bytes: by Content-Length at once, else while reading."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > self.limit:
                return await _too_large(self.limit, scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, _too_large_text(self.limit))
            return message

        await self.app(scope, counted, send)


def _too_large_text(limit: int) -> str:
    return f"Tệp hoặc dữ liệu gửi lên quá lớn (tối đa {limit // (1024 * 1024)} MB)."


async def _too_large(limit, scope, receive, send):
    response = error_response(Request(scope, receive), 413, _too_large_text(limit))
    await response(scope, receive, send)


# the login page, static files, and what a unit opens with its own link (the token is its key)
OPEN_PATHS = ("/dang-nhap", "/static/", "/dv/", "/lich/")


class LoginGate:
    """With accounts (``required()`` true), a request without a signed-in session goes to
    the login page (a JSON call gets 401)."""

    def __init__(self, app, required):
        self.app, self.required = app, required

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not self.required():
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path.startswith(OPEN_PATHS) or scope.get("session", {}).get("user"):
            return await self.app(scope, receive, send)
        if path.startswith("/api/"):
            response = JSONResponse({"error": "Cần đăng nhập."}, status_code=401)
        else:
            target = path + ("?" + scope["query_string"].decode() if scope.get("query_string") else "")
            response = RedirectResponse("/dang-nhap?next=" + quote(target, safe=""), status_code=303)
        await response(scope, receive, send)


def same_origin(request: Request) -> bool:
    """A POST whose Origin (or Referer) names another site is refused."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin != "null"
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def check_csrf(request: Request, token: str | None) -> None:
    expected = request.session.get("csrf")
    if not same_origin(request) or not expected or not token or not hmac.compare_digest(expected, token):
        raise HTTPException(403, CSRF_FAILED)


async def read_form(request: Request, *, max_files: int = 0, max_fields: int = 6000) -> FormData:
    """The POST form, after its CSRF check (403 when it fails)."""
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields,
                                  max_part_size=4 * 1024 * 1024)
    except HTTPException:
        raise
    except Exception:  # a malformed multipart body is the client's fault
        raise HTTPException(400, "Dữ liệu biểu mẫu không đọc được.") from None
    token = form.get("csrf")
    check_csrf(request, token if isinstance(token, str) else None)
    return form
