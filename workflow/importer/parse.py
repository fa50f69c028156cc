"""Recognise the parts of a Kế hoạch in a list of lines and build plan data.

The result is plain data in the shape of ``config/plans/*.yaml`` (the :class:`Plan` schema)
plus comments keyed by field path for everything the importer is not sure of. Nothing is
dropped: a line that fits nowhere is kept as a paragraph with a comment, a table that is
no task table as comment lines.

Header, preamble, sections and closing are read here; the tasks of the body (unit headings
in their several layouts, task tables) by :mod:`.layout` and :mod:`.tables`; ids, deadline
phrases and co-owners are settled by :func:`.tasks.assemble`.
"""

from __future__ import annotations

import re
from datetime import date as date_cls

from .draft import ROW_MARK, Draft
from .layout import Implementation, place_table, prose_block
from .source import Line
from .tables import TaskTable, read_table
from .tasks import assemble
from .units import UnitTable

__all__ = ["Draft", "ROW_MARK", "parse"]

QUOC_HIEU = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
DOC_TYPES = {"KẾ HOẠCH": "Kế hoạch", "BÁO CÁO": "Báo cáo", "CHƯƠNG TRÌNH": "Chương trình",
             "HƯỚNG DẪN": "Hướng dẫn", "THÔNG BÁO": "Thông báo", "ĐỀ ÁN": "Đề án",
             "PHƯƠNG ÁN": "Phương án"}
DEFAULT_POINTER = "Lịch trình thực hiện các nhiệm vụ có thời hạn tại Phụ lục kèm theo Kế hoạch này."
BASIS_PREFIXES = ("Căn cứ", "Thực hiện", "Theo ", "Xét ", "Thi hành")
IMPLEMENTATION_TITLES = ("TỔ CHỨC THỰC HIỆN", "PHÂN CÔNG NHIỆM VỤ", "PHÂN CÔNG THỰC HIỆN", "PHÂN CÔNG TRÁCH NHIỆM")

_NUMBER = re.compile(r"^Số\s*:?\s*(.*)$")
_DATE = re.compile(r"^(?P<place>[^,]{2,40}),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*"
                   r"năm\s*(?P<y>\d{4})?\s*$")
_ROMAN = re.compile(r"^(?P<n>[IVXL]+)\s*[.:]\s*(?P<t>.+)$")
_NUM = re.compile(r"^(?P<n>\d{1,2})\s*[.)]\s+(?P<t>.+)$")
_LETTER = re.compile(r"^(?P<n>[a-zđ])\)\s*(?P<t>.+)$")
_BULLET = re.compile(r"^[-–—•+]\s*(?P<t>.+)$")
_KEM_THEO = re.compile(r"^\(Kèm theo .*? của (?P<issuer>.+?)\)$")


def _upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and s == s.upper()


def parse(lines: list[Line], *, year: int | None = None, units: UnitTable | None = None) -> Draft:
    """Plan data for the document ``lines`` (from :func:`~workflow.importer.source.read_source`);
    ``units``: the table owners are matched in (one holding a units directory, or empty)."""
    d = Draft(data={}, units=units or UnitTable())
    d.data["_tables"] = _tables(lines)
    d.data["_schedule"] = []
    i = _header(lines, d, year)
    i = _preamble(lines, i, d)
    i = _sections(lines, i, d)
    _closing(lines, i, d)
    _implementation_section(d)
    for k in ("_tables", "_placed"):
        d.data.pop(k, None)
    assemble(d)
    return d


def _tables(lines: list[Line]) -> dict[int, TaskTable | None]:
    """Each body table of the document read as a task table (None: not one)."""
    rows: dict[int, list[Line]] = {}
    span: dict[int, list[int]] = {}  # table -> [first, last] index in lines
    for k, ln in enumerate(lines):
        if ln.where == "table" and ln.table:
            rows.setdefault(ln.table, []).append(ln)
            span.setdefault(ln.table, [k, k])[1] = k
    out: dict[int, TaskTable | None] = {}
    for n in sorted(rows):
        # a table right after a task table (nothing between: Word split it at a page) may
        # go on without repeating the header
        prev = out.get(n - 1) if n - 1 in span and span[n - 1][1] + 1 == span[n][0] else None
        out[n] = read_table(rows[n], prev)
    return out


def _table(d: Draft, ln: Line, at: tuple, *, unit: str | None = None, section: int | None = None) -> None:
    """A body table line met at ``at``: a task table is placed once (at its first row), the
    rows of any other table are kept as comments."""
    table = d.data["_tables"].get(ln.table)
    if table is None:
        keep_table(d, at, ln)
        return
    placed = d.data.setdefault("_placed", set())
    if ln.table in placed:
        return
    placed.add(ln.table)
    if table.kehoach_annex and any("task" in b for p in d.data.get("implementation", ()) for b in p["content"]):
        d.data["_schedule"].extend(table.tasks)  # the annex of a plan kehoach printed: details of its tasks
        d.layout("phụ lục lịch trình").rows += len(table.tasks)
        return
    if section is not None:
        d.data.setdefault("_table_section", section)
    place_table(d, table, at=at, unit=unit)


# --- header --------------------------------------------------------------------------------

def _header(lines: list[Line], d: Draft, year: int | None) -> int:
    doc: dict = {}
    bodies: list[Line] = []
    d.data["document"] = doc
    type_at = None
    for i, ln in enumerate(lines):
        t = ln.text
        up = t.upper()
        if up in DOC_TYPES or any(up.startswith(k + " ") and t.startswith(k) for k in DOC_TYPES):
            type_at = i
            break
        if i > 40:
            break
    if type_at is None:
        d.note(("document", "type"), "không thấy dòng tên loại văn bản (\"KẾ HOẠCH\"): coi là Kế hoạch")
        type_at = -1
    number = date = None
    for ln in lines[:max(type_at, 0)]:
        t = ln.text
        if t.upper() in QUOC_HIEU or t.replace("–", "-").lower() == "độc lập - tự do - hạnh phúc":
            continue
        m = _NUMBER.match(t)
        if m and number is None:
            number = m.group(1)
            continue
        m = _DATE.match(t)
        if m and date is None:
            date = m
            continue
        if _upper(t):
            bodies.append(ln)
        else:
            d.note(("document",), f"dòng ở phần đầu không nhận ra, chưa dùng: \"{t}\" ({ln.ref})")
    _bodies(bodies, d)
    doc["type"] = "Kế hoạch"
    title_lines: list[str] = []
    if type_at >= 0:
        tl = lines[type_at].text
        for k, v in DOC_TYPES.items():
            if tl.upper().startswith(k):
                doc["type"] = v
                rest = tl[len(k):].strip()
                if rest:
                    title_lines.append(rest)
    _number(number, d)
    i = type_at + 1
    if not title_lines and i < len(lines):
        title_lines.append(lines[i].text)
        first_bold = lines[i].bold
        i += 1
        while (i < len(lines) and first_bold and lines[i].bold and not _ROMAN.match(lines[i].text)
               and not lines[i].text.startswith(BASIS_PREFIXES)):
            title_lines.append(lines[i].text)
            i += 1
    doc["title"] = " ".join(title_lines) or "(chưa có trích yếu)"
    _date(date, d, year)
    if not title_lines:
        d.note(("document", "title"), "không thấy trích yếu (dòng dưới tên loại): hãy điền")
    doc.setdefault("issuing_body", "")
    return i


def _bodies(bodies: list[Line], d: Draft) -> None:
    doc = d.data["document"]
    if not bodies:
        return
    texts = [b.text for b in bodies]
    if len(texts) >= 2 and any(b.bold for b in bodies) and not all(b.bold for b in bodies):
        doc["parent_body"] = " ".join(b.text for b in bodies if not b.bold)
        doc["issuing_body"] = " ".join(b.text for b in bodies if b.bold)
        return
    if len(texts) == 1:
        doc["issuing_body"] = texts[0]
        return
    if texts[0] in ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN") and texts[1].split()[0] in (
            "HUYỆN", "QUẬN", "TỈNH", "THÀNH", "THỊ", "XÃ", "PHƯỜNG"):
        doc["issuing_body"] = " ".join(texts)
        d.note(("document", "issuing_body"), "đoán: hai dòng đầu là một tên cơ quan ban hành")
        return
    doc["parent_body"] = texts[0]
    doc["issuing_body"] = " ".join(texts[1:])
    d.note(("document", "parent_body"), "đoán: dòng trên là cơ quan chủ quản, dòng dưới là cơ quan ban hành")


def _number(raw: str | None, d: Draft) -> None:
    doc = d.data["document"]
    if raw is None:
        doc["number"] = None
        doc["symbol"] = "KH"
        d.note(("document", "symbol"), "không thấy dòng \"Số: …/…\": ký hiệu tạm là KH")
        return
    if "/" in raw:
        num, sym = raw.split("/", 1)
    else:
        num, sym = "", raw
        d.note(("document", "symbol"), f"dòng số \"Số: {raw}\" không có dấu \"/\": kiểm tra ký hiệu")
    num = num.strip().strip(".…")
    doc["number"] = num or None
    sym2 = re.sub(r"\s+", "", sym)
    if sym2 != sym.strip():
        d.note(("document", "symbol"), f"đã bỏ khoảng trắng trong ký hiệu \"{sym.strip()}\"")
    doc["symbol"] = sym2 or "KH"


def _date(m, d: Draft, year: int | None) -> None:
    """Place and date from the "<địa danh>, ngày … tháng … năm …" line; the year, when the
    line lacks it, from ``year`` (--year), else the title's "năm 2025", else this year (marked)."""
    doc = d.data["document"]
    y = int(m.group("y")) if m is not None and m.group("y") else None
    if y is None and year is None:
        found = re.findall(r"\bnăm\s+(\d{4})\b", doc.get("title", ""))
        year = int(found[-1]) if found else date_cls.today().year
        d.note(("year",), f"văn bản không ghi năm ban hành: lấy năm {year} "
                          f"{'trong trích yếu' if found else 'hiện tại'}; kiểm tra (hoặc nhập lại với --year)")
    if m is None:
        doc["place"] = "(địa danh)"
        doc["date"] = {"day": None, "month": None, "year": year}
        d.note(("document", "place"), "không thấy dòng \"<địa danh>, ngày … tháng … năm …\": hãy điền")
        return
    doc["place"] = m.group("place").strip()
    doc["date"] = {"day": int(m.group("d")) if m.group("d") else None,
                   "month": int(m.group("m")) if m.group("m") else None,
                   "year": y or year}


# --- căn cứ, mở đầu ------------------------------------------------------------------------

def _preamble(lines: list[Line], i: int, d: Draft) -> int:
    basis, intro = [], []
    while i < len(lines):
        ln = lines[i]
        if ln.where == "table" and not _is_closing(ln):
            _table(d, ln, ("intro", len(intro)))
            i += 1
            continue
        if _ROMAN.match(ln.text) or ln.where != "body" or _is_closing(ln):
            break
        if not intro and (ln.text.startswith(BASIS_PREFIXES) or ln.italic):
            basis.append(ln.text)
        else:
            intro.append(ln.text)
        i += 1
    d.data["basis"] = basis
    d.data["intro"] = intro
    if not basis:
        d.note(("basis",), "không thấy căn cứ (các dòng \"Căn cứ …\", \"Thực hiện …\")")
    return i


def _is_closing(ln: Line) -> bool:
    t = ln.text
    return (ln.where == "closing" or t.startswith(("Trên đây", "Nơi nhận")) or t.endswith("./.")
            or t.rstrip(":").strip() == "Nơi nhận")


# --- sections ------------------------------------------------------------------------------

def _sections(lines: list[Line], i: int, d: Draft) -> int:
    sections: list[dict] = []
    impl: list[dict] = []
    d.data["sections"] = sections
    d.data["implementation"] = impl
    sec = None
    container = None      # the block whose content takes bullets and paragraphs
    sub = None            # an "a)" item inside an item
    reader: Implementation | None = None
    while i < len(lines):
        ln = lines[i]
        t = ln.text
        if ln.where == "table" and not _is_closing(ln):
            part = reader.part if reader is not None else None
            if part is not None:
                at: tuple = ("implementation", len(impl) - 1, "content", len(part["content"]))
            elif sec is not None:
                at = ("sections", len(sections) - 1, "content", len(sec["content"]))
            else:
                at = ("intro", len(d.data["intro"]))
            _table(d, ln, at, unit=part["unit"] if part is not None else None,
                   section=len(sections) - 1 if sec is not None else None)
            i += 1
            continue
        if ln.where != "body" or _is_closing(ln):
            break
        m = _ROMAN.match(t)
        if m and _upper(m.group("t")):
            sec = {"title": m.group("t").strip(), "content": []}
            if any(k in sec["title"] for k in IMPLEMENTATION_TITLES) and not any(
                    s.get("implementation") for s in sections):
                sec["implementation"] = True
            sections.append(sec)
            container = sub = None
            reader = Implementation(d, sec) if sec.get("implementation") else None
            i += 1
            continue
        if sec is None:  # text between intro and the first section: keep it in the intro
            d.data["intro"].append(t)
            i += 1
            continue
        if t == DEFAULT_POINTER or ("Phụ lục" in t and "kèm theo" in t.lower() and len(t) < 200):
            if t != DEFAULT_POINTER:
                d.data["annex"] = {"pointer": t}
            i += 1
            continue
        if reader is not None:
            reader.line(ln, [x for x in lines[i + 1:i + 8] if x.where == "body"])
            i += 1
            continue
        m = _NUM.match(t)
        if m:
            text = m.group("t").strip()
            if ln.bold or (len(text) <= 90 and not text.endswith((".", ";", ":", "!", "?"))):
                container = {"heading": text, "content": []}
            else:
                container = {"item": text, "content": []}
            sec["content"].append(container)
            sub = None
            i += 1
            continue
        m = _LETTER.match(t)
        if m and container is not None:
            sub = {"item": m.group("t").strip(), "content": []}
            container["content"].append(sub)
            i += 1
            continue
        block = prose_block(ln)
        target = sub if sub is not None else container
        if target is not None and ("bullet" in block or "heading" in target or ln.label):
            target["content"].append(block)
        else:
            sec["content"].append(block)
            container = sub = None
        i += 1
    if not sections:
        d.note(("sections",), "không thấy phần nào đánh số La Mã (I., II., …): toàn bộ nội dung để ở phần I")
        sections.append({"title": "NỘI DUNG", "content": []})
    return i


def _implementation_section(d: Draft) -> None:
    """Exactly one section prints the units' parts: the "TỔ CHỨC THỰC HIỆN" one, else the
    one a task table stood in (else the last), said in a comment."""
    sections = d.data["sections"]
    at = d.data.pop("_table_section", None)
    if any(s.get("implementation") for s in sections):
        return
    if not d.data["implementation"]:
        d.note(("sections",), "không thấy phần \"TỔ CHỨC THỰC HIỆN\": kế hoạch chưa có nhiệm vụ của đơn vị")
        return
    k = at if at is not None else len(sections) - 1
    sections[k]["implementation"] = True
    d.note(("sections", k, "implementation"), "văn bản không có phần \"TỔ CHỨC THỰC HIỆN\": nhiệm vụ của các đơn vị "
                                              "được in cuối phần này")


def keep_table(d: Draft, at: tuple, ln: Line) -> None:
    """A table the plan format has no place for: its rows are kept as comments at ``at``
    (the place it stood), the first row with a note saying so."""
    table = ln.ref.split(", hàng")[0]
    if not any(table in c for c in d.comments.get(at, ())):
        d.note(at, f"{table} của văn bản gốc chưa chuyển được vào kế hoạch (tệp kế hoạch chưa có bảng); "
                   "nội dung giữ lại dưới đây: hãy chép thành đoạn văn nếu cần")
    d.comments.setdefault(at, []).append(ROW_MARK + " | ".join(c for c in ln.cells if c))


# --- closing, nơi nhận, người ký -----------------------------------------------------------

def _closing(lines: list[Line], i: int, d: Draft) -> None:
    closing, recipients, signer_lines = [], [], []
    archive = None
    name = None
    state = "closing"
    tables = d.data["_tables"]
    has_tasks = any("task" in b for p in d.data["implementation"] for b in p["content"])
    # the annex kehoach prints ("Phụ lục / LỊCH TRÌNH THỰC HIỆN"): its titles are not kept
    has_schedule = has_tasks and any(t is not None and t.kehoach_annex for t in tables.values())
    after: list[Line] = []     # what follows the signature and the plan has no place for
    for ln in lines[i:]:
        t = ln.text
        if ln.where == "table":
            if tables.get(ln.table) is not None:
                _table(d, ln, ("closing", len(closing)) if state != "after" else ("signer",))
            elif state == "after":
                after.append(ln)
            else:
                keep_table(d, ("closing", len(closing)), ln)
            continue
        m = _KEM_THEO.match(t)
        if m:
            d.data.setdefault("_issuer_from_annex", m.group("issuer").strip())
            if has_schedule:
                continue
        if state == "closing" and (t.rstrip(":").strip() == "Nơi nhận" or ln.where == "closing"):
            state = "recipients"
            if t.rstrip(":").strip() == "Nơi nhận":
                continue
        if state == "closing":
            closing.append(t)
            continue
        if state == "recipients":
            m = _BULLET.match(t)
            if m:
                item = m.group("t").strip().rstrip(";.").strip()
                if item.startswith("Lưu"):
                    archive = item.split(":", 1)[-1].strip() if ":" in item else item[3:].strip()
                    state = "signer"
                else:
                    recipients.append(item)
                continue
            state = "signer"
        if state == "signer":
            if re.fullmatch(r"\(?(đã ký|ký|ký tên|ký, ghi rõ họ tên)\)?", t, re.I):
                continue
            if _upper(t) and name is None:
                signer_lines.append(t)
                continue
            if name is None:
                name = t
                state = "after"
                continue
        # after the name: the titles of kehoach's own annex, or anything else (kept)
        if has_schedule and (t.lower().startswith("phụ lục") or _upper(t)):
            continue
        after.append(ln)
    if after:
        d.note(("signer",), f"phần sau chữ ký ({after[0].ref} trở đi: phụ lục, bảng…) chưa chuyển được vào "
                            "kế hoạch; nội dung giữ lại dưới đây để tham khảo")
        d.comments[("signer",)] += [ROW_MARK + (" | ".join(c for c in ln.cells if c) if ln.cells else ln.text)
                                    for ln in after]
    d.data["closing"] = closing
    d.data["recipients"] = recipients
    if archive is None:
        archive = "VT"
        d.note(("archive",), "không thấy dòng \"- Lưu: …\": ghi tạm \"VT\"")
    d.data["archive"] = archive
    if not signer_lines:
        signer_lines = ["(CHỨC VỤ NGƯỜI KÝ)"]
        d.note(("signer",), "không thấy chức vụ người ký: hãy điền")
    d.data["signer"] = {"lines": signer_lines, "name": name or "(Họ và tên)"}
    if name is None:
        d.note(("signer",), "không thấy họ tên người ký: hãy điền")
