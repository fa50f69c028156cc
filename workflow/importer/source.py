"""Read a Kế hoạch from Word (.docx) or plain text (.txt) into a flat list of lines.

Each :class:`Line` is one paragraph of the original with a few layout hints (bold, italic,
where it stood: header table, closing table, body table). A row of a body table is one
line whose ``cells`` are laid on the table's grid: a cell merged across columns (gridSpan)
or down rows (vMerge) appears in every grid place it covers, with the same ``cell_ids``
entry. Plain-text tables are rows of cells split by tabs or by "|". The structure
(sections, units, tasks, task tables) is recognised later by :mod:`workflow.importer.parse`;
nothing here guesses meaning beyond joining paragraphs that a copy-paste broke in the
middle of a sentence.

Old Word files (.doc, .rtf) are converted to .docx through LibreOffice first; PDF, images
and encrypted files are refused (:mod:`workflow.importer.sniff`).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from .numbering import Numbering
from .sniff import as_docx, kind_of

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Line:
    text: str                      # whitespace-normalised, markdown '*' removed
    where: str = "body"            # body | header | closing | table
    bold: bool = False             # the whole paragraph is bold
    italic: bool = False
    label: str | None = None       # a bold lead-in ending with ':' ("Kinh phí:")
    cells: list[str] = field(default_factory=list)  # table rows: cell texts, one per grid column
    cell_bold: list[bool] = field(default_factory=list)  # tab-separated paragraphs: each piece bold
    ref: str = ""                  # where in the original: "dòng 57" / "đoạn 57"
    table: int = 0                 # table rows: which table of the document (1, 2, …)
    cell_ids: list[int] = field(default_factory=list)  # table rows: same id = one merged cell
    cell_lines: list[list[str]] = field(default_factory=list)  # table rows: each cell's paragraphs
    repeat_header: bool = False    # a row Word repeats at the top of each page (w:tblHeader)


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
    kind = kind_of(path)
    if kind == "docx":
        return _read_docx(path)
    if kind == "old-word":
        with as_docx(path) as converted:
            return _read_docx(converted, display=name)
    return _read_text(path)


# --- plain text --------------------------------------------------------------------------

_BULLET_MD = re.compile(r"^\*\s+(?=\*\*)")   # "* **Kinh phí:** …" (markdown list item)
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")  # "|---|:--:|" under a header
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
        if s.count("|") >= 2 and not _MD_RULE.match(s):  # "| TT | Nội dung | … |" or "1 | … | …"
            cells = [clean(c) for c in s.strip().strip("|").split("|")]
            out.append(Line(text=" | ".join(c for c in cells if c), where="table", cells=cells,
                            cell_lines=[[c] for c in cells], ref=f"dòng {no}"))
            continue
        if _MD_RULE.match(s):
            continue  # the rule under a markdown table's header: layout, not text
        if "\t" in s:
            cells = [clean(c) for c in s.split("\t")]
            filled = [c for c in cells if c]
            # "-<tab>text" and "1.<tab>text" are list items copied from Word, not table rows
            where = "body" if len(filled) < 2 or _LIST_MARK.match(filled[0]) else "table"
            out.append(Line(text=clean(s.replace("\t", " ")), where=where, cells=cells,
                            cell_lines=[[c] for c in cells], ref=f"dòng {no}"))
            continue
        out.append(Line(text=clean(s), label=label, ref=f"dòng {no}"))
    lines = header_columns(out)
    # number the text tables: rows standing together are one table
    n, prev, cell = 0, None, 0
    for ln in lines:
        if ln.where == "table":
            if prev is None or prev.where != "table":
                n += 1
            ln.table = n
            ln.cell_ids = list(range(cell, cell + len(ln.cells)))  # text has no merged cells
            cell += len(ln.cells)
        prev = ln
    return join_broken(lines)


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


_LETTER_ITEM = re.compile(r"^[a-zđ]\)\s")  # "a) Trường …" starts an item, it continues nothing


def join_broken(lines: list[Line]) -> list[Line]:
    """Join a paragraph cut in the middle of a sentence: no closing punctuation, and the next
    paragraph starts with a lower-case letter ("Tự đánh giá từ" + "tháng 6/2024; …")."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.where == ln.where == "body" and not prev.cells
                and prev.text and not prev.text.endswith(_END)
                and ln.text[:1].islower() and not ln.label and not _LETTER_ITEM.match(ln.text)):
            prev.text = f"{prev.text} {ln.text}"
            continue
        out.append(ln)
    return out


# --- Word --------------------------------------------------------------------------------

def _read_docx(path: Path, *, display: str | None = None) -> list[Line]:
    # python-docx: only for a Word file, not for a .txt
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(str(path))
    except PackageNotFoundError:
        raise InputError(Problem(file=display or str(path),
                                 message="không mở được tệp Word (không phải tệp .docx hợp lệ)")) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(Problem(file=display or str(path), message=f"không mở được tệp Word ({e})")) from None
    out: list[Line] = []
    numbering = Numbering(doc)
    n = tables = 0
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
            tables += 1
            out.extend(_table_lines(Table(el, doc), f"bảng ở đoạn {n}", _para_line, tables))
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


def _table_lines(table, ref: str, para_line, number: int) -> list[Line]:
    """Header and closing tables become their paragraphs, cell by cell; any other table one
    line per row, its cells laid on the grid (see the module docstring)."""
    grid = _grid(table)
    flat = " ".join(" ".join(c) for c, _, _, _ in grid)
    if "CỘNG HÒA" in flat.upper() or flat.startswith("Số") or "Nơi nhận" in flat:
        where = "closing" if "Nơi nhận" in flat else "header"
        rows = table.rows
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
    out = []
    for i, (cells, ids, paras, repeat) in enumerate(grid):
        if not any(cells):
            continue
        shown = [c for k, c in enumerate(cells) if c and (k == 0 or ids[k] != ids[k - 1])]
        out.append(Line(text=" | ".join(shown), where="table", cells=cells, cell_ids=ids, cell_lines=paras,
                        repeat_header=repeat, table=number, ref=f"{ref}, hàng {i + 1}"))
    return out


def _grid(table) -> list[tuple[list[str], list[int], list[list[str]], bool]]:
    """Each row of ``table`` as (cell texts, cell ids, cell paragraphs, repeated header),
    one entry per grid column: a cell spanning columns (gridSpan) fills each of them, a cell
    continuing a vertical merge (vMerge) is the cell it continues. Read from the XML once
    (python-docx's ``row.cells`` rebuilds the whole table on every call)."""
    # python-docx: only for a Word file, not for a .txt
    from docx.oxml.ns import qn

    rows = []
    above: dict[int, tuple[str, int, list[str]]] = {}  # grid column -> the cell last started there
    next_id = 0
    for tr in table._tbl.tr_lst:
        texts: list[str] = []
        ids: list[int] = []
        paras: list[list[str]] = []
        for _ in range(tr.grid_before):
            texts.append("")
            ids.append(-1)
            paras.append([])
        for tc in tr.tc_lst:
            col = len(texts)
            if tc.vMerge == "continue" and col in above:
                text, cid, lines = above[col]
            else:
                # every paragraph of the cell, those of a table nested in it too
                lines = [x for x in (clean(_p_text(p)) for p in tc.iter(qn("w:p"))) if x]
                text, cid = clean(" ".join(lines)), next_id
                next_id += 1
            for k in range(tc.grid_span):
                above[col + k] = (text, cid, lines)
                texts.append(text)
                ids.append(cid)
                paras.append(lines)
        trpr = tr.trPr
        repeat = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
        rows.append((texts, ids, paras, repeat))
    return rows


def _p_text(p) -> str:
    # python-docx: only for a Word file, not for a .txt
    from docx.text.paragraph import Paragraph

    return Paragraph(p, None).text
