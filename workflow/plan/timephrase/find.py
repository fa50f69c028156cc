"""Locating deadline phrases inside running text (`find_phrases`), for importing Word plans.

Not every readable phrase in a sentence is a deadline: the dates of legal citations,
numbers glued to document symbols, quoted titles and blank document dates are skipped.
"""

from __future__ import annotations

import unicodedata

from .model import PhraseError
from .parser import Parser
from .read import Ctx, read_tokens, resolve
from .syntax import SEPS, Day, core_bounds, tokenize


def _nfc_with_map(s: str) -> tuple[str, list[int] | None]:
    """NFC form of `s` and, if it differs, a map from its offsets to offsets in `s`."""
    if unicodedata.is_normalized("NFC", s):
        return s, None
    parts: list[str] = []
    omap: list[int] = []
    i, n = 0, len(s)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(s[j]):
            j += 1
        seg = unicodedata.normalize("NFC", s[i:j])
        parts.append(seg)
        omap.extend([i] * len(seg))
        i = j
    omap.append(n)
    return "".join(parts), omap


def _is_doc_symbol(chunk: str) -> bool:
    """'20/2014/NĐ-CP', '/KH-SGDĐT', '29-CT/TW': a legal document's number and symbol."""
    chunk = chunk.strip(",;:")
    return "/" in chunk and any(c.isupper() for c in chunk)


def _is_excluded(ns: str, toks, items, i: int, j: int, quoted: list[bool]) -> bool:
    """Readable phrases that are not deadlines in running text."""
    if quoted[i]:  # inside “...”: a quoted title
        return True
    first = items[0]
    tv = toks[i][0]
    prev = toks[i - 1][0] if i > 0 else None
    # "Ba Đình, ngày   tháng 02 năm 2024": the document date with a blank day
    if tv == "tháng" and prev == "ngày":
        return True
    # A number glued to a longer number: "...12/2024/..."
    if toks[i][3] == "n" and prev in SEPS and toks[i - 1][2] == toks[i][1] and i > 1 and toks[i - 2][3] == "n":
        return True
    if j < len(toks) and toks[j][0] in ("/", "-") and toks[j][1] == toks[j - 1][2]:
        if j + 1 < len(toks) and toks[j + 1][1] == toks[j][2] and toks[j + 1][3] != "p":
            return True
    # "định hướng đến năm 2030", "tầm nhìn đến năm 2045": titles of strategies
    if tv in ("đến", "tới") and i >= 2 and (toks[i - 2][0], prev) in (("tầm", "nhìn"), ("định", "hướng")):
        return True
    if first.kind == "period" and not first.prefixed and isinstance(first.point, Day):
        # Legal citation: "... số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ"
        if j < len(toks) and toks[j][0] == "của":
            return True
        before = ns[: toks[i][1]].rstrip(" \t\r\n\u00a0,")
        chunk = before.rsplit(None, 1)[-1] if before else ""
        if _is_doc_symbol(chunk):
            return True
    return False


def _quote_flags(toks) -> list[bool]:
    out = []
    depth = 0
    for tok in toks:
        v = tok[0]
        if v == "“":
            depth += 1
        elif v == "”":
            depth = max(0, depth - 1)
        out.append(depth > 0)
    return out


def find_phrases(sentence: str) -> list[tuple[int, int, str]]:
    """Locate deadline phrases inside a longer sentence (for importing Word plans).

    Returns (start offset, end offset, phrase text) for each readable phrase, offsets into
    `sentence`. A sentence (or a parenthesised group) that is as a whole a phrase is read
    leniently ("Thường xuyên", "(năm 2024)"); inside running text only specific forms count:
    not a bare "năm 2024" (too often a scope, "Chương trình ... năm 2018"), not
    "thường xuyên"/"kịp thời" (adverbs), not numbers such as "11-18 tuổi", and not the date
    of a legal citation ("Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ").
    """
    ns, omap = _nfc_with_map(sentence)

    def out(a: int, b: int) -> tuple[int, int, str]:
        if omap is not None:
            a, b = omap[a], omap[b]
        return a, b, sentence[a:b]

    year = 2000  # any year: only readability matters here
    ca, cb = core_bounds(ns)
    if ca < cb:
        toks = tokenize(ns[ca:cb])
        try:
            read_tokens(toks, Ctx(ns[ca:cb], None), year)
        except PhraseError:
            pass
        else:
            return [out(ca, cb)]

    toks = tokenize(ns)
    n = len(toks)
    quoted = _quote_flags(toks)
    strict = Parser(toks, strict=True)
    lenient = Parser(toks, strict=False)
    found = []
    i = 0
    while i < n:
        r = None
        if i > 0 and toks[i - 1][0] == "(":
            r = lenient.phrase(i)
            if r is not None and not (r[1] < n and toks[r[1]][0] == ")"):
                r = None
        if r is None:
            r = strict.phrase(i)
        if r is None:
            i += 1
            continue
        items, j = r
        if not _is_excluded(ns, toks, items, i, j, quoted):
            a, b = toks[i][1], toks[j - 1][2]
            try:
                resolve(items, Ctx(ns[a:b], None), year)
            except PhraseError:
                pass
            else:
                found.append(out(a, b))
        i = j
    return found
