"""Vietnamese administrative formatting: dates (ND30 zero rule), numbers, rates.

Also registered as Jinja filters for the .docx templates.
"""

from __future__ import annotations

import math
import re
from datetime import date

BLANK = "\u00a0" * 6  # room for the signer to write a day or a number by hand
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def one_line(text) -> str:
    """Line breaks and runs of spaces collapsed to one space. No-break spaces are kept:
    they are the BLANKs left for a number or a day written by hand."""
    return _SPACES.sub(" ", str(text)).strip(" \t\r\n\f\v")


_KEEP_UPPER = ("PCGD", "XMC", "GDĐT", "UBND", "THCS", "THPT")
# Words that open a unit's name but are no part of the proper noun: "Các trường Mầm non" is
# "các trường Mầm non" inside a sentence; "Phòng Giáo dục…", "Ủy ban nhân dân…" stay.
_DETERMINERS = ("Các", "Những", "Mọi", "Tất cả", "Toàn thể")


def start_sentence(text: str) -> str:
    """``text`` with its first letter in capitals (a paragraph, a bullet, a table cell)."""
    text = one_line(text)
    return text[:1].upper() + text[1:]


def mid_sentence(name: str) -> str:
    """A unit's name as written inside a sentence: a leading "Các", "Những"… in lower case,
    the proper noun after it untouched ("đề nghị các trường Mầm non, Tiểu học…")."""
    name = one_line(name)
    for word in _DETERMINERS:
        if name == word or name.startswith(word + " "):
            return word[:1].lower() + name[1:]
    return name


def after_colon(text: str) -> str:
    """A phrase placed after a colon or inside a sentence ("thời hạn: từ ngày 05/9…"): its
    first letter in lower case, unless the first word is an abbreviation ("UBND", "PCGD")."""
    text = one_line(text)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def issuer_phrase(issuer_name: str | None, issuing_body: str) -> str:
    """The issuing body as used inside a sentence: ``issuer_name`` when given, else the
    body written in capitals turned to sentence case ("Ban chỉ đạo PCGD, XMC")."""
    if issuer_name:
        return one_line(issuer_name)
    body = one_line(issuing_body)
    if body.isupper():
        body = body[:1] + body[1:].lower()
        for keep in _KEEP_UPPER:
            body = body.replace(keep.lower(), keep)
    return body


NB_HYPHEN = "\u2011"  # written into the .docx as Word's own non-breaking hyphen


def doc_number(number: str | None) -> str:
    """ND30: numbers below 10 take a leading zero; a blank number leaves room to write it."""
    number = (number or "").strip()
    if not number:
        return BLANK
    return f"{int(number):02d}" if number.isdigit() and int(number) < 10 else number


def doc_ref(type_name: str, number: str | None, symbol: str) -> str:
    """'Kế hoạch số 12/KH-BCĐ' as running text quotes a document: no line break between
    "số" and the number, nor inside the symbol ("/KH-" | "BCĐ" reads as two things)."""
    return f"{type_name} số\u00a0{doc_number(number)}/{symbol.replace('-', NB_HYPHEN)}"


def two(n: int | None, *, zero_pad: bool) -> str:
    if n is None:
        return BLANK
    return f"{n:02d}" if zero_pad else str(n)


def doc_date(day: int | None, month: int | None, year: int) -> str:
    """'ngày 05 tháng 02 năm 2024': day < 10 and months 1–2 take a leading zero (ND30).

    A blank day or month leaves room to write it by hand.
    """
    d = two(day, zero_pad=True)
    m = two(month, zero_pad=month in (1, 2)) if month is not None else BLANK
    return f"ngày {d} tháng {m} năm {year}"


def short_date(d: date | None) -> str:
    """'05/9/2024' as Vietnamese documents write dates inline."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month}/{d.year}"


def number(n: int | float, decimals: int = 0) -> str:
    """12880 -> '12.880'; 99.984 (2) -> '99,98' (thousands dot, decimal comma)."""
    s = f"{n:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(rate: float, decimals: int = 2) -> str:
    """0.99984 -> '99,98%'. Truncates rather than rounds up, so 94.996% never prints as 95,00%."""
    scaled = math.floor(rate * 100 * 10**decimals + 1e-9) / 10**decimals
    return number(scaled, decimals) + "%"


def roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def upper(s: str | None) -> str:
    return (s or "").upper()


FILTERS = {
    "so": number,
    "ty_le": percent,
    "ngay": short_date,
    "hoa": upper,
    "la_ma": roman,
}
