"""Exact Vietnamese figures for rates: '12.880/12.882, đạt 99,98%'.

Percentages are truncated on integers (never rounded up, never through floats), so a rate
just under its threshold can never print as the threshold itself: 99,995% prints 99,99%.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..documents.vnformat import number


def pct(rate: Fraction, decimals: int = 2) -> str:
    """Fraction(12880, 12882) -> '99,98%' (truncated)."""
    scale = 10**decimals
    v = (rate.numerator * 100 * scale) // rate.denominator
    whole, frac = divmod(v, scale)
    text = number(whole)
    if decimals:
        text += "," + str(frac).rjust(decimals, "0")
    return text + "%"


def threshold(f: Fraction) -> str:
    """Fraction(95, 100) -> '95%'; Fraction(995, 1000) -> '99,5%' (exact, no trailing zeros)."""
    v = f * 100
    if v.denominator == 1:
        return f"{v.numerator}%"
    s = f"{float(v):.4f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") + "%"


def figure(num: int, den: int) -> str:
    if den == 0:
        return f"{number(num)}/0"
    return f"{number(num)}/{number(den)}, đạt {pct(Fraction(num, den))}"


def share(reached: int, total: int) -> str:
    """'13/14 (92,85%)'."""
    if not total:
        return "0/0"
    return f"{reached}/{total} ({pct(Fraction(reached, total))})"


# unit kinds written before a name; longest first so "Thị trấn" is not read as "Thị"
KINDS = ("thị trấn", "thị xã", "thành phố", "đặc khu", "phường", "xã", "quận", "huyện", "tỉnh")


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
