"""The plan being imported: plain data in the shape of ``config/plans/*.yaml`` plus the
comments (by field path) that mark what the importer is not sure of, and counts of what
each layout of the document gave.

The bottom of the importer: :mod:`.parse`, :mod:`.layout`, :mod:`.tables` and :mod:`.tasks`
all write into a :class:`Draft`; none of them imports another to reach it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .units import UnitTable

ROW_MARK = "| "   # a comment line that keeps text of the original (not a question to answer)

# Layouts a task can come from; the summary prints one line per layout found, in this order.
SAMPLE_LAYOUT = "đề mục đơn vị đánh số"
LETTER_LAYOUT = "đề mục đơn vị a), b)"
DASH_LAYOUT = "đề mục đơn vị gạch đầu dòng"
BOLD_LAYOUT = "đề mục đơn vị in đậm"
TABLE_LAYOUT = "bảng nhiệm vụ"
ANNEX_LAYOUT = "phụ lục lịch trình"
LAYOUTS = (SAMPLE_LAYOUT, LETTER_LAYOUT, DASH_LAYOUT, BOLD_LAYOUT, TABLE_LAYOUT, ANNEX_LAYOUT)


@dataclass
class LayoutCount:
    """What one layout gave: ``rows`` read (table rows, or paragraphs under unit headings),
    tasks made from them, and how many of those tasks have dates."""

    name: str
    rows: int = 0
    tasks: int = 0
    dated: int = 0
    units: set = field(default_factory=set)

    def line(self) -> str:
        what = "dòng" if self.name in (TABLE_LAYOUT, ANNEX_LAYOUT) else "đoạn"
        if self.name == ANNEX_LAYOUT:
            return f"{self.name}: {self.rows} {what} → khớp {self.tasks} nhiệm vụ"
        return (f"{self.name}: {len(self.units)} đơn vị, {self.rows} {what} → {self.tasks} nhiệm vụ, "
                f"{self.dated} thời hạn")


@dataclass
class Draft:
    data: dict
    comments: dict[tuple, list[str]] = field(default_factory=dict)
    units: UnitTable = field(default_factory=UnitTable)
    layouts: dict[str, LayoutCount] = field(default_factory=dict)
    n_tasks: int = 0
    n_dated: int = 0
    n_unsure: int = 0

    def note(self, path: tuple, text: str) -> None:
        """A question for the reader (written ``# ? …``) above the field at ``path``."""
        self.comments.setdefault(tuple(path), []).append(text)
        self.n_unsure += 1

    def keep(self, path: tuple, text: str) -> None:
        """Text of the original the plan has no field for, kept as ``# | …`` at ``path``."""
        self.comments.setdefault(tuple(path), []).append(ROW_MARK + text)

    def layout(self, name: str) -> LayoutCount:
        return self.layouts.setdefault(name, LayoutCount(name))

    def part_for(self, uid: str, *, heading: str | None = None) -> tuple[int, dict]:
        """The implementation part of unit ``uid`` (the last one, when it has several), made
        at the end when there is none yet; returns (index, part)."""
        impl = self.data.setdefault("implementation", [])
        for i in range(len(impl) - 1, -1, -1):
            if impl[i]["unit"] == uid:
                return i, impl[i]
        part = {"unit": uid, "content": []}
        if heading:
            part["heading"] = heading
        impl.append(part)
        return len(impl) - 1, part
