"""Closing-block rules of `kehoach lint`: Kính gửi (công văn), Nơi nhận, and the signer's
authority prefix (TM., KT., TL., TUQ., Q.)."""

from __future__ import annotations

import re

from .docxmodel import DocxView, Para
from .lint_base import Findings, Structure, fold, line_props, main_size, norm


def _followers(view: DocxView, p: Para) -> list[Para]:
    """Paragraphs after ``p`` in the same container (same table cell, or the body)."""
    same = ({k: p.location[k] for k in ("table", "row", "cell")} if p.in_table else None)
    out = []
    for q in view.paras[p.seq + 1:]:
        here = ({k: q.location[k] for k in ("table", "row", "cell")} if q.in_table else None)
        if here != same:
            break
        out.append(q)
    return out


def _dash_items(view: DocxView, p: Para, head: str) -> tuple[list[tuple[Para, str]], str]:
    """Lines after ``head`` in ``p`` and the "- …" paragraphs that follow it."""
    lines = [norm(x) for x in p.text.split("\n")]
    rest = norm(lines[0][len(head):].lstrip().lstrip(":")) if lines[0].startswith(head) else ""
    items = [(p, x) for x in lines[1:] if x]
    for q in _followers(view, p):
        t = norm(q.text)
        if not t:
            if items:
                break
            continue
        if not t.startswith(("-", "+", "–")):
            break
        items += [(q, norm(x)) for x in q.text.split("\n") if norm(x)]
    return items, rest


def check_all(view: DocxView, st: Structure, out: Findings) -> None:
    """The closing block's rules: Kính gửi, Nơi nhận, the signer's authority."""
    check_kinh_gui(view, st, out)
    check_noi_nhan(view, st, out)
    check_authority(view, st, out)


def check_kinh_gui(view: DocxView, st: Structure, out: Findings) -> None:
    p = st.kinh_gui
    if p is None:
        return
    items, rest = _dash_items(view, p, "Kính gửi")
    if rest:
        if rest.startswith(("-", "–")):
            out.add("ND30-KINH-GUI", "một nơi nhận thì ghi ngay sau “Kính gửi:”, không gạch đầu dòng", p)
    elif len(items) == 1:
        out.add("ND30-KINH-GUI", "chỉ một nơi nhận thì ghi cùng dòng với “Kính gửi:”", p)
    elif not items:
        out.add("ND30-KINH-GUI", "sau “Kính gửi:” không có nơi nhận", p)
    for i, (q, t) in enumerate(items if not rest and len(items) > 1 else []):
        end = "." if i == len(items) - 1 else ";"
        if not t.startswith("-") or not t.endswith(end):
            out.add("ND30-KINH-GUI", f"mỗi nơi nhận một dòng “- …{end}”: “{t[:40]}”", q)
    size = main_size(view, p)
    if size is not None and size != 14:
        out.add("ND30-KINH-GUI", f"“Kính gửi:” cỡ 14 (đang là {size:g})", p)


def check_noi_nhan(view: DocxView, st: Structure, out: Findings) -> None:
    p = st.noi_nhan
    if p is None:
        return
    first = norm(p.text.split("\n")[0])
    if not first.startswith("Nơi nhận:"):
        out.add("ND30-NOI-NHAN", "viết “Nơi nhận:” (có dấu hai chấm)", p)
    props = line_props(view, p, "noi nhan")[1]
    if props and not all(pr.bold and pr.italic for pr in props):
        out.add("ND30-NOI-NHAN", "“Nơi nhận:” in đậm, nghiêng", p)
    items, rest = _dash_items(view, p, "Nơi nhận")
    if rest and not items:
        items = [(p, rest)]
    if not items:
        out.add("ND30-NOI-NHAN", "dưới “Nơi nhận:” không có nơi nhận nào", p)
        return
    for i, (q, t) in enumerate(items):
        last = i == len(items) - 1
        if not t.startswith("-"):
            out.add("ND30-NOI-NHAN", f"mỗi nơi nhận bắt đầu bằng “-”: “{t[:40]}”", q)
        elif not last and not t.endswith(";"):
            out.add("ND30-NOI-NHAN", f"nơi nhận kết thúc bằng “;”: “{t[:40]}”", q)
    q, t = items[-1]
    body = t.lstrip("-– ").strip()
    if not body.startswith("Lưu"):
        out.add("ND30-NOI-NHAN", "dòng cuối của nơi nhận phải là “- Lưu: VT, …”", q)
    else:
        if not re.match(r"Lưu\s*:", body):
            out.add("ND30-NOI-NHAN", "viết “- Lưu: VT, …” (có dấu hai chấm)", q)
        if not t.endswith("."):
            out.add("ND30-NOI-NHAN", "dòng “- Lưu: …” kết thúc bằng dấu “.”", q)


# "K.T.", "K/T", "KT CHỦ TỊCH", "KT.CHỦ TỊCH", "T.M", "TM:" …; the right forms are "KT. X".
BAD_PREFIX = re.compile(
    r"^(?:(?:T\s*[./]\s*M|K\s*[./]\s*T|T\s*[./]\s*L|T\s*[./]?\s*U\s*[./]\s*Q|TU\s*[./]\s*Q)\b\.?"
    r"|(?:TM|KT|TL|TUQ)(?=\s)|(?:TM|KT|TL|TUQ|Q)\.(?=\S)|(?:TM|KT|TL|TUQ|Q)\s*[:,])")
SPELLED = {"THAY MẶT": "TM.", "KÝ THAY": "KT.", "THỪA LỆNH": "TL.", "THỪA ỦY QUYỀN": "TUQ.",
           "THỪA UỶ QUYỀN": "TUQ."}


def _signature_paras(view: DocxView, st: Structure) -> list[Para]:
    nn = st.noi_nhan
    end = st.annex.seq if st.annex is not None else len(view.paras)
    if nn is not None and nn.in_table:
        t = nn.location["table"]
        return [p for p in view.paras if p.in_table and p.location["table"] == t
                and p.location["cell"] != nn.location["cell"]]
    if nn is not None:
        listed = {q.seq for q, _ in _dash_items(view, nn, "Nơi nhận")[0]}
        return [p for p in view.paras[max(0, nn.seq - 10):min(end, nn.seq + 25)]
                if p is not nn and p.seq not in listed]
    return view.paras[max(0, end - 15):end]


def check_authority(view: DocxView, st: Structure, out: Findings) -> None:
    lines: list[tuple[Para, str]] = []
    for p in _signature_paras(view, st):
        lines += [(p, norm(x)) for x in p.text.split("\n") if norm(x)]
    for i, (p, t) in enumerate(lines):
        word = fold(t).split(" ")[0] if t else ""
        if word in ("tm", "kt", "tl", "tuq") and t != t.upper():
            out.add("ND30-QUYEN-HAN", f"quyền hạn, chức vụ người ký viết chữ in hoa: “{t}”", p)
            continue
        if t != t.upper():
            continue
        if BAD_PREFIX.match(t):
            out.add("ND30-QUYEN-HAN", f"chữ viết tắt quyền hạn sai dạng: “{t}”; viết “TM.”, "
                                      "“KT.”, “TL.”, “TUQ.” hoặc “Q.” rồi một dấu cách", p)
            continue
        for spelled, abbr in SPELLED.items():
            if t.startswith(spelled + " "):
                out.add("ND30-QUYEN-HAN", f"viết tắt “{spelled}” thành “{abbr}”: “{t}”", p)
        if t.startswith("KT. "):
            nxt = lines[i + 1][1] if i + 1 < len(lines) else ""
            if not nxt or nxt != nxt.upper():
                out.add("ND30-QUYEN-HAN", f"sau “{t}” phải có dòng chức vụ của người ký thay "
                                          "(ví dụ “PHÓ CHỦ TỊCH”)", p)
