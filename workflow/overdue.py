"""`kehoach overdue`: late (task, unit) pairs on a day, and optionally the đôn đốc letters.

Keyword-only API; the CLI only maps flags onto :func:`find_overdue`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .documents.letter_drafts import reminder_letter, safe_name
from .documents.letters import build_letter_docx
from .documents.templates import user_dirs
from .errors import InputError, Problem, UsageError
from .plan.letter import require_plan
from .plan.loader import LoadedPlan, load_plan
from .plan.obligations import Obligation, by_unit
from .plan.overdue import default_new_deadline, late_pairs, report_json
from .plan.status import Status, load_status
from .safeio import all_or_nothing, confined


@dataclass
class OverdueResult:
    plan: LoadedPlan
    on: date
    pairs: list[Obligation]
    status_file: str | None
    new_deadline: date | None = None
    letters: list[tuple[str, Path]] = field(default_factory=list)  # (unit, .docx)

    def to_json(self) -> dict:
        return report_json(self.plan, self.pairs, on=self.on, status_file=self.status_file,
                           new_deadline=self.new_deadline,
                           letters=[(u, str(p)) for u, p in self.letters] if self.letters else None)


def find_overdue(plan_path: str | Path | LoadedPlan, *, on: date,
                 status: str | Path | Status | None = None,
                 draft: bool = False, out_dir: Path | None = None,
                 new_deadline: date | None = None, co_owners: bool = False,
                 templates: Path | None = None, all_late: bool = False,
                 dated: date | None = None, units: Collection[str] | None = None) -> OverdueResult:
    """Late pairs of the plan on ``on`` given the status file; with ``draft``, write one
    đôn đốc letter per late unit into ``out_dir`` (default out/<year>/don-doc-<on>/), dated
    ``dated`` (default: a blank day in the month of ``on``).

    A letter says a unit has not reported its work: without a status file nobody knows, so
    ``draft`` needs ``status`` or, to chase every task past its deadline, ``all_late``.
    ``plan_path`` may be a plan already loaded, ``status`` a :class:`Status` already read
    (the web's progress store); ``units`` limits the letters to those units.
    Raises :class:`InputError` for a bad plan, status file or wording file, a new deadline
    not after ``on``, or a draft from no knowledge (nothing is written then).
    """
    if isinstance(plan_path, LoadedPlan):
        lp = plan_path
    else:
        require_plan(plan_path, "overdue")
        lp = load_plan(plan_path)
    st = status if isinstance(status, Status) else load_status(status, lp)
    pairs = late_pairs(lp, st, on=on, co_owners=co_owners)
    shown = None if status is None else ("(sổ tiến độ)" if isinstance(status, Status) else str(status))
    res = OverdueResult(plan=lp, on=on, pairs=pairs, status_file=shown)
    if not draft:
        return res
    if status is None and not all_late:
        raise UsageError(Problem(file="<dòng lệnh>", field="--status", message=(
            "soạn công văn đôn đốc cần tệp trạng thái (--status TỆP: đơn vị nào đã xong việc gì); "
            "không có tệp này thì không biết ai đã làm xong. Muốn đôn đốc mọi nhiệm vụ đã quá hạn, "
            "thêm --all-late")))
    if new_deadline is not None and new_deadline <= on:
        raise InputError(Problem(file="<dòng lệnh>", field="--new-deadline",
                                 message=f"hạn mới {new_deadline:%d/%m/%Y} phải sau ngày xét {on:%d/%m/%Y}"))
    res.new_deadline = new_deadline or default_new_deadline(on)
    dirs = user_dirs(lp.path, lp.plan.templates, templates)
    out = Path(out_dir) if out_dir else Path("out") / str(lp.year) / f"don-doc-{on.isoformat()}"
    letters = [(uid, reminder_letter(lp, uid, items, on=on, new_deadline=res.new_deadline,
                                     template_dirs=dirs, dated=dated))
               for uid, items in by_unit(pairs).items()
               if units is None or uid in units]  # all checked before any is written
    targets = [confined(out, f"{lp.path.stem}-don-doc-{safe_name(uid)}.docx") for uid, _ in letters]
    with all_or_nothing():
        for (uid, letter), target in zip(letters, targets):
            build_letter_docx(letter, target, template_dirs=dirs, units=lp.units)
            res.letters.append((uid, target))
    return res
