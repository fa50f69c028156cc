"""Turn an evaluation into the Báo cáo context: sentences, comparison rows, annexes.

Wording follows published district reports ("12.880/12.882, đạt 99,98%"; "13/14 phường đạt
chuẩn …"). The narrative parts come from the meta file; kiến nghị are suggested here from the
results. Returns plain data (strings, lists, dicts): the template does the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..documents import vnformat
from . import vn
from .annex import annex_grid, any_dbkk, indicators, totals
from .criteria import CriteriaSet, Programme, standard
from .evaluate import (
    MISSED,
    UNKNOWN,
    Evaluation,
    ParentResult,
    UnitResult,
    level_name,
    missed_prerequisites,
)
from .meta import Meta

SAMPLE_TEXT = ("(Số liệu mẫu, tự tạo để minh họa cách lập báo cáo; "
               "không dùng để báo cáo chính thức)")


@dataclass
class Narrative:
    """What the report says beyond the figures (from the meta file, or blanks to fill in)."""

    area: str
    unit_word: str
    authority: str
    situation: list[str]
    process: list[str]
    strengths: list[str]
    limits: list[str]
    causes: list[str]
    direction: list[str]
    proposals: list[str]
    targets: list


def narrative_from(meta: Meta | None, *, area: str = "", units: list[str] = ()) -> Narrative:
    """The narrative parts of ``meta`` (blanks without one). The word for the units ("xã",
    "phường", "xã, phường") is the meta's ``unit_word`` when written there, else read from the
    units' names."""
    m = meta
    word = m.unit_word if m and "unit_word" in m.model_fields_set else unit_word(units)
    return Narrative(
        area=vn.in_sentence((m.area if m else area) or "đơn vị"),
        unit_word=word,
        authority=m.authority if m else "cấp có thẩm quyền",
        situation=list(m.situation) if m else [],
        process=list(m.process) if m else [],
        strengths=list(m.assessment.strengths) if m else [],
        limits=list(m.assessment.limits) if m else [],
        causes=list(m.assessment.causes) if m else [],
        direction=list(m.direction) if m else [],
        proposals=list(m.proposals) if m else [],
        targets=list(m.targets) if m else [],
    )


def unit_word(names: list[str]) -> str:
    """'phường' when every unit is a phường, 'xã, phường' for a mix, 'xã' when the names carry
    no kind."""
    return vn.kinds_word(names, "xã")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _h(out, kind, text):
    out.append({"kind": kind, "text": text, "image": ""})


def _paras(out, lines: list[str], missing: str) -> None:
    if not lines:
        _h(out, "p", missing)
    for line in lines:
        _h(out, "p", " ".join(line.split()))


# a plan-only report has no meta file: say where else the text can go
TO_FILL = ("(Phần này đơn vị tự viết: viết thẳng vào văn bản này, hoặc ghi vào tệp meta, mục {key}, "
           "rồi tạo lại báo cáo.)")


def body(ev: Evaluation, nar: Narrative, *, previous: Evaluation | None, year: int,
         charts: dict[str, object]) -> list[dict]:
    """Parts I–III. ``charts`` maps a programme id to its charts (InlineImages; more than one
    when one would be taller than a page): each follows the programme's part, numbered
    "Biểu đồ n." under it and cited as "(Biểu đồ n)"."""
    out: list[dict] = []
    _h(out, "h1", "I. ĐẶC ĐIỂM TÌNH HÌNH")
    _paras(out, nar.situation, TO_FILL.format(key="situation"))
    _h(out, "h1", "II. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI THỰC HIỆN")
    _paras(out, nar.process, TO_FILL.format(key="process"))
    _h(out, "h1", "III. KẾT QUẢ PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ")
    _h(out, "p", f"Đối chiếu với tiêu chuẩn quy định tại {ev.criteria.title}, kết quả tại thời điểm "
                 f"tháng 10 năm {year} như sau:")
    _h(out, "remark", vn.ROUNDING_NOTE)
    n_chart = 0
    for i, p in enumerate(ev.criteria.programmes, start=1):
        _h(out, "h2", f"{i}. {_cap(p.name)}")
        programme_part(out, ev, p, nar, previous=previous, year=year)
        # the annexes follow the programmes' order; ND30 wants the body to cite each one
        images = charts.get(p.id) or []
        numbers = list(range(n_chart + 1, n_chart + 1 + len(images)))
        n_chart += len(images)
        cite = f" (Biểu đồ {', '.join(map(str, numbers))})" if numbers else ""
        _h(out, "p", f"- Kết quả của từng {nar.unit_word}{cite}: chi tiết tại Phụ lục {vnformat.roman(i)} kèm theo.")
        for k, (n, image) in enumerate(zip(numbers, images), start=1):
            part = f" ({k}/{len(images)})" if len(images) > 1 else ""
            out.append({"kind": "chart", "text": "", "image": image})
            _h(out, "caption", f"Biểu đồ {n}. Các tỷ lệ {p.name} của từng {nar.unit_word} "
                               f"so với ngưỡng công nhận{part}")
    return out


def programme_part(out, ev: Evaluation, p: Programme, nar: Narrative, *, previous, year) -> None:
    w = nar.unit_word
    for ind in indicators(ev.criteria, p, dbkk=any_dbkk(ev)):
        t = totals(ev, ind.num, ind.den)
        if t is not None and t[1]:
            _h(out, "p", f"- {_cap(ind.text)}: {vn.figure(*t, thresholds=ind.thresholds)}.")
    n = len(ev.units)
    tier = ev.parent.tier if ev.parent is not None else None
    for lv in sorted(p.levels, key=lambda x: x.level):
        reached = [u for u in ev.units if u.levels[p.id] >= lv.level]
        rule = [r.fraction for r in lv.parent if r.tier == tier]
        line = f"- Số {w} đạt chuẩn {standard(p.short, p, lv.level)}: {vn.share(len(reached), n, thresholds=rule)}"
        missing = [u for u in ev.units if u.status[p.id][lv.level] == MISSED]
        unknown = [u for u in ev.units if u.status[p.id][lv.level] == UNKNOWN]
        if missing:
            line += f"; chưa đạt: {'; '.join(_why(u, p, lv.level, ev.criteria) for u in missing)}"
        if unknown:
            line += f"; chưa đánh giá được (thiếu số liệu): {', '.join(vn.in_sentence(u.name) for u in unknown)}"
        _h(out, "p", line + ".")
    parent = ev.parent
    if parent is not None:
        _h(out, "p", _parent_sentence(parent, p, nar, ev.criteria))
    if previous is not None and previous.parent is not None and parent is not None:
        before, now = previous.parent.levels.get(p.id, 0), parent.levels.get(p.id, 0)
        if now > before:
            verb = f"tăng từ {level_name(p, before)} lên {level_name(p, now)}"
        elif now < before:
            verb = f"giảm từ {level_name(p, before)} xuống {level_name(p, now)}"
        else:
            verb = f"giữ vững {level_name(p, now)}" if now else "vẫn chưa đạt chuẩn"
        _h(out, "p", f"- So với năm {year - 1}: {nar.area} {verb}.")


def _why(u: UnitResult, p: Programme, level: int, cs: CriteriaSet) -> str:
    """'phường Phúc Xá (tỷ lệ …: 742/795, đạt 93,33%, thấp hơn mức 95%)', or, when only a
    prerequisite failed, 'xã A (chưa đạt điều kiện trước: XMC mức độ 1)' (mid-sentence)."""
    reasons = []
    for c in u.checks:
        if c.programme == p.id and c.level in (level, 0) and c.met is False:
            if c.kind == "gate":
                reasons.append("chưa đảm bảo điều kiện")
            else:
                reasons.append(f"{c.text}: {c.figure()}, thấp hơn mức {vn.threshold(c.threshold)}")
    if not reasons:
        req = p.level(level).requires
        if req:
            names = missed_prerequisites(u, cs, p.id, level) or [cs.ref_name(r) for r in req]
            reasons.append("chưa đạt điều kiện trước: " + ", ".join(names))
    return vn.in_sentence(u.name) + (f" ({'; '.join(reasons)})" if reasons else "")


def _parent_sentence(parent: ParentResult, p: Programme, nar: Narrative, cs: CriteriaSet) -> str:
    level = parent.levels.get(p.id, 0)
    tier = next((t.name for t in cs.hierarchy if t.id == parent.tier), parent.tier)
    who = _cap(nar.area)
    if level:
        text = f"- {who} đạt chuẩn {standard(p.name, p, level)} (theo tiêu chuẩn đối với cấp {tier})"
    else:
        text = f"- {who} chưa đạt chuẩn {p.name} (theo tiêu chuẩn đối với cấp {tier})"
    nxt = level + 1
    if nxt <= p.top:
        failed = [s for s in parent.shares if s.programme == p.id and s.level == nxt and not s.met and s.total]
        if failed:
            s = failed[0]
            goal = standard(p.short, p, nxt)
            if level:
                text += f"; chưa đạt {level_name(p, nxt)}"
            among = {"all": "", "dbkk": " ĐBKK", "normal": " không thuộc diện ĐBKK"}[s.among]
            text += (f" do có {vn.share(s.reached, s.total, thresholds=(s.threshold,))} {nar.unit_word}{among} "
                     f"đạt chuẩn {goal}, yêu cầu {vn.required(s.threshold)} ({vn.article(s.article)})")
    return text + "."


def proposals(ev: Evaluation, nar: Narrative, *, previous: Evaluation | None, year: int) -> list[str]:
    """Kiến nghị suggested from the results, then the meta file's own."""
    out = []
    parent = ev.parent
    if parent is not None:
        reached = [standard(p.name, p, parent.levels[p.id]) for p in ev.criteria.programmes
                   if parent.levels.get(p.id)]
        if reached:
            out.append(f"Đề nghị {nar.authority} kiểm tra, công nhận {nar.area} đạt chuẩn "
                       f"{'; '.join(reached)} năm {year}.")
    prev_units = {u.name: u for u in previous.units} if previous else {}
    for p in ev.criteria.programmes:
        for u in ev.units:
            lv = u.levels[p.id]
            if lv >= p.top:
                continue
            before = prev_units[u.name].levels.get(p.id, 0) if u.name in prev_units else 0
            target = max(lv + 1, before) if before > lv else lv + 1
            fails = [c for c in u.checks if c.programme == p.id and c.level == target and c.met is False
                     and c.kind == "rate"]
            what = "; ".join(f"{c.text} (hiện {vn.pct(c.rate, thresholds=(c.threshold,))}, "
                             f"yêu cầu {vn.threshold(c.threshold)})"
                             for c in fails if c.rate is not None)
            if before > lv:
                out.append(f"Đề nghị UBND {vn.in_sentence(u.name)} "
                           f"có giải pháp khôi phục chuẩn {standard(p.short, p, before)} đã đạt năm {year - 1}"
                           + (f": nâng {what}." if what else "."))
            elif what:
                out.append(f"Đề nghị UBND {vn.in_sentence(u.name)} có giải pháp nâng {what} để đạt chuẩn "
                           f"{standard(p.short, p, target)}.")
    unknown = [u.name for u in ev.units if any(u.unassessed(p.id) for p in ev.criteria.programmes)]
    if unknown:
        out.append(f"Đề nghị UBND {', '.join(vn.in_sentence(n) for n in unknown)} bổ sung đầy đủ số liệu "
                   "để đánh giá.")
    return out + [" ".join(x.split()) for x in nar.proposals]


def closing(ev: Evaluation, nar: Narrative, *, previous, year) -> list[dict]:
    out: list[dict] = []
    _h(out, "h1", "IV. ĐÁNH GIÁ CHUNG")
    for i, (title, lines, key) in enumerate((("Ưu điểm", nar.strengths, "assessment.strengths"),
                                              ("Tồn tại, hạn chế", nar.limits, "assessment.limits"),
                                              ("Nguyên nhân", nar.causes, "assessment.causes")), start=1):
        _h(out, "h2", f"{i}. {title}")
        _paras(out, [f"- {x}" for x in lines], TO_FILL.format(key=key))
    _h(out, "h1", f"V. PHƯƠNG HƯỚNG, GIẢI PHÁP NĂM {year + 1}")
    _paras(out, [f"- {x}" for x in nar.direction], TO_FILL.format(key="direction"))
    _h(out, "h1", "VI. KIẾN NGHỊ, ĐỀ XUẤT")
    _paras(out, [f"- {x}" for x in proposals(ev, nar, previous=previous, year=year)],
           "Không có kiến nghị.")
    _h(out, "p", f"Trên đây là báo cáo kết quả phổ cập giáo dục, xóa mù chữ năm {year} của {nar.area}./.")
    return out


def compare_rows(ev: Evaluation, nar: Narrative, *, previous: Evaluation | None) -> list[dict]:
    """Each programme's level share and each target against last year and the target."""
    rows = []
    cs = ev.criteria

    def level_share(e: Evaluation | None, pid: str, level: int) -> Fraction | None:
        if e is None or not e.units:
            return None
        return Fraction(sum(1 for u in e.units if u.levels.get(pid, 0) >= level), len(e.units))

    def crit_rate(e: Evaluation | None, cid: str) -> Fraction | None:
        if e is None:
            return None
        c = next((c for _, _, c in cs.criteria() if c.id == cid), None)
        if c is None:
            return None
        _, num, den, _ = c.variant(False)
        t = totals(e, num, den)
        return Fraction(*t) if t and t[1] else None

    items = []
    for t in nar.targets:
        if t.criterion:
            items.append((t.text, crit_rate(previous, t.criterion), crit_rate(ev, t.criterion), t.target))
        else:
            items.append((t.text, level_share(previous, t.programme, t.level),
                          level_share(ev, t.programme, t.level), t.target))
    if not items and previous is not None:
        for p in cs.programmes:
            items.append((f"Tỷ lệ {nar.unit_word} đạt chuẩn {standard(p.short, p, p.top)}",
                          level_share(previous, p.id, p.top), level_share(ev, p.id, p.top), None))
    for i, (text, before, now, target) in enumerate(items, start=1):
        goals = () if target is None else (Fraction(str(target)) / 100,)
        verdict = ""
        if target is not None and now is not None:
            goal = Fraction(str(target)) / 100
            verdict = "Đạt" if now >= goal else "Chưa đạt"
        elif before is not None and now is not None:
            verdict = "Tăng" if now > before else ("Giảm" if now < before else "Giữ vững")
        rows.append({"tt": str(i), "text": text,
                     "previous": vn.pct(before, thresholds=goals) if before is not None else "-",
                     "current": vn.pct(now, thresholds=goals) if now is not None else "-",
                     "target": (vnformat.number(target, 1 if target % 1 else 0) + "%") if target is not None else "-",
                     "verdict": verdict})
    return rows


ANNEX_MARKER = "\u27e6bảng phụ lục {}\u27e7"  # ⟦bảng phụ lục I⟧: where the annex table goes


class AnnexContext(dict):
    """One annex in the template's context. ``rows`` (a row per unit and indicator) and
    ``legend`` serve templates copied from kehoach before the annex tables were written after
    rendering: a user's restyled old template still gets its table. Computed only when such a
    template asks for them."""

    def __init__(self, ev: Evaluation, p: Programme, **fields):
        super().__init__(fields)
        self._ev, self._p = ev, p

    @property
    def legend(self) -> str:
        return vn.ROUNDING_NOTE

    @property
    def rows(self) -> list[dict]:
        ev, p = self._ev, self._p
        out = []
        for n, u in enumerate(ev.units, start=1):
            level = level_name(p, u.levels[p.id]) + (" (chưa đánh giá đủ)" if u.unassessed(p.id) else "")
            for k, ind in enumerate(indicators(ev.criteria, p, dbkk=any_dbkk(ev))):
                vals = [u.unit.values.get(c) for c in (*ind.num, ind.den)]
                have = all(v is not None for v in vals)
                nn, dd = (sum(vals[:-1]), vals[-1]) if have else (None, None)
                out.append({"tt": str(n) if k == 0 else "", "unit": u.name if k == 0 else "",
                            "what": _cap(ind.text), "den": vnformat.number(dd) if have else "-",
                            "num": vnformat.number(nn) if have else "-",
                            "rate": vn.pct(Fraction(nn, dd), thresholds=ind.thresholds)[:-1] if have and dd else "-",
                            "level": _cap(level) if k == 0 else ""})
        return out


def annexes(ev: Evaluation, nar: Narrative, doc_ref: str) -> list[dict]:
    """Phụ lục I, II, …: one per programme; ``grid`` is its table (statistics/annex.py),
    written at the paragraph reading ``marker`` after rendering."""
    out = []
    for i, p in enumerate(ev.criteria.programmes, start=1):
        roman = vnformat.roman(i)
        grid = annex_grid(ev, p)
        out.append(AnnexContext(ev, p, roman=roman,
                                title=f"KẾT QUẢ {p.name.upper()} CỦA CÁC {nar.unit_word.upper()}",
                                note=doc_ref, marker=ANNEX_MARKER.format(roman), grid=grid,
                                landscape=grid.landscape))
    return out
