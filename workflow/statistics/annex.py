"""What each programme's annex (Phụ lục I, II, …) shows, laid out as the official forms are.

One row per unit and a "Tổng cộng" row; the indicators as columns, grouped by the cohort they
count ("Trẻ 5 tuổi": "Phải phổ cập", then "Ra lớp" and "Hoàn thành …", each as "Số lượng" and
"Tỷ lệ (%)"); TT, Đơn vị and Mức đạt span the header rows. An annex too wide for a portrait
page is landscape. Returns plain data (:class:`Grid`); documents/gridtable.py writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..documents import vnformat
from ..documents.gridtable import text_mm
from . import vn
from .criteria import CriteriaSet, Programme
from .evaluate import Evaluation, level_name

PORTRAIT_MM = 165.0     # A4 portrait text width (210 - 30 - 15)
LANDSCAPE_MM = 252.0    # A4 landscape text width (297 - 30 - 15)
# Narrowest widths (mm) for 12 pt text: "TT" in bold wraps below 10 mm, "Mức độ 3" and
# "Đạt chuẩn" below 24; a figure column is widened to its longest figure (see _figure_mm).
W_TT, W_UNIT, W_UNIT_MAX, W_COUNT, W_RATE, W_LEVEL = 10.0, 34.0, 60.0, 15.0, 15.0, 16.0
W_UNIT_PORTRAIT = 44.0          # names wider than this wrap on a portrait page


@dataclass(frozen=True)
class Indicator:
    """One rate a programme is judged on: numerator columns over a cohort's denominator."""

    text: str                           # "tỷ lệ trẻ em 5 tuổi ra lớp" (in sentences)
    num: tuple[str, ...]
    den: str
    thresholds: frozenset[Fraction]     # every level's, both variants (for rounding)
    cohort: str                         # "Trẻ 5 tuổi" (annex group heading)
    head: str                           # "Ra lớp" (annex column heading)

    @property
    def title(self) -> str:
        """'Tỷ lệ trẻ 5 tuổi ra lớp' (a chart panel's title)."""
        return f"Tỷ lệ {_lower(self.cohort)} {_lower(self.head)}"


def _lower(s: str) -> str:
    # "Vào lớp 1" -> "vào lớp 1", but an abbreviation ("THCS …") keeps its capitals
    return s[:1].lower() + s[1:] if s[1:2].islower() else s


def cohort_name(cs: CriteriaSet, den: str) -> str:
    col = cs.columns[den]
    if col.head:
        return col.head
    label = col.label
    for tail in (" phải phổ cập", " phải PC"):
        if label.endswith(tail):
            return label[: -len(tail)]
    return label


def _head(cs: CriteriaSet, num: tuple[str, ...], cohort: str, given: str | None) -> str:
    if given:
        return given
    heads = []
    for cid in num:
        col = cs.columns[cid]
        if col.head:
            heads.append(col.head)
            continue
        # "Trẻ 5 tuổi ra lớp" under "Trẻ 5 tuổi" -> "Ra lớp"
        words, prefix = col.label.split(), cohort.split()
        k = 0
        while k < min(len(words), len(prefix)) and words[k] == prefix[k]:
            k += 1
        rest = " ".join(words[k:]) if 0 < k < len(words) else col.label
        heads.append(rest[:1].upper() + rest[1:])
    return " + ".join(heads)


def indicators(cs: CriteriaSet, p: Programme, *, dbkk: bool = True) -> list[Indicator]:
    """The distinct rates of a programme in level order; the ĐBKK variants (XMC's other age
    bands) only when ``dbkk`` (some unit is ĐBKK)."""
    found: dict[tuple, dict] = {}
    for lv in sorted(p.levels, key=lambda x: x.level):
        for c in lv.criteria:
            for variant in (False, True):
                text, num, den, thr = c.variant(variant)
                key = (num, den)
                if key not in found:
                    if variant and not dbkk:
                        continue
                    found[key] = {"text": text, "thr": set(), "head": c.head if not variant else None}
                found[key]["thr"].add(thr)
                if not found[key]["head"] and c.head and not variant:
                    found[key]["head"] = c.head
    out = []
    for (num, den), v in found.items():
        cohort = cohort_name(cs, den)
        out.append(Indicator(v["text"], num, den, frozenset(v["thr"]), cohort, _head(cs, num, cohort, v["head"])))
    return out


def any_dbkk(ev: Evaluation) -> bool:
    return any(u.unit.dbkk for u in ev.units)


def totals(ev: Evaluation, num: tuple[str, ...], den: str) -> tuple[int, int] | None:
    """Sums over the units that have the figures (None when no unit has them)."""
    n = d = 0
    any_ = False
    for u in ev.units:
        vals = [u.unit.values.get(c) for c in (*num, den)]
        if any(v is None for v in vals):
            continue
        any_ = True
        n += sum(vals[:-1])
        d += vals[-1]
    return (n, d) if any_ else None


@dataclass
class Grid:
    """A table to write: header cells with spans, body rows of text, column widths (mm)."""

    head: list[tuple[int, int, int, int, str]]   # (row, col, rows spanned, cols spanned, text)
    head_rows: int
    rows: list[list[str]]
    widths: list[float]
    align: list[str]                 # per column: "left" | "center" | "right"
    bold_rows: frozenset[int]        # body rows in bold (the total)
    landscape: bool


def annex_grid(ev: Evaluation, p: Programme, *, total_name: str = "Tổng cộng") -> Grid:
    """The annex table of programme ``p``: a row per unit, then the total."""
    cs = ev.criteria
    inds = indicators(cs, p, dbkk=any_dbkk(ev))
    groups: dict[str, list[Indicator]] = {}
    for ind in inds:
        groups.setdefault(ind.den, []).append(ind)
    n_cols = 2 + sum(1 + 2 * len(g) for g in groups.values()) + 1
    head = [(0, 0, 3, 1, "TT"), (0, 1, 3, 1, "Đơn vị"), (0, n_cols - 1, 3, 1, "Mức đạt")]
    widths = [W_TT, W_UNIT]
    align = ["center", "left"]
    col = 2
    for members in groups.values():
        head.append((0, col, 1, 1 + 2 * len(members), members[0].cohort))
        head.append((1, col, 2, 1, "Phải phổ cập"))
        widths.append(W_COUNT)
        col += 1
        for ind in members:
            head += [(1, col, 1, 2, ind.head), (2, col, 1, 1, "Số lượng"), (2, col + 1, 1, 1, "Tỷ lệ (%)")]
            widths += [W_COUNT, W_RATE]
            col += 2
    widths.append(W_LEVEL)
    align += ["right"] * (n_cols - 3) + ["center"]

    rows = []
    for n, u in enumerate(ev.units, start=1):
        level = level_name(p, u.levels[p.id])
        if u.unassessed(p.id):
            level += " (chưa đánh giá đủ)"
        rows.append([str(n), u.name, *_cells(groups, u.unit.values.get, lambda ind, v=u.unit.values:
                                               _unit_rate(v, ind)), _cap(level)])
    bold = frozenset()
    if ev.units:
        parent = ev.parent
        level = _cap(level_name(p, parent.levels.get(p.id, 0))) if parent is not None else ""
        rows.append(["", total_name, *_cells(groups, lambda den: _sum(ev, den),
                                             lambda ind: totals(ev, ind.num, ind.den)), level])
        bold = frozenset({len(rows) - 1})
    for c in range(2, n_cols):
        widths[c] = max([widths[c]] + [_text_mm(r[c]) for r in rows])
    # the names may take up to their longest one, when the page has room for it; a table
    # whose names would wrap to a third of the rows on a portrait page is landscape
    want = max([W_UNIT] + [_text_mm(r[1]) for r in rows])
    widths[1] = min(want, W_UNIT_PORTRAIT)
    return Grid(head, 3, rows, _fit(widths, min(want, W_UNIT_MAX)), align, bold,
                landscape=sum(widths) > PORTRAIT_MM + 0.01)


def _text_mm(text: str) -> float:
    """Width of a cell's text (the bold total row's, the widest): '100,00' needs 16 mm."""
    return text_mm(text, 12, bold=True)


def _unit_rate(values: dict, ind: Indicator) -> tuple[int, int] | None:
    vals = [values.get(c) for c in (*ind.num, ind.den)]
    return None if any(v is None for v in vals) else (sum(vals[:-1]), vals[-1])


def _sum(ev: Evaluation, col: str) -> int | None:
    vals = [u.unit.values.get(col) for u in ev.units]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _cells(groups: dict[str, list[Indicator]], den_of, rate_of) -> list[str]:
    """'Phải phổ cập', then 'Số lượng' and 'Tỷ lệ (%)' of each indicator, for one row."""
    out = []
    for den, members in groups.items():
        d = den_of(den)
        out.append(vnformat.number(d) if d is not None else "-")
        for ind in members:
            nd = rate_of(ind)
            out.append(vnformat.number(nd[0]) if nd is not None else "-")
            out.append(vn.pct(Fraction(*nd), thresholds=ind.thresholds)[:-1] if nd and nd[1] else "-")
    return out


def _fit(widths: list[float], unit_mm: float) -> list[float]:
    """Fill the page width: the unit names take what they can use (up to ``unit_mm``), the
    figures the rest; a table wider than a landscape page is narrowed evenly."""
    total = sum(widths)
    page = PORTRAIT_MM if total <= PORTRAIT_MM + 0.01 else LANDSCAPE_MM
    if total > page:
        return [w * page / total for w in widths]
    out = list(widths)
    spare = page - total
    grow = max(0.0, min(spare, unit_mm - out[1]))
    out[1] += grow
    spare -= grow
    figures = range(2, len(out) - 1)
    for i in figures:
        out[i] += spare / len(figures)
    return out


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
