"""Calendar feeds behind a unit's token: ``/lich/<plan>/<unit>.ics?k=TOKEN`` (and
``tat-ca.ics``, the whole plan), answered with ETag and Last-Modified so that a phone or
Outlook refreshing an unchanged calendar gets "304 Not Modified"."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...workspace.feeds import ALL

NOT_FOUND = "Không có lịch này."


def _feed(request: Request):
    fu = request.app.state.followup
    plan, file = request.path_params["plan"], request.path_params["file"]
    unit = file.removesuffix(".ics")
    if not file.endswith(".ics"):
        raise HTTPException(404, NOT_FOUND)
    try:
        name, owner = fu.resolve(request.query_params.get("k", ""))
    except Exception:
        raise HTTPException(404, NOT_FOUND) from None
    if name != plan or unit not in (owner, ALL):
        raise HTTPException(404, NOT_FOUND)
    return unit, request.app.state.feeds.feed(name, unit)


def _fresh(request: Request, feed) -> bool:
    """The client's copy is the current one (If-None-Match first, as RFC 9110 says)."""
    tags = request.headers.get("if-none-match")
    if tags is not None:
        return feed.etag in [t.strip().removeprefix("W/") for t in tags.split(",")] or tags.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return feed.modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


async def feed(request: Request):
    unit, f = await run_in_threadpool(_feed, request)
    headers = {"etag": f.etag, "last-modified": format_datetime(f.modified, usegmt=True),
               "cache-control": "private, no-cache",
               "content-disposition": f'inline; filename="{unit}.ics"'}
    if _fresh(request, f):
        return Response(status_code=304, headers=headers)
    return Response(f.body, media_type="text/calendar; charset=utf-8", headers=headers)


routes = [Route("/lich/{plan}/{file}", feed, methods=["GET"])]
