"""`kehoach import`: a Word or text Kế hoạch in, a plan YAML file out.

Keyword-only API; the CLI only maps flags onto :func:`import_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from ..safeio import atomic_path
from . import emit
from .parse import ROW_MARK, Draft, parse
from .source import read_source

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

    def summary(self) -> str:
        where = self.target or "(chưa ghi tệp)"
        return (f"Đã nhập {self.source} → {where}: {self.parts} đơn vị chủ trì "
                f"({self.units} đơn vị trong danh mục), {self.tasks} nhiệm vụ ({self.dated} có thời hạn); "
                f"{self.unsure} chỗ cần kiểm tra (tìm dòng \"# ?\").")


def import_plan(source: str | Path, *, out: str | Path | None = None, force: bool = False,
                year: int | None = None, write: bool = True) -> ImportResult:
    """Read ``source`` (.docx or .txt) and write the plan YAML to ``out`` (default: beside the
    source, same name, .yaml). Returns counts for the summary.

    Raises :class:`InputError` if the source cannot be read, if ``out`` exists and ``force``
    is false, or if the result would not load as a plan (nothing is written then).
    """
    from ..plan.loader import load_plan

    source = Path(source)
    target = Path(out) if out else source.with_suffix(".yaml")
    if write and target.exists() and not force:
        raise InputError(Problem(file=str(target), message=(
            "tệp đã có; chọn tên khác bằng -o hoặc thêm --force để ghi đè")))
    lines = read_source(source)
    if any(ln.text.startswith("Kính gửi") for ln in lines[:60]) and not any(
            ln.text.startswith("KẾ HOẠCH") for ln in lines[:60]):
        raise InputError(Problem(file=str(source), message=(
            "văn bản này là công văn (có \"Kính gửi\", không có tên loại \"KẾ HOẠCH\"); "
            "kehoach import chỉ đọc Kế hoạch")))
    draft = parse(lines, year=year)
    data = _ordered(draft)
    header = [
        f"Kế hoạch nhập từ {source.name} bằng \"kehoach import\" ngày {date.today():%d/%m/%Y}.",
        "Những chỗ chương trình chưa chắc chắn có dòng ghi chú bắt đầu bằng \"# ?\": hãy đọc và sửa.",
        f"Kiểm tra:  kehoach check {target.name}      Tạo văn bản:  kehoach build {target.name}",
    ]
    comments = {k: [c if c.startswith(_AS_IS) else f"? {c}" for c in v]
                for k, v in draft.comments.items()}
    header += comments.pop((), [])
    for uid, u in draft.units.units.items():
        if u.comments:
            comments[("units", uid)] = [f"? {c}" for c in u.comments]
    text = emit.dump(data, comments, header)
    res = ImportResult(source=source, target=target if write else None, text=text,
                       parts=len(data["implementation"]), units=len(data.get("units", {})),
                       tasks=draft.n_tasks, dated=draft.n_dated,
                       unsure=sum(1 for c in [*header, *(c for v in comments.values() for c in v)]
                                  if c.startswith("? ")))
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
    units = {uid: u.as_data() for uid, u in d.units.units.items()}
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
