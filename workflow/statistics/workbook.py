"""Excel files: the blank entry workbook and the evaluated tables (openpyxl)."""

from __future__ import annotations

from pathlib import Path

from ..safeio import atomic_path
from .criteria import CriteriaSet
from .evaluate import Evaluation, level_name
from .figures import DBKK, IDENTITY

ROWS = 1000
DATA_SHEET, GUIDE_SHEET = "Số liệu", "Hướng dẫn"   # load_figures also reads the old "so_lieu"


def _columns(cs: CriteriaSet) -> list[tuple[str, str, str]]:
    """(id, Vietnamese header, kind) in entry order."""
    out = [(cid, label, "text" if cid != DBKK else "flag") for cid, (label, _) in IDENTITY.items()]
    out += [(cid, c.label, c.kind) for cid, c in cs.columns.items()]
    return out


def write_entry_template(target: Path, cs: CriteriaSet) -> Path:
    """An .xlsx to fill in: Vietnamese headers, a guide sheet and data validation.

    The file reads back with :func:`~workflow.statistics.figures.load_figures`.
    """
    # openpyxl (~0.1 s to import): only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = _columns(cs)
    uses: dict[str, list[str]] = {}
    for _, _, c in cs.criteria():
        for dbkk in (False, True):
            _, num, den, _ = c.variant(dbkk)
            for col in (*num, den):
                if c.id not in uses.setdefault(col, []):
                    uses[col].append(c.id)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append([f"# Mẫu nhập số liệu PCGD, XMC theo {cs.short} (bộ tiêu chí {cs.name}). "
               "Mỗi dòng một xã/phường; cột *phải phổ cập* là số phải phổ cập (PPC); ô để trống = chưa có số liệu."])
    ws.append(["# " + cols[0][0]] + [c[0] for c in cols[1:]])
    ws.append([c[1] for c in cols])
    bold = Font(bold=True)
    for i, (_, _label, _) in enumerate(cols, start=1):
        cell = ws.cell(row=3, column=i)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = 28 if i == 1 else 16
    ws.row_dimensions[3].height = 48
    ws.freeze_panes = "B4"
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="Số không hợp lệ",
                            error="Nhập số nguyên không âm (số người).")
    flags = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True,
                           errorTitle="Giá trị không hợp lệ", error="Nhập 1 (có) hoặc 0 (không).")
    ws.add_data_validation(counts)
    ws.add_data_validation(flags)
    for i, (_cid, _, kind) in enumerate(cols, start=1):
        letter = get_column_letter(i)
        rng = f"{letter}4:{letter}{ROWS + 3}"
        if kind == "flag":
            flags.add(rng)
        elif kind == "count":
            counts.add(rng)
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.append(["Mã cột", "Tiêu đề", "Loại", "Dùng cho tiêu chí", "Tên khác được chấp nhận"])
    for c in guide[1]:
        c.font = bold
    for cid, label, kind in cols:
        aliases = IDENTITY[cid][1] if cid in IDENTITY else cs.columns[cid].aliases
        kind_vi = {"text": "chữ", "flag": "1/0 (có/không; để trống = có)", "count": "số nguyên ≥ 0"}[kind]
        if cid == DBKK:
            kind_vi = "1/0 (để trống = không)"
        guide.append([cid, label, kind_vi, ", ".join(uses.get(cid, [])), ", ".join(aliases)])
    for letter, width in zip("ABCDE", (20, 48, 26, 40, 40)):
        guide.column_dimensions[letter].width = width
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def write_results(target: Path, ev: Evaluation) -> Path:
    """The evaluated tables: a summary sheet and one sheet per programme."""
    # openpyxl (~0.1 s to import): only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.styles import Font

    cs = ev.criteria
    wb = Workbook(write_only=True)  # streams rows: several times faster for thousands of units
    ws = wb.create_sheet("tong_hop")
    bold = Font(bold=True)
    ws.append(_bold(["Đơn vị", "Cấp trên", "ĐBKK"] + [p.short for p in cs.programmes], ws, bold))
    for u in ev.units:
        ws.append([u.name, u.unit.parent, "x" if u.unit.dbkk else ""]
                  + [level_name(p, u.levels[p.id]) for p in cs.programmes])
    for p in ev.parents + ([ev.top] if ev.top else []):
        ws.append([p.name or "(cấp trên)", "", ""] + [level_name(pr, p.levels[pr.id]) for pr in cs.programmes])
    if ev.figures.sample:
        ws.append([])
        ws.append(["Số liệu mẫu: không dùng để báo cáo chính thức."])
    verdict = {True: "đạt", False: "chưa đạt", None: "chưa đánh giá"}
    for p in cs.programmes:
        sh = wb.create_sheet(p.id)
        sh.column_dimensions["A"].width = 26
        sh.column_dimensions["E"].width = 60
        sh.append(_bold(["Đơn vị", "ĐBKK", "Mức", "Tiêu chí", "Nội dung", "Tử số", "Mẫu số", "Tỷ lệ (%)",
                         "Ngưỡng (%)", "Kết quả", "Căn cứ"], sh, bold))
        append = sh.append
        for u in ev.units:
            mark = "x" if u.unit.dbkk else ""
            for ch in u.checks:
                if ch.programme != p.id:
                    continue
                num, den, thr = ch.num, ch.den, ch.threshold
                # num·100/den on integers: the float of the exact rate, as float(rate * 100)
                rate = num * 100 / den if num is not None and den else None
                append([u.name, mark, ch.level, ch.id, ch.text, num, den, rate,
                        thr.numerator * 100 / thr.denominator, verdict[ch.met], ch.article])
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _bold(values, ws, font):
    # openpyxl: loaded by then (a workbook is being written)
    from openpyxl.cell import WriteOnlyCell

    out = []
    for v in values:
        c = WriteOnlyCell(ws, value=v)
        c.font = font
        out.append(c)
    return out
