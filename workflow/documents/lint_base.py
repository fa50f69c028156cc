"""What every ND30 rule module shares: findings, the rule book, the document's structure
(where the header, body, Nơi nhận and annexes are), text normalisation, and the run
properties of a paragraph or of one piece of it."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from docx.oxml.ns import qn

from .docxmodel import DocxView, Para, text_runs

FONT = "times new roman"
NOT_DOCX = ("không phải tệp .docx của Word (có thể là .doc cũ hoặc tệp hỏng): mở bằng Word "
            "rồi lưu lại dạng .docx")
DATE_RE = re.compile(r"ngày\s*(?P<d>[^\s,]*)\s*tháng\s*(?P<m>[^\s,]*)\s*năm\s*(?P<y>[^\s,]*)")
MAX_PER_RULE = 10  # further findings of one rule are summarised in one line


@dataclass(frozen=True)
class Finding:
    """One rule broken (or worth a look) somewhere in a document."""

    rule: str
    severity: str   # "error" | "warning" | "info"
    message: str    # Vietnamese
    location: dict  # {"paragraph": i} | {"table": t, "row": r, "cell": c} | {"section": s}; + "excerpt"
    extra: dict = field(default_factory=dict)  # details for --json only (font slots, colour codes)

    def to_json(self) -> dict:
        out = {"rule": self.rule, "severity": self.severity, "message": self.message,
               "location": dict(self.location)}
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    def where(self) -> str:
        loc = self.location
        if "table" in loc:
            s = f"bảng {loc['table'] + 1}, hàng {loc['row'] + 1}, ô {loc['cell'] + 1}"
        elif "paragraph" in loc:
            s = f"đoạn {loc['paragraph'] + 1}"
        elif "section" in loc:
            s = f"phần (section) {loc['section'] + 1}"
        else:
            s = "văn bản"
        if loc.get("excerpt"):
            s += f" «{loc['excerpt']}»"
        return s

    def __str__(self) -> str:
        sev = {"error": "lỗi", "warning": "cảnh báo", "info": "ghi chú"}[self.severity]
        return f"{self.where()}: {sev} [{self.rule}] {self.message}"


@lru_cache(maxsize=1)
def rule_book() -> dict:
    """The packaged rule table (nd30_rules.yaml) as a dict."""
    # PyYAML: read once, when the first document is checked (lru_cache)
    import yaml

    text = (resources.files("workflow.documents") / "nd30_rules.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


class Findings:
    """Collects findings; severity comes from the rule table; long runs are summarised."""

    def __init__(self):
        self.rules = rule_book()["rules"]
        self.items: list[Finding] = []
        self.count: Counter = Counter()

    def add(self, rule: str, message: str, where: Para | dict, extra: dict | None = None) -> None:
        self.count[rule] += 1
        if self.count[rule] > MAX_PER_RULE:
            return
        loc = where.located() if isinstance(where, Para) else dict(where)
        self.items.append(Finding(rule, self.rules[rule]["severity"], message, loc, extra or {}))

    def result(self) -> list[Finding]:
        out = list(self.items)
        for rule, n in self.count.items():
            if n > MAX_PER_RULE:
                hint = self.rules[rule].get("hint_when_many")
                out.append(Finding(rule, self.rules[rule]["severity"],
                                   f"… và {n - MAX_PER_RULE} chỗ khác cùng lỗi này"
                                   + (f"; {hint}" if hint else ""), {"excerpt": ""}))
        return out


def norm(text: str) -> str:
    """NFC, no-break spaces as spaces, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def fold(text: str) -> str:
    """Lower case without diacritics, punctuation as single spaces: for finding things."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in s).split())


@dataclass
class Structure:
    """Where the parts of an ND30 document are (each a Para, or None if not found)."""

    quoc_hieu: Para | None = None
    tieu_ngu: Para | None = None
    so: Para | None = None
    date: Para | None = None
    vv: Para | None = None
    title: Para | None = None
    kinh_gui: Para | None = None
    noi_nhan: Para | None = None
    annex: Para | None = None      # first "Phụ lục" heading after the closing block
    type_name: str | None = None   # e.g. "Kế hoạch" when the title names a known type


HEAD_LIMIT = 40  # the header block is within the first paragraphs


def find_structure(view: DocxView) -> Structure:
    st = Structure()
    names = {fold(k): k for k in rule_book()["type_abbreviations"]}
    for p in view.paras:
        head = p.seq < HEAD_LIMIT
        pieces = re.split(r"[\n\t]", p.text) if head else []  # two columns typed with a tab
        lines = [fold(x) for x in pieces]
        t = norm(p.text)
        start = fold(t[:12])  # folding is slow: only the start matters below the header
        if head and st.quoc_hieu is None and "cong hoa xa hoi chu nghia viet nam" in lines:
            st.quoc_hieu = p
        if head and st.tieu_ngu is None and any(
                x.replace(" ", "").startswith("doclaptudohanhphuc") for x in lines):
            st.tieu_ngu = p
        if head and st.so is None and any(norm(x).startswith("Số") and ":" in norm(x)[:5]
                                          for x in pieces):
            st.so = p
        if head and st.vv is None and any(norm(x).startswith("V/v") for x in pieces):
            st.vv = p
        if head and st.date is None and "ngày" in t and "năm" in t and "," in t:
            if DATE_RE.search(t):
                st.date = p
        first = norm(pieces[0]) if pieces else ""
        if (head and st.title is None and not p.in_table and len(first) < 30
                and fold(first) in names):  # case is ND30-TRICH-YEU's business
            st.title, st.type_name = p, names[fold(first)]
        if st.kinh_gui is None and t.startswith("Kính gửi"):
            st.kinh_gui = p
        if st.noi_nhan is None and start.startswith("noi nhan"):
            st.noi_nhan = p
        if (st.noi_nhan is not None and st.annex is None and not p.in_table
                and p.seq > st.noi_nhan.seq and start.startswith("phu luc")):
            st.annex = p
    return st


def main_size(view: DocxView, p: Para) -> float | None:
    """The size of most of a paragraph's characters."""
    sizes: Counter = Counter()
    for r in text_runs(p.el):
        n = sum(len(t.text or "") for t in r.findall(qn("w:t")))
        sizes[view.run_props(p, r).size] += n
    return sizes.most_common(1)[0][0] if sizes else None


def chunks(p_el) -> list[tuple[str, list]]:
    """A paragraph cut at soft line breaks and tabs: (text, runs showing it) for each piece.

    Hand-made headers put two columns in one paragraph with a tab, or two lines with a
    line break; each piece is judged with the formatting of its own runs.
    """
    out: list[tuple[str, list]] = [("", [])]
    for r in p_el.iter(qn("w:r")):
        for ch in r:
            if ch.tag == qn("w:t"):
                text, runs = out[-1]
                if (ch.text or "").strip() and r not in runs:
                    runs = runs + [r]
                out[-1] = (text + (ch.text or ""), runs)
            elif ch.tag in (qn("w:tab"), qn("w:cr")) or (
                    ch.tag == qn("w:br") and ch.get(qn("w:type")) in (None, "textWrapping")):
                out.append(("", []))
    return [(t, rs) for t, rs in out if t.strip()] or [("", [])]


def chunk_props(view: DocxView, p: Para, pred) -> tuple[str, list]:
    """(text, run properties) of the first piece of ``p`` for which ``pred(text)`` holds;
    the whole paragraph when none does."""
    for text, runs in chunks(p.el):
        if pred(text):
            return norm(text), [view.run_props(p, r) for r in runs]
    return norm(p.text), [view.run_props(p, r) for r in text_runs(p.el)]


def line_props(view: DocxView, p: Para, want: str) -> tuple[str, list]:
    """(text of the piece of ``p`` whose fold starts with ``want``, its run properties)."""
    want = want.replace(" ", "")
    return chunk_props(view, p, lambda t: fold(t).replace(" ", "").startswith(want))
