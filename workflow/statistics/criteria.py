"""Recognition criteria as data: config/criteria/<name>.yaml → a checked :class:`CriteriaSet`.

Each criterion is "numerator / denominator ≥ threshold %" with an optional ĐBKK variant
(another threshold, or for XMC another age band); levels name their prerequisites; parent
tiers have share rules. Nothing here knows a programme by name: the evaluator is generic.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import InputError, Problem, ProblemList
from ..plan import yamlsource
from ..plan.loader import validate_model


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # see plan.models.Model


def _as_list(v):
    return [v] if isinstance(v, str) else v


class Tier(Model):
    id: str = Field(..., description="Mã cấp: xa, huyen, tinh")
    name: str = Field(..., description="Tên cấp trong câu: xã, huyện, tỉnh")
    plural: str = Field("", description="Cách gọi chung, ví dụ \"các xã (phường, thị trấn)\"")


class Column(Model):
    kind: Literal["count", "flag"] = Field("count", description="count: số người; flag: có/không (1/0)")
    label: str = Field(..., description="Tiêu đề cột tiếng Việt (dùng trong mẫu nhập liệu)")
    aliases: list[str] = Field(default_factory=list, description="Các tiêu đề khác được chấp nhận")
    head: str | None = Field(None, description=(
        "Tên ngắn trong bảng phụ lục: với cột số phải phổ cập là tên độ tuổi (\"Trẻ 5 tuổi\"), "
        "với cột số đạt là tên chỉ tiêu (\"Ra lớp\"); mặc định lấy từ label"))


class Limit(Model):
    parts: list[str] = Field(..., min_length=1, description="Các cột phần, cộng lại")
    whole: str = Field(..., description="Cột toàn thể: tổng các phần không được lớn hơn")


class Variant(Model):
    """The ĐBKK case: whatever is given replaces the normal value."""

    text: str | None = None
    numerator: list[str] | None = None
    denominator: str | None = None
    threshold: Decimal | None = Field(None, ge=0, le=100)

    _list = field_validator("numerator", mode="before")(classmethod(lambda cls, v: _as_list(v)))


class Criterion(Model):
    id: str = Field(..., description="Mã tiêu chí, duy nhất trong bộ, ví dụ th2.vao_lop1")
    text: str = Field(..., description="Tên tiêu chí trong câu, ví dụ \"tỷ lệ trẻ em 6 tuổi vào lớp 1\"")
    numerator: list[str] = Field(..., min_length=1, description="Cột tử số (nhiều cột thì cộng lại)")
    denominator: str = Field(..., description="Cột mẫu số (số phải phổ cập)")
    threshold: Decimal = Field(..., ge=0, le=100, description="Ngưỡng % (đạt khi tỷ lệ ≥ ngưỡng)")
    dbkk: Variant | None = Field(None, description="Khác biệt với xã ĐBKK (ngưỡng hoặc độ tuổi)")
    article: str = Field(..., min_length=1, description="Điều, khoản căn cứ")
    confirmed: bool = Field(True, description="false: giá trị chưa đối chiếu với văn bản gốc")
    head: str | None = Field(None, description="Tên ngắn của chỉ tiêu trong bảng phụ lục (khi tử số "
                                               "cộng nhiều cột); mặc định lấy từ cột tử số")
    note: str | None = None

    _list = field_validator("numerator", mode="before")(classmethod(lambda cls, v: _as_list(v)))

    def variant(self, dbkk: bool) -> tuple[str, tuple[str, ...], str, Fraction]:
        """(text, numerator columns, denominator column, threshold as a fraction of 1)."""
        v = self.dbkk if dbkk and self.dbkk is not None else None
        text = (v.text if v and v.text else self.text)
        num = tuple(v.numerator if v and v.numerator else self.numerator)
        den = v.denominator if v and v.denominator else self.denominator
        thr = v.threshold if v and v.threshold is not None else self.threshold
        return text, num, den, Fraction(thr) / 100


class ShareRule(Model):
    tier: str = Field(..., description="Cấp trên áp dụng: huyen, tinh")
    share: Decimal = Field(..., ge=0, le=100, description="Tỷ lệ % đơn vị cấp dưới phải đạt")
    among: Literal["all", "normal", "dbkk"] = Field("all", description="Tính trên: all, normal, dbkk")
    article: str = Field(..., min_length=1)
    confirmed: bool = True
    note: str | None = None

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.share) / 100


class Level(Model):
    level: int = Field(..., ge=1, le=9)
    name: str = Field(..., description="\"mức độ 1\", \"đạt chuẩn\"")
    article: str = Field(..., min_length=1)
    requires: list[str] = Field(default_factory=list, description="Điều kiện trước, ví dụ [th1, xmc1]")
    criteria: list[Criterion] = Field(..., min_length=1)
    parent: list[ShareRule] = Field(default_factory=list)
    confirmed: bool = True


class Programme(Model):
    id: str = Field(..., pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(..., description="Tên trong câu: \"phổ cập giáo dục tiểu học\"")
    short: str = Field(..., description="Tên ngắn cho bảng: \"PCGD TH\"")
    gate: str | None = Field(None, description="Cột điều kiện bảo đảm (1/0) chặn mọi mức")
    levels: list[Level] = Field(..., min_length=1)

    @property
    def top(self) -> int:
        return max(lv.level for lv in self.levels)

    def level(self, n: int) -> Level:
        return next(lv for lv in self.levels if lv.level == n)


class CriteriaSet(Model):
    name: str
    title: str
    short: str
    hierarchy: list[Tier] = Field(..., min_length=2)
    columns: dict[str, Column]
    limits: list[Limit] = Field(default_factory=list)
    programmes: list[Programme] = Field(..., min_length=1)
    source: str = ""
    overridden: dict[str, str] = Field(default_factory=dict)  # id -> override file

    def programme(self, pid: str) -> Programme:
        return next(p for p in self.programmes if p.id == pid)

    def criteria(self):
        for p in self.programmes:
            for lv in p.levels:
                for c in lv.criteria:
                    yield p, lv, c

    def rules(self):
        for p in self.programmes:
            for lv in p.levels:
                for r in lv.parent:
                    yield p, lv, r

    def split_ref(self, ref: str) -> tuple[str, int] | None:
        """'th1' -> ('th', 1); 'mn51' -> ('mn5', 1); 'mn3_51' -> ('mn3_5', 1). None if unknown.

        A programme id may end in digits (mn5), so the level is what follows a known id."""
        for p in sorted(self.programmes, key=lambda x: -len(x.id)):
            rest = ref[len(p.id):]
            if ref.startswith(p.id) and rest.isdigit() and any(lv.level == int(rest) for lv in p.levels):
                return p.id, int(rest)
        return None

    def ref_name(self, ref: str) -> str:
        """'xmc1' -> 'XMC mức độ 1'; 'mn51' -> 'PCGD MN5' (for sentences)."""
        hit = self.split_ref(ref)
        if hit is None:
            return ref
        p = self.programme(hit[0])
        return standard(p.short, p, hit[1])

    def rule_id(self, p: Programme, lv: Level, r: ShareRule) -> str:
        return f"{p.id}{lv.level}@{r.tier}" + ("" if r.among == "all" else f".{r.among}")

    def needed_columns(self) -> set[str]:
        cols = set()
        for _, _, c in self.criteria():
            for dbkk in (False, True):
                _, num, den, _ = c.variant(dbkk)
                cols.update(num)
                cols.add(den)
        return cols


def standard(label: str, p: Programme, level: int) -> str:
    """'PCGD TH mức độ 2'; a one-level programme's level name ("đạt chuẩn") is not repeated
    after the verb, so 'đạt chuẩn ' + standard(...) reads 'đạt chuẩn PCGD MN5'."""
    name = p.level(level).name if level else ""
    return label if not name or name == "đạt chuẩn" else f"{label} {name}"


# --- finding and loading ----------------------------------------------------------------

def criteria_dirs() -> list[Path]:
    """config/criteria in the working folder first, then the copy shipped with kehoach."""
    return [Path("config") / "criteria", Path(str(resources.files("workflow.statistics") / "_criteria"))]


def available() -> list[str]:
    names = set()
    for d in criteria_dirs():
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.yaml"))
    return sorted(names)


def find_criteria(name: str) -> Path:
    """A criteria file by name (``nd20-2014``) or path. Raises InputError listing the known ones."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.is_file():
        return p
    for d in criteria_dirs():
        cand = d / f"{name}.yaml"
        if cand.is_file():
            return cand
    known = available()
    msg = f"không có bộ tiêu chí '{name}'"
    close = difflib.get_close_matches(name, known, n=1)
    msg += f" (có phải '{close[0]}'?)" if close else f"; các bộ có sẵn: {', '.join(known)}"
    raise InputError(Problem(file="--criteria", field="criteria", message=msg))


def load_criteria(name: str, *, override: str | Path | None = None) -> CriteriaSet:
    """Load and cross-check a criteria set; apply a user's override file if given.

    Raises :class:`InputError` with every problem (file:line:col) found in either file.
    """
    path = find_criteria(name)
    data, pos = yamlsource.load(path)
    problems = ProblemList()
    if not isinstance(data, dict):
        raise InputError(Problem(file=str(path), line=1, message="tệp tiêu chí phải là một ánh xạ"))
    cs = validate_model(CriteriaSet, data, pos, problems)
    problems.raise_if_errors()
    cs.source = str(path)
    _cross_check(cs, pos, problems)
    problems.raise_if_errors()
    if override:
        apply_override(cs, Path(override))
    return cs


def _cross_check(cs: CriteriaSet, pos, problems: ProblemList) -> None:
    tiers = {t.id for t in cs.hierarchy}
    cols = set(cs.columns)
    levels = {f"{p.id}{lv.level}" for p in cs.programmes for lv in p.levels}
    seen: set[str] = set()

    def col(path, name):
        if name not in cols:
            close = difflib.get_close_matches(name, cols, n=1)
            hint = f" (có phải '{close[0]}'?)" if close else ""
            problems.add(pos.problem(path, f"cột '{name}' không có trong columns{hint}"))

    for i, lim in enumerate(cs.limits):
        for j, c in enumerate(lim.parts):
            col(("limits", i, "parts", j), c)
        col(("limits", i, "whole"), lim.whole)
    for i, p in enumerate(cs.programmes):
        base = ("programmes", i)
        if p.gate:
            col(base + ("gate",), p.gate)
        for j, lv in enumerate(p.levels):
            lb = base + ("levels", j)
            for k, req in enumerate(lv.requires):
                if req not in levels or cs.split_ref(req) is None:
                    problems.add(pos.problem(lb + ("requires", k), f"không có mức '{req}' (dạng: th1, xmc2)"))
            for k, c in enumerate(lv.criteria):
                cb = lb + ("criteria", k)
                if c.id in seen:
                    problems.add(pos.problem(cb + ("id",), f"mã tiêu chí '{c.id}' bị lặp"))
                seen.add(c.id)
                for n, name in enumerate(c.numerator):
                    col(cb + ("numerator", n), name)
                col(cb + ("denominator",), c.denominator)
                if c.dbkk:
                    for n, name in enumerate(c.dbkk.numerator or []):
                        col(cb + ("dbkk", "numerator", n), name)
                    if c.dbkk.denominator:
                        col(cb + ("dbkk", "denominator"), c.dbkk.denominator)
            for k, r in enumerate(lv.parent):
                if r.tier not in tiers or r.tier == cs.hierarchy[0].id:
                    problems.add(pos.problem(lb + ("parent", k, "tier"),
                                             f"cấp '{r.tier}' không phải cấp trên trong hierarchy"))


def apply_override(cs: CriteriaSet, path: Path) -> None:
    """Change thresholds from a user's file::

        set:
          th2.vao_lop1: 96                 # normal threshold
          mn5.ra_lop: {threshold: 96, dbkk: 91}
          thcs2@huyen: 95                  # a share rule (id as in `criteria show`)
    """
    data, pos = yamlsource.load(path)
    problems = ProblemList()
    if not isinstance(data, dict) or not isinstance(data.get("set"), dict):
        raise InputError(pos.problem((), "tệp ghi đè cần khóa 'set:' gồm các dòng 'mã: giá trị'"))
    crits = {c.id: c for _, _, c in cs.criteria()}
    rules = {cs.rule_id(p, lv, r): r for p, lv, r in cs.rules()}
    for key, value in data["set"].items():
        where = ("set", key)
        target = crits.get(key) or rules.get(key)
        if target is None:
            close = difflib.get_close_matches(str(key), list(crits) + list(rules), n=1)
            hint = f" (có phải '{close[0]}'?)" if close else "; xem mã bằng: kehoach criteria show"
            problems.add(pos.problem(where, f"không có tiêu chí hay quy tắc '{key}'{hint}", key=True))
            continue
        values = value if isinstance(value, dict) else {"threshold": value}
        for k, v in values.items():
            num = _percent(v)
            if num is None:
                problems.add(pos.problem(where + (k,) if isinstance(value, dict) else where,
                                         f"'{v}' không phải tỷ lệ % từ 0 đến 100"))
                continue
            if isinstance(target, ShareRule) and k in ("threshold", "share"):
                target.share = num
            elif isinstance(target, Criterion) and k == "threshold":
                target.threshold = num
            elif isinstance(target, Criterion) and k == "dbkk":
                target.dbkk = (target.dbkk or Variant()).model_copy(update={"threshold": num})
            else:
                problems.add(pos.problem(where + (k,), f"khóa '{k}' không hợp lệ; dùng threshold, dbkk hoặc share",
                                         key=True))
                continue
            cs.overridden[str(key)] = str(path)
    problems.raise_if_errors()


def _percent(v) -> Decimal | None:
    if isinstance(v, bool):
        return None
    try:
        d = Decimal(str(v).replace(",", ".").rstrip("%").strip())
    except Exception:
        return None
    return d if 0 <= d <= 100 else None


def show_rows(cs: CriteriaSet) -> list[dict]:
    """Every threshold as a row for `criteria show`: id, what, normal/ĐBKK, article, confirmed."""
    rows = []
    for p, lv, c in cs.criteria():
        text, num, den, thr = c.variant(False)
        dtext, dnum, dden, dthr = c.variant(True)
        dbkk = None
        if c.dbkk is not None:
            dbkk = {"threshold": _pct(dthr), "numerator": list(dnum), "denominator": dden, "text": dtext}
        rows.append({"id": c.id, "programme": p.id, "level": lv.level, "kind": "criterion",
                     "text": text, "numerator": list(num), "denominator": den,
                     "threshold": _pct(thr), "dbkk": dbkk, "requires": lv.requires,
                     "article": c.article, "confirmed": c.confirmed and lv.confirmed,
                     "overridden": c.id in cs.overridden})
    for p, lv, r in cs.rules():
        rid = cs.rule_id(p, lv, r)
        rows.append({"id": rid, "programme": p.id, "level": lv.level, "kind": "share",
                     "tier": r.tier, "among": r.among, "threshold": _pct(r.fraction),
                     "article": r.article, "confirmed": r.confirmed, "note": r.note,
                     "overridden": rid in cs.overridden})
    return rows


def _pct(f: Fraction) -> str:
    v = f * 100
    return str(v.numerator) if v.denominator == 1 else str(float(v))
