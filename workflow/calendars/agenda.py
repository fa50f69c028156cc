"""Coming deadlines for the terminal (`kehoach agenda`): data in, rows out, no printing."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date

from ..errors import Problem, UsageError
from ..plan.loader import LoadedPlan
from ..plan.obligations import Obligation, obligations
from .events import CalEvent, all_events, check_unit, unit_events


@dataclass(frozen=True)
class AgendaItem:
    day: date            # the date that matters: the last day, or the start of an open start
    start: date
    last: date
    days_left: int       # day - today (negative: overdue)
    kind: str            # "range" | "day" | "deadline" | "start"
    task_id: str
    summary: str
    owner: str           # owner's short label
    phrase: str          # deadline phrase as written
    done: bool = False

    @property
    def when(self) -> str:
        """Vietnamese 'days left' text."""
        n = self.days_left
        if self.done:
            return "đã xong"
        if self.kind == "start":
            return "bắt đầu hôm nay" if n == 0 else (f"bắt đầu sau {n} ngày" if n > 0 else f"đã bắt đầu {-n} ngày")
        if n == 0:
            return "hôm nay"
        return f"còn {n} ngày" if n > 0 else f"quá hạn {-n} ngày"

    def to_json(self) -> dict:
        return {"date": self.day.isoformat(), "start": self.start.isoformat(),
                "end": self.last.isoformat(), "days_left": self.days_left, "kind": self.kind,
                "task": self.task_id, "summary": self.summary, "owner": self.owner,
                "deadline": self.phrase, "done": self.done, "when": self.when}


def agenda(lp: LoadedPlan, *, today: date, start: date | None = None, end: date | None = None,
           unit: str | None = None, status=None, days: int = 30) -> list[AgendaItem]:
    """Deadlines (and open starts) whose period touches [start, end], soonest first.

    ``start`` defaults to ``today``, ``end`` to ``start`` + ``days``. With ``unit``, only
    the tasks that unit owns or co-owns. With a status (plan.status.Status), tasks done by
    that unit (or by everyone) are left out. Raises :class:`UsageError` for an unknown unit
    or an empty window.
    """
    lo = start or today
    hi = end or date.fromordinal(lo.toordinal() + days)
    if hi < lo:
        raise UsageError(Problem(file="<dòng lệnh>", field="--to",
                                 message=f"ngày kết thúc {hi:%d/%m/%Y} trước ngày bắt đầu {lo:%d/%m/%Y}"))
    if unit is not None:
        check_unit(lp, unit)
    obs = obligations(lp, status)
    events: list[CalEvent] = unit_events(lp, unit, obs) if unit else all_events(lp)
    done = _done(obs, unit) if status is not None else set()
    summaries = {t.id: t.summary for t in lp.tasks}
    items = []
    for ev in events:
        if ev.task_id in done:
            continue
        for first, last in ev.occurrences(lo, hi):
            day = first if ev.kind == "start" else last
            items.append(AgendaItem(
                day=day, start=first, last=last, days_left=(day - today).days, kind=ev.kind,
                task_id=ev.task_id, summary=summaries[ev.task_id], owner=lp.unit_label(ev.owner),
                phrase=ev.phrase))
    return sorted(items, key=lambda i: (i.day, i.start, i.task_id))


def _done(obs: list[Obligation], unit: str | None) -> set[str]:
    """Tasks done for ``unit`` — for everyone when ``unit`` is None: every unit that does
    the work as chủ trì has finished (one ward finishing is not everyone)."""
    if unit is not None:
        return {o.task.id for o in obs if o.unit == unit and o.is_done()}
    owing: dict[str, bool] = {}
    for o in obs:
        if o.leaf and o.role == "chu-tri":
            owing[o.task.id] = owing.get(o.task.id, True) and o.is_done()
    return {t for t, finished in owing.items() if finished}


def format_table(items: list[AgendaItem], *, width: int = 100) -> list[str]:
    """Plain-text table lines (Vietnamese headers) at most ``width`` wide where it can be.

    Task, owner and deadline phrase wrap onto continuation lines instead of being cut, so a
    narrow terminal still shows every word; the date and "days left" stay on the first line.
    """
    if not items:
        return ["Không có thời hạn nào trong khoảng này."]
    head = ("Hạn", "Còn", "Nhiệm vụ", "Chủ trì", "Kế hoạch ghi")
    rows = []
    for i in items:
        span = f"{i.day:%d/%m/%Y}"
        if i.kind == "range":
            span = f"{i.start:%d/%m}–{i.last:%d/%m/%Y}"
        elif i.kind == "start":
            span = f"từ {i.day:%d/%m/%Y}"
        rows.append((span, i.when, i.summary, i.owner, i.phrase))
    fixed = [max(len(r[c]) for r in rows + [head]) for c in (0, 1)]
    owner_w = min(max(len(r[3]) for r in rows + [head]), 16)
    rest = max(width - fixed[0] - fixed[1] - owner_w - 8, 20)
    phrase_w = min(max(len(r[4]) for r in rows), max(rest * 2 // 5, 14))
    widths = (fixed[0], fixed[1], rest - phrase_w, owner_w, phrase_w)

    def block(cells) -> list[str]:
        cols = [textwrap.wrap(c, w, break_on_hyphens=False) or [""] for c, w in zip(cells, widths)]
        return ["  ".join((col[n] if n < len(col) else "").ljust(w) for col, w in zip(cols, widths)).rstrip()
                for n in range(max(map(len, cols)))]

    out = block(head) + ["  ".join("─" * w for w in widths)]
    for r in rows:
        out.extend(block(r))
    return out
