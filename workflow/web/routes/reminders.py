"""The reminders of a plan in the ledger — upcoming, sent (the mail as sent), failed,
missed, cancelled —, bringing the ledger up to date with the plan and the reports, and
"Gửi thử": a unit's next mail to one address."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from ...errors import InputError
from ...reminders.ledger_view import plan_ledger, sent_mail
from ...reminders.transport import SendError
from ...reminders.trial import send_trial
from ..pages import page
from ..security import read_form
from .plans import go

STATES = {"planned": "chờ gửi", "queued": "đã soạn, chờ gửi", "sending": "đang gửi", "sent": "đã gửi",
          "missed": "bỏ lỡ", "cancelled": "đã hủy", "failed": "không gửi được"}


def _view(fu, name: str) -> dict:
    lp = fu.followed(name)
    s = fu.settings()
    return {"lp": lp, "ledger": plan_ledger(fu.ledger, lp.key, s.tz), "on": fu.in_ledger(name),
            "units": [(u, lp.unit_label(u)) for u in fu.link_units(lp)],
            "transport": f"máy chủ thư {s.smtp.host}" if s.smtp.host
            else f"hộp thư đi {fu.ws.display(Path(s.outbox))} (chưa cấu hình máy chủ thư)"}


async def reminders_page(request: Request, **extra):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    data = await run_in_threadpool(_view, fu, name)
    sched = request.app.state.scheduler
    return page(request, "reminders.html", extra.pop("status", 200), name=name, tab="followup",
                sub="reminders", states=STATES, scheduler=sched is not None and sched.running,
                **data, **extra)


async def sync(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    await read_form(request)
    r = await run_in_threadpool(fu.sync, name)
    return go(f"/ke-hoach/{name}/nhac-viec", (
        f"Đã cập nhật sổ nhắc việc: thêm {r.added}, dời {r.rescheduled}, khôi phục {r.restored}, "
        f"hủy {len(r.cancelled)}; {r.done_skipped} lời nhắc bỏ qua vì đã xong."))


def _trial(fu, name: str, unit: str, to: str):

    lp = fu.followed(name)
    if unit not in lp.units:
        raise HTTPException(404, "Không có đơn vị này trong kế hoạch.")
    token = fu.links(name).get(unit)
    return send_trial(plan=lp, status=fu.status(name), unit=unit, to=to, settings=fu.settings(),
                      link=fu.unit_url(name, token) if token else None)


async def trial(request: Request):

    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    form = await read_form(request)
    to, unit = str(form.get("to") or "").strip(), str(form.get("unit") or "")
    try:
        r = await run_in_threadpool(_trial, fu, name, unit, to)
    except InputError as e:
        return await reminders_page(request, status=422, trial_error=e.problems[0].message, trial_to=to)
    except SendError as e:
        return await reminders_page(request, status=422, trial_error=f"máy chủ thư không nhận: {e}", trial_to=to)
    return go(f"/ke-hoach/{name}/nhac-viec", f"Đã gửi thư thử tới {r['to']} ({r['transport']}): {r['subject']}")


async def mail_page(request: Request):
    name = request.path_params["name"]
    fu = request.app.state.followup
    fu.ws.plan_path(name)
    try:
        mid = int(request.path_params["id"])
    except ValueError:
        raise HTTPException(404, "Không có thư này.") from None
    lp = fu.followed(name)
    m = await run_in_threadpool(sent_mail, fu.ledger, lp.key, mid, fu.settings().tz)
    if m is None:
        raise HTTPException(404, "Không có thư này.")
    return page(request, "mail.html", name=name, tab="followup", sub="reminders", m=m, states=STATES)


routes = [
    Route("/ke-hoach/{name}/nhac-viec", reminders_page, methods=["GET"]),
    Route("/ke-hoach/{name}/nhac-viec/cap-nhat", sync, methods=["POST"]),
    Route("/ke-hoach/{name}/nhac-viec/gui-thu", trial, methods=["POST"]),
    Route("/ke-hoach/{name}/nhac-viec/thu/{id}", mail_page, methods=["GET"]),
]
