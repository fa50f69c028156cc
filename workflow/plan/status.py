"""Which unit finished which task, and when: the plan's status file.

Format (YAML)::

    done:
      - task: pgd-ke-hoach        # task id from the plan
        on: 2024-02-20            # date finished
      - task: phuong-lich-dieu-tra
        unit: p-kim-ma            # for a task owned by a group: one member
        on: 2024-09-28

A task is done for a unit when an entry names the task and that unit, or names the task
without a unit (done for everyone). Used by `overdue`, `remind sync` and the calendars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import Field

from ..errors import ProblemList
from . import yamlsource
from .loader import LoadedPlan, suggest, validate_model
from .models import Model


class DoneEntry(Model):
    task: str = Field(..., description="Mã nhiệm vụ")
    unit: str | None = Field(None, description="Mã đơn vị (bỏ trống: cả nhiệm vụ đã xong)")
    on: date = Field(..., description="Ngày hoàn thành (YYYY-MM-DD)")
    note: str | None = Field(None, description="Ghi chú")


class StatusFile(Model):
    done: list[DoneEntry] = Field(default_factory=list, description="Các nhiệm vụ đã hoàn thành")


@dataclass
class Status:
    entries: list[DoneEntry] = field(default_factory=list)

    def done_on(self, task_id: str, unit: str | None = None) -> date | None:
        """Date the task was finished for ``unit`` (or for everyone), else None."""
        days = [e.on for e in self.entries
                if e.task == task_id and (e.unit is None or unit is None or e.unit == unit)]
        return min(days, default=None)

    def is_done(self, task_id: str, unit: str | None = None, *, by: date | None = None) -> bool:
        d = self.done_on(task_id, unit)
        return d is not None and (by is None or d <= by)


def load_status(path: str | Path | None, lp: LoadedPlan) -> Status:
    """Read a status file and check its task ids and units against the plan.

    ``None`` gives an empty status. Raises :class:`InputError` listing every problem.
    """
    if path is None:
        return Status()
    data, pos = yamlsource.load(path)
    problems = ProblemList()
    if data is None:
        return Status()
    sf = validate_model(StatusFile, data, pos, problems)
    if sf is not None:
        ids = {t.id for t in lp.tasks}
        for i, e in enumerate(sf.done):
            if e.task not in ids:
                problems.add(pos.problem(("done", i, "task"),
                                         f"kế hoạch không có nhiệm vụ '{e.task}'{suggest(e.task, ids)}"))
            if e.unit is not None and e.unit not in lp.units:
                problems.add(pos.problem(("done", i, "unit"),
                                         f"không có đơn vị '{e.unit}' trong danh mục{suggest(e.unit, lp.units)}"))
    problems.raise_if_errors()
    return Status(entries=list(sf.done))
