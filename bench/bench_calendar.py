"""Calendars of the sample plan vs loading the plan, in one process.

Prints: load_plan (baseline), build_calendars from scratch, an unchanged rebuild (every file
compared, none rewritten), one unit's bytes for an e-mail attachment, and each as a ratio of
the baseline. No fixed goal in the issue; the point is to see that calendars stay a small
multiple of reading the plan and that a rebuild costs no more than a first build.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from _common import PLAN, best


def main() -> int:
    from workflow.calendars.ics import build_calendars, unit_calendar_bytes
    from workflow.plan.loader import load_plan

    lp = load_plan(PLAN)
    now = datetime(2024, 2, 20, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        first = build_calendars(lp, out_dir=Path(tmp) / "a", now=now)  # warm imports
        n_events = sum(len(v) for v in first.events.values())
        t_load = best(lambda: load_plan(PLAN))
        t_fresh = best(lambda: build_calendars(lp, out_dir=Path(tmp) / "a", now=now))
        t_again = best(lambda: build_calendars(lp, out_dir=Path(tmp) / "a", previous=first.state, now=now))
        t_unit = best(lambda: unit_calendar_bytes(lp, "p-kim-ma", state=first.state, now=now))
    print(f"sample plan: {len(lp.tasks)} tasks, {len(first.paths)} calendars, {n_events} events")
    print(f"load_plan (baseline)       {t_load * 1000:8.1f} ms  1.00x")
    print(f"build_calendars (fresh)    {t_fresh * 1000:8.1f} ms  {t_fresh / t_load:.2f}x")
    print(f"build_calendars (rebuild)  {t_again * 1000:8.1f} ms  {t_again / t_load:.2f}x")
    print(f"unit_calendar_bytes        {t_unit * 1000:8.1f} ms  {t_unit / t_load:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
