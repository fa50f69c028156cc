"""Task tables: a table whose header names the columns of a task list ("TT | Nội dung công
việc | Thời gian | Đơn vị thực hiện | Phối hợp | Ghi chú", in any order, on one or two header
rows), read into rows of (content, time, owner, co-owners, notes).

Pure reading of :class:`~workflow.importer.source.Line` rows: where the tasks go in the plan
is decided by :mod:`workflow.importer.parse`. Every row is accounted for: a task, a group
heading ("I. Công tác tuyên truyền" across the table), a repeated header, or a row kept
because it could not be understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .source import Line

KEHOACH_HEADS = ("thời gian", "nội dung công việc", "đơn vị chủ trì", "đơn vị phối hợp")  # its own annex
_OWNER_LEAD = ("đơn vị", "cơ quan", "người", "bộ phận", "chủ trì", "phân công")
_CONTENT = ("nội dung", "công việc", "nhiệm vụ", "hoạt động", "việc làm")
_OWNER = ("thực hiện", "phụ trách", "chịu trách nhiệm")
_TIME = ("thời gian", "thời hạn", "tiến độ", "thời điểm", "hạn hoàn thành", "lịch")
_NO = ("tt", "stt", "số tt", "số thứ tự", "thứ tự")
_NUMBER_CELL = re.compile(r"^\(?\d{1,2}\)?$|^\(?[A-Z]\)?$")
_GROUP_NO = re.compile(r"^(?:[IVXL]+|[A-ZĐ])\.?$")
_GROUP_TEXT = re.compile(r"^(?:[IVXL]+|[A-ZĐ])[.)]\s+\S")


def role_of(header: str) -> str | None:
    """The role of a column from its header text: co, note, time, owner, content, no."""
    t = " ".join(header.lower().replace("/", " ").split())
    if not t:
        return None
    if "phối hợp" in t:
        return "co"
    if "ghi chú" in t or "sản phẩm" in t or "kết quả" in t:
        return "note"
    if t.strip(". ") in _NO:
        return "no"
    if t.startswith(_TIME) or (any(w in t for w in _TIME) and not any(w in t for w in _CONTENT)):
        return "time"
    if t.startswith(_OWNER_LEAD):
        return "owner"
    if any(w in t for w in _CONTENT):
        return "content"
    if any(w in t for w in _OWNER):
        return "owner"
    return None


@dataclass
class TaskRow:
    content: str
    time: str                      # cell paragraphs joined with "; "
    owner: str                     # cell paragraphs joined with ", "
    co: str
    notes: list[str]               # "Ghi chú: …" and cells of columns with no role
    ref: str
    owner_inherited: bool = False  # blank owner cell: the owner of the row above
    merged: list[str] = field(default_factory=list)  # refs of rows a merged content cell spans


@dataclass
class TaskTable:
    roles: dict[int, str]          # grid column -> role
    labels: dict[int, str]         # grid column -> header text
    items: list                    # TaskRow | ("group", text, ref) | ("kept", line, reason)
    rows: int = 0                  # data rows (not header rows)
    header_rows: int = 0
    repeated: int = 0              # header rows met again inside the table
    ref: str = ""
    kehoach_annex: bool = False

    @property
    def tasks(self) -> list[TaskRow]:
        return [x for x in self.items if isinstance(x, TaskRow)]


def _distinct(ln: Line) -> list[tuple[int, str]]:
    """(first grid column, text) of each distinct non-empty cell of the row."""
    out, seen = [], set()
    for k, (c, cid) in enumerate(zip(ln.cells, ln.cell_ids or range(len(ln.cells)))):
        if c and cid not in seen:
            seen.add(cid)
            out.append((k, c))
    return out


def _is_number_row(ln: Line) -> bool:
    cells = [c for _, c in _distinct(ln)]
    return len(cells) >= 2 and all(_NUMBER_CELL.match(c) for c in cells)


def _roles(header: list[Line]) -> tuple[dict[int, str], dict[int, str]]:
    width = max(len(h.cells) for h in header)
    labels: dict[int, str] = {}
    for k in range(width):
        parts: list[str] = []
        for h in header:
            if k < len(h.cells) and h.cells[k] and h.cells[k] not in parts:
                parts.append(h.cells[k])
        labels[k] = " ".join(parts)
    roles: dict[int, str] = {}
    taken: set[str] = set()
    for k in range(width):
        r = role_of(labels[k])
        if r is None:
            continue
        if r in taken and r not in ("note",):
            r = "note"  # a second content or time column: its cells are kept as notes
        roles[k] = r
        taken.add(r)
    return roles, labels


def _is_task_header(roles: dict[int, str]) -> bool:
    got = set(roles.values())
    return "content" in got and bool(got & {"time", "owner"})


def read_table(rows: list[Line], previous: TaskTable | None = None) -> TaskTable | None:
    """The task table in ``rows`` (the rows of one table), or None when its header names no
    task columns. A table without a header that has the width of ``previous`` (a task table
    just before it: a table Word split at a page) reads with the previous table's columns."""
    if not rows:
        return None
    start = None
    for i, ln in enumerate(rows[:3]):
        roles, labels = _roles([ln])
        if _is_task_header(roles):
            start = i
            break
    if start is None:
        if previous is None or len(rows[0].cells) != len(previous.labels):
            return None
        table = TaskTable(roles=previous.roles, labels=previous.labels, items=[], ref=rows[0].ref.split(", hàng")[0])
        body = rows
    else:
        header = [rows[start]]
        j = start + 1
        while j < len(rows) and _continues_header(rows[j], header[-1]):
            header.append(rows[j])
            j += 1
        roles, labels = _roles(header)
        table = TaskTable(roles=roles, labels=labels, items=[], header_rows=len(header),
                          ref=rows[0].ref.split(", hàng")[0])
        table.kehoach_annex = tuple(labels[k].lower() for k in sorted(labels)) == KEHOACH_HEADS
        for ln in rows[:start]:  # a title row above the header (a caption typed in the table)
            table.items.append(("group", ln.text, ln.ref))
        body = rows[j:]
        header_texts = [[c for _, c in _distinct(h)] for h in header]
    last: TaskRow | None = None
    last_content_id = None
    for ln in body:
        if start is not None and [c for _, c in _distinct(ln)] in header_texts:
            table.repeated += 1
            continue
        if _is_number_row(ln):
            table.repeated += 1
            continue
        got = _cells_by_role(ln, table.roles, table.labels)
        distinct = _distinct(ln)
        if len(distinct) == 1 and ln.cells.count(distinct[0][1]) > 1 and len(ln.cells) > 2:
            table.items.append(("group", distinct[0][1], ln.ref))  # one cell across the table
            continue
        content = got["content"]
        if content and not (got["time"] or got["owner"] or got["co"]) and (
                _GROUP_NO.match(got["no"]) or _GROUP_TEXT.match(content)) and got["no"] != content:
            table.items.append(("group", " ".join(x for x in (got["no"], content) if x), ln.ref))
            continue
        table.rows += 1  # a row of the task list (group headings and repeated headers are not)
        if not content:
            table.items.append(("kept", ln, "hàng không có nội dung công việc"))
            continue
        cid = got["content_id"]
        if last is not None and cid is not None and cid == last_content_id:
            # one task cell merged down several rows: their times and units belong to it
            for key in ("time", "owner", "co"):
                if got[key] and got[key] not in getattr(last, key):
                    value = getattr(last, key)
                    setattr(last, key, f"{value}; {got[key]}" if key == "time" and value else
                            (f"{value}, {got[key]}" if value else got[key]))
            last.merged.append(ln.ref)
            continue
        row = TaskRow(content=content, time=got["time"], owner=got["owner"], co=got["co"],
                      notes=got["notes"], ref=ln.ref)
        if not row.owner and last is not None and "owner" in table.roles.values():
            row.owner, row.owner_inherited = last.owner, True
        table.items.append(row)
        last, last_content_id = row, cid
    return table


def _continues_header(ln: Line, above: Line) -> bool:
    """A second header row: under a header cell split in two ("Đơn vị" over "Chủ trì |
    Phối hợp"), each of its own cells a column name, none a task."""
    own = [(k, c) for k, c in _distinct(ln)
           if not (k < len(above.cell_ids) and ln.cell_ids and ln.cell_ids[k] == above.cell_ids[k])]
    if not own:
        return False
    return all(len(c) <= 40 and role_of(c) is not None for _, c in own)


def _cells_by_role(ln: Line, roles: dict[int, str], labels: dict[int, str]) -> dict:
    got: dict = {"content": "", "time": "", "owner": "", "co": "", "no": "", "notes": [], "content_id": None}
    seen: set = set()
    for k, c in enumerate(ln.cells):
        cid = ln.cell_ids[k] if k < len(ln.cell_ids) else k
        if not c or cid in seen:
            continue
        seen.add(cid)
        role = roles.get(k)
        lines = ln.cell_lines[k] if k < len(ln.cell_lines) and ln.cell_lines[k] else [c]
        if role == "content" and not got["content"]:
            got["content"], got["content_id"] = c, cid
        elif role == "time" and not got["time"]:
            got["time"] = "; ".join(x.strip(" ;,") for x in lines if x.strip(" ;,"))
        elif role in ("owner", "co") and not got[role]:
            got[role] = ", ".join(x.strip(" ;,") for x in lines if x.strip(" ;,"))
        elif role == "no":
            got["no"] = c
        else:
            label = labels.get(k, "")
            got["notes"].append(f"{label}: {c}" if label else c)
    return got
