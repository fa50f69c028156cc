"""Rules of `kehoach lint` a signer looks at first: the issuing body (ND30-CO-QUAN), the
type name and trích yếu (ND30-TRICH-YEU), and the annexes (ND30-PHU-LUC).

All three are confidence U (warnings): ND30 shows them in its models, no second source
was checked.
"""

from __future__ import annotations

import re

from .docxmodel import DocxView, Para
from .lint_base import Findings, Structure, chunk_props, chunks, fold, norm

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ANNEX_RE = re.compile(r"^Phụ lục(?:\s+(?P<n>[IVXLC]+|\d+))?\s*[.:]?$")


def check_all(view: DocxView, st: Structure, out: Findings) -> None:
    check_issuing_body(view, st, out)
    check_title(view, st, out)
    check_annexes(view, st, out)


# --- the issuing body ---------------------------------------------------------------------

def body_lines(view: DocxView, st: Structure) -> list[tuple[str, list, Para]]:
    """The lines above "Số:" in the left header column: (text, run properties, paragraph).

    In a header table, every line above it in its column (its cell, and the same cell of
    the rows above); in a header typed with tabs, the left piece of each paragraph above it.
    """
    so = st.so
    if so is None:
        return []
    if so.in_table:
        loc = so.location
        above = [p for p in view.paras if p.in_table and p.seq < so.seq
                 and p.location["table"] == loc["table"] and p.location["cell"] == loc["cell"]
                 and p.location["row"] <= loc["row"]]
        pieces_of = chunks
    else:
        above = [p for p in view.paras if not p.in_table and p.seq < so.seq]

        def pieces_of(el):
            return chunks(el)[:1]
    out = []
    for p in above:
        for text, runs in pieces_of(p.el):
            if norm(text):
                out.append((norm(text), [view.run_props(p, r) for r in runs], p))
    return out


def check_issuing_body(view: DocxView, st: Structure, out: Findings) -> None:
    lines = body_lines(view, st)
    if not lines:
        return
    for text, _props, p in lines:
        if text != text.upper():
            out.add("ND30-CO-QUAN", f"tên cơ quan “{text}” phải viết chữ in hoa: “{text.upper()}”", p)
            return
    text, props, p = lines[-1]
    if props and not all(pr.bold for pr in props):
        out.add("ND30-CO-QUAN", f"tên cơ quan ban hành “{text}” phải in đậm", p)


# --- type name and trích yếu ----------------------------------------------------------------

def check_title(view: DocxView, st: Structure, out: Findings) -> None:
    p = st.title
    if p is None or st.type_name is None:
        return
    want = fold(st.type_name)
    text, props = chunk_props(view, p, lambda t: fold(t) == want)
    if text != text.upper():
        out.add("ND30-TRICH-YEU", f"tên loại văn bản viết chữ in hoa: “{st.type_name.upper()}”, "
                                  f"không “{text}”", p)
    if props and not all(pr.bold for pr in props):
        out.add("ND30-TRICH-YEU", f"tên loại “{text}” phải in đậm", p)
    summary = _summary_after(view, p, want)
    if summary is None:
        return
    _text, s_props, s_para = summary
    if s_props and not all(pr.bold for pr in s_props):
        out.add("ND30-TRICH-YEU", "trích yếu (dòng dưới tên loại) phải in đậm", s_para)


def _summary_after(view: DocxView, p: Para, want: str) -> tuple[str, list, Para] | None:
    """The trích yếu: the next line of the title's paragraph, else the next paragraph."""
    pieces = chunks(p.el)
    for i, (text, _runs) in enumerate(pieces):
        if fold(text) == want and i + 1 < len(pieces):
            nxt, nruns = pieces[i + 1]
            return norm(nxt), [view.run_props(p, r) for r in nruns], p
    for q in view.paras:
        if q.seq > p.seq and not q.in_table and norm(q.text):
            text, runs = chunks(q.el)[0]
            return norm(text), [view.run_props(q, r) for r in runs], q
    return None


# --- annexes ----------------------------------------------------------------------------------

def annex_headings(view: DocxView, st: Structure) -> list[tuple[Para, str | None]]:
    """Annex label paragraphs after Nơi nhận ("Phụ lục", "Phụ lục II"): (paragraph, numeral)."""
    if st.annex is None:
        return []
    found = []
    for p in view.paras:
        if p.seq < st.annex.seq or p.in_table:
            continue
        m = ANNEX_RE.match(norm(p.text))
        if m:
            found.append((p, m.group("n")))
    return found


def check_annexes(view: DocxView, st: Structure, out: Findings) -> None:
    heads = annex_headings(view, st)
    if not heads:
        return
    if len(heads) > 1:
        for i, (p, n) in enumerate(heads):
            want = ROMAN[i] if i < len(ROMAN) else str(i + 1)
            if n != want:
                out.add("ND30-PHU-LUC", f"có {len(heads)} phụ lục: đánh số La Mã theo thứ tự, "
                                        f"“Phụ lục {want}”, không “{norm(p.text)}”", p)
    end = st.noi_nhan.seq if st.noi_nhan is not None else heads[0][0].seq
    start = max((x.seq for x in (st.title, st.vv, st.kinh_gui) if x is not None), default=-1)
    body = " ".join(fold(p.text) for p in view.paras if start < p.seq < end)
    padded = f" {body} "
    for p, n in heads:
        ref = "phu luc" + (f" {n.lower()}" if n and len(heads) > 1 else "")
        if f" {ref} " not in padded:
            label = "Phụ lục" + (f" {n}" if n and len(heads) > 1 else "")
            out.add("ND30-PHU-LUC", f"nội dung văn bản không dẫn chiếu đến “{label}” "
                                    "(ví dụ “… tại Phụ lục kèm theo”)", p)
