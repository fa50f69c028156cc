"""Text rules of `kehoach lint`: Quốc hiệu, Tiêu ngữ, date, number and symbol, type name,
căn cứ, and leftovers of a template.

The closing block (Kính gửi, Nơi nhận, signature) is in :mod:`.lint_closing`.
Each ``check_*`` reads the :class:`~.lint.Structure` found in the document and adds
findings; none raises for a document that merely looks unusual.
"""

from __future__ import annotations

import re
from datetime import date

from docx.oxml.ns import qn

from .docxmodel import DocxView, Para, text_runs
from .lint_base import (
    DATE_RE,
    Findings,
    Structure,
    chunk_props,
    chunks,
    line_props,
    norm,
    rule_book,
)

QUOC_HIEU = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
BLANKS = re.compile(r"^[\s._…\-]*$")  # a draft leaves the day or the number blank


def check_all(view: DocxView, st: Structure, out: Findings) -> None:
    """The header and text rules (the closing block's are in :mod:`.lint_closing`)."""
    check_quoc_hieu(view, st, out)
    check_tieu_ngu(view, st, out)
    check_date(view, st, out)
    check_symbol(view, st, out)
    check_basis(view, st, out)


def _bold_and_size(out, rule: str, name: str, size_key: str, props, p) -> None:
    """The header line ``name`` must be bold and within its ND30 size range."""
    if props and not all(pr.bold for pr in props):
        out.add(rule, f"{name} phải in đậm", p)
    rng = rule_book()["sizes_pt"][size_key]
    bad = _size_ok(props, rng)
    if bad is not None:
        out.add(rule, f"{name} {bad}, cần cỡ {rng[0]}–{rng[1]}", p)


def _size_ok(props, rng) -> str | None:
    """The first size outside ``rng`` among ``props``, in words ("cỡ 12", "chưa đặt cỡ
    chữ"); None when all fit."""
    for pr in props:
        if pr.size is None:
            return "chưa đặt cỡ chữ"
        if not rng[0] <= pr.size <= rng[1]:
            return f"cỡ {pr.size:g}".replace(".", ",")
    return None


def check_quoc_hieu(view: DocxView, st: Structure, out: Findings) -> None:
    p = st.quoc_hieu
    if p is None:
        out.add("ND30-QUOC-HIEU", "không có Quốc hiệu “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM” "
                                  "ở đầu văn bản", {"paragraph": 0, "excerpt": ""})
        return
    text, props = line_props(view, p, "cong hoa xa hoi chu nghia viet nam")
    if text not in QUOC_HIEU:
        out.add("ND30-QUOC-HIEU", f"Quốc hiệu viết “{text}”, cần “{QUOC_HIEU[0]}” "
                                  "(chữ in hoa, đủ dấu)", p)
    _bold_and_size(out, "ND30-QUOC-HIEU", "Quốc hiệu", "quoc_hieu", props, p)


def check_tieu_ngu(view: DocxView, st: Structure, out: Findings) -> None:
    p = st.tieu_ngu
    if p is None:
        where = st.quoc_hieu or {"paragraph": 0, "excerpt": ""}
        out.add("ND30-TIEU-NGU", f"không có Tiêu ngữ “{TIEU_NGU}” dưới Quốc hiệu", where)
        return
    text, props = line_props(view, p, "doc lap tu do hanh phuc")
    if text != TIEU_NGU:
        why = []
        if not any(ord(c) > 127 and c.isalpha() for c in text):
            why.append("thiếu dấu tiếng Việt")
        if any(d in text for d in "–—‐‑−"):
            why.append("dùng gạch nối “-”, không dùng gạch ngang dài “–”/“—”")
        elif re.search(r"\S-|-\S", text):
            why.append("có một cách chữ trước và sau gạch nối")
        if text.isupper() or text.islower():
            why.append("chỉ viết hoa chữ cái đầu mỗi cụm từ")
        out.add("ND30-TIEU-NGU", f"Tiêu ngữ viết “{text}”, cần “{TIEU_NGU}”"
                + (" (" + "; ".join(why) + ")" if why else ""), p)
    _bold_and_size(out, "ND30-TIEU-NGU", "Tiêu ngữ", "tieu_ngu", props, p)
    if st.quoc_hieu is not None and p.seq < st.quoc_hieu.seq:
        out.add("ND30-TIEU-NGU", "Tiêu ngữ phải ở ngay dưới Quốc hiệu", p)
    if not _has_rule_below(view, p):
        out.add("ND30-TIEU-NGU-RULE", "không thấy đường kẻ ngang dưới Tiêu ngữ", p)


def _has_rule_below(view: DocxView, p: Para) -> bool:
    nxt = [q for q in view.paras if p.seq <= q.seq <= p.seq + 2]
    for q in nxt:
        if q.el.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None and q is p:
            return True
        if q is not p and q.el.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None:
            return True
        if any(True for _ in q.el.iter(qn("w:drawing"), qn("w:pict"))):
            return True
    return False


def check_date(view: DocxView, st: Structure, out: Findings) -> None:
    p = st.date
    if p is None:
        for q in view.paras[:40]:
            if re.search(r",\s*ngày\s*\d{1,2}\s*[/.-]\s*\d", norm(q.text)):
                out.add("ND30-DATE", "ngày ban hành phải viết “ngày … tháng … năm …”, "
                                     "không viết dạng 05/02/2024", q)
                return
        if st.quoc_hieu is not None:
            out.add("ND30-DATE", "không tìm thấy dòng “Địa danh, ngày … tháng … năm …”",
                    st.quoc_hieu)
        return
    t, props = chunk_props(view, p, lambda x: bool(DATE_RE.search(norm(x))))
    m = DATE_RE.search(t)
    d, mo, y = m.group("d"), m.group("m"), m.group("y")
    place = t[:m.start()].rstrip().rstrip(",").strip()
    problems = []
    if not place:
        problems.append("thiếu địa danh trước ngày tháng")
    dn = mn = yn = None
    if not BLANKS.match(d):
        if not d.isdigit() or not 1 <= int(d) <= 31:
            problems.append(f"ngày “{d}” không hợp lệ")
        else:
            dn = int(d)
            if dn < 10 and len(d) != 2:
                problems.append(f"ngày dưới 10 phải có số 0 đứng trước: “ngày {dn:02d}”, không “ngày {d}”")
            elif len(d) > 2 or (dn >= 10 and len(d) != 2):
                problems.append(f"ngày “{d}” viết sai")
    if not BLANKS.match(mo):
        if not mo.isdigit() or not 1 <= int(mo) <= 12:
            problems.append(f"tháng “{mo}” không hợp lệ")
        else:
            mn = int(mo)
            if mn <= 2 and mo != f"{mn:02d}":
                problems.append(f"tháng 1 và 2 phải có số 0 đứng trước: “tháng {mn:02d}”, không “tháng {mo}”")
            elif mn >= 3 and mo != str(mn):
                problems.append(f"tháng 3–12 không có số 0 đứng trước: “tháng {mn}”, không “tháng {mo}”")
    if not BLANKS.match(y):
        if not (y.isdigit() and len(y) == 4):
            problems.append(f"năm “{y}” phải đủ 4 chữ số")
        else:
            yn = int(y)
    if dn and mn and yn and not problems:
        try:
            date(yn, mn, dn)
        except ValueError:
            problems.append(f"không có ngày {dn}/{mn}/{yn}")
    for msg in problems:
        out.add("ND30-DATE", msg, p)
    if props and not all(pr.italic for pr in props):
        out.add("ND30-DATE-STYLE", "dòng địa danh, ngày tháng phải in nghiêng", p)
    rng = rule_book()["sizes_pt"]["date"]
    bad = _size_ok(props, rng)
    if bad is not None:
        out.add("ND30-DATE-STYLE", f"dòng ngày tháng {bad}, cần cỡ {rng[0]}–{rng[1]}", p)


SO_RE = re.compile(r"^Số\s*:\s*(?P<num>[^/]*?)\s*/\s*(?P<sym>.*)$")


def check_symbol(view: DocxView, st: Structure, out: Findings) -> None:
    abbrs = rule_book()["type_abbreviations"]
    p = st.so
    if p is None:
        if st.quoc_hieu is not None:
            out.add("ND30-SO-KY-HIEU", "không tìm thấy dòng “Số: …/…” (số, ký hiệu văn bản)",
                    st.quoc_hieu)
        return
    raw = next((c for c, _ in chunks(p.el) if c.strip().startswith("Số")), p.text)
    raw = raw.replace("\u00a0", " ").strip()
    t = norm(raw)
    m = SO_RE.match(t)
    if not m:
        out.add("ND30-SO-KY-HIEU", "dòng số, ký hiệu phải có dạng “Số: 12/KH-BCĐ”", p)
        return
    num, sym = m.group("num"), m.group("sym").strip()
    if not BLANKS.match(num):
        if num.isdigit() and int(num) < 10 and len(num) < 2:
            out.add("ND30-SO-KY-HIEU", f"số dưới 10 phải có số 0 đứng trước: “{int(num):02d}”", p)
        if re.search(r"\S\s+/|/\s+\S", raw):
            out.add("ND30-SO-KY-HIEU", "không để cách chữ trước hoặc sau dấu “/”", p)
    if re.search(r"\s-|-\s", sym):
        out.add("ND30-SO-KY-HIEU", "không để cách chữ quanh dấu “-” trong ký hiệu", p)
    if any(seg != seg.upper() and seg not in abbrs.values() for seg in sym.split("-")):
        out.add("ND30-SO-KY-HIEU", f"ký hiệu “{sym}” phải viết chữ in hoa", p)
    first = sym.split("-")[0].strip()
    by_abbr = {v.upper(): k for k, v in abbrs.items()}  # case is ND30-SO-KY-HIEU's business
    if st.type_name:
        want = abbrs[st.type_name]
        if first.upper() != want.upper() or "-" not in sym:
            out.add("ND30-TEN-LOAI", f"văn bản là {st.type_name} thì ký hiệu bắt đầu bằng "
                                     f"“{want}-”, đang là “{sym}”", p)
    elif first.upper() in by_abbr:
        first = first.upper()
        if st.vv is not None:
            out.add("ND30-TEN-LOAI", f"công văn không có chữ viết tắt tên loại; ký hiệu “{sym}” "
                                     f"bắt đầu bằng “{first}” ({by_abbr[first]})", p)
        else:
            out.add("ND30-TEN-LOAI", f"ký hiệu “{sym}” là của {by_abbr[first]} nhưng đầu văn bản "
                                     f"không có tên loại “{by_abbr[first].upper()}”", p)


BASIS_STARTS = ("Căn cứ", "Thực hiện", "Theo đề nghị", "Xét đề nghị")


def check_basis(view: DocxView, st: Structure, out: Findings) -> None:
    """The căn cứ block of a document with a type name (Phụ lục I, II.6). A công văn has
    none: its first sentence "Căn cứ Kế hoạch số …, Phòng … đề nghị …" is body text."""
    if st.type_name is None:
        return
    start = st.title.seq
    body = [p for p in view.paras if not p.in_table and p.seq > start and norm(p.text)]
    block: list[Para] = []
    for p in body[:15]:
        t = norm(p.text)
        if not block and not t.startswith("Căn cứ"):
            continue
        if t.startswith(BASIS_STARTS):
            block.append(p)
        elif block:
            break
    if not block:
        return
    nxt = body[body.index(block[-1]) + 1] if body.index(block[-1]) + 1 < len(body) else None
    for i, p in enumerate(block):
        t = norm(p.text)
        props = [view.run_props(p, r) for r in text_runs(p.el)]
        if props and not all(pr.italic for pr in props):
            out.add("ND30-CAN-CU", "dòng căn cứ phải in nghiêng", p)
        last = i == len(block) - 1
        if not last and not t.endswith(";"):
            out.add("ND30-CAN-CU", "mỗi dòng căn cứ kết thúc bằng dấu “;”", p)
        elif last and not t.endswith("."):
            enacting = nxt is not None and norm(nxt.text).isupper()
            if not t.endswith(";") or enacting or nxt is None:
                out.add("ND30-CAN-CU", "dòng căn cứ cuối cùng kết thúc bằng dấu “.”", p)


TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\{%|%\}|\}\}")
NONE_RE = re.compile(r"(?<![\w])None(?![\w])")


def check_leftovers(view: DocxView, out: Findings) -> None:
    def scan(text: str, where) -> None:
        m = TAG_RE.search(text)
        if m:
            out.add("ND30-LEFTOVER-TAG", f"còn thẻ mẫu chưa điền: “{m.group(0)[:40]}”", where)
        if NONE_RE.search(text):
            out.add("ND30-LEFTOVER-NONE", "có chữ “None” — một trường để trống đã bị in ra", where)
    for p in view.paras:
        scan(p.text, p)
    seen = set()
    for i, sec in enumerate(view.doc.sections):
        for part in (sec.header, sec.first_page_header, sec.even_page_header,
                     sec.footer, sec.first_page_footer, sec.even_page_footer):
            if part.is_linked_to_previous or id(part._element) in seen:
                continue
            seen.add(id(part._element))
            for para in part.paragraphs:
                scan(para.text, {"section": i, "excerpt": para.text[:60]})
