"""Word's automatic list numbering (numbering.xml), rendered as the text a reader sees
("1.", "II.", "a)", "-") in front of each numbered paragraph.

Counting follows Word: paragraphs whose list instances (``w:num``) share one abstract
definition continue one count, unless an instance restarts a level (``w:startOverride``,
what Word writes for "Restart at 1"); a level restarts after any shallower level moves on.
"""

from __future__ import annotations

import re

BULLETS = "-–—•+"  # bullet characters kept as typed; others (symbol-font glyphs, "o") print as "-"


def roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += r
            n -= v
    return out


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperRoman": roman,
    "lowerRoman": lambda n: roman(n).lower(),
    "upperLetter": lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26],
    "lowerLetter": lambda n: "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26],
}


class Numbering:
    """Reads a document's numbering part once; :meth:`prefix` is called for each body
    paragraph in document order (it advances the counters)."""

    def __init__(self, doc) -> None:
        # python-docx: only for a Word file, not for a .txt
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (abstract, ilvl) -> fmt, text, start
        self.abstract_of: dict[str, str] = {}                          # numId -> abstractNumId
        self.overrides: dict[str, dict[int, int]] = {}                  # numId -> ilvl -> start
        self.counters: dict[str, dict[int, int]] = {}                   # abstractNumId -> ilvl -> n
        self.started: set[str] = set()                                  # numIds already used
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for a in root.findall(qn("w:abstractNum")):
            aid = a.get(qn("w:abstractNumId"))
            for lvl in a.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                txt = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                self.levels[(aid, int(lvl.get(qn("w:ilvl"), "0")))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    txt.get(qn("w:val")) if txt is not None else "%1.",
                    int(start.get(qn("w:val"))) if start is not None else 1)
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            nid = num.get(qn("w:numId"))
            self.abstract_of[nid] = ref.get(qn("w:val"))
            for ov in num.findall(qn("w:lvlOverride")):
                so = ov.find(qn("w:startOverride"))
                if so is not None:
                    self.overrides.setdefault(nid, {})[int(ov.get(qn("w:ilvl"), "0"))] = int(so.get(qn("w:val")))

    def _num_pr(self, p):
        qn = self.qn
        cands = [p._p.pPr]
        style = p.style
        while style is not None:
            cands.append(style.element.pPr)
            style = style.base_style
        nid = lvl = None
        for ppr in cands:  # the paragraph's own numId / ilvl first, then its styles'
            if ppr is None:
                continue
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is None:
                continue
            if nid is None and num_pr.find(qn("w:numId")) is not None:
                nid = num_pr.find(qn("w:numId")).get(qn("w:val"))
            if lvl is None and num_pr.find(qn("w:ilvl")) is not None:
                lvl = int(num_pr.find(qn("w:ilvl")).get(qn("w:val")))
        return None if nid is None else (nid, lvl or 0)

    def prefix(self, p) -> str:
        """The number or bullet Word prints before paragraph ``p`` ("" when none)."""
        if not self.levels:
            return ""
        found = self._num_pr(p)
        if found is None or found[0] == "0" or found[0] not in self.abstract_of:
            return ""
        nid, ilvl = found
        aid = self.abstract_of[nid]
        if (aid, ilvl) not in self.levels:
            return ""
        fmt, text, start = self.levels[(aid, ilvl)]
        counters = self.counters.setdefault(aid, {})
        if nid not in self.started:
            self.started.add(nid)
            for lv, value in self.overrides.get(nid, {}).items():
                counters[lv] = value - 1
                for deeper in [k for k in counters if k > lv]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            mark = text.strip()
            return mark if len(mark) == 1 and mark in BULLETS else "-"
        if fmt not in FORMATS and fmt != "none":
            return ""

        def level_value(m):
            k = int(m.group(1)) - 1
            lv = self.levels.get((aid, k), ("decimal", "", 1))
            n = counters.get(k, lv[2])
            return FORMATS.get(lv[0], str)(n)

        return re.sub(r"%(\d)", level_value, text).strip()
