"""The plan editor's form: which fields a plan shows (labels, field paths, kinds), where each
problem is shown, and how a posted form becomes :class:`~workflow.plan.edit.Edit` objects.

Built from the raw YAML data, not the validated model, so that a plan with errors still
opens in the form with every error beside its field. No domain rule here: the edits go to
:mod:`workflow.plan.edit`, the checks to the loader and :mod:`workflow.plan.checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..plan.edit import Edit, parse_path, replace_phrase
from ..plan.yamlsource import format_path

KIND_LABELS = {"p": "Đoạn văn", "bullet": "Gạch đầu dòng", "item": "Mục đánh số",
               "heading": "Đề mục", "note": "Ghi chú", "task": "Nhiệm vụ"}
HEADER = (  # (key under document, label, kind)
    ("parent_body", "Cơ quan chủ quản", "text"), ("issuing_body", "Cơ quan ban hành", "text"),
    ("issuer_name", "Tên cơ quan dùng trong câu", "text"), ("type", "Tên loại văn bản", "text"),
    ("number", "Số (để trống khi dự thảo)", "text"), ("symbol", "Ký hiệu", "text"),
    ("place", "Địa danh", "text"), ("title", "Trích yếu", "area"))


def fid(path: tuple | str) -> str:
    """The HTML id of a field path: ``implementation[0].content[3]`` → ``f-implementation-0-content-3``."""
    key = path if isinstance(path, str) else format_path(path)
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", key).strip("-")


class _AtPath:
    """Something of the form that stands for the plan's field at ``self.path``. Its key and
    id are worked out once: the page names them several times per field (thousands of
    times for a plan's co-owner boxes)."""

    path: tuple

    @cached_property
    def key(self) -> str:
        return format_path(self.path)

    @cached_property
    def id(self) -> str:
        return fid(self.key)


@dataclass
class Field(_AtPath):
    path: tuple
    kind: str           # text | area | int | bool | lines | units | unit | phrases
    label: str          # what the user reads beside it
    value: object
    where: str = ""     # "Phòng GDĐT › nhiệm vụ 3", for the problem list
    text_key: str = ""  # phrases: the key of the task sentence they appear in


    def phrases(self) -> list[str]:
        v = self.value
        return [v] if isinstance(v, str) else [str(x) for x in v] if isinstance(v, list) else []


@dataclass
class Row(_AtPath):
    """A block of a section or of a unit part: a task, or prose."""

    path: tuple
    kind: str
    number: int
    text: Field
    label: Field | None = None           # note label
    phrases: Field | None = None         # task fields…
    co_owners: Field | None = None
    ongoing: Field | None = None
    children: list[Row] = field(default_factory=list)



@dataclass
class Part(_AtPath):
    path: tuple
    index: int
    unit: Field
    heading: Field
    rows: list[Row]
    label: str



@dataclass
class Form:
    year: Field
    header: list[Field]
    date: list[Field]
    basis: list[Field]
    intro: list[Field]
    sections: list[tuple[Field, list[Row], bool]]   # (title, rows, is TỔ CHỨC THỰC HIỆN)
    parts: list[Part]
    tail: list[Field]                                # closing, recipients, archive, signer
    fields: dict[str, Field] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)   # key -> label, rows and parts too


def _list(v) -> list:
    return v if isinstance(v, list) else []


def _dict(v) -> dict:
    return v if isinstance(v, dict) else {}


def build_form(data: dict, units: dict[str, str]) -> Form:
    """The form for raw plan ``data``; ``units`` maps each unit code to its label."""
    fields: dict[str, Field] = {}
    anchors: dict[str, str] = {}

    def add(f: Field) -> Field:
        fields[f.key] = f
        anchors[f.key] = f.where or f.label
        return f

    doc = _dict(data.get("document"))
    year = add(Field(("year",), "int", "Năm kế hoạch", data.get("year"), "Năm kế hoạch"))
    header = [add(Field(("document", k), kind, label, doc.get(k), f"Phần đầu › {label}"))
              for k, label, kind in HEADER]
    date = _dict(doc.get("date"))
    dates = [add(Field(("document", "date", k), "int", label, date.get(k), f"Ngày ban hành › {label}"))
             for k, label in (("day", "Ngày"), ("month", "Tháng"), ("year", "Năm"))]
    basis = [add(Field(("basis", i), "area", f"Căn cứ {i + 1}", v, f"Căn cứ {i + 1}"))
             for i, v in enumerate(_list(data.get("basis")))]
    intro = [add(Field(("intro", i), "area", f"Đoạn mở đầu {i + 1}", v, f"Mở đầu {i + 1}"))
             for i, v in enumerate(_list(data.get("intro")))]

    def blocks(items, base: tuple, where: str) -> list[Row]:
        rows = []
        for j, b in enumerate(_list(items)):
            path = base + (j,)
            is_task = isinstance(b, dict) and "task" in b
            here = f"{where} › {'nhiệm vụ' if is_task else 'đoạn'} {j + 1}"
            if isinstance(b, str):
                rows.append(Row(path, "p", j + 1, add(Field(path, "area", KIND_LABELS["p"], b, here))))
                anchors[format_path(path)] = here
                continue
            b = _dict(b)
            kind = next((k for k in KIND_LABELS if k in b), "p")
            text = add(Field(path + (kind,), "area", KIND_LABELS[kind], b.get(kind), here))
            row = Row(path, kind, j + 1, text)
            anchors[row.key] = here
            if kind == "note":
                row.label = add(Field(path + ("label",), "text", "Nhãn", b.get("label"), here + " › nhãn"))
            if kind == "task":
                _task_fields(row, b, here, add)
                for k in range(len(row.phrases.phrases()) + 1):  # each phrase input is a place
                    anchors[format_path(row.phrases.path + (k,))] = f"{here} › thời hạn {k + 1}"
            row.children = blocks(b.get("content"), path + ("content",), here)
            rows.append(row)
        return rows

    sections = []
    for i, s in enumerate(_list(data.get("sections"))):
        s = _dict(s)
        where = f"Phần {_roman(i + 1)}"
        title = add(Field(("sections", i, "title"), "text", f"Tên phần {_roman(i + 1)}", s.get("title"), where))
        anchors[format_path(("sections", i))] = where
        sections.append((title, blocks(s.get("content"), ("sections", i, "content"), where),
                         bool(s.get("implementation"))))

    parts = []
    for i, p in enumerate(_list(data.get("implementation"))):
        p = _dict(p)
        uid = str(p.get("unit") or "")
        label = units.get(uid, uid or "(chưa chọn đơn vị)")
        path = ("implementation", i)
        anchors[format_path(path)] = label
        unit = add(Field(path + ("unit",), "unit", "Đơn vị chủ trì", uid, f"{label} › đơn vị chủ trì"))
        heading = add(Field(path + ("heading",), "text", "Tiêu đề phần (để trống: tên đơn vị)",
                            p.get("heading"), f"{label} › tiêu đề"))
        parts.append(Part(path, i, unit, heading, blocks(p.get("content"), path + ("content",), label), label))

    signer = _dict(data.get("signer"))
    tail = [add(Field(("closing", i), "area", f"Đoạn kết {i + 1}", v, f"Đoạn kết {i + 1}"))
            for i, v in enumerate(_list(data.get("closing")))]
    tail += [add(Field(("recipients",), "lines", "Nơi nhận (mỗi dòng một nơi)", _list(data.get("recipients")), "Nơi nhận")),
             add(Field(("archive",), "text", "Lưu", data.get("archive"), "Lưu")),
             add(Field(("signer", "lines"), "lines", "Quyền hạn, chức vụ người ký (mỗi dòng một dòng)",
                       _list(signer.get("lines")), "Người ký")),
             add(Field(("signer", "name"), "text", "Họ và tên người ký", signer.get("name"), "Người ký › họ tên"))]
    return Form(year, header, dates, basis, intro, sections, parts, tail, fields, anchors)


def _task_fields(row: Row, b: dict, here: str, add) -> None:
    path = row.path
    row.text.label = "Nội dung nhiệm vụ"
    row.phrases = add(Field(path + ("deadline",), "phrases", "Thời hạn", b.get("deadline"),
                            here + " › thời hạn", text_key=row.text.key))
    row.co_owners = add(Field(path + ("co_owners",), "units", "Đơn vị phối hợp", _list(b.get("co_owners")),
                              here + " › phối hợp"))
    row.ongoing = add(Field(path + ("ongoing",), "bool", "Thường xuyên", bool(b.get("ongoing")),
                            here + " › thường xuyên"))


def _roman(n: int) -> str:
    out = ""
    for v, s in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


# --- problems beside their fields --------------------------------------------------------

def place_problems(form: Form, problems) -> dict[str, list]:
    """Each problem under the nearest field or row its path names (the deadline phrase
    itself, else its task, else its unit part…); "" for those with no place in the form."""
    out: dict[str, list] = {}
    for p in problems:
        try:
            path = parse_path(p.field) if p.field else ()
        except ValueError:
            path = ()
        key = ""
        while path:
            k = format_path(path)
            if k in form.anchors:
                key = k
                break
            path = path[:-1]
        out.setdefault(key, []).append(p)
    return out


def label_of(form: Form, field_path: str) -> str:
    """What the user calls the place ``field_path`` names ("Phòng GDĐT › nhiệm vụ 3"), or ""."""
    try:
        path = parse_path(field_path)
    except ValueError:
        return ""
    while path:
        key = format_path(path)
        if key in form.anchors:
            return form.anchors[key]
        path = path[:-1]
    return ""


# --- the posted form as edits ------------------------------------------------------------

def form_edits(form: Form, posted) -> list[Edit]:
    """Edits for every field whose posted value differs from the value it was shown with.
    A changed deadline phrase is changed in its task sentence too, where it is written."""
    new: dict[str, object] = {}
    for key, f in form.fields.items():
        value = _posted(f, posted)
        if value is not _SAME:
            new[key] = value
    for key, f in form.fields.items():
        if f.kind != "phrases" or key not in new:
            continue
        old = f.phrases()
        phrases = new[key]
        text = new.get(f.text_key, form.fields[f.text_key].value)
        if isinstance(text, str):
            changed = text
            for k, before in enumerate(old):
                if k < len(phrases) and phrases[k] != before and phrases[k] not in changed:
                    changed = replace_phrase(changed, before, phrases[k])
            if changed != form.fields[f.text_key].value:
                new[f.text_key] = changed
    edits = []
    for key, f in form.fields.items():  # in form order, so a sentence precedes its phrases
        if key not in new:
            continue
        value = new[key]
        if f.kind in ("phrases", "units", "bool") and not value:
            edits.append(Edit("unset", f.path))
        else:
            edits.append(Edit("set", f.path, value))
    return edits


_SAME = object()


def _posted(f: Field, posted):
    if f.kind == "phrases":
        values = [v.strip() for v in posted.getlist(f.key) if isinstance(v, str) and v.strip()]
        return _SAME if values == f.phrases() else values
    if f.kind == "units":
        chosen = [v for v in posted.getlist(f.key) if isinstance(v, str) and v]
        current = [str(x) for x in f.value]
        ordered = [u for u in current if u in chosen] + [u for u in chosen if u not in current]
        return _SAME if ordered == current else ordered
    if f.kind == "bool":
        value = posted.get(f.key) == "1"
        return _SAME if value == bool(f.value) else value
    raw = posted.get(f.key)
    if not isinstance(raw, str):
        return _SAME
    raw = raw.replace("\r\n", "\n")
    if f.kind == "lines":
        lines = [ln.strip() for ln in raw.split("\n") if ln.strip()]
        return _SAME if lines == [str(x) for x in f.value] else lines
    if f.kind == "int":
        raw = raw.strip()
        value = int(raw) if raw.isdigit() else (None if raw == "" else raw)
        return _SAME if value == f.value or (value is None and f.value in (None, "")) else value
    current = "" if f.value is None else str(f.value)
    if f.kind == "area":
        raw = raw.strip("\n")
        if " ".join(raw.split()) == " ".join(current.split()):
            return _SAME  # a folded string reads back as one line: same words, same text
    elif raw == current:
        return _SAME
    if raw.strip() == "" and f.value is None:
        return _SAME
    return raw if raw.strip() or f.kind == "area" else None


def op_edit(op: str, posted) -> Edit | None:
    """The structural change a button asks for: ``add-task:implementation[2]``,
    ``remove:…``, ``up:…``, ``down:…`` (a unit part or one of its blocks), ``add-part``."""
    if op == "add-part":
        unit = posted.get("new_unit")
        return Edit("add-part", (), unit) if isinstance(unit, str) and unit else None
    verb, _, target = op.partition(":")
    try:
        path = parse_path(target)
    except ValueError:
        return None
    is_part = len(path) == 2 and path[0] == "implementation" and isinstance(path[1], int)
    is_block = (len(path) == 4 and path[0] == "implementation" and path[2] == "content"
                and isinstance(path[1], int) and isinstance(path[3], int))
    if verb == "add-task" and is_part:
        return Edit("add-task", path)
    if verb in ("remove", "up", "down") and (is_part or is_block):
        return Edit("remove", path) if verb == "remove" else Edit("move", path, -1 if verb == "up" else 1)
    return None
