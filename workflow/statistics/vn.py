"""Exact Vietnamese figures for rates: '12.880/12.882, đạt 99,98%'.

Percentages are rounded half up to two decimals, as published reports and calculators do
(13/14 = 92,86%), on exact fractions, never through floats. One exception: a rate below a
threshold is never shown as reaching it, so 89,996% with a 90% threshold prints 89,996%, not
90,00% (more decimals, as many as it takes). 100% is always such a threshold: a rate below it
never prints 100,00%. :data:`ROUNDING_NOTE` states the rule once in the report.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from ..documents.vnformat import number

ONE = Fraction(1)
ROUNDING_NOTE = ("Ghi chú: tỷ lệ (%) tính trên số phải phổ cập, làm tròn đến hai chữ số thập phân; "
                 "tỷ lệ chưa đạt một ngưỡng mà làm tròn sẽ thành bằng ngưỡng thì ghi thêm chữ số thập "
                 "phân (ví dụ 89,996%, không ghi 90,00%).")


def pct(rate: Fraction, decimals: int = 2, *, thresholds=()) -> str:
    """Fraction(13, 14) -> '92,86%': half up to ``decimals``; with more decimals when that
    would put the rate on the other side of one of ``thresholds`` (fractions of 1) or of 100%:
    Fraction(89996, 100000) with thresholds [9/10] -> '89,996%'.

    On integers only (a report prints tens of thousands of rates): num/den shown as v/10^d %."""
    rate = Fraction(rate)
    return pct_of(rate.numerator, rate.denominator, decimals, thresholds=tuple(thresholds))


def pct_of(num: int, den: int, decimals: int = 2, *, thresholds: tuple = ()) -> str:
    """:func:`pct` of ``num``/``den`` (den > 0), without making a Fraction of it."""
    limits = _limits(tuple((t.numerator, t.denominator) if isinstance(t, Fraction) else t
                           for t in thresholds))
    d = decimals
    while True:
        scale = 10**d
        v = (2 * num * 100 * scale + den) // (2 * den)      # half up (rates are ≥ 0)
        # shown ≥ p/q  ⇔  v·q ≥ p·100·10^d;  rate ≥ p/q  ⇔  num·q ≥ p·den
        for p, q in limits:
            if (v * q >= p * 100 * scale) != (num * q >= p * den):
                break
        else:
            break
        d += 1
    whole, frac = divmod(v, scale)
    text = number(whole)
    if d:
        text += "," + str(frac).rjust(d, "0")
    return text + "%"


@lru_cache(maxsize=256)
def _limits(thresholds: tuple) -> tuple[tuple[int, int], ...]:
    """(p, q) of each threshold (given as (p, q) or a number), and of 100%. Keyed by
    integers: a Fraction's hash is slow, and a report asks for tens of thousands of rates."""
    out = []
    for t in thresholds:
        f = Fraction(*t) if isinstance(t, tuple) else Fraction(t)
        out.append((f.numerator, f.denominator))
    return tuple(out) + ((1, 1),)


def threshold(f: Fraction) -> str:
    """Fraction(95, 100) -> '95%'; Fraction(995, 1000) -> '99,5%' (exact, no trailing zeros)."""
    if not isinstance(f, Fraction):
        f = Fraction(f)
    return _threshold(f.numerator, f.denominator)


@lru_cache(maxsize=256)
def _threshold(p: int, q: int) -> str:
    v = Fraction(p, q) * 100
    if v.denominator == 1:
        return f"{v.numerator}%"
    s = f"{float(v):.4f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") + "%"


def figure(num: int, den: int, *, thresholds=()) -> str:
    """'12.880/12.882, đạt 99,98%' (see :func:`pct` for ``thresholds``)."""
    if den == 0:
        return f"{number(num)}/0"
    return f"{number(num)}/{number(den)}, đạt {pct_of(num, den, thresholds=tuple(thresholds))}"


def share(reached: int, total: int, *, thresholds=()) -> str:
    """'13/14 (92,86%)'."""
    if not total:
        return "0/0"
    return f"{reached}/{total} ({pct(Fraction(reached, total), thresholds=thresholds)})"


def required(f: Fraction) -> str:
    """What a rule asks for, in a sentence: '100%' for all, else 'ít nhất 90%'."""
    return threshold(f) if f >= ONE else f"ít nhất {threshold(f)}"


# unit kinds written before a name; longest first so "Thị trấn" is not read as "Thị"
KINDS = ("thị trấn", "thị xã", "thành phố", "đặc khu", "phường", "xã", "quận", "huyện", "tỉnh")


@lru_cache(maxsize=4096)
def kind_of(name: str) -> str:
    """'Xã Hồng Hà' -> 'xã'; 'Thị Trấn Tây Đằng' -> 'thị trấn'; '' when the name has no kind."""
    low = " ".join(name.split()).lower()
    return next((k for k in KINDS if low.startswith(k + " ")), "")


def in_sentence(name: str) -> str:
    """A unit's name inside a sentence: the kind in lower case ('Đề nghị xã Hồng Hà, phường
    Phúc Xá'), the proper name untouched. A name without a kind is returned as written."""
    name = " ".join(name.split())
    kind = kind_of(name)
    return kind + name[len(kind):] if kind else name


def kinds_word(names, default: str) -> str:
    """What to call a list of units, from their names: 'phường' when all are phường, 'xã,
    phường' for a mix (in administrative order), ``default`` when no name carries a kind."""
    kinds = {kind_of(n) for n in names}
    order = ("xã", "phường", "thị trấn", "đặc khu", "huyện", "quận", "thị xã", "thành phố", "tỉnh")
    return ", ".join(k for k in order if k in kinds) or default


def article(ref: str) -> str:
    """'Điều 15 khoản 2' -> 'khoản 2 Điều 15', the order legal Vietnamese cites in (the
    criteria files write the article first so they sort by article)."""
    return re.sub(r"^Điều (\d+) khoản (\d+)", r"khoản \2 Điều \1", ref)
