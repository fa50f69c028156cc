"""Exact Vietnamese figures for rates: '12.880/12.882, đạt 99,98%'.

Percentages are truncated on integers (never rounded up, never through floats), so a rate
just under its threshold can never print as the threshold itself: 99,995% prints 99,99%.
"""

from __future__ import annotations

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
