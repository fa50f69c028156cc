"""Where the calendars go and where their state is kept; the `kehoach build` step.

`kehoach calendar PLAN` writes calendars/<year>/ (or ``-o DIR``) and keeps the SEQUENCE /
DTSTAMP state in that folder's manifest.json. `kehoach build` writes the same files (into
calendars/<year>/, or DIR/calendars/ when built with ``-o DIR``), keeps the state both in
that manifest.json and in the build manifest under "calendar".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .. import manifest
from ..plan.loader import LoadedPlan
from .ics import CalendarBuild, build_calendars

STATE_FILE = "manifest.json"


def default_dir(lp: LoadedPlan) -> Path:
    return Path("calendars") / str(lp.year)


def write_calendars(lp: LoadedPlan, *, out_dir: Path | None = None,
                    fallback_state: dict | None = None,
                    now: datetime | None = None) -> CalendarBuild:
    """Build the calendars into ``out_dir`` (default calendars/<year>/) and save the state.

    The previous state is read from ``out_dir``/manifest.json, else ``fallback_state``.
    Returns the :class:`CalendarBuild`; raises nothing for a missing or unreadable state
    (the build then starts afresh: SEQUENCE 0, DTSTAMP now).
    """
    out = Path(out_dir) if out_dir else default_dir(lp)
    state_path = out / STATE_FILE
    previous = manifest.read(state_path) or fallback_state
    res = build_calendars(lp, out_dir=out, previous=previous, now=now)
    manifest.write(state_path, inputs=lp.sources,
                   outputs=[("lich", p) for p in res.paths.values()],
                   extra={"plan": str(lp.path), "year": lp.year, "calendar": res.state})
    return res


def build_step(lp: LoadedPlan, res, template_dirs) -> None:
    """EXTRA_STEPS entry of :func:`workflow.build.build_plan`: write the calendars too."""
    from ..build import default_out_dir

    if Path(res.out_dir) == default_out_dir(lp):
        out = default_dir(lp)
    else:
        out = Path(res.out_dir) / "calendars"
    previous = manifest.read(Path(res.out_dir) / "manifest.json").get("calendar")
    cb = write_calendars(lp, out_dir=out, fallback_state=previous)
    for _unit, p in cb.paths.items():
        res.outputs.append(("lich", p))
    res.manifest_extra["calendar"] = cb.state
    res.notes.extend(cb.notes)
