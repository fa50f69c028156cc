"""The October figures through the web: each unit's entry workbook pre-filled (its name and
last year's figures), the workbook it sends back read as ``kehoach evaluate`` reads it
(errors named by sheet, cell and header), the units' rows put together, evaluated, and the
Báo cáo built from them.

The collected figures are written to ``stats/<plan>-so-lieu-don-vi.csv`` (a file the
commands read too: ``kehoach evaluate``, ``kehoach report``).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..progress import attachments, collect
from ..safeio import write_text
from ..statistics.api import build_report as build
from ..statistics.api import evaluate_file, write_entry_template
from ..statistics.criteria import load_criteria
from ..statistics.evaluate import level_name, missed_prerequisites
from ..statistics.explain import parent_lines
from ..statistics.figures import DBKK, IDENTITY, PARENT, UNIT, fold, load_figures
from ..statistics.vn import threshold

DATA_SHEET = "Số liệu"
FIRST_ROW = 4
_CELL = re.compile(r"ô ([A-Z]{1,3})(\d+)")


def figures_name(lp, unit: str) -> str:
    """How the figures name a unit: its short name ("Phường Kim Mã"), else its name."""
    u = lp.units[unit]
    return u.short or u.name


def _same(a: str, b: str) -> bool:
    strip = re.compile(r"^(ubnd_|uy_ban_nhan_dan_)")
    return strip.sub("", fold(a)) == strip.sub("", fold(b))


def previous_rows(path: Path | None, criteria: str) -> list:
    """Last year's figures (UnitFigures), or [] when there are none or they do not read."""
    if path is None or not path.is_file():
        return []

    try:
        return load_figures(path, load_criteria(criteria)).units
    except InputError:
        return []


def _match(lp, unit: str, rows: list):
    names = [figures_name(lp, unit), lp.units[unit].name]
    return next((r for r in rows if any(_same(r.name, n) for n in names)), None)


def unit_workbook(fu, name: str, unit: str) -> bytes:
    """The entry workbook of ``unit`` for the plan's open collection: its row pre-filled
    with its name and last year's figures (to be updated)."""
    # a heavy library: loaded only when this runs
    from openpyxl import load_workbook


    c = fu.collection(name)
    lp = fu.plan(name)
    prev = _match(lp, unit, previous_rows(_ws_file(fu, c.previous), c.criteria))
    with tempfile.TemporaryDirectory(prefix="kehoach-mau-") as tmp:
        path = write_entry_template(Path(tmp) / "mau.xlsx", criteria=c.criteria)
        wb = load_workbook(path)
        ws = wb[DATA_SHEET]
        ids = [str(v or "").lstrip("# ").strip() for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True))]
        label = figures_name(lp, unit)
        ws.cell(row=1, column=1).value = (
            f"# Sổ số liệu PCGD, XMC tháng 10/{c.year} của {lp.units[unit].name}: sửa các ô ở dòng 4 "
            f"(đã ghi sẵn số liệu năm {c.year - 1} nếu có), lưu lại rồi gửi ở trang theo dõi của đơn vị "
            f"trước ngày {c.deadline:%d/%m/%Y}.")
        values = {UNIT: label, PARENT: prev.parent if prev else "", DBKK: int(prev.dbkk) if prev else 0}
        if prev is not None:
            values.update({k: v for k, v in prev.values.items() if v is not None})
        for col, cid in enumerate(ids, start=1):
            if cid in values and values[cid] != "":
                ws.cell(row=FIRST_ROW, column=col).value = values[cid]
        buf = io.BytesIO()
        wb.save(buf)
    return buf.getvalue()


@dataclass
class Checked:
    """A workbook a unit sent, read: its row when accepted, else the problems."""

    ok: bool
    problems: list[dict] = field(default_factory=list)   # message, cell ("I5"), row
    warnings: list[str] = field(default_factory=list)
    row: dict | None = None
    grid: dict | None = None     # headers and the first rows, cells marked, to show the errors


def read_unit_workbook(fu, name: str, unit: str, filename: str, data: bytes) -> Checked:
    """Read the workbook ``unit`` sent for the open collection. A file that is not an
    Excel workbook raises :class:`InputError`; every problem inside it is returned."""

    c = fu.collection(name)
    lp = fu.plan(name)
    attachments.sniff(filename, data, ("xlsx",))
    cs = load_criteria(c.criteria)
    with tempfile.TemporaryDirectory(prefix="kehoach-so-lieu-") as tmp:
        path = Path(tmp) / "so-lieu.xlsx"
        path.write_bytes(data)
        sheet = _sheet_name(path)
        try:
            figs = load_figures(path, cs)
        except InputError as e:
            problems = [_problem(p, sheet) for p in e.problems]
            return Checked(False, problems, grid=_grid(path, problems))
        warnings = [f'Trang "{sheet}", {p.message}' for p in figs.warnings]
        expected = figures_name(lp, unit)
        mine = [u for u in figs.units if _same(u.name, expected) or _same(u.name, lp.units[unit].name)]
        others = [u for u in figs.units if u not in mine]
        problems = []
        if others:
            problems.append({"message": (f'Trang "{sheet}", dòng {others[0].line}: sổ này chỉ ghi số liệu của '
                                         f'{expected}; dòng này là của "{others[0].name}"'),
                             "cell": f"A{others[0].line}", "row": others[0].line})
        elif not mine:
            problems.append({"message": f'Trang "{sheet}": không có dòng số liệu của {expected}',
                             "cell": None, "row": None})
        if problems:
            return Checked(False, problems, warnings, grid=_grid(path, problems))
        u = mine[0]
        row = {UNIT: expected, PARENT: u.parent, DBKK: int(u.dbkk), **u.values}
    return Checked(True, [], warnings, row)


def _sheet_name(path: Path) -> str:
    # a heavy library: loaded only when this runs
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
        names = wb.sheetnames
        wb.close()
    except Exception:  # a broken workbook: load_figures names the problem
        return DATA_SHEET
    named = [n for n in names if fold(n) == "so_lieu"]
    return named[0] if named else (names[0] if names else DATA_SHEET)


def _problem(p: Problem, sheet: str) -> dict:
    m = _CELL.search(p.message)
    cell = f"{m.group(1)}{m.group(2)}" if m else None
    where = f'Trang "{sheet}", ' + (p.message if m else (f"dòng {p.line}: " if p.line else "") + p.message)
    return {"message": where, "cell": cell, "row": p.line}


def _grid(path: Path, problems: list[dict], rows: int = 6) -> dict | None:
    """The header and first rows of the data sheet, each cell with its reference and the
    problem found there (so the page marks the very cell)."""
    # a heavy library: loaded only when this runs
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    at = {p["cell"]: p["message"] for p in problems if p.get("cell")}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb[_sheet_name(path)]
        table = [list(r) for r in ws.iter_rows(min_row=1, max_row=FIRST_ROW - 1 + rows, values_only=True)]
        wb.close()
    except Exception:
        return None
    head_i = next((i for i, r in enumerate(table) if r and not str(r[0] or "").startswith("#")
                   and any(v not in (None, "") for v in r)), None)
    if head_i is None:
        return None
    headers = [str(v or "") for v in table[head_i]]
    width = max((i + 1 for i, h in enumerate(headers) if h), default=0)
    body = []
    for n, r in enumerate(table[head_i + 1:], start=head_i + 2):
        if not any(v not in (None, "") for v in r):
            continue
        cells = []
        for i in range(width):
            ref = f"{get_column_letter(i + 1)}{n}"
            v = r[i] if i < len(r) else None
            cells.append({"ref": ref, "value": "" if v is None else str(v), "problem": at.get(ref)})
        body.append({"row": n, "cells": cells})
    return {"headers": [{"ref": f"{get_column_letter(i + 1)}{head_i + 1}", "text": h}
                        for i, h in enumerate(headers[:width])], "rows": body}


def _ws_file(fu, rel: str | None) -> Path | None:
    if not rel:
        return None
    try:
        return fu.ws.path(*Path(rel).parts)
    except InputError:
        return None


def collected_csv(fu, name: str) -> Path:
    """The accepted rows of the collection written to ``stats/<plan>-so-lieu-don-vi.csv``;
    raises :class:`InputError` when no unit has sent figures yet."""

    c = fu.collection(name)
    rows = collect.accepted_rows(fu.store, c)
    if not rows:
        raise InputError(Problem(file="số liệu", message="chưa đơn vị nào gửi số liệu hợp lệ"))
    cs = load_criteria(c.criteria)
    cols = list(IDENTITY) + list(cs.columns)
    buf = io.StringIO()
    buf.write(f"# Số liệu PCGD, XMC tháng 10/{c.year} do các đơn vị gửi qua kehoach web ({len(rows)} đơn vị)\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows.values():
        w.writerow(["" if row.get(k) is None else row.get(k) for k in cols])
    target = fu.ws.path("stats", f"{name}-so-lieu-don-vi.csv")
    write_text(target, buf.getvalue())
    return target


def evaluation(fu, name: str):
    """The collected figures evaluated (the Evaluation of ``kehoach evaluate``)."""

    c = fu.collection(name)
    return evaluate_file(collected_csv(fu, name), criteria=c.criteria)


def build_report(fu, name: str):
    """The Báo cáo (.docx with its charts, and the .xlsx of results) from the collected
    figures, into ``out/<plan>/bao-cao/``; returns the statistics ReportResult."""

    c = fu.collection(name)
    data = collected_csv(fu, name)
    return build(data, plan=fu.ws.plan_path(name), previous=_ws_file(fu, c.previous),
                 criteria=c.criteria, out_dir=fu.ws.out_dir(name) / "bao-cao")


def evaluation_rows(ev) -> dict:
    """The evaluation as the office reads it: per unit its level in each programme and the
    criteria it missed; per parent its level and, for each share rule, the reason; and the
    thresholds not yet checked against the legal text (``confirmed: false``), marked."""

    cs = ev.criteria
    units = []
    for u in ev.units:
        levels = []
        for p in cs.programmes:
            missed = [lv for lv, st in sorted(u.status[p.id].items()) if st == "chua_dat"]
            levels.append({"programme": p.short, "level": level_name(p, u.levels[p.id]),
                           "reached": u.levels[p.id] > 0, "partial": bool(u.unassessed(p.id)),
                           "prereq": missed_prerequisites(u, cs, p.id, missed[0]) if missed else []})
        misses = [{"id": c.id, "text": c.text, "figure": c.figure(), "threshold": threshold(c.threshold),
                   "confirmed": c.confirmed, "met": c.met}
                  for c in u.checks if c.met is not True and (c.kind == "rate" or c.met is False)]
        units.append({"name": u.name, "dbkk": u.unit.dbkk, "levels": levels, "misses": misses,
                      "unconfirmed": any(not c.confirmed for c in u.checks)})
    parents = [{"lines": parent_lines(p, cs, show_all=True),
                "unconfirmed": sorted({s.id for s in p.shares if not s.confirmed})}
               for p in ev.parents + ([ev.top] if ev.top else [])]
    used = {}
    for u in ev.units:
        for c in u.checks:
            if not c.confirmed and c.kind == "rate":
                used.setdefault(c.id, f"{c.id}: {c.text} (ngưỡng {threshold(c.threshold)})")
    return {"programmes": [p.short for p in cs.programmes], "units": units, "parents": parents,
            "unconfirmed": [used[k] for k in sorted(used)], "criteria": cs.name,
            "sample": ev.figures.sample}
