"""Units of an imported plan: ids (ASCII slugs), kinds, and groups the text names.

"Ủy ban nhân dân 14 phường" and "Các trường Mầm non, Tiểu học …" are groups; "Phòng Y tế,
Trung tâm Y tế quận" is a group of two units the text lists together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_UNIT_WORDS = ("Phòng", "Ủy ban", "Uỷ ban", "UBND", "Hội", "Trường", "Các trường", "Chi cục",
               "Trung tâm", "Sở", "Ban", "Công an", "Đoàn", "Liên đoàn", "Mặt trận", "Văn phòng",
               "Bệnh viện", "Đài", "Kho bạc", "Bảo hiểm", "Cục", "Viện")
_LOCALITY = ("quận", "huyện", "thị xã", "thành phố", "tỉnh", "phường", "xã", "thị trấn")
_GROUP_RE = re.compile(r"\b(\d+|các)\s+(phường|xã|thị trấn|trường|đơn vị|phòng|cơ sở)", re.I)


def slug(text: str, limit: int = 40) -> str:
    """ASCII id: 'Phòng Giáo dục và Đào tạo quận' -> 'phong-giao-duc-va-dao-tao-quan'."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s


def initials(text: str, limit: int = 6) -> str:
    words = [w for w in slug(text, 200).split("-") if w and w not in ("va", "cac", "tren", "dia", "ban")]
    return "".join(w[0] for w in words)[:limit] or "dv"


def kind_of(name: str) -> str:
    low = name.lower()
    if low.startswith(("ban chỉ đạo", "bcđ")):
        return "ban-chi-dao"
    if low.startswith("các trường"):
        return "nhom-truong"
    if _GROUP_RE.search(name):
        return "nhom"
    for prefix, kind in (("phòng", "phong"), ("ủy ban", "ubnd"), ("uỷ ban", "ubnd"), ("ubnd", "ubnd"),
                         ("hội", "hoi"), ("trường", "truong"), ("sở", "so")):
        if low.startswith(prefix):
            return kind
    return "co-quan"


def _starts_with_unit(part: str) -> bool:
    return part.startswith(_UNIT_WORDS)


@dataclass
class UnitDraft:
    uid: str
    name: str
    kind: str
    short: str | None = None
    members: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        d: dict = {"name": self.name}
        if self.short and self.short != self.name:
            d["short"] = self.short
        d["kind"] = self.kind
        if self.members:
            d["members"] = list(self.members)
        return d


class UnitTable:
    """Every unit the import has met, by id, in the order met."""

    def __init__(self) -> None:
        self.units: dict[str, UnitDraft] = {}
        self.by_name: dict[str, str] = {}

    def _new_id(self, base: str) -> str:
        uid, n = base, 2
        while uid in self.units:
            uid, n = f"{base}-{n}", n + 1
        return uid

    def find(self, name_or_label: str) -> str | None:
        key = name_or_label.strip().lower()
        if key in self.by_name:
            return self.by_name[key]
        for uid, u in self.units.items():
            if u.short and u.short.lower() == key:
                return uid
        return None

    def add(self, name: str, *, short: str | None = None, kind: str | None = None) -> UnitDraft:
        uid = self.find(name)
        if uid:
            return self.units[uid]
        base = slug(re.sub(r"\s+trên địa bàn.*$", "", name, flags=re.I), 32)
        u = UnitDraft(uid=self._new_id(base), name=name, kind=kind or kind_of(name), short=short)
        self.units[u.uid] = u
        self.by_name[name.lower()] = u.uid
        return u

    def owner(self, heading: str) -> tuple[UnitDraft, str | None]:
        """The unit a part heading names, and the heading to keep when it says more than the
        name ("Phòng GDĐT quận - Thường trực công tác …")."""
        name, keep = heading, None
        if " - " in heading:
            head = heading.split(" - ", 1)[0].strip()
            if _starts_with_unit(head) and len(head) >= 8:
                name, keep = head, heading
        unit = self.add(name)
        if unit.kind == "nhom" and not unit.members and not unit.comments:
            unit.comments.append(
                f"nhóm đơn vị theo văn bản (\"{name}\"): thêm mã các đơn vị thành viên vào members "
                "để nhắc việc tới từng đơn vị")
        parts = [p.strip() for p in name.split(", ")]
        if len(parts) > 1 and all(_starts_with_unit(p) for p in parts) and not unit.members:
            unit.kind = "nhom"
            tail = parts[-1].split()[-1] if parts[-1].split() else ""
            for p in parts:
                if tail in _LOCALITY and not p.endswith(tail) and not p.lower().startswith("các"):
                    p = f"{p} {tail}"
                member = self.add(p)
                unit.members.append(member.uid)
            unit.comments.append("văn bản ghi nhiều đơn vị cùng chủ trì: tạo nhóm gồm các đơn vị đó; kiểm tra lại")
        return unit, keep
