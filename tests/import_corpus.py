"""A corpus of Kế hoạch written by the tests in the layouts offices use, for `kehoach import`.

One plan (xã Hòa Bình, 2025, six tasks: :data:`TASKS`) is written in each layout, as .txt
and as .docx (python-docx; real merged cells, real numbering.xml list numbering):

- ``table``: the tasks in task tables (columns in an unusual order, a two-row header with
  "Đơn vị" split into "Chủ trì | Phối hợp", a unit cell merged down two rows, a group row
  merged across the table, the header repeated, the list continued in a second table whose
  columns come in another order);
- ``letters``: "1. Cấp xã" / "a) Ủy ban nhân dân xã" headings, tasks with a "Thời gian
  thực hiện: …" line or the phrase in the sentence; in .docx every marker is Word's own
  list numbering (decimal, lowerLetter, bullet levels), none typed;
- ``dashes``: "- Trường …:" headings, "+" tasks, "Đơn vị phối hợp: …" lines;
- ``mixed``: a task table in section I, and the sample's "1. Unit" / "- task" layout in
  "TỔ CHỨC THỰC HIỆN".

The expectations (owners, co-owners, days) are written here by hand, not computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

UNITS_YAML = """\
units:
  ubnd-xa:
    name: Ủy ban nhân dân xã
    short: UBND xã
    kind: ubnd
  thcs-hoa-binh:
    name: Trường Trung học cơ sở Hòa Bình
    kind: truong
  th-hoa-binh:
    name: Trường Tiểu học Hòa Bình
    kind: truong
  mn-hoa-binh:
    name: Trường Mầm non Hòa Bình
    kind: truong
"""


@dataclass(frozen=True)
class Expected:
    text: str                         # the task as written (its first words identify it)
    owner: str                        # the owner as the document writes it
    owner_id: str                     # its id in UNITS_YAML
    co: tuple[str, ...]               # co-owner ids in UNITS_YAML
    when: str                         # the time as the table writes it
    # each calendar event: (first day, last day); a month or longer is a start mark and a deadline
    days: tuple[tuple[date | None, date], ...]


D = date
TASKS = (
    Expected("Kiện toàn Ban Chỉ đạo phổ cập giáo dục, xóa mù chữ xã", "UBND xã", "ubnd-xa", (),
             "Tháng 01/2025", ((D(2025, 1, 1), D(2025, 1, 1)), (D(2025, 1, 31), D(2025, 1, 31)))),
    Expected("Điều tra, cập nhật số liệu phổ cập giáo dục, xóa mù chữ", "Trường THCS Hòa Bình", "thcs-hoa-binh",
             ("th-hoa-binh", "mn-hoa-binh"), "Từ ngày 01/6 đến ngày 31/7/2025", ((D(2025, 6, 1), D(2025, 6, 1)), (D(2025, 7, 31), D(2025, 7, 31)))),
    Expected("Nhập dữ liệu vào phần mềm phổ cập", "Trường THCS Hòa Bình", "thcs-hoa-binh", (),
             "Từ ngày 05/9 đến ngày 30/9/2025", ((D(2025, 9, 5), D(2025, 9, 30)),)),
    Expected("Tự kiểm tra, lập hồ sơ đề nghị công nhận đạt chuẩn", "Trường Tiểu học Hòa Bình", "th-hoa-binh",
             ("ubnd-xa",), "Trước ngày 15/10/2025", ((D(2025, 10, 14), D(2025, 10, 14)),)),
    Expected("Báo cáo kết quả phổ cập giáo dục, xóa mù chữ", "UBND xã", "ubnd-xa", (),
             "Tháng 11/2025", ((D(2025, 11, 1), D(2025, 11, 1)), (D(2025, 11, 30), D(2025, 11, 30)))),
    Expected("Huy động trẻ 5 tuổi ra lớp", "Trường Mầm non Hòa Bình", "mn-hoa-binh", (),
             "Tháng 8/2025 và tháng 9/2025", ((D(2025, 8, 1), D(2025, 8, 1)), (D(2025, 8, 31), D(2025, 8, 31)),
              (D(2025, 9, 1), D(2025, 9, 1)), (D(2025, 9, 30), D(2025, 9, 30)))),
)
NOTE = "Mỗi trường nhập 01 lần"  # the Ghi chú of task 3
GROUP = "II. KIỂM TRA, CÔNG NHẬN"   # a group row of the table, before task 4

HEAD = ["UBND XÃ HÒA BÌNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BAN CHỈ ĐẠO PCGD, XMC\tĐộc lập - Tự do - Hạnh phúc",
        "Số: 07/KH-BCĐ\tHòa Bình, ngày 10 tháng 01 năm 2025",
        "KẾ HOẠCH", "Phổ cập giáo dục, xóa mù chữ xã Hòa Bình năm 2025",
        "Căn cứ Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ về phổ cập giáo dục, xóa mù chữ;",
        "Ban Chỉ đạo PCGD, XMC xã xây dựng Kế hoạch năm 2025 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU", "Duy trì vững chắc kết quả phổ cập giáo dục, xóa mù chữ."]
TAIL = ["Trên đây là Kế hoạch phổ cập giáo dục, xóa mù chữ năm 2025 của Ban Chỉ đạo xã./.",
        "Nơi nhận:", "- UBND xã;", "- Lưu: VT.", "TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nguyễn Văn An"]
LAYOUTS = ("table", "letters", "dashes", "mixed")


def _t(i: int) -> Expected:
    return TASKS[i]


def _lower(s: str) -> str:
    return s[:1].lower() + s[1:]


# --- the body of each layout, as (kind, text) items both writers render ------------------

def _letters() -> list[tuple[str, str]]:
    t = TASKS
    return [
        ("num", "Cấp xã"),
        ("letter", "Ủy ban nhân dân xã"),
        ("dash", f"{t[0].text}."), ("dash", f"Thời gian thực hiện: {_lower(t[0].when)}"),
        ("dash", f"{t[4].text} (trước ngày 05/12/2025)."),
        ("num", "Cấp trường"),
        ("letter", f"{t[1].owner}"),
        ("dash", f"{t[1].text}, phối hợp với Trường Tiểu học Hòa Bình, Trường Mầm non Hòa Bình."),
        ("dash", f"Thời gian: {_lower(t[1].when)}"),
        ("dash", f"{t[2].text} ({_lower(t[2].when)})."),
        ("letter", f"{t[3].owner}: {t[3].text}, phối hợp với UBND xã."),
        ("plain", f"Thời hạn: {_lower(t[3].when)}"),
        ("letter", f"{t[5].owner}"),
        ("dash", f"{t[5].text} ({_lower(t[5].when)})."),
    ]


# In "letters", task 5 (Báo cáo …) has its own phrase: expectations differ for that one task.
LETTERS_T5 = Expected(TASKS[4].text, "Ủy ban nhân dân xã", "ubnd-xa", (), "trước ngày 05/12/2025",
                      ((D(2025, 12, 4), D(2025, 12, 4)),))


def _dashes() -> list[tuple[str, str]]:
    t = TASKS
    return [
        ("dash", "Ủy ban nhân dân xã:"),
        ("plus", f"{t[0].text} ({_lower(t[0].when)})."),
        ("plus", f"{t[4].text}. Thời hạn: {_lower(t[4].when)}."),
        ("dash", f"{t[1].owner}: {t[1].text} {_lower(t[1].when)}."),
        ("plus", "Đơn vị phối hợp: Trường Tiểu học Hòa Bình, Trường Mầm non Hòa Bình"),
        ("plus", f"{t[2].text}."),
        ("plus", f"Thời gian thực hiện: {_lower(t[2].when)}"),
        ("dash", f"{t[3].owner}:"),
        ("plus", f"{t[3].text} ({_lower(t[3].when)})."),
        ("plus", "Phối hợp: UBND xã"),
        ("dash", f"{t[5].owner}:"),
        ("plus", f"{t[5].text}."),
        ("plus", f"Thời gian thực hiện: {_lower(t[5].when)}"),
    ]


def _mixed_units() -> list[tuple[str, str]]:
    t = TASKS
    return [
        ("num", "Ủy ban nhân dân xã"),
        ("dash", f"{t[4].text} ({_lower(t[4].when)})."),
        ("num", t[3].owner),
        ("dash", f"{t[3].text}, phối hợp với UBND xã ({_lower(t[3].when)})."),
        ("num", t[5].owner),
        ("dash", f"{t[5].text} ({_lower(t[5].when)})."),
    ]


def expected(layout: str) -> list[Expected]:
    """The tasks the import of ``layout`` must give, in the order of the plan's parts."""
    t = TASKS
    if layout == "letters":
        return [t[0], LETTERS_T5, t[1], t[2], t[3], t[5]]
    if layout == "dashes":
        return [t[0], t[4], t[1], t[2], t[3], t[5]]
    if layout == "mixed":  # the table's parts (tasks 1-3), then one part per unit heading
        return [t[0], t[1], t[2], t[4], t[3], t[5]]
    return [t[0], t[4], t[1], t[2], t[3], t[5]]  # table: gathered by owner, in the order met


# --- plain text --------------------------------------------------------------------------

_MARK_TXT = {"num": None, "letter": None, "dash": "- ", "plus": "+ ", "plain": ""}


def _txt_items(items) -> list[str]:
    out, n, letter = [], 0, 0
    for kind, text in items:
        if kind == "num":
            n += 1
            letter = 0
            out.append(f"{n}. {text}")
        elif kind == "letter":
            out.append(f"{'abcdefgh'[letter]}) {text}")
            letter += 1
        else:
            out.append(_MARK_TXT[kind] + text)
    return out


def _row(i: int, t: Expected, *, owner: str | None = None, note: str = "") -> list[str]:
    co = ", ".join({"th-hoa-binh": "Trường Tiểu học Hòa Bình", "mn-hoa-binh": "Trường Mầm non Hòa Bình",
                    "ubnd-xa": "UBND xã"}[c] for c in t.co)
    return [str(i), t.text, t.owner if owner is None else owner, co, t.when, note]


def write_txt(layout: str, path: Path) -> Path:
    lines = list(HEAD)
    if layout == "table":
        lines.append("II. TỔ CHỨC THỰC HIỆN")
        lines.append("Phân công nhiệm vụ cụ thể như sau:")
        lines.append("| TT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian thực hiện | Ghi chú |")
        lines.append("|---|---|---|---|---|---|")
        for i, t in enumerate(TASKS[:3], start=1):
            lines.append("| " + " | ".join(_row(i, t, owner="" if i == 3 else None, note=NOTE if i == 3 else ""))
                         + " |")
        lines.append(f"| | {GROUP} | | | | |")
        lines.append("Các nhiệm vụ tiếp theo:")
        lines.append("STT\tThời hạn\tNội dung\tĐơn vị thực hiện\tPhối hợp")  # another table, another order
        for i, t in enumerate(TASKS[3:], start=4):
            r = _row(i, t)
            lines.append("\t".join([r[0], r[4], r[1], r[2], r[3] or " "]))
    elif layout == "mixed":
        lines.append("Các nhiệm vụ trọng tâm:")
        lines.append("Nội dung\tThời hạn\tĐơn vị thực hiện\tPhối hợp")
        for t in TASKS[:3]:
            r = _row(0, t)
            lines.append("\t".join([r[1], r[4], r[2], r[3] or " "]))
        lines.append("II. TỔ CHỨC THỰC HIỆN")
        lines += _txt_items(_mixed_units())
    else:
        lines.append("II. TỔ CHỨC THỰC HIỆN")
        lines += _txt_items(_letters() if layout == "letters" else _dashes())
    lines += TAIL
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- Word ----------------------------------------------------------------------------------

def _numbering(doc) -> dict[str, str]:
    """Two list definitions in numbering.xml: "1." / "a)" / "-" (levels 0-2) and a "+"
    bullet; returns the w:numId of each list kind."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    part = doc.part.numbering_part
    root = part.element

    def lvl(ilvl: int, fmt: str, text: str) -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{720 * (ilvl + 1)}" w:hanging="360"/></w:pPr></w:lvl>')

    defs = {"90": [lvl(0, "decimal", "%1."), lvl(1, "lowerLetter", "%2)"), lvl(2, "bullet", "-")],
            "91": [lvl(0, "bullet", "+")]}
    first_num = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    for aid, levels in defs.items():
        a = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
                      f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>')
        if first_num is not None:
            first_num.addprevious(a)  # abstractNum elements come before every num
        else:
            root.append(a)
    for nid, aid in (("90", "90"), ("91", "91")):
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>'))
    return {"list": "90", "plus": "91"}


def _numbered(doc, text: str, num_id: str, ilvl: int, *, bold: bool = False):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    p = doc.add_paragraph()
    p.add_run(text).bold = bold or None
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def _head_docx(doc) -> None:
    t = doc.add_table(rows=3, cols=2)
    for r, line in enumerate(HEAD[:3]):
        left, right = line.split("\t")
        t.cell(r, 0).paragraphs[0].add_run(left).bold = r == 1
        t.cell(r, 1).paragraphs[0].add_run(right).bold = r < 2
    for line in HEAD[3:]:
        p = doc.add_paragraph()
        p.add_run(line).bold = line.isupper() or line.startswith("I.") or None
        if line.startswith("Căn cứ"):
            p.runs[0].italic = True


def _tail_docx(doc) -> None:
    doc.add_paragraph(TAIL[0])
    t = doc.add_table(rows=1, cols=2)
    t.cell(0, 0).paragraphs[0].add_run(TAIL[1]).bold = True
    for x in TAIL[2:4]:
        t.cell(0, 0).add_paragraph(x)
    t.cell(0, 1).paragraphs[0].add_run(TAIL[4]).bold = True
    for x in TAIL[5:]:
        t.cell(0, 1).add_paragraph().add_run(x).bold = x.isupper()


def _table_docx(doc, tasks: list[tuple[int, Expected]], *, two_row_header: bool, group_before: int | None,
                merge_owner: tuple[int, int] | None, order: tuple[str, ...]) -> None:
    """A task table with columns ``order`` (keys: tt, what, owner, co, when, note)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    names = {"tt": "TT", "what": "Nội dung công việc", "owner": "Chủ trì", "co": "Phối hợp",
             "when": "Thời gian thực hiện", "note": "Ghi chú"}
    head_rows = 2 if two_row_header else 1
    n_rows = head_rows + len(tasks) + (1 if group_before is not None else 0)
    t = doc.add_table(rows=n_rows, cols=len(order))
    t.style = doc.styles["Table Grid"]
    if two_row_header:  # "Đơn vị" over "Chủ trì | Phối hợp"; the other header cells merged down
        oi, ci = order.index("owner"), order.index("co")
        top = t.cell(0, oi).merge(t.cell(0, ci))
        top.text = "Đơn vị"
        t.cell(1, oi).text, t.cell(1, ci).text = "Chủ trì", "Phối hợp"
        for k, key in enumerate(order):
            if key not in ("owner", "co"):
                merged = t.cell(0, k).merge(t.cell(1, k))
                merged.text = names[key]
    else:
        for k, key in enumerate(order):
            t.cell(0, k).text = {"owner": "Đơn vị thực hiện", "when": "Thời hạn"}.get(key, names[key])
    for r in range(head_rows):  # Word repeats these rows on every page
        t.rows[r]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    r = head_rows
    rows_of: dict[int, int] = {}
    for i, task in tasks:
        if group_before == i:
            g = t.cell(r, 0).merge(t.cell(r, len(order) - 1))
            g.text = GROUP
            r += 1
        rows_of[i] = r
        co = ", ".join({"th-hoa-binh": "Trường Tiểu học Hòa Bình", "mn-hoa-binh": "Trường Mầm non Hòa Bình",
                        "ubnd-xa": "UBND xã"}[c] for c in task.co)
        values = {"tt": str(i), "what": task.text, "owner": task.owner, "co": co, "when": task.when,
                  "note": NOTE if i == 3 else ""}
        for k, key in enumerate(order):
            cell = t.cell(r, k)
            if key == "co" and co:  # one unit a paragraph, as offices type them
                parts = co.split(", ")
                cell.text = parts[0]
                for x in parts[1:]:
                    cell.add_paragraph(x)
            else:
                cell.text = values[key]
        r += 1
    if merge_owner is not None:  # one owner cell for two tasks (vMerge)
        oi = order.index("owner")
        a, b = (rows_of[x] for x in merge_owner)
        t.cell(b, oi).text = ""
        merged = t.cell(a, oi).merge(t.cell(b, oi))
        merged.text = TASKS[merge_owner[0] - 1].owner


def _items_docx(doc, items, ids) -> None:
    for kind, text in items:
        if kind == "num":
            _numbered(doc, text, ids["list"], 0, bold=True)
        elif kind == "letter":
            _numbered(doc, text, ids["list"], 1, bold=True)
        elif kind == "dash":
            _numbered(doc, text, ids["list"], 2)
        elif kind == "plus":
            _numbered(doc, text, ids["plus"], 0)
        else:
            doc.add_paragraph(text)


def write_docx(layout: str, path: Path) -> Path:
    from docx import Document

    doc = Document()
    ids = _numbering(doc)
    _head_docx(doc)
    if layout == "table":
        doc.add_paragraph("II. TỔ CHỨC THỰC HIỆN").runs[0].bold = True
        doc.add_paragraph("Phân công nhiệm vụ cụ thể như sau:")
        _table_docx(doc, list(enumerate(TASKS[:3], start=1)) + [(4, TASKS[3])], two_row_header=True,
                    group_before=4, merge_owner=(2, 3), order=("tt", "what", "owner", "co", "when", "note"))
        doc.add_paragraph("Các nhiệm vụ tiếp theo:")
        _table_docx(doc, list(enumerate(TASKS[4:], start=5)), two_row_header=False, group_before=None,
                    merge_owner=None, order=("tt", "when", "what", "owner", "co"))
    elif layout == "mixed":
        doc.add_paragraph("Các nhiệm vụ trọng tâm:")
        _table_docx(doc, list(enumerate(TASKS[:3], start=1)), two_row_header=False, group_before=None,
                    merge_owner=None, order=("what", "when", "owner", "co"))
        doc.add_paragraph("II. TỔ CHỨC THỰC HIỆN").runs[0].bold = True
        _items_docx(doc, _mixed_units(), ids)
    else:
        doc.add_paragraph("II. TỔ CHỨC THỰC HIỆN").runs[0].bold = True
        _items_docx(doc, _letters() if layout == "letters" else _dashes(), ids)
    _tail_docx(doc)
    doc.save(path)
    return path


def write(layout: str, fmt: str, folder: Path) -> Path:
    """The corpus file of ``layout`` in ``fmt`` ("txt" or "docx") inside ``folder``."""
    path = folder / f"ke-hoach-{layout}.{fmt}"
    return write_txt(layout, path) if fmt == "txt" else write_docx(layout, path)


def write_units(folder: Path) -> Path:
    path = folder / "don-vi.yaml"
    path.write_text(UNITS_YAML, encoding="utf-8")
    return path
