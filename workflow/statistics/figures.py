"""Read the October figures: one row per commune/ward, from CSV, XLSX or YAML.

Headers may be the column ids (``mn5_tong``), their Vietnamese labels or aliases, with or
without diacritics. Every bad value is collected (row = ``line``, column header = ``field``)
and raised together; a blank cell means "no data" (that criterion is then not assessed).
"""

from __future__ import annotations

import csv
import difflib
import io
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, Problem, ProblemList
from ..plan import yamlsource
from .criteria import CriteriaSet

UNIT, PARENT, DBKK = "don_vi", "cap_tren", "dbkk"
IDENTITY = {
    UNIT: ("Đơn vị (xã, phường)", ["đơn vị", "tên đơn vị", "xã", "phường", "xã/phường", "phường/xã",
                                   "tên xã", "tên phường", "xã, phường"]),
    PARENT: ("Đơn vị cấp trên", ["cấp trên", "huyện", "quận", "tỉnh", "đơn vị cấp trên"]),
    DBKK: ("Xã ĐBKK (1/0)", ["đbkk", "xã đbkk", "đặc biệt khó khăn", "xa dbkk"]),
}
TRUE_WORDS = {"1", "co", "x", "true", "yes", "dat", "dbkk", "đbkk"}
FALSE_WORDS = {"0", "khong", "false", "no", "khong dat", ""}
SAMPLE_MARK = "so lieu mau"


@dataclass
class UnitFigures:
    name: str
    parent: str
    dbkk: bool
    values: dict[str, int | None]
    line: int                      # row in the source file (1-based)


@dataclass
class Figures:
    path: Path
    units: list[UnitFigures]
    columns: set[str]              # column ids present in the file
    sample: bool = False           # labelled "số liệu mẫu"
    warnings: list[Problem] = field(default_factory=list)


def fold(text: str) -> str:
    """'Trẻ 5 tuổi ra lớp' -> 'tre_5_tuoi_ra_lop': lower case, no diacritics, '_' separators."""
    s = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def header_map(cs: CriteriaSet) -> dict[str, str]:
    """Folded header → column id, for every id, label and alias."""
    table: dict[str, str] = {}
    for cid, (label, aliases) in IDENTITY.items():
        for name in (cid, label, *aliases):
            table.setdefault(fold(name), cid)
    for cid, col in cs.columns.items():
        for name in (cid, col.label, *col.aliases):
            table.setdefault(fold(name), cid)
    return table


def load_figures(path: str | Path, cs: CriteriaSet) -> Figures:
    """Read and check a figures file against the columns ``cs`` knows.

    Raises :class:`InputError` listing every bad value (negative, not a whole number, a part
    larger than its whole, a duplicate unit, a column a criterion needs but missing).
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputError(Problem(file=name, message="không tìm thấy tệp số liệu"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows, notes = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        header, rows, notes = _read_xlsx(path)
    elif suffix in (".yaml", ".yml"):
        header, rows, notes = _read_yaml(path)
    else:
        raise InputError(Problem(file=name, message="tệp số liệu phải là .csv, .xlsx hoặc .yaml"))
    problems = ProblemList()
    mapping = header_map(cs)
    cols: dict[int, str] = {}                # position -> column id
    header_line, header_cells = header
    kind = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}.get(suffix, "yaml")
    cells = _Cells(name, kind, [_text(h) for h in header_cells])
    for i, raw in enumerate(header_cells):
        if raw is None or str(raw).strip() == "":
            continue
        cid = mapping.get(fold(raw))
        if cid is None:
            close = difflib.get_close_matches(fold(raw), list(mapping), n=1, cutoff=0.75)
            hint = (f" (có phải cột \"{_label(cs, mapping[close[0]])}\"?)" if close
                    else "; cột này được bỏ qua")
            problems.add(cells.problem(header_line, i, f"không nhận ra tiêu đề cột{hint}", severity="warning"))
            continue
        if cid in cols.values():
            first = next(j for j, c in cols.items() if c == cid)
            problems.add(cells.problem(header_line, i, f"trùng nội dung với cột {cells.ref(header_line, first)}"))
            continue
        cols[i] = cid
    present = set(cols.values())
    if UNIT not in present:
        problems.add(Problem(file=name, line=header_line, field=UNIT,
                             message=f"thiếu cột tên đơn vị (\"{IDENTITY[UNIT][0]}\" hoặc don_vi)"))
    for cid in sorted(cs.needed_columns() - present):
        problems.add(Problem(file=name, line=header_line, field=cid,
                             message=f"thiếu cột \"{cs.columns[cid].label}\" mà tiêu chí cần"))
    units: list[UnitFigures] = []
    seen: dict[str, int] = {}
    pos_of = {cid: i for i, cid in cols.items()}
    # each column's reader, decided once: (position, id, "unit" | "parent" | "dbkk" | "flag" | "count")
    plan = [(i, cid, "unit" if cid == UNIT else "parent" if cid == PARENT else "dbkk" if cid == DBKK
             else "flag" if cs.columns[cid].kind == "flag" else "count") for i, cid in cols.items()]
    limits = [(lim, lim.parts[0] if len(lim.parts) == 1 else None, lim.whole) for lim in cs.limits]
    counts = [(i, cid) for i, cid, kind in plan if kind == "count"]
    others = [x for x in plan if x[2] != "count"]
    count_ids = [cid for _, cid in counts]
    pick = operator.itemgetter(*[i for i, _ in counts]) if len(counts) > 1 else None
    last = max((i for i, _ in counts), default=-1)
    for line, row in rows:
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        values: dict[str, int | None] = {}
        unit, parent, dbkk = "", "", False
        width = len(row)
        todo = plan
        if pick is not None and width > last:
            picked = pick(row)
            if _all_digits(picked):  # the usual row: every count a plain number, read at once
                values = dict(zip(count_ids, map(int, picked)))
                todo = others
        for i, cid, kind in todo:
            raw = row[i] if i < width else None
            if kind == "count":
                if type(raw) is str and raw.isascii() and raw.isdigit():  # the usual cell
                    values[cid] = int(raw)
                    continue
                num, err = _count(raw)
                if err:
                    problems.add(cells.problem(line, i, err))
                values[cid] = num
            elif kind == "unit":
                unit = _text(raw)
                if not unit:
                    problems.add(cells.problem(line, i, "thiếu tên đơn vị"))
            elif kind == "parent":
                parent = _text(raw)
            elif raw == "1" or raw == "0":  # the usual flag cell
                if kind == "dbkk":
                    dbkk = raw == "1"
                else:
                    values[cid] = int(raw)
            else:
                flag = _flag(raw)
                if flag is None:
                    problems.add(cells.problem(line, i, f"'{raw}' không phải 1/0 (có/không)"))
                elif kind == "dbkk":
                    dbkk = flag
                else:
                    values[cid] = int(flag) if _text(raw) else None
        if unit:
            if unit in seen:
                problems.add(cells.problem(line, pos_of[UNIT], f"đơn vị '{unit}' trùng với dòng {seen[unit]}"))
            seen[unit] = line
        for lim, first, whole_id in limits:
            whole = values.get(whole_id)
            if whole is None:
                continue
            if first is not None:  # one part: the usual limit
                part = values.get(first)
                if part is None or part <= whole:
                    continue
            parts = [values.get(p) for p in lim.parts]
            if None in parts:
                continue
            if sum(parts) > whole:
                # the first part's cell carries the message; the other parts and the whole by reference
                what = " + ".join([str(parts[0])] + [f"{cells.ref(line, pos_of[p])} {v}"
                                                     for p, v in zip(lim.parts[1:], parts[1:])])
                if len(parts) > 1:
                    what += f" = {sum(parts)}"
                problems.add(cells.problem(line, pos_of[lim.parts[0]],
                                           f"{what} lớn hơn {cells.ref(line, pos_of[lim.whole])} = {whole}"))
        units.append(UnitFigures(unit, parent, dbkk, values, line))
    if not units and not problems.errors:
        problems.add(Problem(file=name, message="tệp không có dòng số liệu nào"))
    problems.raise_if_errors()
    sample = any(SAMPLE_MARK in fold(n).replace("_", " ") for n in notes)
    return Figures(path=path, units=units, columns=present, sample=sample, warnings=problems.warnings)


@dataclass
class _Cells:
    """Names a place the way the user sees the file: in a workbook the cell and the header
    text ('ô I5 (cột "Trẻ 5 tuổi ra lớp")', line = the sheet row); in CSV the row, column and
    header text; in YAML the unit's line and key."""

    file: str
    kind: str                      # "xlsx" | "csv" | "yaml"
    headers: list[str]             # header text as written in the file, by position

    def _cell(self, line: int, i: int) -> str:
        # openpyxl: loaded by then (the figures came from a workbook)
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(i + 1)}{line}"

    def problem(self, line: int, i: int, message: str, *, severity: str = "error") -> Problem:
        header = self.headers[i]
        if self.kind == "xlsx":
            return Problem(file=self.file, line=line, severity=severity,
                           message=f'ô {self._cell(line, i)} (cột "{header}"): {message}')
        col = i + 1 if self.kind == "csv" else None
        return Problem(file=self.file, line=line, col=col, field=header, message=message, severity=severity)

    def ref(self, line: int, i: int) -> str:
        """Another cell of the same row: '"Trẻ 5 tuổi phải phổ cập" (ô H5)'."""
        header = f'"{self.headers[i]}"'
        if self.kind == "xlsx":
            return f"{header} (ô {self._cell(line, i)})"
        if self.kind == "csv":
            return f"{header} (cột {i + 1})"
        return header


def _label(cs: CriteriaSet, cid: str) -> str:
    return IDENTITY[cid][0] if cid in IDENTITY else cs.columns[cid].label


def _text(v) -> str:
    return "" if v is None else " ".join(str(v).split())


def _flag(v) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        return _flag_text(v)
    return _flag_text(_text(v))


@lru_cache(maxsize=256)
def _flag_text(v: str) -> bool | None:
    """A flag cell's text (a column holds the same few words thousands of times)."""
    s = fold(_text(v)).replace("_", " ")
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    return None


def _all_digits(cells: tuple) -> bool:
    """Every cell a non-empty string of ASCII digits (checked by str's own C loops)."""
    try:
        joined = ",".join(cells)
    except TypeError:  # not all strings (a workbook's numbers): read cell by cell
        return False
    # a comma of the cells' own ("12,5") or an empty cell would show in the count of commas
    return (joined.isascii() and joined.replace(",", "").isdigit()
            and joined.count(",") == len(cells) - 1
            and ",," not in joined and joined[:1] != "," and joined[-1:] != ",")


_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")
_WHOLE = re.compile(r"-?\d+")


def _count(v) -> tuple[int | None, str | None]:
    """A head count: a whole number ≥ 0. '12.880' (thousands dot) is accepted."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, None
    if isinstance(v, bool):
        return None, f"'{v}' không phải số"
    if isinstance(v, float):
        if not v.is_integer():
            return None, f"'{v}' không phải số nguyên"
        v = int(v)
    if isinstance(v, int):
        n = v
    else:
        s = str(v).strip().replace("\u00a0", "").replace(" ", "")
        if _THOUSANDS.fullmatch(s):
            s = s.replace(".", "")
        if not _WHOLE.fullmatch(s):
            return None, f"'{v}' không phải số nguyên"
        n = int(s)
    if n < 0:
        return None, f"số âm ({n}) không hợp lệ"
    return n, None


def _read_csv(path: Path):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(file=str(path), message="tệp CSV không phải UTF-8; hãy lưu lại với mã hóa UTF-8")) from None
    sample = text[:4096]
    delim = ";" if sample.count(";") > sample.count(",") else ","
    notes, rows, header = [], [], None
    for n, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delim), start=1):
        if cells and str(cells[0]).lstrip().startswith("#"):
            notes.append(delim.join(cells))
            continue
        if header is None:
            if any(c.strip() for c in cells):
                header = (n, cells)
            continue
        rows.append((n, cells))
    if header is None:
        raise InputError(Problem(file=str(path), message="tệp CSV không có dòng tiêu đề"))
    return header, rows, notes


def _read_xlsx(path: Path):
    # openpyxl (~0.1 s to import): only for a workbook, not for CSV or YAML
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise InputError(Problem(file=str(path), message=f"không mở được tệp Excel ({e})")) from None
    # "Số liệu"; workbooks made by earlier versions call it "so_lieu" (the same once folded)
    named = [n for n in wb.sheetnames if fold(n) == "so_lieu"]
    ws = wb[named[0]] if named else wb.worksheets[0]
    notes, rows, header = [], [], None
    for n, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        first = cells[0] if cells else None
        if isinstance(first, str) and first.lstrip().startswith("#"):
            notes.append(first)
            continue
        if header is None:
            if any(c is not None and str(c).strip() for c in cells):
                header = (n, list(cells))
            continue
        rows.append((n, list(cells)))
    wb.close()
    if header is None:
        raise InputError(Problem(file=str(path), message="trang tính không có dòng tiêu đề"))
    return header, rows, notes


def _read_yaml(path: Path):
    """``sample: true`` and ``units: [{don_vi: …, mn5_tong: …}, …]``."""
    data, pos = yamlsource.load(path)
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise InputError(pos.problem((), "tệp YAML số liệu cần khóa 'units:' là danh sách các đơn vị"))
    keys: list[str] = []
    for u in data["units"]:
        if isinstance(u, dict):
            keys.extend(k for k in u if k not in keys)
    rows = []
    for i, u in enumerate(data["units"]):
        line = pos.at(("units", i))[0] or 0
        if not isinstance(u, dict):
            raise InputError(pos.problem(("units", i), "mỗi đơn vị là một ánh xạ cột: giá trị"))
        rows.append((line, [u.get(k) for k in keys]))
    notes = [SAMPLE_MARK] if data.get("sample") else []
    return (pos.at(("units",))[0] or 1, keys), rows, notes
