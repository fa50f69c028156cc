"""Tasks in the body of a Kế hoạch: unit headings with the tasks under them, the lines that
qualify a task ("Thời gian thực hiện: …", "Phối hợp: …"), and task tables put in place.

Unit headings come in several layouts, one per section as a rule: "1. Phòng …" (the
sample), "a) Trường …", "- Trường THCS …:", or a bold line naming a unit. The marker the
first unit heading uses fixes the layout; a marker of a higher rank that names no unit
("1. Cấp huyện" above "a) Phòng …") is a group heading, kept as a comment; a marker of a
lower rank is a task. Every paragraph is counted for the summary of its layout.
"""

from __future__ import annotations

import re

from ..plan.timephrase import find_phrases
from .draft import BOLD_LAYOUT, DASH_LAYOUT, LETTER_LAYOUT, SAMPLE_LAYOUT, TABLE_LAYOUT, Draft
from .source import Line
from .tables import TaskTable

_NUM = re.compile(r"^(?P<n>\d{1,2})\s*[.)]\s+(?P<t>.+)$")
_LETTER = re.compile(r"^(?P<n>[a-zđ])\)\s*(?P<t>.+)$")
_DASH = re.compile(r"^[-–—•]\s*(?P<t>.+)$")
_PLUS = re.compile(r"^[+*]\s*(?P<t>.+)$")
_BULLET = re.compile(r"^[-–—•+]\s*(?P<t>.+)$")
RANK = {"num": 4, "bold": 3, "letter": 2, "dash": 1, "plus": 0}
LAYOUT_OF = {"num": SAMPLE_LAYOUT, "letter": LETTER_LAYOUT, "dash": DASH_LAYOUT, "bold": BOLD_LAYOUT}

_ATTR = re.compile(
    r"^(?:[-–—•+*]\s*)?(?P<key>(?:thời gian|thời hạn|tiến độ)(?: thực hiện| hoàn thành| báo cáo)?"
    r"|(?:đơn vị |cơ quan )?phối hợp(?: thực hiện)?|(?:đơn vị |cơ quan )?chủ trì(?: thực hiện)?"
    r"|đơn vị thực hiện|ghi chú|sản phẩm|kết quả(?: cần đạt)?)\s*:\s*(?P<v>.+)$", re.I)
_UNIT_START = re.compile(
    r"^(?:Các\s+|các\s+)?(?:Phòng|Ủy ban|Uỷ ban|UBND|Hội|Trường|Chi cục|Trung tâm|TTYT|Sở|Công an|Đoàn"
    r"|Liên đoàn|Mặt trận|MTTQ|Văn phòng|Bệnh viện|Đài|Kho bạc|Bảo hiểm|Cục|Viện|Nhà trường|Cơ sở giáo dục"
    r"|CSGD|Đơn vị|đơn vị|trường|phòng|Tổ (?:công tác|chuyên môn|phổ cập)|Bộ phận|BCĐ|Thường trực"
    r"|Ban (?:Chỉ đạo|chỉ đạo|Giám hiệu|giám hiệu|Thường vụ|Tuyên giáo|Dân vận|Đại diện|đại diện"
    r"|Văn hóa|Văn hoá|Pháp chế|Kinh tế))(?=\s|,|:|$)")
_ROLE_LEAD = re.compile(r"^(?:trách nhiệm của|nhiệm vụ của|đối với|giao cho)\s+", re.I)


def marker(text: str, bold: bool) -> tuple[str, str]:
    """(kind, text after the marker): num, letter, dash, plus, bold (a whole bold line
    without a marker) or plain."""
    for kind, rx in (("num", _NUM), ("letter", _LETTER), ("dash", _DASH), ("plus", _PLUS)):
        m = rx.match(text)
        if m:
            return kind, m.group("t").strip()
    return ("bold" if bold else "plain"), text


def unit_heading(text: str, kind: str) -> tuple[str, str] | None:
    """(unit name, rest) when ``text`` (after its marker) names a unit as a heading does:
    "Phòng GDĐT", "Trách nhiệm của các trường:", "UBND các xã: rà soát …" (rest: the task
    written on the heading's line). A dash line needs its colon ("- Trường THCS A:")."""
    t = text.strip()
    rest = ""
    if ": " in t and not t.endswith(":"):
        t, rest = (x.strip() for x in t.split(": ", 1))
    elif kind == "dash" and not t.endswith(":"):
        return None
    t = _ROLE_LEAD.sub("", t.rstrip(":").strip())
    t = t[:1].upper() + t[1:]
    if not t or len(t) > 160 or t.endswith((".", ";")) or not _UNIT_START.match(t):
        return None
    if len(t.split()) > 25:
        return None

    if find_phrases(t):  # a sentence with a deadline is a task, not a heading
        return None
    return t, rest


def attribute(ln: Line) -> tuple[str, str] | None:
    """("time" | "co" | "owner" | "note:<key>", value) for a line qualifying the task above it."""
    text = f"{ln.label} {ln.text}" if ln.label else ln.text
    m = _ATTR.match(text)
    if not m:
        return None
    key = m.group("key").lower()
    value = m.group("v").strip().rstrip(".;").strip()
    if not value:
        return None
    if key.startswith(("thời gian", "thời hạn", "tiến độ")):
        return "time", value
    if "phối hợp" in key:
        return "co", value
    if "chủ trì" in key or key == "đơn vị thực hiện":
        return "owner", value
    return "note:" + m.group("key"), value


class Implementation:
    """Reads the paragraphs of the "TỔ CHỨC THỰC HIỆN" section, one at a time."""

    def __init__(self, d: Draft, section: dict) -> None:
        self.d = d
        self.section = section
        self.style: str | None = None      # marker of this section's unit headings
        self.part: dict | None = None
        self.layout = SAMPLE_LAYOUT
        self.last: tuple[int, int] | None = None  # the task the next qualifying line belongs to
        self.groups: list[str] = []

    @property
    def impl(self) -> list[dict]:
        return self.d.data["implementation"]

    def line(self, ln: Line, ahead: list[Line]) -> None:
        kind, text = marker(ln.text, ln.bold and not ln.label)
        found = unit_heading(text, kind) if kind != "plain" else None
        if self.part is not None and self._qualifies(ln):
            return
        if self.style is None:
            if kind == "num" and found is None and self._units_follow(ahead):
                self._group(ln)
                return
            if kind == "num" or (found is not None and kind in ("letter", "dash", "bold")):
                self.style = kind
                self._heading(ln, text, found, kind)
                return
        elif kind == self.style and (found is not None or kind == "num"):
            self._heading(ln, text, found, kind)
            return
        elif kind in RANK and RANK[kind] > RANK.get(self.style, 0) and (found is not None or kind != "bold"):
            if found is not None:
                self._heading(ln, text, found, kind)
            else:  # "1. Cấp trường" above "a) …" units; a bold sentence stays a task
                self._group(ln)
            return
        if self.part is None:
            self.section["content"].append(prose_block(ln))
            return
        self._content(ln)

    def _units_follow(self, ahead: list[Line]) -> bool:
        for nxt in ahead:
            kind, text = marker(nxt.text, nxt.bold)
            if kind == "num":
                return False
            if kind in ("letter", "dash", "bold") and unit_heading(text, kind) is not None:
                return True
        return False

    def _group(self, ln: Line) -> None:
        self.groups.append(f"{ln.text} ({ln.ref})")
        self.part = None
        self.last = None

    def _heading(self, ln: Line, text: str, found, kind: str) -> None:
        d = self.d
        name, rest = found if found is not None else (text.strip(), "")
        unit, keep = d.units.owner(name)
        self.part = {"unit": unit.uid, "content": []}
        if keep:
            self.part["heading"] = keep
        self.impl.append(self.part)
        at = ("implementation", len(self.impl) - 1)
        for g in self.groups:
            d.note(at, f"đề mục \"{g}\" gom các đơn vị dưới đây; tệp kế hoạch không có chỗ cho nó: giữ lại để tham khảo")
        self.groups = []
        self.layout = LAYOUT_OF[kind]
        d.layout(self.layout).units.add(unit.uid)
        self.last = None
        if found is None and name.endswith((".", ";")):
            d.note(at + ("unit",), "dòng đánh số này được coi là tên đơn vị; nếu là một nhiệm vụ, hãy chuyển nó vào nội dung")
        if rest:
            self._task(rest, style=None, ref=ln.ref)

    def _qualifies(self, ln: Line) -> bool:
        """A "Thời gian: …", "Phối hợp: …", "Chủ trì: …" line: it goes with the task above."""
        attr = attribute(ln)
        if attr is None or self.last is None:
            return False
        key, value = attr
        pi, bi = self.last
        b = self.impl[pi]["content"][bi]
        path = ("implementation", pi, "content", bi)
        self.d.layout(b.get("_layout", self.layout)).rows += 1
        if key == "time":
            b.setdefault("_when", []).append(value)
        elif key == "co":
            b["_co"] = f"{b['_co']}, {value}" if b.get("_co") else value
        elif key == "owner":
            unit, _ = self.d.units.owner(value)
            if unit.uid != self.impl[pi]["unit"]:
                self.impl[pi]["content"].pop(bi)
                npi, part = self.d.part_for(unit.uid)
                part["content"].append(b)
                self.last = (npi, len(part["content"]) - 1)
                self.d.layout(b.get("_layout", self.layout)).units.add(unit.uid)
                self.d.note(("implementation", npi, "content", self.last[1]),
                            f"dòng \"{ln.text}\" ({ln.ref}): nhiệm vụ chuyển sang phần của đơn vị này")
        else:
            self.d.keep(path, f"{key[5:]}: {value}")
        return True

    def _content(self, ln: Line) -> None:
        d = self.d
        d.layout(self.layout).rows += 1
        if ln.label:
            self.part["content"].append({"note": ln.text, "label": ln.label})
            self.last = None
            return
        m = _BULLET.match(ln.text)
        self._task(m.group("t").strip() if m else ln.text, style=None if m else "paragraph", ref=ln.ref,
                   count=False)

    def _task(self, text: str, *, style: str | None, ref: str, count: bool = True) -> None:
        task = {"task": text, "_layout": self.layout}
        if style:
            task["style"] = style
        if count:
            self.d.layout(self.layout).rows += 1
        self.part["content"].append(task)
        self.last = (len(self.impl) - 1, len(self.part["content"]) - 1)


def prose_block(ln: Line) -> dict:
    if ln.label:
        return {"note": ln.text, "label": ln.label}
    m = _BULLET.match(ln.text)
    if m:
        return {"bullet": m.group("t").strip()}
    return {"p": ln.text}


def place_table(d: Draft, table: TaskTable, *, at: tuple, unit: str | None = None) -> None:
    """Each row of a task table becomes a task of its owner's part (made when missing);
    group headings, notes and rows not understood are kept as comments by the task they
    precede (or at ``at``, where the table stood). ``unit``: the owner of rows whose table
    has no owner column (the part the table stands in)."""
    lay = d.layout(TABLE_LAYOUT)
    lay.rows += table.rows
    cols = "; ".join(f"{table.labels[k]} → {_ROLE_NAMES[r]}" for k, r in sorted(table.roles.items()) if r != "no")
    d.note(at, f"{table.ref}: bảng nhiệm vụ ({table.rows} hàng; cột {cols}) đã chuyển thành nhiệm vụ của từng "
               "đơn vị, in trong phần TỔ CHỨC THỰC HIỆN (tệp kế hoạch không có bảng)")
    pending: list[str] = []
    for item in table.items:
        if isinstance(item, tuple) and item[0] == "group":
            pending.append(f"{item[1]} ({item[2]})")
            continue
        if isinstance(item, tuple):
            _, ln, reason = item
            d.note(at, f"{ln.ref}: {reason}, chưa chuyển được: giữ lại dưới đây")
            d.keep(at, " | ".join(c for c in ln.cells if c))
            continue
        row = item
        if row.owner:
            u, _ = d.units.owner(_clean_unit(row.owner))
            uid = u.uid
        elif unit is not None:
            uid = unit
        else:
            u = d.units.add("(Chưa rõ đơn vị chủ trì)", kind="co-quan")
            uid = u.uid
        pi, part = d.part_for(uid)
        block: dict = {"task": row.content, "_layout": TABLE_LAYOUT}
        if row.time:
            block["_when"] = [row.time]
        if row.co:
            block["_co"] = row.co
        part["content"].append(block)
        path = ("implementation", pi, "content", len(part["content"]) - 1)
        lay.units.add(uid)
        for g in pending:
            d.keep(path, f"nhóm trong bảng: {g}")
        pending = []
        for n in row.notes:
            d.keep(path, n)
        if not row.owner and unit is None:
            d.note(path, f"{row.ref}: hàng không ghi đơn vị chủ trì: hãy chọn đơn vị")
        if row.owner_inherited:
            d.note(path, f"{row.ref}: ô đơn vị để trống, lấy đơn vị của hàng trên (\"{row.owner}\"): kiểm tra")
        if row.merged:
            d.note(path, f"ô nội dung gộp các hàng {', '.join([row.ref, *row.merged])}: đọc thành một nhiệm vụ")
    for g in pending:
        d.keep(at, f"nhóm trong bảng: {g}")


_ROLE_NAMES = {"content": "nội dung", "time": "thời hạn", "owner": "đơn vị chủ trì", "co": "phối hợp",
               "note": "ghi chú"}


def _clean_unit(text: str) -> str:
    """'Phòng GDĐT (chủ trì)' -> 'Phòng GDĐT'."""
    text = re.sub(r"\s*\((?:chủ trì|cơ quan chủ trì|thường trực)\)", "", text, flags=re.I)
    return text.strip(" :;.,")
