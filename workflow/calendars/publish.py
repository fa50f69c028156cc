"""Push each unit's calendar to a CalDAV server (the `caldav` client library).

One calendar collection per unit (collection id = unit id, "tat-ca" for everything),
created when missing. Each event is its own calendar object; an object is written only
when its SEQUENCE, DTSTAMP or dates differ from ours, and SEQUENCE is sent as computed
(never bumped by the library), so publishing twice changes nothing. Objects of this plan
(UIDs ``<plan key>-…@kehoach``) that the plan no longer has are deleted; other objects in
the collection (other plans, events added by hand) are left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from ..errors import KehoachError, Problem, UsageError
from ..plan.loader import LoadedPlan
from .events import UID_DOMAIN, CalEvent, plan_key
from .ics import PRODID, CalendarBuild, calendar_name
from .serialize import to_ical, vevent

PASSWORD_ENV = "KEHOACH_CALDAV_PASSWORD"


class PublishError(KehoachError):
    """The CalDAV server could not be reached or refused a request."""


@dataclass
class CollectionResult:
    unit: str
    url: str
    created_calendar: bool = False
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


@dataclass
class PublishResult:
    url: str
    collections: list[CollectionResult] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        keys = ("created", "updated", "deleted", "unchanged")
        return {k: sum(getattr(c, k) for c in self.collections) for k in keys}


def publish(lp: LoadedPlan, cb: CalendarBuild, *, url: str, user: str | None = None,
            password: str | None = None, units: list[str] | None = None) -> PublishResult:
    """Publish the calendars of ``cb`` (see :func:`~workflow.calendars.ics.build_calendars`).

    ``password`` defaults to the environment variable KEHOACH_CALDAV_PASSWORD. Raises
    :class:`PublishError` when the server cannot be reached or refuses, naming the URL.
    """
    # caldav and its HTTP stack: only for publishing
    import caldav
    from caldav.lib import error as dav_error

    check_url(url)
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    res = PublishResult(url=url)
    try:
        with caldav.DAVClient(url=url, username=user, password=password) as client:
            principal = client.principal()
            existing = {_last_segment(str(c.url)): c for c in principal.calendars()}
            for unit, events in cb.events.items():
                if units is not None and unit not in units:
                    continue
                cal = existing.get(unit)
                cr = CollectionResult(unit=unit, url="")
                if cal is None:
                    cal = principal.make_calendar(name=calendar_name(lp, unit), cal_id=unit)
                    cr.created_calendar = True
                cr.url = str(cal.url)
                _sync(lp, cal, events, cb.state, cr)
                res.collections.append(cr)
    except dav_error.AuthorizationError:
        raise PublishError(Problem(file=url, message=(
            "máy chủ CalDAV từ chối đăng nhập; kiểm tra --user và biến môi trường "
            f"{PASSWORD_ENV}"))) from None
    except dav_error.DAVError as e:
        raise PublishError(Problem(file=url, message=f"máy chủ CalDAV báo lỗi: {_short(e)}")) from None
    except OSError as e:
        raise PublishError(Problem(file=url, message=_unreachable(url, e))) from None
    except Exception as e:  # niquests/requests connection errors do not share a base class
        if type(e).__module__.split(".")[0] in ("niquests", "requests", "urllib3", "urllib3_future"):
            raise PublishError(Problem(file=url, message=_unreachable(url, e))) from None
        raise
    return res


def masked(url: str) -> str:
    """``url`` with any password written in it replaced by ``***``, for messages."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # a malformed address: show nothing after the scheme's user part
        return url.split("@")[-1] if "@" in url else url
    if not password:
        return url
    netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url: str) -> None:
    """Refuse (:class:`UsageError`) an address that is not http(s), or that carries a
    password: a command line is seen by every user of the machine (``ps``) and kept in the
    shell's history, so the password comes from the environment only. Never echoes it."""
    if not url.startswith(("http://", "https://")):
        raise UsageError(Problem(file="<dòng lệnh>", field="--url", message=(
            f"địa chỉ CalDAV phải bắt đầu bằng http:// hoặc https:// (đang là '{masked(url)}')")))
    try:
        has_password = urlsplit(url).password is not None
    except ValueError:
        has_password = "@" in url
    if has_password:
        raise UsageError(Problem(file="<dòng lệnh>", field="--url", message=(
            f"không ghi mật khẩu trong địa chỉ ('{masked(url)}'): ai trên máy cũng xem được "
            f"dòng lệnh và nó còn trong lịch sử lệnh; bỏ phần mật khẩu, đặt mật khẩu trong biến "
            f"môi trường {PASSWORD_ENV} và tên đăng nhập bằng --user")))


def _sync(lp: LoadedPlan, cal, events: list[CalEvent], state: dict, cr: CollectionResult) -> None:
    prefix = plan_key(lp) + "-"
    retired = tuple(k + "-" for k in state.get("retired", []))
    ours = {}
    for obj in cal.get_events():
        comp = obj.get_icalendar_component()
        uid = str(comp.get("UID", ""))
        if not uid.endswith("@" + UID_DOMAIN):
            continue
        if uid.startswith(prefix):
            ours[uid] = (obj, comp)
        elif retired and uid.startswith(retired):  # this plan under its former identity
            obj.delete()
            cr.deleted += 1
    wanted = {ev.uid for ev in events}
    for ev in events:
        entry = state["events"][ev.uid]
        data = object_bytes(lp, ev, entry)
        found = ours.get(ev.uid)
        if found is None:
            cal.add_event(data.decode(), increase_seqno=False)
            cr.created += 1
        elif _same(found[1], ev, entry):
            cr.unchanged += 1
        else:
            obj = found[0]
            obj.data = data.decode()
            obj.save(increase_seqno=False)
            cr.updated += 1
    for uid, (obj, _) in sorted(ours.items()):
        if uid not in wanted:
            obj.delete()
            cr.deleted += 1


def object_bytes(lp: LoadedPlan, ev: CalEvent, entry: dict) -> bytes:
    """One event as a CalDAV calendar object (no METHOD, RFC 4791)."""
    # icalendar (~40 ms to import): only for a command that writes events
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add_component(vevent(lp, ev, entry))
    return to_ical(cal)


def _same(comp, ev: CalEvent, entry: dict) -> bool:
    try:
        return (int(comp.get("SEQUENCE", -1)) == int(entry["sequence"])
                and comp.decoded("DTSTAMP").strftime("%Y%m%dT%H%M%SZ") == entry["dtstamp"]
                and comp.decoded("DTSTART") == ev.start
                and comp.decoded("DTEND") == ev.last + timedelta(days=1)
                and str(comp.get("SUMMARY")) == ev.summary)
    except (KeyError, ValueError, TypeError, AttributeError):
        return False


def _last_segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _unreachable(url: str, e: Exception) -> str:
    """Why the server could not be reached, in Vietnamese when the cause is a usual one."""
    text = " ".join(str(e).split()).lower()
    host = urlsplit(url).hostname or url
    if "refused" in text:
        why = "máy chủ từ chối kết nối (chưa chạy, hoặc sai cổng)"
    elif any(k in text for k in ("name or service not known", "nodename nor servname",
                                 "getaddrinfo", "name resolution", "no address")):
        why = f"không tìm thấy máy chủ '{host}' (kiểm tra địa chỉ trong --url)"
    elif "timed out" in text or "timeout" in text:
        why = "máy chủ không trả lời (quá thời gian chờ)"
    elif "certificate" in text or "ssl" in text:
        why = f"chứng chỉ HTTPS của máy chủ không hợp lệ ({_short(e)})"
    else:
        why = _short(e)
    return f"không kết nối được máy chủ CalDAV: {why}"


def _short(e: Exception) -> str:
    text = " ".join(str(e).split())
    return text[:300] or type(e).__name__
