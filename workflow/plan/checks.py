"""Warnings about a plan that loads fine: dates on weekends or public holidays, dates outside
the plan year, tasks with no deadline. They never stop a build.
"""

from __future__ import annotations

from datetime import date

from ..errors import Problem
from .loader import LoadedPlan
from .workdays import WEEKDAYS, vn_holidays


def plan_warnings(lp: LoadedPlan) -> list[Problem]:
    """Every warning for the plan, in file order (loader warnings first)."""
    pos = lp.positions
    out: list[Problem] = list(lp.warnings)
    years = {lp.year - 1, lp.year, lp.year + 1}
    for t in lp.tasks:
        for r in t.readings:
            for p in r.periods:
                years.update(d.year for d in (p.start, p.end) if d)
    vn = vn_holidays(years)
    for t in lp.tasks:
        if not t.phrases and not t.ongoing:
            out.append(pos.problem(t.path + ("task",),
                                   "nhiệm vụ không có thời hạn; thêm 'deadline' hoặc 'ongoing: true'",
                                   severity="warning"))
        out.extend(_second_deadline(lp, t))
        for k, (phrase, reading) in enumerate(zip(t.phrases, t.readings)):
            path = t.path + ("deadline", k)
            low = phrase.lower()
            for p in reading.periods:
                checked: list[tuple[str, date]] = []
                if "ngày" in low and p.start == p.end:
                    checked = [("ngày", p.start)]
                elif "ngày" in low:
                    checked = [("bắt đầu", p.start), ("hạn cuối", p.end)]
                elif any(w in low for w in ("trước", "chậm nhất", "hạn")):
                    checked = [("hạn cuối", p.end)]
                for what, d in checked:
                    if d is None:
                        continue
                    name = vn.get(d)
                    if name:
                        out.append(pos.problem(path, f"{what} {d:%d/%m/%Y} ({phrase!r}) rơi vào ngày lễ: {name}",
                                               severity="warning"))
                    elif d.weekday() >= 5:
                        out.append(pos.problem(path, f"{what} {d:%d/%m/%Y} ({phrase!r}) rơi vào {WEEKDAYS[d.weekday()]}",
                                               severity="warning"))
                if reading.recurrence is None:
                    for d in (p.start, p.end):
                        if d is not None and d.year != lp.year:
                            out.append(pos.problem(path, f"ngày {d:%d/%m/%Y} ({phrase!r}) nằm ngoài năm kế hoạch {lp.year}",
                                                   severity="warning"))
                            break
    return out


def _second_deadline(lp: LoadedPlan, t) -> list[Problem]:
    """A deadline phrase appended to a sentence that already states another one: the
    document would print two deadlines (usually the phrase in the text was not updated)."""
    if not t.appended:
        return []
    from .timephrase import find_phrases

    written = t.text[: t.text.rindex("(")].rstrip()
    stated = [p for _, _, p in find_phrases(written) if p not in t.phrases]
    if not stated:
        return []
    k = t.phrases.index(t.appended[0])
    return [lp.positions.problem(t.path + ("deadline", k), severity="warning", message=(
        f"câu nhiệm vụ đã ghi thời hạn \"{stated[0]}\"; cụm \"{t.appended[0]}\" sẽ được thêm vào cuối câu "
        "nên văn bản có hai thời hạn — sửa cả cụm trong câu 'task' (hoặc bỏ cụm cũ)"))]
