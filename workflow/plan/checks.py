"""Warnings about a plan that loads fine: dates on weekends or public holidays, dates outside
the plan year, tasks with no deadline. They never stop a build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import Problem
from .loader import LoadedPlan
from .timephrase import PhraseError, find_phrases, read_phrase
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
            for msg in phrase_warnings(phrase, reading, lp.year, vn):
                out.append(pos.problem(path, msg, severity="warning"))
    return out


def phrase_warnings(phrase: str, reading, year: int, vn=None) -> list[str]:
    """The warnings of one deadline phrase read for plan ``year`` (Vietnamese messages): a
    stated day on a weekend or public holiday, a day outside the plan year. The one rule
    ``kehoach check`` and the web editor share; ``vn`` is a holidays table (made if None)."""
    if vn is None:
        years = {year - 1, year, year + 1}
        years.update(d.year for p in reading.periods for d in (p.start, p.end) if d)
        vn = vn_holidays(years)
    out: list[str] = []
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
                out.append(f"{what} {d:%d/%m/%Y} ({phrase!r}) rơi vào ngày lễ: {name}")
            elif d.weekday() >= 5:
                out.append(f"{what} {d:%d/%m/%Y} ({phrase!r}) rơi vào {WEEKDAYS[d.weekday()]}")
        if reading.recurrence is None:
            for d in (p.start, p.end):
                if d is not None and d.year != year:
                    out.append(f"ngày {d:%d/%m/%Y} ({phrase!r}) nằm ngoài năm kế hoạch {year}")
                    break
    return out


def _second_deadline(lp: LoadedPlan, t) -> list[Problem]:
    """A deadline phrase appended to a sentence that already states another one: the
    document would print two deadlines (usually the phrase in the text was not updated)."""
    if not t.appended:
        return []

    written = t.text[: t.text.rindex("(")].rstrip()
    stated = [p for _, _, p in find_phrases(written) if p not in t.phrases]
    if not stated:
        return []
    k = t.phrases.index(t.appended[0])
    return [lp.positions.problem(t.path + ("deadline", k), severity="warning", message=(
        f"câu nhiệm vụ đã ghi thời hạn \"{stated[0]}\"; cụm \"{t.appended[0]}\" sẽ được thêm vào cuối câu "
        "nên văn bản có hai thời hạn — sửa cả cụm trong câu 'task' (hoặc bỏ cụm cũ)"))]


_RECURRENCE_WORDS = {"yearly": "hằng năm", "quarterly": "hằng quý", "monthly": "hằng tháng"}


@dataclass(frozen=True)
class DeadlineReading:
    """One deadline phrase as the editor shows it while it is typed."""

    phrase: str
    dates: str                  # "→ 05/09/2024 – 30/09/2024"; "" for an empty phrase
    warnings: tuple[str, ...]   # the same messages `kehoach check` prints for it
    error: str | None           # the reader's message when the phrase cannot be read

    def to_json(self) -> dict:
        return {"phrase": self.phrase, "dates": self.dates, "warnings": list(self.warnings),
                "error": self.error}


def read_deadline(phrase: str, year: int) -> DeadlineReading:
    """Read one phrase for a plan of ``year``: its dates in words and its warnings (or the
    error that ``kehoach check`` would report). Never raises for a bad phrase."""
    if not phrase.strip():
        return DeadlineReading(phrase, "", (), None)
    try:
        reading = read_phrase(phrase, year=year)
    except PhraseError as e:
        return DeadlineReading(phrase, "", (), e.message)
    return DeadlineReading(phrase, "→ " + describe(reading), tuple(phrase_warnings(phrase, reading, year)),
                           None)


def describe(reading) -> str:
    """The dates of a reading in words: "05/09/2024 – 30/09/2024; tháng …" style."""
    if reading.ongoing and not reading.periods:
        return "thường xuyên (không có ngày cụ thể)"
    parts = []
    for p in reading.periods:
        if p.start and p.end and p.start == p.end:
            parts.append(f"{p.start:%d/%m/%Y}")
        elif p.start and p.end:
            parts.append(f"{p.start:%d/%m/%Y} – {p.end:%d/%m/%Y}")
        elif p.start:
            parts.append(f"từ {p.start:%d/%m/%Y}")
        elif p.end:
            parts.append(f"đến {p.end:%d/%m/%Y}")
    text = "; ".join(parts) or "không có ngày cụ thể"
    if reading.recurrence:
        text += f" (lặp lại {_RECURRENCE_WORDS.get(reading.recurrence, reading.recurrence)})"
    return text
