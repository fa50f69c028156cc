"""Which units are late with which tasks on a given day.

A (task, unit) pair is late on day D when the task's last deadline day (the latest end of
its periods) is before D and the status file does not record the task as finished for
that unit on or before D. Rules:

- A task owned by a group (e.g. "ubnd-phuong") is due from every member that is not itself
  a group; an entry for the group (or one without a unit) counts for all its members.
- Co-owners (đơn vị phối hợp) are not chased: the owner (chủ trì) answers for the task and
  gets the đôn đốc letter. ``co_owners=True`` chases them too, each for its own entry.
- Tasks with no end day (ongoing, "từ tháng 6/2024", recurrence without a date) are never
  late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .loader import LoadedPlan, Task
from .status import Status


@dataclass(frozen=True)
class LatePair:
    task: Task
    unit: str          # the unit that has not finished (a leaf unit, never a group)
    due: date          # last allowed day (inclusive)
    role: str          # "chu-tri" (owner or member of the owning group) | "phoi-hop"
    via: str | None    # the group through which the unit owns the task, if any

    def days_late_on(self, on: date) -> int:
        return (on - self.due).days


def due_date(task: Task) -> date | None:
    """The last day of the task's last period, or None when it has no end."""
    ends = [p.end for r in task.readings for p in r.periods if p.end is not None]
    return max(ends) if ends else None


def leaf_units(lp: LoadedPlan, uid: str) -> list[str]:
    """The units that actually do the work: ``uid`` itself, or a group's non-group members."""
    out = [u for u in lp.members(uid) if not (lp.units.get(u) and lp.units[u].members)]
    return out or [uid]


def late_pairs(lp: LoadedPlan, status: Status, *, on: date, co_owners: bool = False) -> list[LatePair]:
    """Every late (task, unit) pair on ``on``, in plan order, then unit order of the plan."""
    out: list[LatePair] = []
    for t in lp.tasks:
        if t.ongoing:
            continue
        due = due_date(t)
        if due is None or due >= on:
            continue
        seen: set[str] = set()
        responsible = [(t.owner, "chu-tri")]
        if co_owners:
            responsible += [(c, "phoi-hop") for c in t.co_owners]
        for uid, role in responsible:
            group = uid if lp.units.get(uid) and lp.units[uid].members else None
            for leaf in leaf_units(lp, uid):
                if leaf in seen:
                    continue
                seen.add(leaf)
                if status.is_done(t.id, leaf, by=on) or (group and status.is_done(t.id, group, by=on)):
                    continue
                out.append(LatePair(task=t, unit=leaf, due=due, role=role, via=group))
    return out


def by_unit(pairs: list[LatePair]) -> dict[str, list[LatePair]]:
    """Late pairs grouped by unit, units in order of first appearance."""
    out: dict[str, list[LatePair]] = {}
    for p in pairs:
        out.setdefault(p.unit, []).append(p)
    return out


def next_workday(d: date, *, holidays=None) -> date:
    """``d`` itself if it is a working day, else the next one (weekends, and the given
    public holidays, skipped)."""
    while d.weekday() >= 5 or (holidays is not None and d in holidays):
        d += timedelta(days=1)
    return d


def default_new_deadline(on: date) -> date:
    """Seven days after ``on``, moved off weekends and Vietnamese public holidays."""
    import holidays as hol

    vn = hol.country_holidays("VN", years=[on.year, on.year + 1])
    return next_workday(on + timedelta(days=7), holidays=vn)


def report_json(lp: LoadedPlan, pairs: list[LatePair], *, on: date, status_file: str | None,
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
