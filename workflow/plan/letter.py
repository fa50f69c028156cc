"""A công văn (official letter) as typed data, and loading it from YAML.

A letter file has ``kind: cong-van`` at the top. It reuses the plan's pieces — prose
:class:`~workflow.plan.models.Block` content, :class:`~workflow.plan.models.Signer`, units,
recipients and archive — and adds what a công văn needs: the "V/v …" subject under the
number, a symbol with no type abbreviation, the "Kính gửi" list and an optional annex
table whose header may span several rows with merged cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..errors import InputError, ProblemList
from . import yamlsource
from .loader import load_units, read_mapping, suggest, validate_model
from .models import Block, Code, DocDate, Model, Signer, Unit
from .yamlsource import Positions

# ND30 type abbreviations: a công văn's symbol must not start with one of them.
TYPE_ABBREVIATIONS = ("KH", "BC", "QĐ", "TB", "TTr", "HD", "CTr", "BB", "GM", "CT", "QC",
                      "QyĐ", "PA", "ĐA", "CĐ")


class LetterDate(DocDate):
    """The letter's date; a draft may leave day, month and even year blank."""

    month: int | None = Field(None, ge=1, le=12, description="Tháng (có thể để trống)")
    year: int | None = Field(None, ge=1945, le=2100, description="Năm (có thể để trống)")


class LetterDocument(Model):
    """Header of a công văn (ND30 model 1.5): no type name, a "V/v …" subject instead."""

    parent_body: str | None = Field(None, description="Cơ quan chủ quản, ví dụ \"UBND HUYỆN CÁT HẢI\"")
    issuing_body: str = Field(..., min_length=1, description=(
        "Cơ quan ban hành (in đậm); xuống dòng trong YAML (|) để ngắt dòng, ví dụ "
        "\"ỦY BAN NHÂN DÂN\\nHUYỆN KON RẪY\""))
    issuer_name: str | None = Field(None, description=(
        "Tên cơ quan viết thường để dùng trong câu, ví dụ \"Phòng Giáo dục và Đào tạo\""))
    number: str | None = Field(None, description="Số công văn; để trống trong bản dự thảo")
    symbol: str = Field(..., min_length=1, description=(
        "Ký hiệu sau dấu \"/\", KHÔNG có chữ viết tắt tên loại: \"PGDĐT\", \"UBND-VX\""))
    place: str = Field(..., min_length=1, description="Địa danh, ví dụ \"Cát Hải\"")
    date: LetterDate = Field(default_factory=LetterDate, description="Ngày ban hành: {day, month, year}")
    subject: str = Field(..., min_length=1, description=(
        "Trích yếu sau \"V/v\" (có thể ghi cả \"V/v\"), ví dụ \"triển khai Kế hoạch …\""))

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, v: str) -> str:
        if re.search(r"\s", v):
            raise ValueError("ký hiệu không được chứa khoảng trắng (ví dụ \"PGDĐT\", \"UBND-VX\")")
        head = v.split("-", 1)[0]
        if head in TYPE_ABBREVIATIONS:
            raise ValueError(f"công văn không có chữ viết tắt tên loại; bỏ \"{head}-\" "
                             f"(ví dụ \"{v.split('-', 1)[-1] if '-' in v else 'PGDĐT'}\")")
        return v

    @field_validator("subject")
    @classmethod
    def _subject(cls, v: str) -> str:
        # no-break spaces stay: they are the blank left for a plan's number ("số      /KH-BCĐ")
        v = re.sub(r"[ \t\r\n]+", " ", v).strip(" \t\r\n")
        return re.sub(r"^V/v\s+", "", v, flags=re.IGNORECASE)


class Cell(Model):
    """One table cell; ``cols``/``rows`` > 1 merge it with its right/lower neighbours."""

    text: str = Field("", description="Nội dung ô")
    cols: int = Field(1, ge=1, le=30, description="Số cột ô này chiếm (gộp ngang)")
    rows: int = Field(1, ge=1, le=500, description="Số dòng ô này chiếm (gộp dọc)")
    align: Literal["left", "center", "right"] | None = Field(None, description="Căn lề: left, center, right")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v):
        if v is None:
            return {"text": ""}
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            return {"text": str(v)}
        return v


class Table(Model):
    """A table with HTML-like spans: a cell covered by a span above or to the left is not
    written again in later rows."""

    header: list[list[Cell]] = Field(..., min_length=1, description="Các dòng tiêu đề (in đậm, lặp lại mỗi trang)")
    rows: list[list[Cell]] = Field(default_factory=list, description="Các dòng dữ liệu")
    widths: list[float] = Field(default_factory=list, description="Độ rộng các cột (mm); bỏ trống: chia đều")
    align: list[Literal["left", "center", "right"]] = Field(
        default_factory=list, description="Căn lề mặc định của từng cột")


class LetterAnnex(Model):
    """An annex on its own page after the signature: heading, optional prose, a table."""

    label: str = Field("Phụ lục", description="Dòng \"Phụ lục\" (hai phụ lục trở lên: \"Phụ lục I\", …)")
    title: str = Field(..., min_length=1, description="Tên phụ lục (in đậm)")
    note: str | None = Field(None, description=(
        "Dòng \"(Kèm theo Công văn số …)\"; bỏ trống để sinh tự động từ số, ký hiệu, ngày"))
    content: list[Block] = Field(default_factory=list, description="Đoạn văn trước bảng (nếu có)")
    table: Table | None = Field(None, description="Bảng của phụ lục")
    landscape: bool = Field(False, description="In phụ lục trên trang nằm ngang (bảng rộng)")


class Letter(Model):
    """A whole công văn."""

    kind: Literal["cong-van"] = Field(..., description="Loại tệp: cong-van")
    document: LetterDocument
    units_file: list[str] = Field(default_factory=list, description="Tệp danh mục đơn vị (tương đối với tệp này)")
    units: dict[Code, Unit] = Field(default_factory=dict, description="Đơn vị khai báo ngay trong tệp")
    to: list[str] = Field(..., min_length=1, description=(
        "Kính gửi: mã đơn vị trong danh mục hoặc tên viết sẵn; một nơi in cùng dòng, "
        "nhiều nơi in thành danh sách \"- …;\""))
    body: list[Block] = Field(..., min_length=1, description="Nội dung: đoạn (p), mục đánh số (item), gạch đầu dòng (bullet)")
    recipients: list[str] = Field(default_factory=list, description="Nơi nhận (không gồm dòng Lưu)")
    archive: str = Field("VT", description="Dòng \"Lưu:\", ví dụ \"VT, PGDĐT\"")
    signer: Signer
    annex: LetterAnnex | None = Field(None, description="Phụ lục (nếu có)")
    templates: str | None = Field(None, description="Thư mục mẫu .docx riêng (ưu tiên hơn mẫu có sẵn)")

    @field_validator("units_file", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("to", mode="before")
    @classmethod
    def _one_to(cls, v):
        return [v] if isinstance(v, str) else v


@dataclass
class LoadedLetter:
    letter: Letter
    path: Path
    units: dict[str, Unit] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)
    positions: Positions | None = None

    @property
    def year(self) -> int | None:
        return self.letter.document.date.year


def load_letter(path: str | Path) -> LoadedLetter:
    """Read and check a letter file. Raises :class:`InputError` listing every problem."""
    path = Path(path)
    problems = ProblemList()
    data, pos = read_mapping(path, "tệp công văn")
    letter = validate_model(Letter, data, pos, problems)
    ud = load_units(path, data, pos, problems, inline=letter.units if letter is not None else None)
    units, sources = ud.units, ud.sources
    annex = letter.annex if letter is not None else None
    if letter is None and isinstance(data.get("annex"), dict):
        # the rest of the letter is wrong: still check the annex, to report everything at once
        annex = validate_model(LetterAnnex, data["annex"], pos, problems, ("annex",))
    if annex is not None and annex.table is not None:
        _check_table(annex.table, pos, ("annex", "table"), problems)
    if letter is not None and ud.complete:
        for i, to in enumerate(letter.to):
            if _looks_like_id(to) and to not in units:
                problems.add(pos.problem(("to", i), f"không có đơn vị '{to}' trong danh mục"
                                         f"{suggest(to, units)}; ghi tên đầy đủ nếu không dùng mã"))
    problems.raise_if_errors()
    return LoadedLetter(letter=letter, path=path, units=units, sources=sources, positions=pos)


def _looks_like_id(s: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", s))


def table_grid(table: Table) -> tuple[int, list[list[tuple[int, int, Cell] | None]]]:
    """Place header and body rows on a grid (HTML span rules).

    Returns ``(columns, placed)`` where ``placed[r]`` lists ``(row, col, cell)`` origins of
    row ``r`` in order. Raises ValueError (Vietnamese) when spans overlap or rows differ
    in width.
    """
    rows = list(table.header) + list(table.rows)
    taken: set[tuple[int, int]] = set()
    placed: list[list] = []
    widths = []
    for r, row in enumerate(rows):
        c = 0
        out = []
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rows):
                for dc in range(cell.cols):
                    if (r + dr, c + dc) in taken:
                        raise ValueError(f"ô \"{cell.text[:30]}\" chồng lên ô đã gộp")
                    taken.add((r + dr, c + dc))
            out.append((r, c, cell))
            c += cell.cols
        while (r, c) in taken:
            c += 1
        widths.append(c)
        placed.append(out)
    ncols = max(widths) if widths else 0
    return ncols, placed


def _check_table(table: Table, pos: Positions, base: tuple, problems: ProblemList) -> None:
    nhead = len(table.header)
    rows = list(table.header) + list(table.rows)
    before = len(problems.errors)

    def where(r: int) -> tuple:
        return base + (("header", r) if r < nhead else ("rows", r - nhead))

    for r, row in enumerate(rows):
        for j, cell in enumerate(row):
            if r < nhead and r + cell.rows > nhead:
                problems.add(pos.problem(where(r) + (j, "rows"),
                                         "ô tiêu đề không được gộp xuống các dòng dữ liệu"))
            if r + cell.rows > len(rows):
                problems.add(pos.problem(where(r) + (j, "rows"),
                                         f"ô gộp {cell.rows} dòng nhưng bảng chỉ còn {len(rows) - r} dòng"))
    if len(problems.errors) > before:
        return
    try:
        ncols, placed = table_grid(table)
    except ValueError as e:
        problems.add(pos.problem(base, str(e)))
        return
    taken = {(rr + dr, c + dc) for origins in placed for rr, c, cell in origins
             for dr in range(cell.rows) for dc in range(cell.cols)}
    for r in range(len(rows)):
        width = sum(1 for (rr, _c) in taken if rr == r)
        if width != ncols:
            problems.add(pos.problem(where(r), f"dòng có {width} cột, bảng có {ncols} cột"))
    if table.widths and len(table.widths) != ncols:
        problems.add(pos.problem(base + ("widths",), f"có {len(table.widths)} độ rộng nhưng bảng có {ncols} cột"))
    if table.align and len(table.align) != ncols:
        problems.add(pos.problem(base + ("align",), f"có {len(table.align)} căn lề nhưng bảng có {ncols} cột"))



FILE_KINDS = {"ke-hoach": "kế hoạch", "cong-van": "công văn"}


def file_kind(path: str | Path) -> str:
    """The top-level ``kind`` of a YAML file: "ke-hoach" (the default) or "cong-van".

    Raises :class:`InputError` when the file cannot be read as YAML, or names a kind that
    is neither (at the ``kind`` value, so a misspelt kind is not judged as a plan).
    """
    data, pos = yamlsource.load(path)
    if not isinstance(data, dict) or "kind" not in data:
        return "ke-hoach"
    kind = data["kind"]
    if kind not in FILE_KINDS:
        known = ", ".join(f"'{k}' ({v})" for k, v in FILE_KINDS.items())
        raise InputError(pos.problem(("kind",), f"không hiểu loại tệp {str(kind)!r}; dùng {known}"))
    return kind


def require_plan(path: str | Path, command: str) -> None:
    """Raise :class:`InputError` (at the ``kind`` line) when ``path`` is a letter file
    given to a command that needs a plan, instead of judging the letter as a plan."""
    data, pos = yamlsource.load(path)
    if isinstance(data, dict) and data.get("kind") == "cong-van":
        raise InputError(pos.problem(("kind",), f"đây là tệp công văn; lệnh `kehoach {command}` "
                                                "cần tệp kế hoạch (ví dụ config/plans/…)"))
