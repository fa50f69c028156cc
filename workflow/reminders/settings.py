"""Reminder settings: ``config/settings.yaml`` read into a typed, checked model.

The file holds no secret. The SMTP password comes only from the environment variable
``KEHOACH_SMTP_PASSWORD`` or, when the optional ``keyring`` package is installed, from the
system keyring (service ``kehoach-smtp``, user = the SMTP login). It is never written to the
ledger, a log or any output. A missing file gives the defaults (Maildir outbox, no server).
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator

from ..errors import InputError, Problem, ProblemList
from ..plan import yamlsource
from ..plan.loader import validate_model
from ..plan.models import Model

DEFAULT_SETTINGS = Path("config/settings.yaml")
PASSWORD_ENV = "KEHOACH_SMTP_PASSWORD"
KEYRING_SERVICE = "kehoach-smtp"
SECURITY = ("ssl", "starttls", "none")


class Smtp(Model):
    """The SMTP server; leave ``host`` empty to write mails into the Maildir outbox."""

    host: str | None = Field(None, description="Máy chủ SMTP; để trống: ghi thư vào hộp thư đi (Maildir)")
    port: int | None = Field(None, ge=1, le=65535, description="Cổng; mặc định 465 (ssl), 587 (starttls), 25 (none)")
    security: str = Field(
        "starttls", description="Mã hóa kết nối: ssl, starttls hoặc none (chỉ dùng với máy chủ nội bộ)")
    allow_plaintext_auth: bool = Field(False, description=(
        "Cho phép đăng nhập khi security: none (mật khẩu đi qua mạng không mã hóa); chỉ bật khi "
        "máy chủ thư ở ngay trên máy này"))
    user: str | None = Field(None, description="Tên đăng nhập; để trống nếu máy chủ không cần đăng nhập. "
                                               "Mật khẩu KHÔNG ghi ở đây: đặt biến môi trường "
                                               "KEHOACH_SMTP_PASSWORD hoặc lưu trong keyring")
    timeout_seconds: float = Field(30, gt=0, le=600, description="Chờ máy chủ tối đa (giây)")
    ca_file: str | None = Field(None, description=(
        "Tệp chứng chỉ (PEM) của máy chủ thư nội bộ dùng chứng chỉ tự ký; để trống: tin các "
        "chứng chỉ của hệ thống. Chứng chỉ của máy chủ luôn được kiểm tra với ssl và starttls"))

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, v: str | None) -> str | None:
        if v and not Path(v).is_file():
            raise ValueError(f"không tìm thấy tệp chứng chỉ '{v}'")
        return v or None

    @field_validator("security")
    @classmethod
    def _security(cls, v: str) -> str:
        if v not in SECURITY:
            raise ValueError(f"'{v}' không hợp lệ; dùng một trong: {', '.join(SECURITY)}")
        return v

    @field_validator("user")
    @classmethod
    def _no_plaintext_login(cls, v: str | None, info: ValidationInfo) -> str | None:
        # smtplib would send the login and password in the clear (AUTH PLAIN/LOGIN is only
        # base64): anyone on the network path could read them.
        if v and info.data.get("security") == "none" and not info.data.get("allow_plaintext_auth"):
            raise ValueError(
                "đăng nhập máy chủ thư qua kết nối không mã hóa (security: none) sẽ để lộ mật "
                "khẩu trên mạng; dùng security: starttls hoặc ssl, hoặc — chỉ khi máy chủ thư ở "
                "ngay trên máy này — ghi thêm allow_plaintext_auth: true trong smtp")
        return v

    @property
    def default_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class Sender(Model):
    address: str = Field("nhac-viec@localhost.localdomain", description="Địa chỉ người gửi (From)")
    name: str = Field("Nhắc việc PCGD, XMC", description="Tên người gửi hiển thị")

    @field_validator("address")
    @classmethod
    def _address(cls, v: str) -> str:
        if not re.fullmatch(r"[^@\s,;<>]+@[^@\s,;<>]+", v):
            raise ValueError(f"địa chỉ thư '{v}' không hợp lệ")
        return v


class Office(Model):
    """Who the units contact about a reminder (printed at the foot of every mail)."""

    name: str = Field("Phòng Giáo dục và Đào tạo", description="Tên cơ quan thường trực")
    phone: str | None = Field(None, description="Điện thoại liên hệ")
    email: str | None = Field(None, description="Thư liên hệ")
    person: str | None = Field(None, description="Người phụ trách")


class Retry(Model):
    first_delay_minutes: float = Field(5, gt=0, description="Gửi lỗi: thử lại sau (phút), rồi gấp đôi mỗi lần")
    max_delay_minutes: float = Field(240, gt=0, description="Khoảng chờ dài nhất giữa hai lần thử (phút)")


class Reminders(Model):
    offsets: list[int] = Field([7, 3, 1, 0], description="Nhắc trước hạn cuối bao nhiêu ngày (0 = đúng ngày hạn cuối)")
    on_start: bool = Field(True, description="Nhắc cả ngày bắt đầu của một khoảng thời gian")
    send_at: str = Field("07:30", description="Giờ gửi trong ngày, dạng HH:MM")
    late_limit_days: int = Field(2, ge=0, le=60, description=(
        "Máy tắt đúng ngày nhắc: còn gửi muộn (ghi \"gửi muộn\") trong bao nhiêu ngày; quá thì ghi là bỏ lỡ"))
    digest: bool = Field(True, description="Gộp mọi lời nhắc của một đơn vị trong ngày vào một thư")
    working_days: bool = Field(True, description=(
        "Chỉ gửi vào ngày làm việc: lời nhắc rơi vào thứ Bảy, Chủ nhật hoặc ngày lễ được gửi vào "
        "ngày làm việc liền trước (thư vẫn ghi đúng hạn cuối); false: gửi đúng ngày"))
    poll_minutes: float = Field(10, gt=0, le=1440, description=(
        "kehoach remind serve: xem lại sổ nhắc việc ít nhất mỗi bao nhiêu phút"))
    retry: Retry = Field(default_factory=Retry)

    @field_validator("offsets")
    @classmethod
    def _offsets(cls, v: list[int]) -> list[int]:
        for n in v:
            if n < 0 or n > 366:
                raise ValueError(f"số ngày nhắc trước phải từ 0 đến 366 (đang là {n})")
        return sorted(set(v), reverse=True)

    @field_validator("send_at")
    @classmethod
    def _send_at(cls, v) -> str:
        v = str(v)
        m = re.fullmatch(r"(\d{1,2}):(\d{2})", v)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError(f"giờ gửi '{v}' không hợp lệ; viết dạng HH:MM, ví dụ \"07:30\"")
        return v

    @property
    def send_time(self) -> time:
        h, m = self.send_at.split(":")
        return time(int(h), int(m))


class Web(Model):
    """``kehoach web`` as the units reach it (their pages, calendar feeds, the QR codes)."""

    public_url: str | None = Field(None, description=(
        "Địa chỉ mà các đơn vị mở được, ví dụ https://phocap.badinh.example.org (máy chủ HTTPS của "
        "cơ quan đặt trước kehoach web); để trống: liên kết trong thư nhắc dùng địa chỉ kehoach web "
        "đang chạy, công văn triển khai không in mã QR"))

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, v: str | None) -> str | None:

        if not v:
            return None
        u = urlsplit(v.strip())
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError(f"'{v}' không phải địa chỉ web (viết dạng https://ten-may.co-quan.vn)")
        if u.username or u.password or u.query or u.fragment:
            raise ValueError(f"'{v}': chỉ ghi địa chỉ gốc, không có tên đăng nhập, '?' hay '#'")
        return v.strip().rstrip("/")


class Settings(Model):
    """Everything the reminder service needs except secrets."""

    timezone: str = Field("Asia/Ho_Chi_Minh", description="Múi giờ")
    reminders: Reminders = Field(default_factory=Reminders)
    smtp: Smtp = Field(default_factory=Smtp)
    sender: Sender = Field(default_factory=Sender)
    office: Office = Field(default_factory=Office)
    web: Web = Field(default_factory=Web)
    outbox: str = Field(".kehoach/hop-thu-di", description=(
        "Hộp thư đi dạng Maildir khi không có máy chủ SMTP (đường dẫn tương đối: tính từ thư mục đang chạy)"))

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"không biết múi giờ '{v}' (ví dụ đúng: Asia/Ho_Chi_Minh)") from None
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings. ``None`` reads ``config/settings.yaml`` if present, else the defaults.

    Raises :class:`InputError` listing every problem with file, line and field.
    """
    explicit = path is not None
    p = Path(path) if explicit else DEFAULT_SETTINGS
    if not p.exists():
        if explicit:
            raise InputError(Problem(file=str(p), message="không tìm thấy tệp cấu hình"))
        return Settings()
    data, pos = yamlsource.load(p)
    if data is None:
        return Settings()
    problems = ProblemList()
    if not isinstance(data, dict):
        raise InputError(pos.problem((), "tệp cấu hình phải là một ánh xạ (khóa: giá trị)"))
    s = validate_model(Settings, data, pos, problems)
    problems.raise_if_errors()
    return s


def smtp_password(settings: Settings) -> str | None:
    """The SMTP password from the environment or the keyring; None if login is not needed.

    Raises :class:`InputError` when a login is configured but no password can be found.
    """
    user = settings.smtp.user
    if not settings.smtp.host or not user:
        return None
    pw = os.environ.get(PASSWORD_ENV)
    if pw:
        return pw
    try:
        import keyring  # optional
    except Exception:  # not installed or no backend
        keyring = None
    if keyring is not None:
        try:
            pw = keyring.get_password(KEYRING_SERVICE, user)
        except Exception:
            pw = None
        if pw:
            return pw
    raise InputError(Problem(
        file="<môi trường>", field="smtp.user",
        message=f"máy chủ SMTP cần đăng nhập '{user}' nhưng chưa có mật khẩu: đặt biến môi trường "
                f"{PASSWORD_ENV} (hoặc lưu vào keyring, dịch vụ '{KEYRING_SERVICE}')"))
