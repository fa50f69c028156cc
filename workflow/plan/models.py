"""The plan as typed data: document metadata, units, prose blocks and tasks.

These models are the schema of ``config/plans/*.yaml``; their ``description`` texts are the
documentation (the README field table is generated from them). They hold no I/O and import
nothing from docx, icalendar or mail.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

SIGN_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")

# Unit codes and task ids become file names (calendars/<unit>.ics, đôn đốc letters, mail
# attachments) on Linux and Windows alike: only a form that is a plain file name everywhere.
CODE_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_MAX = 64
CODE_FORM = "chỉ dùng chữ thường a–z, số 0–9 và dấu '-' (không dấu, không khoảng trắng), ví dụ 'ubnd-phuong-1'"
# Device names Windows will not create a file for, whatever the extension.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul",
                              *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})


def code_problem(value: str) -> str | None:
    """Why ``value`` cannot be a unit code or task id (Vietnamese), or None when it can."""
    if value.lower() in WINDOWS_RESERVED:
        return (f"mã '{value}' trùng tên thiết bị dành riêng của Windows (CON, PRN, AUX, NUL, "
                "COM1–COM9, LPT1–LPT9), không dùng làm tên tệp được; hãy đặt mã khác")
    if len(value) > CODE_MAX:
        return f"mã '{value[:20]}…' quá dài ({len(value)} ký tự; tối đa {CODE_MAX})"
    if CODE_RE.fullmatch(value):
        return None
    hint = plain_code(value)
    hint = f"; có thể viết '{hint}'" if hint and hint != value and hint not in WINDOWS_RESERVED else ""
    return f"mã '{value}' không hợp lệ: {CODE_FORM}{hint}"


def plain_code(text: str) -> str:
    """``text`` in the code form: Vietnamese letters without marks, lower case, '-' between
    words ("Phòng GD&ĐT" → "phong-gd-dt")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:CODE_MAX].strip("-")


def _code(value: str) -> str:
    problem = code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Code = Annotated[str, AfterValidator(_code)]
"""A unit code or task id: a safe file name on every system (see :data:`CODE_FORM`)."""


class Model(BaseModel):
    # defer_build: a model's validator is built when it first validates, not when this
    # module is imported (a command whose data comes from the validation cache builds none)
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=False,
                              str_strip_whitespace=False, defer_build=True)


class DocDate(Model):
    """A document date; a draft may leave the day (or month) blank for the signer."""

    day: int | None = Field(None, ge=1, le=31, description="Ngày (để trống trong bản dự thảo)")
    month: int | None = Field(None, ge=1, le=12, description="Tháng")
    year: int = Field(..., ge=1945, le=2100, description="Năm")

    @model_validator(mode="before")
    @classmethod
    def _from_date(cls, v):
        if isinstance(v, date):
            return {"day": v.day, "month": v.month, "year": v.year}
        if isinstance(v, str):  # "05/02/2024", as people write dates
            m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", v)
            if not m:
                raise ValueError(f"không đọc được ngày {v!r}: viết 05/02/2024, hoặc "
                                 "{day: 5, month: 2, year: 2024} (bản dự thảo để trống ngày: day: null)")
            return {"day": int(m[1]), "month": int(m[2]), "year": int(m[3])}
        return v

    @model_validator(mode="after")
    def _real_date(self):
        if self.day is not None and self.month is not None and self.year is not None:
            try:
                date(self.year, self.month, self.day)
            except ValueError:
                raise ValueError(f"ngày {self.day}/{self.month}/{self.year} không có thật") from None
        return self

    def as_date(self) -> date | None:
        if self.day and self.month and self.year:
            return date(self.year, self.month, self.day)
        return None


class Signer(Model):
    """The signature block: authority and position lines (UPPER), then the signer's name."""

    lines: list[str] = Field(..., min_length=1, description=(
        "Các dòng quyền hạn, chức vụ, viết HOA, ví dụ [\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\", "
        "\"PHÓ CHỦ TỊCH\"]; tiền tố hợp lệ: TM., KT., TL., TUQ., Q."))
    name: str = Field(..., min_length=1, description="Họ và tên người ký")

    @field_validator("lines")
    @classmethod
    def _prefixes(cls, lines: list[str]) -> list[str]:
        for line in lines:
            head = line.split(" ", 1)[0]
            if head.endswith(".") and head.isupper() and len(head) <= 5 and head not in SIGN_PREFIXES:
                raise ValueError(f"tiền tố '{head}' không hợp lệ; dùng một trong: {', '.join(SIGN_PREFIXES)}")
        return lines


class Document(Model):
    """Header and identity of the document (Nghị định 30/2020, Phụ lục I)."""

    type: str = Field("Kế hoạch", description="Tên loại văn bản, ví dụ \"Kế hoạch\", \"Báo cáo\"")
    parent_body: str | None = Field(None, description="Cơ quan chủ quản (dòng trên, không đậm), ví dụ \"UBND QUẬN BA ĐÌNH\"")
    issuing_body: str = Field(..., min_length=1, description="Cơ quan ban hành (đậm), ví dụ \"BAN CHỈ ĐẠO PCGD, XMC\"")
    number: str | None = Field(None, description="Số văn bản; để trống trong bản dự thảo")
    symbol: str = Field(..., min_length=1, description="Ký hiệu sau dấu \"/\", ví dụ \"KH-BCĐ\"")
    place: str = Field(..., min_length=1, description="Địa danh, ví dụ \"Ba Đình\"")
    date: DocDate = Field(..., description="Ngày ban hành: {day, month, year}; day có thể để trống")
    title: str = Field(..., min_length=1, description="Trích yếu nội dung (dòng dưới tên loại)")
    issuer_name: str | None = Field(None, description=(
        "Tên cơ quan ban hành viết thường để dùng trong câu, ví dụ \"Ban Chỉ đạo PCGD, XMC quận Ba Đình\""))

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, v: str) -> str:
        if re.search(r"\s", v):
            raise ValueError("ký hiệu không được chứa khoảng trắng (ví dụ \"KH-BCĐ\")")
        return v


class Unit(Model):
    """A unit that owns or shares tasks, or a group of them."""

    name: str = Field(..., min_length=1, description="Tên đầy đủ, ví dụ \"Phòng Giáo dục và Đào tạo quận\"")
    short: str | None = Field(None, description="Tên ngắn dùng trong bảng, lịch, thư nhắc")
    kind: str = Field("don-vi", description="Loại: phong, ubnd, truong, hoi, nhom, …")
    parent: Code | None = Field(None, description="Mã đơn vị cấp trên (nếu có)")
    members: list[Code] = Field(default_factory=list, description="Với một nhóm: mã các đơn vị thành viên")
    email: list[str] = Field(default_factory=list, description="Địa chỉ thư nhận nhắc việc")

    @field_validator("email", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v

    @field_validator("email")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for addr in v:
            if not re.fullmatch(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+", addr):
                raise ValueError(f"địa chỉ thư '{addr}' không hợp lệ")
        return v

    @property
    def label(self) -> str:
        return self.short or self.name


BLOCK_KINDS = ("p", "bullet", "item", "heading", "note", "task")


class Block(Model):
    """One piece of prose. Exactly one of p/bullet/item/heading/note/task is set.

    A plain string in YAML is a paragraph (``p``).
    """

    p: str | None = Field(None, description="Đoạn văn thường (thụt đầu dòng, căn đều)")
    bullet: str | None = Field(None, description="Gạch đầu dòng \"- …\"")
    item: str | None = Field(None, description="Đoạn đánh số tự động \"1. …\" (có thể có content con)")
    heading: str | None = Field(None, description="Đề mục đánh số \"1. Mục đích\" (in đậm), có content con")
    note: str | None = Field(None, description="Ghi chú có nhãn in đậm, ví dụ nhãn \"Kinh phí:\"")
    label: str | None = Field(None, description="Nhãn in đậm của note")
    task: str | None = Field(None, description="Nhiệm vụ: nội dung đúng như trong văn bản")
    content: list[Block] = Field(default_factory=list, description="Nội dung con (với item, heading)")
    # task fields
    id: Code | None = Field(None, description="Mã nhiệm vụ, cố định qua các lần sửa (dùng cho lịch, nhắc việc)")
    deadline: list[str] = Field(default_factory=list, description=(
        "Cụm thời hạn (một hoặc nhiều), viết như trong văn bản, ví dụ \"Từ ngày 05/9 đến ngày 30/9/2024\"; "
        "nếu nội dung chưa chứa cụm này, nó được thêm vào cuối trong ngoặc đơn"))
    co_owners: list[Code] = Field(default_factory=list, description="Mã các đơn vị phối hợp")
    summary: str | None = Field(None, description="Tên ngắn của nhiệm vụ cho lịch và thư nhắc")
    ongoing: bool = Field(False, description="Nhiệm vụ thường xuyên, không có hạn (không cảnh báo)")
    style: str = Field("bullet", pattern="^(bullet|paragraph)$", description="Trình bày nhiệm vụ: bullet hoặc paragraph")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v):
        if isinstance(v, str):
            return {"p": v}
        if isinstance(v, dict):
            blank = [k for k in BLOCK_KINDS if k in v and not str(v[k] or "").strip()]
            if blank:
                raise ValueError(f"'{blank[0]}' chưa có nội dung: viết nội dung ngay sau "
                                 f"'{blank[0]}:' (cùng dòng, hoặc các dòng dưới thụt lề thêm)")
        if isinstance(v, dict) and isinstance(v.get("deadline"), str):
            v = dict(v)
            v["deadline"] = [v["deadline"]]
        return v

    @model_validator(mode="after")
    def _exactly_one(self):
        kinds = [k for k in BLOCK_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            if not kinds:
                raise ValueError("mỗi mục cần đúng một trong các khóa: " + ", ".join(BLOCK_KINDS))
            raise ValueError("một mục chỉ được có một trong các khóa " + ", ".join(kinds))
        kind = kinds[0]
        task_only = [f for f in ("id", "co_owners", "summary") if getattr(self, f)]
        if self.deadline:
            task_only.append("deadline")
        if self.ongoing:
            task_only.append("ongoing")
        if kind != "task" and task_only:
            raise ValueError(f"khóa {', '.join(task_only)} chỉ dùng cho nhiệm vụ (task)")
        if self.label is not None and kind != "note":
            raise ValueError("khóa label chỉ dùng với note")
        if self.content and kind not in ("item", "heading"):
            raise ValueError("chỉ item và heading mới có content con")
        if self.ongoing and self.deadline:
            raise ValueError("nhiệm vụ thường xuyên (ongoing) không có thời hạn")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in BLOCK_KINDS if getattr(self, k) is not None)

    @property
    def text(self) -> str:
        return getattr(self, self.kind)


class UnitPart(Model):
    """A unit's part of "TỔ CHỨC THỰC HIỆN": its tasks and prose, in the order written."""

    unit: Code = Field(..., description="Mã đơn vị chủ trì (trong danh mục đơn vị)")
    heading: str | None = Field(None, description="Tiêu đề phần, mặc định là tên đơn vị")
    content: list[Block] = Field(default_factory=list, description="Nhiệm vụ (task) và đoạn văn của đơn vị")


class Section(Model):
    """A top-level part numbered I., II., …"""

    title: str = Field(..., min_length=1, description="Tên phần, viết HOA, ví dụ \"MỤC ĐÍCH, YÊU CẦU\"")
    content: list[Block] = Field(default_factory=list, description="Nội dung của phần")
    implementation: bool = Field(False, description="Phần này in các đơn vị và nhiệm vụ của implementation")


class Annex(Model):
    schedule: bool = Field(True, description="Có in Phụ lục \"Lịch trình thực hiện\" hay không")
    pointer: str | None = Field(
        "Lịch trình thực hiện các nhiệm vụ có thời hạn tại Phụ lục kèm theo Kế hoạch này.",
        description="Câu dẫn tới phụ lục, in cuối phần tổ chức thực hiện")


class CalendarSettings(Model):
    """How deadlines become calendar events (kehoach calendar); every field has a default."""

    id: str | None = Field(None, description=(
        "Mã cố định của kế hoạch trong lịch (UID của sự kiện dựa vào mã này); mặc định ghép từ cơ "
        "quan ban hành, ký hiệu và năm. Ghi rõ nếu sẽ sửa tên cơ quan hay ký hiệu"))
    alarms: list[int] = Field(default_factory=lambda: [7, 1], description=(
        "Nhắc trước hạn bao nhiêu ngày (mỗi số một lời nhắc); [] để không nhắc"))
    alarm_hour: int = Field(8, ge=0, le=23, description="Giờ nhắc trong ngày (0–23)")
    years: int = Field(1, ge=1, le=10, description=(
        "Thời hạn lặp lại (hằng năm, hằng quý, hằng tháng) hiện trong lịch bao nhiêu năm, "
        "tính cả năm kế hoạch"))
    monthly_day: int | None = Field(-1, ge=-1, le=28, description=(
        "\"hằng tháng\" không ghi ngày: hạn vào ngày này mỗi tháng (-1: ngày cuối tháng; "
        "null: không đưa vào lịch)"))
    quarterly_day: int | None = Field(-1, ge=-1, le=28, description=(
        "\"hằng quý\" không ghi ngày: hạn vào ngày này của tháng cuối quý (-1: ngày cuối quý; "
        "null: không đưa vào lịch)"))
    refresh_hours: int = Field(12, ge=1, le=168, description="Ứng dụng lịch tải lại lịch sau bao nhiêu giờ")
    long_periods: Literal["marks", "bar"] = Field("marks", description=(
        "Khoảng thời hạn từ một tháng trở lên (\"tháng 10/2024\", \"quý II/2024\"): marks = một sự "
        "kiện \"Bắt đầu\" và một sự kiện \"Hạn\"; bar = một sự kiện kéo dài cả khoảng"))

    @field_validator("alarms")
    @classmethod
    def _alarm_days(cls, v: list[int]) -> list[int]:
        for d in v:
            if not 0 <= d <= 60:
                raise ValueError(f"số ngày nhắc trước phải từ 0 đến 60 (đang là {d})")
        return v

    @field_validator("monthly_day", "quarterly_day")
    @classmethod
    def _day(cls, v: int | None) -> int | None:
        if v == 0:
            raise ValueError("ngày phải là -1 (ngày cuối) hoặc từ 1 đến 28; null để bỏ")
        return v


class Plan(Model):
    """A whole Kế hoạch."""

    kind: Literal["ke-hoach"] = Field("ke-hoach", description="Loại tệp: ke-hoach (kế hoạch)")
    year: int = Field(..., ge=2000, le=2100, description="Năm của kế hoạch (năm dùng khi cụm thời hạn không ghi năm)")
    document: Document = Field(..., description="Thông tin văn bản: cơ quan, số, ký hiệu, địa danh, ngày, trích yếu")
    units_file: list[str] = Field(default_factory=list, description="Tệp danh mục đơn vị (đường dẫn tương đối với tệp kế hoạch)")
    units: dict[Code, Unit] = Field(default_factory=dict, description="Đơn vị khai báo ngay trong kế hoạch (mã: thông tin)")
    basis: list[str] = Field(default_factory=list, description="Các căn cứ (in nghiêng)")
    intro: list[str] = Field(default_factory=list, description="Đoạn mở đầu sau căn cứ")
    sections: list[Section] = Field(..., min_length=1, description="Các phần I, II, III…")
    implementation: list[UnitPart] = Field(default_factory=list, description="Phân công: phần của từng đơn vị, theo thứ tự")
    closing: list[str] = Field(default_factory=list, description="Đoạn kết (\"Trên đây là Kế hoạch…\")")
    recipients: list[str] = Field(default_factory=list, description="Nơi nhận (mỗi dòng một nơi, không gồm dòng Lưu)")
    archive: str = Field("VT", description="Dòng \"Lưu:\", ví dụ \"VT, PGDĐT\"")
    signer: Signer = Field(..., description="Người ký: các dòng quyền hạn, chức vụ và họ tên")
    annex: Annex = Field(default_factory=Annex, description="Phụ lục \"Lịch trình thực hiện\"")
    criteria: str | None = Field(None, description="Bộ tiêu chí đánh giá số liệu: nd20-2014 hoặc 2025")
    templates: str | None = Field(None, description="Thư mục mẫu .docx riêng (ưu tiên hơn mẫu có sẵn)")
    calendar: CalendarSettings = Field(default_factory=CalendarSettings, description=(
        "Lịch thời hạn (.ics): mã lịch, nhắc trước hạn, lặp lại; xem docs/lich.md"))

    @field_validator("units_file", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, str) else v


def task_key(unit: str, text: str) -> str:
    """A stable id for a task that has none: derived from its owner and its words."""
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return "t-" + hashlib.sha1(f"{unit}\n{norm}".encode()).hexdigest()[:10]
