"""Units of an imported plan: ids (ASCII slugs), kinds, and groups the text names.

"Ủy ban nhân dân 14 phường" and "Các trường Mầm non, Tiểu học …" are groups; "Phòng Y tế,
Trung tâm Y tế quận" is a group of two units the text lists together.

With a units directory (``kehoach import --units FILE``), a name the text writes is first
looked up there: the same name or short name is that unit; a name that differs only in
abbreviations, accents or the locality ("Trường THCS Hòa Bình" / "Trường Trung học cơ sở
Hòa Bình", "Phòng GDĐT" / "Phòng Giáo dục và Đào tạo quận") is proposed, and the proposal is
marked for checking; anything else is a new unit declared in the plan, marked too.
"""

from __future__ import annotations

import difflib
import functools
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


# Abbreviations offices write for the words of unit names (compared after accents are removed).
_ABBR = {
    "gd&đt": "giáo dục đào tạo", "gdđt": "giáo dục đào tạo", "gd-đt": "giáo dục đào tạo",
    "ubnd": "ủy ban nhân dân", "thcs": "trung học cơ sở", "thpt": "trung học phổ thông",
    "th": "tiểu học", "mn": "mầm non", "mg": "mẫu giáo", "gdtx": "giáo dục thường xuyên",
    "gdnn": "giáo dục nghề nghiệp", "gdnn-gdtx": "giáo dục nghề nghiệp giáo dục thường xuyên",
    "tt": "trung tâm", "ttyt": "trung tâm y tế", "vhtt": "văn hóa thông tin", "khtc": "kế hoạch tài chính",
    "tckh": "tài chính kế hoạch", "lđtbxh": "lao động thương binh xã hội", "bcđ": "ban chỉ đạo",
    "pcgd": "phổ cập giáo dục", "xmc": "xóa mù chữ", "hkh": "hội khuyến học", "mttq": "mặt trận tổ quốc",
    "csgd": "cơ sở giáo dục", "ptdtbt": "phổ thông dân tộc bán trú", "ptdtnt": "phổ thông dân tộc nội trú",
}
_FILLER = {"va", "cac", "tren", "dia", "ban"}
# The level above written after a name ("Phòng GDĐT quận"): dropped to compare. Not "phường",
# "xã": in "UBND phường" the locality is the unit itself.
_KIND_ONLY = {"uy ban nhan dan", "ban chi dao", "phong", "truong", "trung tam", "hoi", "so"}
NEAR_RATIO = 0.88


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c))


@functools.lru_cache(maxsize=8192)  # the same names are compared again and again
def unit_key(name: str) -> str:
    """Comparison form of a unit name: abbreviations spelled out, accents and the small words
    ("và", "các", "trên địa bàn") dropped: 'Phòng GD&ĐT' and 'Phòng Giáo dục và Đào tạo' agree."""
    words = []
    for w in re.findall(r"[\w&-]+", unicodedata.normalize("NFC", name).lower()):
        w = w.strip("-")
        words.extend(_ABBR.get(w, w).split())
    return " ".join(x for x in (_fold(w) for w in words) if x and x not in _FILLER)


def _without_locality(key: str) -> str:
    """The key without the level above at its end; "" when only the kind of unit would be
    left ("UBND quận" and "UBND huyện" are not one unit)."""
    words = key.split()
    if words[-1:] == ["xa"] and words[-2:-1] == ["thi"]:
        words = words[:-2]
    while words and words[-1] in ("quan", "huyen", "tinh") or words[-2:] == ["thanh", "pho"]:
        words = words[:-2] if words[-2:] == ["thanh", "pho"] else words[:-1]
    bare = " ".join(words)
    return "" if len(words) < 2 or bare in _KIND_ONLY else bare


def _same(a: str, b: str) -> bool:
    return " ".join(unicodedata.normalize("NFC", a).lower().split()) == " ".join(
        unicodedata.normalize("NFC", b).lower().split())


class Directory:
    """The units of a units file, looked up by the names a document writes."""

    def __init__(self, units: dict, file: str) -> None:
        self.units = units  # id -> workflow.plan.models.Unit
        self.file = file
        self.keys = {uid: {unit_key(x) for x in (u.name, u.short) if x} for uid, u in units.items()}

    def exact(self, name: str) -> str | None:
        for uid, u in self.units.items():
            if _same(u.name, name) or (u.short and _same(u.short, name)) or _same(uid, name):
                return uid
        return None

    def near(self, name: str) -> tuple[str, list[str]] | None:
        """(best id, other ids as close) for a name written differently, or None."""
        key = unit_key(name)
        if not key:
            return None
        bare = _without_locality(key)
        for test in (lambda k: k == key,
                     lambda k: bool(bare) and _without_locality(k) == bare):
            hits = [uid for uid, ks in self.keys.items() if any(test(k) for k in ks)]
            if hits:
                return hits[0], hits[1:]
        scored = sorted(((max(difflib.SequenceMatcher(None, key, k).ratio() for k in ks), uid)
                         for uid, ks in self.keys.items() if ks), reverse=True)
        if scored and scored[0][0] >= NEAR_RATIO:
            return scored[0][1], [uid for r, uid in scored[1:3] if r >= NEAR_RATIO]
        return None


_PROSE_END = re.compile(r"\s+(?:có|để|tổ chức|thực hiện|triển khai|trong|về|tuyên truyền|xây dựng|rà soát|"
                        r"kiểm tra|hướng dẫn|tham mưu|tập huấn|điều tra|theo dõi|đôn đốc|vận động|chỉ đạo|"
                        r"tổng hợp|báo cáo|nhằm|làm|cùng|thường xuyên|tiếp tục|phát huy|nắm bắt|đảm bảo|"
                        r"bảo đảm|quản lý|cung cấp|huy động|duy trì|đẩy mạnh|tăng cường|giải quyết|lập|"
                        r"cập nhật|thống kê|tập hợp|ban hành|đề xuất|trình|mở|đưa|giúp|cử|phân công)\b.*$")
MAX_NAME_WORDS = 10


def co_owner_names(text: str, table: UnitTable, *, prose: bool = False) -> list[str]:
    """The unit names in a "phối hợp" cell or line ("Phòng Y tế, Trung tâm Y tế quận", "Các
    trường MN, TH, THCS" stays one). With ``prose`` (the words after "phối hợp với" in a
    sentence) each name ends before the verb that follows it, and the list at the first
    piece that names no unit."""
    out: list[str] = []
    for raw in re.split(r"[,;\n]|\s+và\s+(?=(?:các\s+)?[A-ZĐỦ])", text):
        piece = raw.strip(" .:-")
        if not piece:
            continue
        if prose:
            known = table.known_prefix(piece)
            piece = known or _PROSE_END.sub("", piece).strip()
            if not known and len(piece.split()) > MAX_NAME_WORDS:
                break
        starts = _starts_with_unit(piece[:1].upper() + piece[1:]) or table.find(piece) is not None
        if not starts:
            if prose:
                break
            if out:  # "TH" after "Các trường MN": part of the name before it
                out[-1] = f"{out[-1]}, {piece}"
            continue
        out.append(piece)
    return out


@dataclass
class UnitDraft:
    uid: str
    name: str
    kind: str
    short: str | None = None
    members: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    listed: bool = False            # a unit of the units directory: not declared in the plan
    written: list[str] = field(default_factory=list)  # names the text wrote for it, when not its own

    def as_data(self) -> dict:
        d: dict = {"name": self.name}
        if self.short and self.short != self.name:
            d["short"] = self.short
        d["kind"] = self.kind
        if self.members:
            d["members"] = list(self.members)
        return d


class UnitTable:
    """Every unit the import has met, by id, in the order met; with a :class:`Directory`,
    the directory's units are preferred (see the module docstring)."""

    def __init__(self, directory: Directory | None = None) -> None:
        self.units: dict[str, UnitDraft] = {}
        self.by_name: dict[str, str] = {}
        self.directory = directory

    def _new_id(self, base: str) -> str:
        uid, n = base, 2
        taken = self.directory.units if self.directory else {}
        while uid in self.units or uid in taken:
            uid, n = f"{base}-{n}", n + 1
        return uid

    def _listed(self, uid: str, written: str | None = None, others: list[str] = ()) -> UnitDraft:
        u = self.units.get(uid)
        if u is None:
            du = self.directory.units[uid]
            u = UnitDraft(uid=uid, name=du.name, kind=du.kind or "co-quan", short=du.short, listed=True,
                          members=list(du.members))
            self.units[uid] = u
        if written is not None:
            self.by_name[written.lower()] = uid
            if not _same(written, u.name) and not (u.short and _same(written, u.short)) and written not in u.written:
                u.written.append(written)
                if others:
                    u.comments.append("cũng gần: " + ", ".join(others))
        return u

    def proposals(self) -> dict[str, str]:
        """Directory unit id -> what to check: the names the text wrote for it."""
        out = {}
        for uid, u in self.units.items():
            if u.listed and u.written:
                names = ", ".join(f"\"{w}\"" for w in u.written)
                also = f" ({'; '.join(u.comments)})" if u.comments else ""
                out[uid] = (f"văn bản ghi {names}: đoán là \"{u.name}\" (mã {uid}) trong danh mục "
                            f"{self.directory.file}{also}; kiểm tra")
        return out

    def find(self, name_or_label: str) -> str | None:
        key = name_or_label.strip().lower()
        if key in self.by_name:
            return self.by_name[key]
        for uid, u in self.units.items():
            if u.short and u.short.lower() == key:
                return uid
        if self.directory is not None:
            uid = self.directory.exact(name_or_label)
            if uid is not None:
                return self._listed(uid, name_or_label.strip()).uid
        return None

    def _same_key(self, name: str) -> str | None:
        """A unit met before whose name agrees with ``name`` up to abbreviations, accents
        and the locality ("Phòng GDĐT" and "Phòng Giáo dục và Đào tạo quận")."""
        key = unit_key(name)
        bare = _without_locality(key)
        for uid, u in self.units.items():
            for x in (u.name, u.short):
                if x and (unit_key(x) == key or _without_locality(unit_key(x)) == bare) and bare:
                    return uid
        return None

    def known_prefix(self, text: str) -> str | None:
        """The longest first words of ``text`` that name a unit met before or listed in the
        directory ("Phòng GDĐT quận" of "Phòng GDĐT quận tập huấn …")."""
        words = text.split()
        for k in range(min(len(words), MAX_NAME_WORDS + 2), 0, -1):
            cand = " ".join(words[:k]).rstrip(",;:")
            if self.find(cand) or self._same_key(cand) or (
                    self.directory is not None and self.directory.near(cand) is not None and k >= 2):
                return cand
        return None

    def add(self, name: str, *, short: str | None = None, kind: str | None = None) -> UnitDraft:
        uid = self.find(name)
        if uid:
            return self.units[uid]
        if self.directory is not None:
            near = self.directory.near(name)
            if near is not None:
                return self._listed(near[0], name.strip(), near[1])
        uid = self._same_key(name)
        if uid is not None:
            u = self.units[uid]
            self.by_name[name.strip().lower()] = uid
            if not u.listed and name.strip() not in u.written:
                u.written.append(name.strip())
                u.comments.append(f"văn bản còn ghi \"{name.strip()}\" cho đơn vị này: kiểm tra đúng là một đơn vị")
            return u
        base = slug(re.sub(r"\s+trên địa bàn.*$", "", name, flags=re.I), 32)
        u = UnitDraft(uid=self._new_id(base), name=name, kind=kind or kind_of(name), short=short)
        self.units[u.uid] = u
        self.by_name[name.lower()] = u.uid
        if self.directory is not None:
            u.comments.append(f"không có trong danh mục {self.directory.file}: thêm vào danh mục (rồi xóa ở đây) "
                              "hoặc sửa thành mã một đơn vị có sẵn")
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
        if unit.listed:
            return unit, keep or (name if not _same(name, unit.name) else None)
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
