"""Read a Kế hoạch from Word (.docx) or plain text (.txt) into a flat list of lines.

Each :class:`Line` is one paragraph of the original with a few layout hints (bold, italic,
where it stood: header table, closing table, schedule annex). The structure (sections,
units, tasks) is recognised later by :mod:`workflow.importer.parse`; nothing here guesses
meaning beyond joining paragraphs that a copy-paste broke in the middle of a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Line:
    text: str                      # whitespace-normalised, markdown '*' removed
    where: str = "body"            # body | header | closing | schedule | table
    bold: bool = False             # the whole paragraph is bold
    italic: bool = False
    label: str | None = None       # a bold lead-in ending with ':' ("Kinh phí:")
    cells: list[str] = field(default_factory=list)  # schedule/table rows: cell texts
    cell_bold: list[bool] = field(default_factory=list)  # tab-separated paragraphs: each piece bold
    ref: str = ""                  # where in the original: "dòng 57" / "đoạn 57"


def clean(text: str) -> str:
    """NFC, one space between words, no markdown emphasis marks."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = text.replace("**", "")
    return " ".join(text.split())


def read_source(path: str | Path) -> list[Line]:
    """Lines of the document at ``path``. Raises :class:`InputError` if it cannot be read."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError(Problem(file=name, message="không tìm thấy tệp"))
    if path.is_dir():
        raise InputError(Problem(file=name, message="đây là thư mục, không phải văn bản"))
    if path.stat().st_size > MAX_BYTES:
        raise InputError(Problem(file=name, message=f"tệp quá lớn (tối đa {MAX_BYTES // 1024 // 1024} MB)"))
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix in (".txt", ".md", ""):
        return _read_text(path)
    if suffix == ".doc":
        raise InputError(Problem(file=name, message=(
            "tệp .doc (Word 97-2003) chưa đọc được; hãy mở bằng Word hoặc LibreOffice và lưu lại "
            "dạng .docx, hoặc chuyển: soffice --headless --convert-to docx " + name)))
    raise InputError(Problem(file=name, message=f"không đọc được loại tệp '{suffix}'; dùng .docx hoặc .txt"))


# --- plain text --------------------------------------------------------------------------

_BULLET_MD = re.compile(r"^\*\s+(?=\*\*)")   # "* **Kinh phí:** …" (markdown list item)
_LABEL_MD = re.compile(r"^\*\*([^*]{1,40}?:)\s*\*\*\s*(.*)$")


def _read_text(path: Path) -> list[Line]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(Problem(file=str(path), line=line,
                                 message="tệp không phải UTF-8; hãy lưu lại với mã hóa UTF-8")) from None
    out: list[Line] = []
    for no, rawline in enumerate(text.splitlines(), start=1):
        s = unicodedata.normalize("NFC", rawline).replace("\u00a0", " ").strip()
        if not s:
            continue
        label = None
        s = _BULLET_MD.sub("", s)
        m = _LABEL_MD.match(s)
        if m:
            label, s = m.group(1).strip(), m.group(2)
        if "\t" in s:
            cells = [clean(c) for c in s.split("\t")]
            filled = [c for c in cells if c]
            # "-<tab>text" and "1.<tab>text" are list items copied from Word, not table rows
            where = "body" if len(filled) < 2 or _LIST_MARK.match(filled[0]) else "table"
            out.append(Line(text=clean(s.replace("\t", " ")), where=where, cells=cells, ref=f"dòng {no}"))
            continue
        out.append(Line(text=clean(s), label=label, ref=f"dòng {no}"))
    return join_broken(header_columns(out))


_END = tuple(".;:!?)”\"…/")
_LIST_MARK = re.compile(r"^(?:[-–—•+*]|\d{1,2}[.)]|[a-zđ]\)|[IVXL]+\.)$")
_HEADER_MARK = re.compile(r"CỘNG HÒA|CỘNG HOÀ|^ĐỘC LẬP|^SỐ\s*[:\d/.…]")


def header_columns(lines: list[Line]) -> list[Line]:
    """The two-column header typed with tabs instead of a table ("UBND QUẬN …<tab>CỘNG HÒA …",
    "Số: …<tab>Ba Đình, ngày …"): each run of such lines near the top becomes its left column
    top to bottom, then its right column, as a header table is read."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and j < 20 and len(lines[j].cells) >= 2:
            j += 1
        block = lines[i:j]
        if not block or not any(_HEADER_MARK.search(c.upper()) for ln in block for c in ln.cells):
            out.append(lines[i])
            i += 1
            continue
        for col in (0, 1):
            for ln in block:
                cells = ln.cells
                text = cells[0] if col == 0 else " ".join(c for c in cells[1:] if c)
                bold = ln.cell_bold[0] if col == 0 and ln.cell_bold else (
                    all(b for c, b in zip(cells[1:], ln.cell_bold[1:]) if c) if ln.cell_bold else ln.bold)
                if text:
                    out.append(Line(text=text, where="header", bold=bold, ref=ln.ref))
        i = j
    return out


def join_broken(lines: list[Line]) -> list[Line]:
    """Join a paragraph cut in the middle of a sentence: no closing punctuation, and the next
    paragraph starts with a lower-case letter ("Tự đánh giá từ" + "tháng 6/2024; …")."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.where == ln.where == "body" and not prev.cells
                and prev.text and not prev.text.endswith(_END)
                and ln.text[:1].islower() and not ln.label):
            prev.text = f"{prev.text} {ln.text}"
            continue
        out.append(ln)
    return out


# --- Word --------------------------------------------------------------------------------

def _read_docx(path: Path) -> list[Line]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(str(path))
    except PackageNotFoundError:
        raise InputError(Problem(file=str(path), message="không mở được tệp Word (không phải tệp .docx hợp lệ)")) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(Problem(file=str(path), message=f"không mở được tệp Word ({e})")) from None
    out: list[Line] = []
    numbering = _Numbering(doc)
    n = 0
    for el in doc.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            n += 1
            para = Paragraph(el, doc)
            ln = _para_line(para, f"đoạn {n}")
            if ln is not None:
                prefix = numbering.prefix(para)
                if prefix:  # Word's automatic "1." / "a)" / "-": not part of the text
                    ln.text = f"{prefix} {ln.text}"
                out.append(ln)
        elif tag == "tbl":
            n += 1
            out.extend(_table_lines(Table(el, doc), f"bảng ở đoạn {n}", _para_line))
    return join_broken(header_columns(out))


def _para_line(p, ref: str, where: str = "body") -> Line | None:
    raw = p.text
    text = clean(raw)
    if not text:
        return None
    runs = [r for r in p.runs if r.text.strip()]
    style_bold = _style_flag(p, "bold")
    style_italic = _style_flag(p, "italic")

    def is_bold(r):
        return r.bold if r.bold is not None else style_bold

    bold = bool(runs) and all(is_bold(r) for r in runs)
    italic = bool(runs) and all((r.italic if r.italic is not None else style_italic) for r in runs)
    if "\t" in raw.strip():  # pieces typed apart with tabs (a header without a table)
        pieces: list[list] = [[]]
        for r in p.runs:
            for k, part in enumerate(r.text.split("\t")):
                if k:
                    pieces.append([])
                pieces[-1].append((part, is_bold(r)))
        cells = [clean("".join(t for t, _ in pc)) for pc in pieces]
        cell_bold = [bool(pc) and all(b for t, b in pc if t.strip()) for pc in pieces]
        return Line(text=text, where=where, bold=bold, italic=italic, ref=ref, cells=cells, cell_bold=cell_bold)
    label = None
    if runs and not bold and is_bold(runs[0]):
        lead = ""
        for r in runs:
            if not is_bold(r):
                break
            lead += r.text
        lead = clean(lead)
        if lead.endswith(":") and len(lead) <= 40 and text.startswith(lead):
            label, text = lead, text[len(lead):].strip()
    return Line(text=text, where=where, bold=bold, italic=italic, label=label, ref=ref)


def _style_flag(p, attr: str) -> bool:
    style = p.style
    while style is not None:
        v = getattr(style.font, attr)
        if v is not None:
            return bool(v)
        style = style.base_style
    return False


def _table_lines(table, ref: str, para_line) -> list[Line]:
    """Header and closing tables become their paragraphs, cell by cell; a schedule table
    (first row "Thời gian | Nội dung …") becomes one line per row; others one line per row."""
    rows = table.rows
    texts = [[clean(c.text) for c in row.cells] for row in rows]
    flat = " ".join(" ".join(r) for r in texts)
    if "CỘNG HÒA" in flat.upper() or flat.startswith("Số") or "Nơi nhận" in flat:
        where = "closing" if "Nơi nhận" in flat else "header"
        out = []
        cols = max(len(r.cells) for r in rows) if rows else 0
        seen = set()
        for ci in range(cols):          # left column top to bottom, then the right column
            for row in rows:
                if ci >= len(row.cells):
                    continue
                cell = row.cells[ci]
                if cell._tc in seen:  # a merged cell appears in every row it spans
                    continue
                seen.add(cell._tc)  # keep the element itself: ids of freed proxies get reused
                for p in cell.paragraphs:
                    ln = para_line(p, ref, where)
                    if ln is not None:
                        out.append(ln)
        return out
    head = " ".join(texts[0]).lower() if texts else ""
    where = "schedule" if ("thời gian" in head and "nội dung" in head) else "table"
    out = []
    for i, cells in enumerate(texts):
        if not any(cells):
            continue
        out.append(Line(text=" | ".join(c for c in cells if c), where=where, cells=cells,
                        ref=f"{ref}, hàng {i + 1}"))
    return out


class _Numbering:
    """Word's automatic list numbering, rendered as text ("1.", "II.", "a)", "-")."""

    FORMATS = {
        "decimal": str,
        "upperRoman": lambda n: _roman(n),
        "lowerRoman": lambda n: _roman(n).lower(),
        "upperLetter": lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26],
        "lowerLetter": lambda n: "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26],
    }

    def __init__(self, doc) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            a = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if a is None:
                continue
            for lvl in a.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                txt = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                self.levels[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"), "0")))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    txt.get(qn("w:val")) if txt is not None else "%1.",
                    int(start.get(qn("w:val"))) if start is not None else 1)

    def _num_pr(self, p):
        qn = self.qn
        cands = [p._p.pPr]
        style = p.style
        while style is not None:
            cands.append(style.element.pPr)
            style = style.base_style
        for ppr in cands:
            if ppr is None:
                continue
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is not None:
                nid = num_pr.find(qn("w:numId"))
                lvl = num_pr.find(qn("w:ilvl"))
                if nid is None:
                    continue
                return nid.get(qn("w:val")), int(lvl.get(qn("w:val"))) if lvl is not None else 0
        return None

    def prefix(self, p) -> str:
        if not self.levels:
            return ""
        found = self._num_pr(p)
        if found is None or found[0] == "0" or found not in self.levels:
            return ""
        nid, ilvl = found
        fmt, text, start = self.levels[found]
        counters = self.counters.setdefault(nid, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        if fmt not in self.FORMATS:
            return ""

        def level_value(m):
            k = int(m.group(1)) - 1
            lv = self.levels.get((nid, k), ("decimal", "", 1))
            n = counters.get(k, lv[2])
            return self.FORMATS.get(lv[0], str)(n)

        return re.sub(r"%(\d)", level_value, text).strip()


def _roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += r
            n -= v
    return out
