"""`kehoach import`: a Word or text Kế hoạch in, a plan YAML file out.

Keyword-only API; the CLI only maps flags onto :func:`import_plan`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem, ProblemList
from ..plan.loader import load_plan, load_units
from ..plan.yamlsource import Positions
from ..safeio import atomic_path
from . import emit
from .draft import LAYOUTS, ROW_MARK, Draft, LayoutCount
from .parse import parse
from .source import read_source
from .units import Directory, UnitTable

_DOC_KEYS = ("type", "parent_body", "issuing_body", "issuer_name", "number", "symbol", "place",
             "date", "title")
_TASK_KEYS = ("task", "id", "summary", "style", "deadline", "ongoing", "co_owners")
_AS_IS = ("co_owners", ROW_MARK)  # comments that are not questions: no "? " mark


@dataclass
class ImportResult:
    source: Path
    target: Path | None       # None when only the text was asked for
    text: str                 # the YAML written
    parts: int                # unit parts in "TỔ CHỨC THỰC HIỆN"
    units: int                # units declared (owners, co-owners, group members)
    tasks: int
    dated: int
    unsure: int               # comments marking what to check
    layouts: list[LayoutCount] = field(default_factory=list)  # what each layout found gave
    listed: int = 0           # owners and co-owners found in the --units directory

    def summary(self) -> str:
        """The summary printed by ``kehoach import``: totals, then one line per layout."""
        where = self.target or "(chưa ghi tệp)"
        units = (f"{self.units} đơn vị khai trong kế hoạch, {self.listed} lấy từ danh mục" if self.listed
                 else f"{self.units} đơn vị trong danh mục")
        lines = [f"Đã nhập {self.source} → {where}: {self.parts} đơn vị chủ trì "
                 f"({units}), {self.tasks} nhiệm vụ ({self.dated} có thời hạn); "
                 f"{self.unsure} chỗ cần kiểm tra (tìm dòng \"# ?\")."]
        lines += [f"  {lay.line()}" for lay in self.layouts]
        return "\n".join(lines)


def import_plan(source: str | Path, *, out: str | Path | None = None, force: bool = False,
                year: int | None = None, write: bool = True,
                units: str | Path | None = None) -> ImportResult:
    """Read ``source`` (.docx, .doc, .txt) and write the plan YAML to ``out`` (default: beside
    the source, same name, .yaml). ``units``: a units directory file; owners and co-owners are
    matched to its units and the plan names it in ``units_file``. Returns counts for the summary.

    Raises :class:`InputError` if the source or the units file cannot be read (a PDF, an
    image, an encrypted file), if ``out`` exists and ``force`` is false, or if the result
    would not load as a plan (nothing is written then); :class:`ToolMissing` when a .doc
    needs LibreOffice and it is absent or fails.
    """
    source = Path(source)
    target = Path(out) if out else source.with_suffix(".yaml")
    if write and target.exists() and not force:
        raise InputError(Problem(file=str(target), message=(
            "tệp đã có; chọn tên khác bằng -o hoặc thêm --force để ghi đè")))
    directory = _directory(Path(units)) if units is not None else None
    lines = read_source(source)
    if any(ln.text.startswith("Kính gửi") for ln in lines[:60]) and not any(
            ln.text.startswith("KẾ HOẠCH") for ln in lines[:60]):
        raise InputError(Problem(file=str(source), message=(
            "văn bản này là công văn (có \"Kính gửi\", không có tên loại \"KẾ HOẠCH\"); "
            "kehoach import chỉ đọc Kế hoạch")))
    draft = parse(lines, year=year, units=UnitTable(directory))
    data = _ordered(draft)
    if directory is not None:
        rel = os.path.relpath(Path(units).resolve(), target.resolve().parent)
        data = {"year": data["year"], "document": data["document"], "units_file": [Path(rel).as_posix()],
                **{k: v for k, v in data.items() if k not in ("year", "document")}}
        _place_proposals(draft, data)
    header = [
        f"Kế hoạch nhập từ {source.name} bằng \"kehoach import\" ngày {date.today():%d/%m/%Y}.",
        "Những chỗ chương trình chưa chắc chắn có dòng ghi chú bắt đầu bằng \"# ?\": hãy đọc và sửa.",
        f"Kiểm tra:  kehoach check {target.name}      Tạo văn bản:  kehoach build {target.name}",
    ]
    comments = {k: [c if c.startswith(_AS_IS) else f"? {c}" for c in v]
                for k, v in draft.comments.items()}
    header += comments.pop((), [])
    for uid, u in draft.units.units.items():
        if u.comments and not u.listed:
            comments[("units", uid)] = [f"? {c}" for c in u.comments]
    text = emit.dump(data, comments, header)
    res = ImportResult(source=source, target=target if write else None, text=text,
                       parts=len(data["implementation"]), units=len(data.get("units", {})),
                       tasks=draft.n_tasks, dated=draft.n_dated,
                       unsure=sum(1 for c in [*header, *(c for v in comments.values() for c in v)]
                                  if c.startswith("? ")),
                       layouts=[draft.layouts[k] for k in LAYOUTS if k in draft.layouts
                                and (draft.layouts[k].tasks or draft.layouts[k].rows)],
                       listed=sum(1 for u in draft.units.units.values() if u.listed))
    if not write:
        return res
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
        try:
            load_plan(tmp)
        except InputError as e:
            raise InputError([Problem(file=str(target), line=p.line, col=p.col, field=p.field,
                                      message=f"bản nhập chưa hợp lệ, chưa ghi tệp: {p.message}")
                              for p in e.problems]) from None
    return res


def _ordered(d: Draft) -> dict:
    src = d.data
    doc = {k: src["document"][k] for k in _DOC_KEYS if k in src["document"]}
    out: dict = {"year": src["year"], "document": doc}
    units = {uid: u.as_data() for uid, u in d.units.units.items() if not u.listed}
    if units:
        out["units"] = units
    for k in ("basis", "intro"):
        if src.get(k):
            out[k] = src[k]
    out["sections"] = [_section(s) for s in src["sections"]]
    out["implementation"] = [_part(p) for p in src["implementation"]]
    for k in ("closing", "recipients"):
        if src.get(k):
            out[k] = src[k]
    out["archive"] = src["archive"]
    out["signer"] = src["signer"]
    if "annex" in src:
        out["annex"] = src["annex"]
    _move_comments(d, out)
    return out


def _section(s: dict) -> dict:
    out = {"title": s["title"]}
    if s.get("implementation"):
        out["implementation"] = True
    if s["content"]:
        out["content"] = [_block(b) for b in s["content"]]
    return out


def _block(b: dict) -> dict | str:
    if set(b) <= {"p", "content"} and not b.get("content"):
        return b["p"]  # a plain string is a paragraph
    out = {k: v for k, v in b.items() if k != "content"}
    if b.get("content"):
        out["content"] = [_block(c) for c in b["content"]]
    return out


def _part(p: dict) -> dict:
    out = {"unit": p["unit"]}
    if p.get("heading"):
        out["heading"] = p["heading"]
    content = []
    for b in p["content"]:
        if "task" in b:
            content.append({k: b[k] for k in _TASK_KEYS if k in b})
        else:
            content.append(b)
    out["content"] = content
    return out


def _directory(path: Path) -> Directory:
    """The units file given with ``--units``, read as a plan's ``units_file`` is."""
    if not path.is_file():
        raise InputError(Problem(file=str(path), field="--units", message="không tìm thấy tệp danh mục đơn vị"))
    problems = ProblemList()
    ud = load_units(path, {"units_file": [path.name]}, Positions(file=str(path)), problems)
    problems.raise_if_errors()
    if not ud.units:
        raise InputError(Problem(file=str(path), field="--units", message="danh mục không có đơn vị nào"))
    return Directory(ud.units, path.name)


def _place_proposals(d: Draft, data: dict) -> None:
    """Each unit of the directory proposed for a name the text wrote is marked where it is
    first used: a part's unit, else a task's co-owners."""
    for uid, text in d.units.proposals().items():
        at = next((("implementation", i, "unit") for i, p in enumerate(data["implementation"]) if p["unit"] == uid),
                  None)
        if at is None:
            at = next((("implementation", i, "content", j, "co_owners")
                       for i, p in enumerate(data["implementation"]) for j, b in enumerate(p["content"])
                       if uid in b.get("co_owners", ())), ("units_file",))
        d.comments.setdefault(at, []).append(text)


def _move_comments(d: Draft, out: dict) -> None:
    """Comments recorded on a field that ended up absent go to its nearest present parent."""
    moved: dict[tuple, list[str]] = {}
    for path, lines in d.comments.items():
        p = path
        while p and not _exists(out, p):
            p = p[:-1]
        moved.setdefault(p, []).extend(lines)
    d.comments = moved


def _exists(data, path) -> bool:
    cur = data
    for part in path:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and part < len(cur):
            cur = cur[part]
        else:
            return False
    return True
