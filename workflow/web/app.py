"""The web editor's application: ``create_app(workspace)``.

Starlette, pages rendered on the server (Jinja2 templates and a little JavaScript shipped
in the package: no CDN, no build step). One router module per concern — plans, editor,
history, outputs, accounts — each exporting ``routes``; a later concern adds its own module
to :data:`ROUTERS`. Library calls do the work; the routes only parse input and render.
"""

from __future__ import annotations

import importlib
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..errors import KehoachError
from ..workspace import Workspace
from ..workspace.feeds import Feeds
from ..workspace.followup import FollowUp
from . import logfilter, pages
from .accounts import Accounts, Throttle
from .security import BodyLimit, LoginGate, SecurityHeaders
from .uploads import MAX_UPLOAD

ROUTERS = ("workflow.web.routes.auth", "workflow.web.routes.plans", "workflow.web.routes.editor",
           "workflow.web.routes.history", "workflow.web.routes.outputs",
           # follow-up: the units' own pages and feeds (no account), the office's pages
           "workflow.web.routes.unit", "workflow.web.routes.feeds", "workflow.web.routes.followup",
           "workflow.web.routes.month", "workflow.web.routes.overdue", "workflow.web.routes.reminders",
           "workflow.web.routes.figures")
SESSION_HOURS = 8


@asynccontextmanager
async def _lifespan(app):

    logfilter.install()  # again, once uvicorn has set up its loggers
    yield


def create_app(root: str | Path, *, local_url: str | None = None, scheduler=None,
               now=None, followup=None) -> Starlette:
    """The application serving workspace ``root``. Raises :class:`InputError` if ``root``
    is not a workspace. ``local_url`` is where it listens (for the units' links when the
    settings name no ``web.public_url``); ``scheduler`` the reminder service running beside
    it, if any (:class:`~workflow.reminders.server.Scheduler`, started by the caller);
    ``now`` the follow-up's clock (``kehoach web --now``), or ``followup`` one made already."""


    logfilter.install()
    ws = Workspace(root)
    accounts = Accounts(ws.state)
    routes = []
    for mod in ROUTERS:
        routes.extend(importlib.import_module(mod).routes)
    routes.append(Mount("/static", StaticFiles(packages=[("workflow.web", "static")]), name="static"))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=MAX_UPLOAD + 512 * 1024),
            Middleware(SessionMiddleware, secret_key=accounts.secret(), session_cookie="kehoach_phien",
                       max_age=SESSION_HOURS * 3600, same_site="strict", https_only=False),
            Middleware(LoginGate, required=accounts.exist),
        ],
        exception_handlers={HTTPException: pages.on_http_error, KehoachError: pages.on_kehoach_error,
                            OSError: pages.on_os_error, Exception: pages.on_crash},
        lifespan=_lifespan,
    )
    app.state.ws = ws
    app.state.followup = followup or FollowUp(ws, local_url=local_url, now=now)
    app.state.feeds = Feeds(app.state.followup)
    app.state.scheduler = scheduler
    app.state.accounts = accounts
    app.state.throttle = Throttle()
    return app
