"""Load a plan file (and the units files it names) into a checked :class:`LoadedPlan`.

Every problem in every file is collected and raised together as one :class:`InputError`
(``file:line:col: field.path: message``). Nothing here writes anything.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from pydantic import VERSION as PYDANTIC_VERSION
from pydantic import BaseModel, ValidationError

from .. import cache
from ..errors import InputError, Problem, ProblemList
from . import yamlsource
from .models import Block, Plan, Unit, code_problem, task_key
from .timephrase import PhraseError, Reading, read_phrase
from .yamlsource import Positions


@dataclass(frozen=True)
class Task:
    """A task as the outputs see it: owner resolved, phrases read into dates."""

    id: str
    owner: str
    co_owners: tuple[str, ...]
    text: str                 # the sentence as printed in the document
    summary: str              # short label for calendars and mails
    phrases: tuple[str, ...]  # deadline phrases as written
    readings: tuple[Reading, ...]
    ongoing: bool
    order: int                # position in the plan (0-based)
    path: tuple               # field path in the plan file, for messages
    appended: tuple[str, ...] = ()  # phrases not in the sentence as written, added at its end

    @property
    def dated(self) -> bool:
        return any(r.periods for r in self.readings)

    def first_day(self):
        """Earliest known day of the task (start or end), or None."""
        days = [d for r in self.readings for p in r.periods for d in (p.start, p.end) if d]
        return min(days) if days else None


@dataclass
class LoadedPlan:
    plan: Plan
    path: Path
    units: dict[str, Unit]
    tasks: list[Task]
    positions: Positions
    sources: list[Path]          # every file read (plan first), for the manifest
    warnings: list[Problem]

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def identity(self) -> str:
        """Who issues this plan for which year: ``calendar.id`` if set, else parent body,
        issuing body, symbol and year. It survives renaming or moving the file, so the
        calendars (UIDs) and the reminder ledger recognise the plan by it."""
        cid = self.plan.calendar.id
        d = self.plan.document
        text = cid or f"{d.parent_body or ''}|{d.issuing_body}|{d.symbol}|{self.year}"
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()

    @property
    def key(self) -> str:
        """A short ASCII form of :attr:`identity` ("kh" + 10 hex digits)."""
        return "kh" + hashlib.sha256(self.identity.encode()).hexdigest()[:10]

    def unit_name(self, uid: str) -> str:
        u = self.units.get(uid)
        return u.name if u else uid

    def unit_label(self, uid: str) -> str:
        u = self.units.get(uid)
        return u.label if u else uid

    def members(self, uid: str) -> list[str]:
        """The unit itself and, for a group, every member (recursively)."""
        out, todo = [], [uid]
        while todo:
            u = todo.pop(0)
            if u in out:
                continue
            out.append(u)
            unit = self.units.get(u)
            if unit:
                todo.extend(unit.members)
        return out

    def tasks_of(self, uid: str) -> list[Task]:
        """Tasks a unit owns or co-owns, directly or through a group it belongs to."""
        groups = {g for g in self.units if uid in self.members(g)}
        return [t for t in self.tasks if t.owner in groups or groups.intersection(t.co_owners)]


def load_plan(path: str | Path, *, text: str | None = None) -> LoadedPlan:
    """Read and check a plan. Raises :class:`InputError` listing every problem found.

    With ``text``, that text is checked as if it were the content of ``path`` (its
    ``units_file`` is found from ``path``'s folder): an edit is validated before it is written.
    """
    path = Path(path)
    problems = ProblemList()
    data, pos = read_mapping(path, "tệp kế hoạch", text=text)
    plan = validate_model(Plan, data, pos, problems)
    ud = load_units(path, data, pos, problems, inline=plan.units if plan is not None else None)
    units, unit_pos, sources = ud.units, ud.positions, ud.sources

    # Even when the plan as a whole is invalid, check every task that is valid on its own,
    # so that all problems are reported in one go.
    if plan is not None:
        parts = [(i, part.unit, list(enumerate(part.content))) for i, part in enumerate(plan.implementation)]
        year = plan.year
    else:
        year = data.get("year") if isinstance(data.get("year"), int) else date.today().year
        parts = _parts_one_by_one(data.get("implementation"), year, pos, problems)

    _check_units(units, unit_pos, problems)
    # A units file that could not be read would make every unit "unknown": say it once.
    tasks = _collect_tasks(parts, year, units if ud.complete else None, pos, problems)
    if plan is not None:
        _check_structure(plan, pos, problems)
    problems.raise_if_errors()
    assert plan is not None
    return LoadedPlan(plan=plan, path=path, units=units, tasks=tasks, positions=pos,
                      sources=sources, warnings=problems.warnings)


def read_mapping(path: Path, what: str, *, text: str | None = None) -> tuple[dict, Positions]:
    """The YAML file at ``path`` (or ``text``, named as ``path``) as a mapping with positions;
    ``what`` names it in the error ("tệp kế hoạch", "tệp công văn") when the file is not a
    mapping at its top level."""
    data, pos = yamlsource.load(path) if text is None else yamlsource.load_text(text, str(path))
    if not isinstance(data, dict):
        raise InputError(Problem(file=str(path), line=1, col=1,
                                 message=f"{what} phải là một ánh xạ (khóa: giá trị) ở cấp ngoài cùng"))
    return data, pos


# --- validation -------------------------------------------------------------------------

def validate_model(model: type[BaseModel], data, pos: Positions, problems: ProblemList,
                   base: tuple = ()):
    """Validate ``data`` against ``model``; add every error (Vietnamese, with position) to
    ``problems`` and return None on failure, else the model instance.

    Data validated before (the same model code, the same values) is not validated again:
    the instance pydantic made then comes back from kehoach's disk cache — pydantic builds
    a model's validator only when it first validates (``defer_build``), and that build is
    most of the cost. Data that fails is validated, and explained, every time.
    """
    name = _validated_key(model, data)
    if name is not None:
        hit = cache.get_object("valid", name, model)
        if hit is not None:
            return hit
    try:
        obj = model.model_validate(data)
        if name is not None:
            cache.put_object("valid", name, obj)
        return obj
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            msg, is_key = _vi_message(err, model, loc)
            if loc and loc[-1] == "[key]":  # a mapping key itself is wrong (a unit code)
                loc, is_key = loc[:-1], True
            problems.add(pos.problem(base + loc, msg, key=is_key))
        return None


def _validated_key(model: type[BaseModel], data) -> str | None:
    """The cache name of ``model`` validating ``data``: the model, the source of the modules
    defining the plan models and it, pydantic's version and the data itself, or None when
    the data is not plain YAML data (its ``repr`` then would not name its values alone)."""
    if not _plain(data):
        return None
    return cache.key("valid", model.__module__, model.__qualname__, PYDANTIC_VERSION,
                     cache.source_digest("workflow.plan.models", model.__module__), repr(data))


_PLAIN = (str, int, float, bool, type(None), date, datetime, time)


def _plain(data) -> bool:
    """Only what YAML gives: mappings with string keys, lists, and scalars (a date and the
    string of a date have different reprs, and so do 1, 1.0, True and "1")."""
    todo = [data]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            if not all(type(k) is str for k in v):
                return False
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
        elif type(v) not in _PLAIN:
            return False
    return True


_TYPE_WORDS = {
    "string_type": "phải là chuỗi văn bản",
    "int_type": "phải là số nguyên", "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "bool_type": "phải là true hoặc false", "bool_parsing": "phải là true hoặc false",
    "list_type": "phải là danh sách (các dòng bắt đầu bằng '- ')",
    "dict_type": "phải là ánh xạ (các dòng 'khóa: giá trị')",
    "model_type": "phải là ánh xạ (các dòng 'khóa: giá trị')",
    "model_attributes_type": "phải là ánh xạ (các dòng 'khóa: giá trị')",
    "date_type": "phải là ngày dạng YYYY-MM-DD", "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "string_pattern_mismatch": "giá trị không hợp lệ",
    "missing": "thiếu trường bắt buộc",
}


def _vi_message(err: dict, model: type[BaseModel], loc: tuple) -> tuple[str, bool]:
    typ = err["type"]
    ctx = err.get("ctx") or {}
    if typ == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        msg = f"khóa '{key}' không hợp lệ"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            msg += f" (có phải '{close[0]}'?)"
        elif allowed:
            msg += f"; các khóa được dùng: {', '.join(sorted(allowed))}"
        return msg, True
    if typ == "missing":
        return f"thiếu trường bắt buộc '{loc[-1]}'", True
    if typ == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, "), False
    if typ in ("string_too_short", "too_short"):
        return "không được để trống", False
    if typ in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return f"phải là một trong: {expected} (đang là {err.get('input')!r})", False
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        sign = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}[typ]
        bound = next(iter(ctx.values()), "")
        return f"phải {sign} {bound} (đang là {err.get('input')!r})", False
    if typ in _TYPE_WORDS:
        got = err.get("input")
        shown = "" if isinstance(got, (dict, list)) else f" (đang là {got!r})"
        return _TYPE_WORDS[typ] + shown, False
    return err["msg"], False


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model reached by following ``loc`` from ``model``."""
    ann: object = model
    for part in loc:
        ann = _unwrap(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            f = ann.model_fields.get(str(part))
            if f is None:
                return []
            ann = f.annotation
        else:
            args = typing.get_args(ann)
            ann = args[-1] if args else None
    ann = _unwrap(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return list(ann.model_fields)
    return []


def _unwrap(ann):
    while True:
        origin = typing.get_origin(ann)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            ann = models[0] if models else args[0]
            continue
        return ann


# --- semantic checks --------------------------------------------------------------------

def suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (có phải '{close[0]}'?)" if close else ""


def _check_units(units: dict[str, Unit], unit_pos, problems: ProblemList) -> None:
    for uid, unit in units.items():
        upos, base = unit_pos[uid]
        for i, m in enumerate(unit.members):
            if m not in units:
                problems.add(upos.problem(base + ("members", i),
                                          f"không có đơn vị '{m}' trong danh mục{suggest(m, units)}"))
            elif m == uid:
                problems.add(upos.problem(base + ("members", i), "một nhóm không thể là thành viên của chính nó"))
        if unit.parent and unit.parent not in units:
            problems.add(upos.problem(base + ("parent",),
                                      f"không có đơn vị '{unit.parent}' trong danh mục{suggest(unit.parent, units)}"))


def _check_structure(plan: Plan, pos: Positions, problems: ProblemList) -> None:
    impl = [i for i, s in enumerate(plan.sections) if s.implementation]
    if plan.implementation and not impl:
        problems.add(pos.problem(("sections",), key=True, message=
                                 "có phần 'implementation' nhưng không phần nào ghi 'implementation: true' "
                                 "(phần TỔ CHỨC THỰC HIỆN)"))
    for extra in impl[1:]:
        problems.add(pos.problem(("sections", extra, "implementation"),
                                 "chỉ một phần được ghi 'implementation: true'"))
    for path, block in _walk_sections(plan):
        if block.kind == "task":
            problems.add(pos.problem(path + ("task",),
                                     "nhiệm vụ (task) chỉ đặt trong phần của một đơn vị (implementation)"))


def _walk_sections(plan: Plan):
    def walk(blocks: list[Block], base: tuple):
        for j, b in enumerate(blocks):
            yield base + (j,), b
            yield from walk(b.content, base + (j, "content"))
    for i, s in enumerate(plan.sections):
        yield from walk(s.content, ("sections", i, "content"))


@dataclass
class UnitsDirectory:
    units: dict[str, Unit]
    positions: dict[str, tuple[Positions, tuple]]  # unit id -> (positions, field path)
    sources: list[Path]                            # the plan file, then each units file read
    complete: bool                                 # False when a units file could not be read


def load_units(path: Path, data: dict, pos: Positions, problems: ProblemList, *,
               inline: dict[str, Unit] | None = None) -> UnitsDirectory:
    """The units a plan or letter file uses: those of its ``units_file`` entries (paths
    relative to the file), then its inline ``units`` (``inline`` if already validated)."""
    ud = UnitsDirectory(units={}, positions={}, sources=[path], complete=True)
    raw_files = data.get("units_file")
    files = [raw_files] if isinstance(raw_files, str) else (raw_files if isinstance(raw_files, list) else [])
    for i, rel in enumerate(files):
        upath = Path(os.path.normpath(path.parent / str(rel)))
        if not upath.is_file():
            where = ("units_file", i) if isinstance(raw_files, list) else ("units_file",)
            problems.add(pos.problem(where, f"không tìm thấy tệp danh mục đơn vị '{rel}' (tìm ở {upath}); "
                                            "đường dẫn tính từ thư mục chứa tệp này"))
            ud.complete = False
            continue
        if not _load_units_file(upath, ud, problems):
            ud.complete = False
    raw_units = data.get("units")
    if isinstance(raw_units, dict):
        for uid, raw in raw_units.items():
            uid = str(uid)
            unit = inline.get(uid) if inline is not None else validate_model(
                Unit, raw, pos, problems, ("units", uid))
            if unit is None:
                continue
            if uid in ud.units:
                problems.add(pos.problem(("units", uid), f"mã đơn vị '{uid}' đã có trong tệp danh mục", key=True))
            ud.units[uid] = unit
            ud.positions[uid] = (pos, ("units", uid))
    return ud


def _load_units_file(upath: Path, ud: UnitsDirectory, problems: ProblemList) -> bool:
    try:
        udata, upos = yamlsource.load(upath, display=str(upath))
    except InputError as e:
        for p in e.problems:
            problems.add(p)
        return False
    ud.sources.append(upath)
    if isinstance(udata, dict) and "units" in udata and len(udata) == 1:
        udata_units, base = udata["units"], ("units",)
    else:
        udata_units, base = udata, ()
    if not isinstance(udata_units, dict):
        problems.add(upos.problem(base, "danh mục đơn vị phải là ánh xạ mã: thông tin"))
        return False
    for uid, raw in udata_units.items():
        bad_code = code_problem(str(uid))
        if bad_code:
            problems.add(upos.problem(base + (uid,), bad_code, key=True))
        unit = validate_model(Unit, raw, upos, problems, base + (uid,))
        if unit is not None:
            if uid in ud.units:
                problems.add(upos.problem(base + (uid,), f"mã đơn vị '{uid}' bị khai báo hai lần", key=True))
            ud.units[str(uid)] = unit
            ud.positions[str(uid)] = (upos, base + (uid,))
    return True


def _parts_one_by_one(raw_parts, year: int, pos: Positions, problems: ProblemList) -> list:
    """(index, unit id, [(index, Block)]) for each part, validating blocks one by one."""
    parts = []
    if not isinstance(raw_parts, list):
        return parts
    for i, raw in enumerate(raw_parts):
        if not isinstance(raw, dict):
            continue
        unit = raw.get("unit") if isinstance(raw.get("unit"), str) else None
        blocks = []
        content = raw.get("content")
        for j, rb in enumerate(content if isinstance(content, list) else []):
            b = validate_model(Block, rb, pos, problems, ("implementation", i, "content", j))
            if b is not None:
                blocks.append((j, b))
            elif isinstance(rb, dict):  # still read its deadlines, to report those too
                raw_dl = rb.get("deadline")
                for k, phrase in enumerate([raw_dl] if isinstance(raw_dl, str) else raw_dl or []):
                    if isinstance(phrase, str):
                        try:
                            read_phrase(phrase, year=year)
                        except PhraseError as e:
                            problems.add(pos.problem(("implementation", i, "content", j, "deadline", k),
                                                     e.message))
        parts.append((i, unit, blocks))
    return parts


def _collect_tasks(parts: list, year: int, units: dict[str, Unit] | None,
                   pos: Positions, problems: ProblemList) -> list[Task]:
    """Tasks of every unit part; ``units`` None skips the unknown-unit checks."""
    tasks: list[Task] = []
    seen_ids: dict[str, tuple] = {}
    for i, unit, blocks in parts:
        if unit is not None and units is not None and unit not in units:
            problems.add(pos.problem(("implementation", i, "unit"),
                                     f"không có đơn vị '{unit}' trong danh mục{suggest(unit, units)}"))
        for j, block in blocks:
            path = ("implementation", i, "content", j)
            if block.kind != "task":
                continue
            for k, co in enumerate(block.co_owners):
                if units is not None and co not in units:
                    problems.add(pos.problem(path + ("co_owners", k),
                                             f"không có đơn vị '{co}' trong danh mục{suggest(co, units)}"))
            readings = []
            for k, phrase in enumerate(block.deadline):
                try:
                    readings.append(read_phrase(phrase, year=year))
                except PhraseError as e:
                    problems.add(pos.problem(path + ("deadline", k), e.message))
            tid = block.id or task_key(unit or "", block.task)
            if tid in seen_ids:
                where = yamlsource.format_path(seen_ids[tid])
                problems.add(pos.problem(path + ("id",), f"mã nhiệm vụ '{tid}' bị trùng (đã dùng ở {where})"))
            seen_ids[tid] = path
            summary = block.summary or _short(block.task)
            tasks.append(Task(
                id=tid, owner=unit or "", co_owners=tuple(block.co_owners),
                text=task_text(block), summary=summary, phrases=tuple(block.deadline),
                readings=tuple(readings),
                appended=tuple(p for p in block.deadline if p not in block.task),
                ongoing=block.ongoing or (bool(readings) and all(r.ongoing for r in readings)),
                order=len(tasks), path=path))
    return tasks


def task_text(block: Block) -> str:
    """The task sentence as printed: phrases not already in the text are appended in brackets."""
    text = block.task.rstrip()
    missing = [p for p in block.deadline if p not in text]
    if not missing:
        return text
    end = ""
    if text.endswith("."):
        text, end = text[:-1], "."
    return f"{text} ({'; '.join(missing)}){end}"


def _short(text: str, limit: int = 70) -> str:
    """A short label: the first clause of the sentence, cut at a word boundary."""
    first = re.split(r"[;.(]", text, maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + "…"
