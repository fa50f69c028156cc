"""Evaluation results in words, as ``kehoach evaluate`` prints them and the web shows them."""

from __future__ import annotations

from fractions import Fraction

from .criteria import standard
from .evaluate import level_name
from .vn import kinds_word, pct, threshold


def parent_lines(p, cs, *, show_all: bool) -> list[str]:
    """'Huyện Đan Phượng (cấp huyện): PCGD MN5 chưa đạt; …' then one line per share rule:
    '    PCGD MN5 — 1/3 xã đạt chuẩn (33,33%), cần ≥ 90%: CHƯA ĐẠT' (all: 'cần 100%')."""

    tiers = [t.id for t in cs.hierarchy]
    names = {t.id: t.name for t in cs.hierarchy}
    tier = names.get(p.tier, p.tier)
    below = names[tiers[tiers.index(p.tier) - 1]] if p.tier in tiers[1:] else "đơn vị"
    below = kinds_word(p.members, below)          # "phường" for a quận's wards, not the tier's "xã"
    label = f"{p.name} (cấp {tier})" if p.name else f"Cấp {tier}"
    lines = [f"{label}: " + "; ".join(f"{pr.short} {level_name(pr, p.levels[pr.id])}" for pr in cs.programmes)]
    among = {"all": "", "dbkk": " ĐBKK", "normal": " không thuộc diện ĐBKK"}
    for s in p.shares:
        if show_all or not s.met:
            pr = cs.programme(s.programme)
            who = f"{below}{among[s.among]}"
            if not s.total:     # e.g. no ĐBKK commune: the rule does not apply
                lines.append(f"    {standard(pr.short, pr, s.level)} — không có {who}: không áp dụng")
                continue
            lines.append(f"    {standard(pr.short, pr, s.level)} — {s.reached}/{s.total} {who} đạt chuẩn "
                         f"({pct(Fraction(s.reached, s.total), thresholds=(s.threshold,))}), "
                         f"cần {'' if s.threshold >= 1 else '≥ '}{threshold(s.threshold)}: "
                         f"{'đạt' if s.met else 'CHƯA ĐẠT'}")
    return lines
