"""`kehoach new --from PLAN --year N`: next year's plan, made by editing this year's YAML text.

The file is rewritten in place of a re-dump, so the user's comments, order and line breaks
survive. What changes: the ``year:`` field; the document date's year (its day and the number
are cleared for the new signature); every deadline phrase moves by the difference in years
(29/2 becomes 28/2 in a common year); "năm 2024" becomes "năm 2025" where it means the plan
year, and "năm 2023" becomes "năm 2024" for the year before. Legal citations ("Nghị định số
20/2014/NĐ-CP", "Kế hoạch số 418/KH-SGDĐT ngày 07/02/2024") and the căn cứ lines are never
touched: they are listed for review, with every other year left as it was.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from ..safeio import atomic_path
from .loader import load_plan
from .timephrase import find_phrases
from .yamlsource import format_path

# keys whose values are names, ids or paths, never prose to move
_SKIP_KEYS = {"id", "unit", "units_file", "co_owners", "templates", "criteria", "symbol", "place",
              "kind", "style", "archive", "label", "members", "email", "short", "name", "type",
              "parent_body", "issuing_body", "issuer_name"}
_SKIP_TOP = {"units", "signer", "recipients", "units_file", "templates", "criteria", "kind"}

_DOC = (r"(?:Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Kế hoạch|[Cc]ông văn|Chỉ thị|Nghị quyết|"
        r"Hướng dẫn|Chương trình hành động|Chương trình|Thông báo kết luận|Thông báo|Kết luận|"
        r"[Vv]ăn bản hợp nhất|[Vv]ăn bản|Công điện|Báo cáo|Tờ trình|Quy định|Quy chế|Đề án|Thông tri|Pháp lệnh)")
_NUMSYM = r"\d+(?:\s*/\s*\d{4})?\s*[/-]\s*[A-ZĐ][A-Za-zĐđ0-9/.-]*"
_CITE_DATE = (r"(?:\s*,?\s*ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
              r"|\s*,?\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})?")
CITATION = re.compile(
    rf"{_DOC}(?:\s+số)?\s+{_NUMSYM}{_CITE_DATE}"
    r"|\bLuật\s+[A-ZĐ][^\d,;.()]{0,60}?\s+năm\s+\d{4}"
    r"|Chương trình giáo dục phổ thông(?:\s+năm)?\s+\d{4}")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d|2100)(?!\d)")
_NAM = re.compile(r"\bnăm\s+(?P<y>\d{4})(?!\s*[-/]\s*\d)")
_NAM_HOC = re.compile(r"\bnăm học\s+(?P<a>\d{4})\s*-\s*(?P<b>\d{4})")
_DAY_MONTH = re.compile(r"(?<!\d)29(?=\s*[/.-]\s*0?2(?!\d)|\s+tháng\s+0?2(?!\d))")


@dataclass(frozen=True)
class Change:
    line: int
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.line}: {self.field}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Review:
    line: int
    field: str
    text: str
    reason: str


@dataclass
class RollResult:
    source: Path
    target: Path
    year_from: int
    year_to: int
    changes: list[Change] = field(default_factory=list)
    review: list[Review] = field(default_factory=list)


def default_target(src: Path, old: int, new: int) -> Path:
    stem = src.stem
    stem = stem.replace(str(old), str(new)) if str(old) in stem else f"{stem}-{new}"
    return src.with_name(stem + src.suffix)


def roll_plan(src: str | Path, *, year: int, out: str | Path | None = None,
              force: bool = False) -> RollResult:
    """Write next year's plan beside ``src`` (or to ``out``) and return every change made and
    every passage left for review. Raises :class:`InputError` for a bad plan, an existing
    target without ``force``, or a result that would not load (nothing is written then)."""
    src = Path(src)
    lp = load_plan(src)
    old = lp.year
    if not 2000 <= year <= 2100:
        raise InputError(Problem(file="<dòng lệnh>", field="--year", message=f"năm {year} không hợp lệ"))
    target = Path(out) if out else default_target(src, old, year)
    if target.resolve() == src.resolve():
        raise InputError(Problem(file=str(target), message="tệp kết quả trùng tệp gốc; chọn tên khác bằng -o"))
    if target.exists() and not force:
        raise InputError(Problem(file=str(target), message="tệp đã có; chọn tên khác bằng -o hoặc thêm --force để ghi đè"))
    text = src.read_text(encoding="utf-8-sig")
    res = RollResult(source=src, target=target, year_from=old, year_to=year)
    edits = _plan_edits(text, old, year, res, src, target)
    new_text = _apply(text, edits)
    with atomic_path(target) as tmp:
        tmp.write_text(new_text, encoding="utf-8")
        try:
            lp2 = load_plan(tmp)
        except InputError as e:
            raise InputError([Problem(file=str(target), line=p.line, col=p.col, field=p.field,
                                      message=f"kế hoạch mới chưa hợp lệ, chưa ghi tệp: {p.message}")
                              for p in e.problems]) from None
    _check_moved(lp, lp2, year - old, res)
    return res


# --- finding the edits ------------------------------------------------------------------

def _plan_edits(text: str, old: int, new: int, res: RollResult, src: Path, target: Path) -> list:
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # marks: character offsets
    edits: list[tuple[int, int, str]] = []

    def line_of(i: int) -> int:
        return text.count("\n", 0, i) + 1

    def walk(node, path, parent=None):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                walk(v, path + (k.value,), node)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,), parent)
        else:
            scalar(node, path, parent)

    def replace_node(node, new_src: str, path, shown_old: str, shown_new: str):
        edits.append((node.start_mark.index, node.end_mark.index, new_src))
        res.changes.append(Change(line_of(node.start_mark.index), _fmt(path), shown_old, shown_new))

    def scalar(node, path, parent):
        value = node.value
        if path in (("year",), ("document", "date", "year")):
            replace_node(node, str(new), path, node.value, str(new))
            return
        if path == ("document", "date", "day") and node.value not in ("", "null", "~"):
            replace_node(node, "null", path, node.value, "(để trống)")
            return
        if path == ("document", "number") and node.value not in ("", "null", "~"):
            replace_node(node, "", path, node.value, "(để trống)")
            return
        if path and path[0] == "units_file" and src.parent.resolve() != target.parent.resolve():
            rel = os.path.relpath((src.parent / value).resolve(), target.parent.resolve())
            replace_node(node, rel, path, value, rel)
            return
        if node.tag != "tag:yaml.org,2002:str" or not path or path[0] in _SKIP_TOP:
            return
        last = next((p for p in reversed(path) if isinstance(p, str)), "")
        if last in _SKIP_KEYS:
            return
        if path[0] == "basis":
            for m in CITATION.finditer(value):
                res.review.append(Review(line_of(node.start_mark.index), _fmt(path), m.group().rstrip("."),
                                         "trích dẫn văn bản: giữ nguyên"))
            res.review.append(Review(line_of(node.start_mark.index), _fmt(path), _short(value),
                                     "căn cứ: giữ nguyên; cập nhật văn bản của năm mới nếu có"))
            return
        siblings = _sibling_phrases(parent) if last == "task" else []
        text_edits = _text_edits(value, old, new, whole=(last == "deadline"), extra=siblings)
        if not text_edits and not any(True for _ in CITATION.finditer(value)) and not _YEAR.search(value):
            return
        offs = _value_map(text, node, value)
        if offs is None:
            if text_edits:
                res.review.append(Review(line_of(node.start_mark.index), _fmt(path), _short(value),
                                         "không sửa được tự động (chuỗi có ký tự thoát): hãy sửa tay"))
            return
        for a, b, new_tok, shown_old, _shown_new in text_edits:
            if offs[b - 1] - offs[a] != b - 1 - a:
                res.review.append(Review(line_of(offs[a]), _fmt(path), shown_old, "không sửa được tự động: hãy sửa tay"))
                continue
            edits.append((offs[a], offs[b - 1] + 1, new_tok))
        shown = []
        for a, _b, _t, shown_old, shown_new in text_edits:  # one line per line touched
            c = Change(line_of(offs[a]), _fmt(path), shown_old, shown_new)
            if not shown or shown[-1] != c:
                shown.append(c)
        res.changes.extend(shown)
        for m in CITATION.finditer(value):
            res.review.append(Review(line_of(offs[m.start()]), _fmt(path), m.group().rstrip("."),
                                     "trích dẫn văn bản: giữ nguyên"))
        for a, b, reason in _left_years(value, old, text_edits):
            res.review.append(Review(line_of(offs[a]), _fmt(path), _around(value, a, b), reason))

    walk(root, ())
    for m in re.finditer(r"(?m)^(\s*#.*)$", text):  # comments: "năm 2024" -> "năm 2025"
        line = m.group(1)
        for nm in _NAM.finditer(line):
            y = int(nm.group("y"))
            if y in (old, old - 1):
                a = m.start(1) + nm.start("y")
                edits.append((a, a + 4, str(y + new - old)))
                res.changes.append(Change(line_of(a), "(ghi chú)", nm.group(), f"năm {y + new - old}"))
    res.changes.sort(key=lambda c: c.line)
    res.review.sort(key=lambda r: r.line)
    return edits


def _sibling_phrases(mapping) -> list[str]:
    if not isinstance(mapping, yaml.MappingNode):
        return []
    for k, v in mapping.value:
        if k.value == "deadline":
            if isinstance(v, yaml.SequenceNode):
                return [" ".join(x.value.split()) for x in v.value if isinstance(x, yaml.ScalarNode)]
            if isinstance(v, yaml.ScalarNode):
                return [" ".join(v.value.split())]
    return []


def _text_edits(value: str, old: int, new: int, *, whole: bool, extra: list[str]):
    """Edits inside one string: (start, end, new text, shown old, shown new), value offsets."""
    delta = new - old
    if not _YEAR.search(value) and not _DAY_MONTH.search(value):
        return []  # nothing a roll-over could change (and find_phrases is the costly part)
    cites = [(m.start(), m.end()) for m in CITATION.finditer(value)]

    def in_cite(a, b):
        return any(ca <= a and b <= cb for ca, cb in cites)

    spans = [(0, len(value))] if whole else [(a, b) for a, b, _ in find_phrases(value)]
    for ph in extra:
        for m in re.finditer(re.escape(ph), value):
            spans.append((m.start(), m.end()))
    spans = _merge(spans)
    out = []
    taken: list[tuple[int, int]] = []
    for a, b in spans:
        if in_cite(a, b):
            continue
        phrase = value[a:b]
        toks = []
        for m in _YEAR.finditer(phrase):
            toks.append((a + m.start(), a + m.end(), str(int(m.group()) + delta)))
        years = [int(m.group()) + delta for m in _YEAR.finditer(phrase)] or [new]
        if not _leap(years[-1]):
            for m in _DAY_MONTH.finditer(phrase):
                toks.append((a + m.start(), a + m.start() + 2, "28"))
        if toks:
            shown_new = _splice(value, a, b, toks)
            for s, e, t in toks:
                out.append((s, e, t, phrase, shown_new))
                taken.append((s, e))
            taken.append((a, b))
    for m in _NAM_HOC.finditer(value):
        a0, b0 = m.start(), m.end()
        if any(s <= a0 < e for s, e in taken) or in_cite(a0, b0) or int(m.group("a")) not in (old - 1, old):
            continue
        toks = [(m.start("a"), m.end("a"), str(int(m.group("a")) + delta)),
                (m.start("b"), m.end("b"), str(int(m.group("b")) + delta))]
        shown_new = _splice(value, a0, b0, toks)
        for s, e, t in toks:
            out.append((s, e, t, m.group(), shown_new))
        taken.append((a0, b0))
    for m in _NAM.finditer(value):
        a0, b0 = m.start(), m.end()
        if any(s <= a0 < e for s, e in taken) or in_cite(a0, b0):
            continue
        y = int(m.group("y"))
        if y in (old, old - 1):
            out.append((m.start("y"), m.end("y"), str(y + delta), m.group(), f"năm {y + delta}"))
            taken.append((a0, b0))
    return out


def _left_years(value: str, old: int, edits) -> list[tuple[int, int, str]]:
    """Years near the plan year that were not changed and are not in a citation."""
    changed = {(s, e) for s, e, *_ in edits}
    cites = [(m.start(), m.end()) for m in CITATION.finditer(value)]
    out = []
    for m in _YEAR.finditer(value):
        y = int(m.group())
        if (m.start(), m.end()) in changed or any(a <= m.start() < b for a, b in cites):
            continue
        if old - 1 <= y <= old + 1:
            out.append((m.start(), m.end(), f"năm {y} giữ nguyên (không rõ là năm kế hoạch): kiểm tra"))
    return out


def _merge(spans):
    out = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _splice(value: str, a: int, b: int, toks) -> str:
    s = value[a:b]
    for ts, te, t in sorted(toks, reverse=True):
        s = s[: ts - a] + t + s[te - a:]
    return s


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _value_map(text: str, node, value: str) -> list[int] | None:
    """Offset in ``text`` of each character of the scalar's value, or None if the source form
    (escapes in quotes) does not map one to one. A folded line break maps to its newline."""
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style
    if style in (">", "|"):
        j = text.index("\n", start) + 1
    elif style in ('"', "'"):
        j, end = start + 1, end - 1
    else:
        j = start
    offs = []
    for c in value:
        while True:
            if j >= end:
                return None
            s = text[j]
            if s == c and not (style == '"' and s == "\\") and not (style == "'" and s == "'"):
                offs.append(j)
                j += 1
                break
            if s == "\n" and c == " ":
                offs.append(j)
                j += 1
                while j < end and text[j] in " \t":
                    j += 1
                break
            if s in " \t\r\n":
                j += 1
                continue
            return None
    return offs


def _apply(text: str, edits) -> str:
    out, last = [], 0
    for a, b, t in sorted(set(edits)):
        if a < last:
            continue  # overlapping edits: the first wins (same token found twice)
        out.append(text[last:a])
        out.append(t)
        last = b
    out.append(text[last:])
    return "".join(out)


def _check_moved(lp, lp2, delta: int, res: RollResult) -> None:
    """Every task's dates must be the old ones moved by ``delta`` years; list any that are not."""
    def shift(d):
        if d is None:
            return None
        y = d.year + delta
        day = 28 if (d.month == 2 and d.day == 29 and not _leap(y)) else d.day
        return date(y, d.month, day)

    new_tasks = {t.id: t for t in lp2.tasks}
    for t in lp.tasks:
        t2 = new_tasks.get(t.id)
        if t2 is None:
            continue
        want = [(shift(p.start), shift(p.end)) for r in t.readings for p in r.periods]
        got = [(p.start, p.end) for r in t2.readings for p in r.periods]
        if want != got:
            line = lp2.positions.at(t2.path)[0] or 0
            res.review.append(Review(line, f"nhiệm vụ {t.id}", "; ".join(t2.phrases),
                                     "thời hạn chưa dời đúng số năm: kiểm tra"))


def _fmt(path) -> str:
    return format_path(path)


def _short(s: str, n: int = 90) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _around(value: str, a: int, b: int) -> str:
    s = max(0, a - 30)
    e = min(len(value), b + 10)
    return ("…" if s else "") + " ".join(value[s:e].split()) + ("…" if e < len(value) else "")
