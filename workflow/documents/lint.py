"""`kehoach lint`: check any .docx, ours or hand-made, against Nghị định 30/2020, Phụ lục I.

:func:`lint_docx` returns :class:`~.lint_base.Finding` objects, one stable rule id per rule
(the rule table, with severities and references, lives in ``nd30_rules.yaml``). This module
runs every rule and holds the page-level ones (paper, margins, page numbers, fonts, sizes);
the text rules (Quốc hiệu, date, symbol, căn cứ…) are in :mod:`.lint_text`, the header and
annex ones in :mod:`.lint_head`, the closing block's in :mod:`.lint_closing`.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from docx.oxml.ns import qn

from ..errors import InputError, Problem
from . import lint_closing, lint_head, lint_text
from .docxmodel import DocxView, text_runs
from .lint_base import (
    FONT,
    NOT_DOCX,
    Finding,
    Findings,
    Structure,
    find_structure,
    main_size,
    norm,
    rule_book,
)

__all__ = ["Finding", "lint_docx", "rule_book"]


def lint_docx(path: str | Path) -> list[Finding]:
    """Check ``path`` against ND30; return the findings (empty when it conforms).

    Raises :class:`InputError` when the file does not exist or is not a .docx.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(Problem(file=str(path), message=(
            "đây là thư mục, không phải tệp .docx; ví dụ: kehoach lint out/2024/*.docx")))
    if not path.is_file():
        raise InputError(Problem(file=str(path), message="không có tệp này"))
    if path.suffix.lower() in (".yaml", ".yml"):
        raise InputError(Problem(file=str(path), message=(
            "đây là tệp YAML, không phải văn bản .docx; dựng văn bản trước "
            f"(kehoach build {path}) rồi kiểm tra tệp .docx trong thư mục out/")))
    try:
        view = DocxView(path)
    except Exception:  # python-docx raises several kinds for a non-docx file
        raise InputError(Problem(file=str(path), message=NOT_DOCX)) from None
    out = Findings()
    st = find_structure(view)
    check_page(view, out)
    check_page_numbers(view, out)
    check_fonts(view, out)
    check_sizes(view, st, out)
    lint_text.check_all(view, st, out)
    lint_closing.check_all(view, st, out)
    lint_text.check_leftovers(view, out)
    lint_head.check_all(view, st, out)
    return out.result()


# --- page ---------------------------------------------------------------------------

def _mm(twips: str | None) -> float | None:
    return None if twips is None else int(twips) / 1440 * 25.4


def check_page(view: DocxView, out: Findings) -> None:
    book = rule_book()
    tol = book["page"]["tolerance_mm"]
    wmm, hmm = book["page"]["width_mm"], book["page"]["height_mm"]
    ranges = book["margins_mm"]
    for i, sec in enumerate(view.doc.sections):
        loc = {"section": i, "excerpt": ""}
        sz = sec._sectPr.find(qn("w:pgSz"))
        w = _mm(sz.get(qn("w:w"))) if sz is not None else None
        h = _mm(sz.get(qn("w:h"))) if sz is not None else None
        if w is None or h is None:
            out.add("ND30-PAGE-A4", "không ghi khổ giấy; cần A4 (210 × 297 mm)", loc)
            continue
        portrait = abs(w - wmm) <= tol and abs(h - hmm) <= tol
        landscape = abs(w - hmm) <= tol and abs(h - wmm) <= tol
        if not (portrait or landscape):
            out.add("ND30-PAGE-A4", f"khổ giấy {w:.0f} × {h:.0f} mm, cần A4 (210 × 297 mm)", loc)
        elif landscape and i == 0:
            out.add("ND30-PAGE-A4", "trang đầu khổ ngang; văn bản trình bày khổ dọc "
                                    "(khổ ngang chỉ cho phụ lục, bảng rộng)", loc)
        mar = sec._sectPr.find(qn("w:pgMar"))
        got = {k: _mm(mar.get(qn("w:" + k))) if mar is not None else None
               for k in ("top", "bottom", "left", "right")}
        if not _margins_ok(got, ranges) and not (landscape and _margins_ok(_rotated(got), ranges)):
            bad = [f"{_VN_SIDE[k]} {_num(got[k])} mm (cần {ranges[k][0]}–{ranges[k][1]})"
                   for k in ("top", "bottom", "left", "right")
                   if got[k] is None or not _within(got[k], ranges[k])]
            out.add("ND30-MARGINS", "lề trang sai: " + "; ".join(bad), loc)


def _num(v: float | None) -> str:
    return "?" if v is None else f"{v:.1f}".rstrip("0").rstrip(".").replace(".", ",")


_VN_SIDE = {"top": "lề trên", "bottom": "lề dưới", "left": "lề trái", "right": "lề phải"}


def _within(v: float | None, rng) -> bool:
    return v is not None and rng[0] - 0.3 <= abs(v) <= rng[1] + 0.3


def _margins_ok(got: dict, ranges: dict) -> bool:
    return all(_within(got[k], ranges[k]) for k in ranges)


def _rotated(got: dict) -> dict:
    """Margins of a landscape page as Word rotates them (binding edge on top)."""
    return {"left": got["top"], "right": got["bottom"], "top": got["right"], "bottom": got["left"]}


# --- page numbers ---------------------------------------------------------------------

def _page_field_paras(part_el):
    """Paragraphs of a header/footer holding a PAGE field (not NUMPAGES or PAGEREF)."""
    found = []
    for p in part_el.iter(qn("w:p")):
        instr = " ".join((t.text or "") for t in p.iter(qn("w:instrText")))
        instr += " " + " ".join(f.get(qn("w:instr")) or "" for f in p.iter(qn("w:fldSimple")))
        if "PAGE" in instr.upper().split():
            found.append(p)
    return found


def _estimated_pages(view: DocxView) -> int:
    body = view.doc.element.body
    if len(view.doc.sections) > 1 or any(
            br.get(qn("w:type")) == "page" for br in body.iter(qn("w:br"))) or any(
            body.iter(qn("w:pageBreakBefore"))):
        return 2
    lines = sum(max(1, math.ceil(len(p.text) / (45 if p.in_table else 85))) for p in view.paras)
    return 1 + lines // 40


def check_page_numbers(view: DocxView, out: Findings) -> None:
    sec = view.doc.sections[0]
    loc = {"section": 0, "excerpt": ""}
    rng = rule_book()["sizes_pt"]["page_number"]
    for i, s in enumerate(view.doc.sections):
        for footer in (s.footer, s.first_page_footer, s.even_page_footer):
            if not footer.is_linked_to_previous and _page_field_paras(footer._element):
                out.add("ND30-PAGE-NUMBER", "số trang đặt ở chân trang; cần ở giữa lề trên",
                        {"section": i, "excerpt": ""})
                break
    title_pg = sec._sectPr.find(qn("w:titlePg"))
    title_pg = title_pg is not None and (title_pg.get(qn("w:val")) or "1") not in ("0", "false", "off")
    default = sec.header
    paras = [] if default.is_linked_to_previous else _page_field_paras(default._element)
    if not paras:
        if _estimated_pages(view) > 1:
            out.add("ND30-PAGE-NUMBER", "văn bản nhiều trang nhưng không có số trang: chèn số "
                                        "trang ở giữa đầu trang (Insert → Page Number → Top of "
                                        "Page), trang 1 không đánh số", loc)
        return
    p = paras[0]
    if view.alignment(p) != "center":
        out.add("ND30-PAGE-NUMBER", "số trang phải căn giữa ở lề trên", loc)
    props = [view.styles.run_props(p, r, None) for r in p.iter(qn("w:r"))] or [view.para_props(p)]
    bad = sorted((pr.size for pr in props if pr.size is None or not rng[0] <= pr.size <= rng[1]),
                 key=lambda v: v or 0)
    if bad:
        out.add("ND30-PAGE-NUMBER", f"cỡ chữ số trang {_pt(bad[0])}, cần {rng[0]}–{rng[1]}", loc)
    if any(pr.italic for pr in props):
        out.add("ND30-PAGE-NUMBER", "số trang viết chữ đứng, không nghiêng", loc)
    if not title_pg:
        out.add("ND30-PAGE-NUMBER", "trang 1 cũng có số trang; bật \"Trang đầu khác\" "
                                    "(Different First Page) để trang 1 không đánh số", loc)
    else:
        first = sec.first_page_header
        if not first.is_linked_to_previous and _page_field_paras(first._element):
            out.add("ND30-PAGE-NUMBER", "đầu trang của trang 1 có số trang; trang 1 không đánh số", loc)


def _pt(v: float | None) -> str:
    if v is None:
        return "chưa đặt"
    return f"{v:g}".replace(".", ",")


# --- fonts, colour, sizes -------------------------------------------------------------

def _is_tnr(name: str | None) -> bool:
    return name is not None and " ".join(name.lower().split()) == FONT


def check_fonts(view: DocxView, out: Findings) -> None:
    for p in view.paras:
        reported_font = reported_color = False
        for r in text_runs(p.el):
            props = view.run_props(p, r)
            if not reported_font:
                bad = {slot: name for slot, name in props.fonts.items() if not _is_tnr(name)}
                if bad:
                    slots = {s: {"font": n or "", **({"theme": props.themes[s]} if s in props.themes else {})}
                             for s, n in bad.items()}
                    out.add("ND30-FONT", _font_message(bad, props.themes), p, {"fonts": slots})
                    reported_font = True
            if not reported_color and props.color not in (None, "auto", "000000", "theme:text1",
                                                           "theme:dark1"):
                what = ("màu theo chủ đề (theme) của Word" if props.color.startswith("theme:")
                        else f"màu #{props.color}")
                out.add("ND30-COLOR", f"chữ có {what}; văn bản dùng mực đen: chọn đoạn, đặt màu "
                                      "chữ Automatic (tự động) hoặc đen", p, {"color": props.color})
                reported_color = True


def _font_message(bad: dict[str, str | None], themes: dict[str, str]) -> str:
    """What a reader sees wrong with the font, and what to do, without slot names."""
    latin = next((s for s in ("ascii", "hAnsi") if s in bad), None)
    slot = latin or next(s for s in ("eastAsia", "cs") if s in bad)
    name = bad[slot]
    if slot in themes:
        what = ("phông theo chủ đề (theme) của Word" + (f" ({name})" if name else "")
                + ", không phải Times New Roman")
    elif name:
        what = f"phông chữ {name} (cần Times New Roman)"
    else:
        what = "chưa chọn phông chữ, Word dùng phông mặc định (cần Times New Roman)"
    if latin:
        return (f"{what}: chọn đoạn, chọn phông Times New Roman"
                + (" (không chọn phông ghi “Body”/“Headings”)" if slot in themes else ""))
    return (f"phông cho chữ châu Á, chữ phức hợp là {what}; chữ tiếng Việt vẫn hiện Times New "
            "Roman nhưng máy khác có thể đổi phông: mở hộp Phông chữ (Ctrl+D), chọn Times New "
            "Roman ở mọi ô phông (tốt nhất sửa trong kiểu Normal)")


def check_sizes(view: DocxView, st: Structure, out: Findings) -> None:
    """Body paragraphs share one size in 13–14; Tiêu ngữ is one size above Quốc hiệu."""
    rng = rule_book()["sizes_pt"]["body"]
    end = st.noi_nhan.seq if st.noi_nhan is not None else None
    head = [x.seq for x in (st.quoc_hieu, st.tieu_ngu, st.so, st.date, st.vv, st.title) if x]
    head_end = max(head, default=-1)  # the header block and title have their own sizes
    body = []
    for p in view.paras:
        if p.seq <= head_end:
            continue
        if end is not None and p.seq >= end and (st.annex is None or p.seq < st.annex.seq):
            continue  # the closing block has its own sizes
        t = norm(p.text)
        if p.in_table or len(t) < 40 or t == t.upper():
            continue
        body.append((p, main_size(view, p), len(t)))
    weight: Counter = Counter()
    for _, size, n in body:
        weight[size] += n
    if weight:
        dominant = weight.most_common(1)[0][0]
        if dominant is None or not rng[0] <= dominant <= rng[1]:
            first = next(p for p, s, _ in body if s == dominant)
            out.add("ND30-SIZE-CONSISTENT", f"cỡ chữ phần nội dung {_pt(dominant)}, cần "
                                            f"{rng[0]}–{rng[1]}", first)
        for p, size, _ in body:
            if size != dominant:
                out.add("ND30-SIZE-CONSISTENT", f"cỡ chữ {_pt(size)} khác phần nội dung còn lại "
                                                f"({_pt(dominant)})", p)
    if st.quoc_hieu is not None and st.tieu_ngu is not None and st.quoc_hieu is not st.tieu_ngu:
        qh, tn = main_size(view, st.quoc_hieu), main_size(view, st.tieu_ngu)
        if qh is not None and tn is not None and tn != qh + 1:
            out.add("ND30-SIZE-CONSISTENT", f"Quốc hiệu cỡ {_pt(qh)} thì Tiêu ngữ cỡ {_pt(qh + 1)} "
                                            f"(đang là {_pt(tn)})", st.tieu_ngu)
