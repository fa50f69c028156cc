"""Which units are late with which tasks on a given day: the `kehoach overdue` rules.

The late (task, unit) pairs are the leaf obligations of :mod:`workflow.plan.obligations`
past their last day and not done by the day in question (the rules, for users, are in
docs/cong-van.md): a group's task is owed by each member, a status line for the group
counts for every member, co-owners are chased only when asked, and tasks with no last day
(ongoing, open-ended, repeating without a date) are never late, nor is the task of
drafting and issuing the plan itself.
"""

from __future__ import annotations

from datetime import date, timedelta

from .loader import LoadedPlan
from .obligations import Obligation, by_unit, issues_the_plan, late, obligations
from .status import Status
from .workdays import next_workday, vn_holidays


def late_pairs(lp: LoadedPlan, status: Status, *, on: date, co_owners: bool = False) -> list[Obligation]:
    """Every late (task, unit) obligation on ``on``, in plan order — leaving out the task of
    issuing this very plan (it is done: the plan exists)."""
    return [o for o in late(obligations(lp, status), on=on, co_owners=co_owners)
            if not issues_the_plan(lp, o.task)]


def default_new_deadline(on: date) -> date:
    """Seven days after ``on``, moved off weekends and Vietnamese public holidays."""
    return next_workday(on + timedelta(days=7), vn_holidays([on.year, on.year + 1]))


def report_json(lp: LoadedPlan, pairs: list[Obligation], *, on: date, status_file: str | None,
                new_deadline: date | None = None, letters: list[tuple[str, str]] | None = None) -> dict:
    """The ``kehoach overdue --json`` document (shape documented in docs/cong-van.md)."""
    units = []
    for uid, items in by_unit(pairs).items():
        units.append({
            "unit": uid,
            "name": lp.unit_name(uid),
            "tasks": [{
                "task": p.task.id,
                "summary": p.task.summary,
                "deadline": list(p.task.phrases),
                "due": p.due.isoformat(),
                "days_late": p.days_late_on(on),
                "role": p.role,
                "via": p.via,
            } for p in items],
        })
    data = {
        "plan": str(lp.path),
        "on": on.isoformat(),
        "status": status_file,
        "late_pairs": len(pairs),
        "units": units,
    }
    if new_deadline is not None:
        data["new_deadline"] = new_deadline.isoformat()
    if letters is not None:
        data["letters"] = [{"unit": u, "path": p} for u, p in letters]
    return data
