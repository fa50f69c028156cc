"""Where the calendars go and where their state is kept; the `kehoach build` step.

`kehoach calendar PLAN` writes calendars/<year>/ (or ``-o DIR``) and keeps the SEQUENCE /
DTSTAMP state in that folder's lich.json. `kehoach build` (workflow.build) writes the same
files (into calendars/<year>/, or DIR/calendars/ when built with ``-o DIR``) and keeps the
state both in that lich.json and in the build manifest under "calendar".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .. import manifest
from ..errors import InputError, Problem, os_reason
from ..jsontext import Raw
from ..plan.loader import LoadedPlan
from ..safeio import confined
from .ics import CalendarBuild, build_calendars, state_json

STATE_FILE = "lich.json"  # not manifest.json: -o may point at a build folder


def default_dir(lp: LoadedPlan) -> Path:
    return Path("calendars") / str(lp.year)


def write_calendars(lp: LoadedPlan, *, out_dir: Path | None = None,
                    fallback_state: dict | Callable[[], dict | None] | None = None,
                    now: datetime | None = None, obs: list | None = None) -> CalendarBuild:
    """Build the calendars into ``out_dir`` (default calendars/<year>/) and save the state.

    The previous state is read from ``out_dir``/lich.json, else ``fallback_state`` (or what
    it returns, when it is a function: read only if needed). ``obs``: the plan's obligations
    when the caller has them already. ``result.state_text`` is the state as written there,
    for a manifest that holds it too.
    Returns the :class:`CalendarBuild`. A missing or unreadable state is no error (the
    build then starts afresh: SEQUENCE 0, DTSTAMP now); a folder that cannot be created or
    written raises :class:`InputError` naming it.
    """
    out = Path(out_dir) if out_dir else default_dir(lp)
    state_path = confined(out, STATE_FILE)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(Problem(file=str(out), field="-o", message=(
            f"không tạo được thư mục lịch: {os_reason(e)}"))) from None
    previous = manifest.read(state_path) or (
        fallback_state() if callable(fallback_state) else fallback_state)
    try:
        res = build_calendars(lp, out_dir=out, previous=previous, now=now, obs=obs)
        res.state_text = Raw(state_json(res.state, level=1))  # encoded once, for both files
        manifest.write(state_path, inputs=lp.sources,
                       outputs=[("lich", p) for p in res.paths.values()], digests=res.digests,
                       extra={"plan": str(lp.path), "year": lp.year, "calendar": res.state_text})
    except OSError as e:
        raise InputError(Problem(file=str(e.filename or out), field="-o", message=(
            f"không ghi được lịch: {os_reason(e)}"))) from None
    return res
