"""What a request's signed session holds: the CSRF token of its forms and who is signed in."""

from __future__ import annotations

import secrets

from starlette.requests import Request


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def current_user(request: Request) -> str:
    return request.session.get("user", "")
