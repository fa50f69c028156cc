"""Child order of OOXML property elements, per ECMA-376 — Word refuses files that break it
(LibreOffice does not), so the tests check every generated part against these sequences."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SEQUENCES = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
            "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
            "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
            "rPr", "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
            "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
            "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange",
            "ins", "del", "moveFrom", "moveTo"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"],
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
    "pBdr": ["top", "left", "bottom", "right", "between", "bar"],
    "tblBorders": ["top", "left", "start", "bottom", "right", "end", "insideH", "insideV"],
}
# header/footer references may come in any order among themselves
_SAME_RANK = {("sectPr", "footerReference"): "headerReference"}


def order_problems(docx: Path) -> list[str]:
    """Every element whose children break the schema order, as 'part: parent: a after b'."""
    out = []
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(z.read(name))
            for parent, seq in SEQUENCES.items():
                rank = {tag: i for i, tag in enumerate(seq)}
                for el in root.iter(W + parent):
                    last, last_tag = -1, None
                    seen: set[str] = set()
                    for child in el:
                        if not isinstance(child.tag, str) or not child.tag.startswith(W):
                            continue
                        tag = child.tag[len(W):]
                        if tag in seen and tag not in ("headerReference", "footerReference"):
                            out.append(f"{name}: {parent}: {tag} twice")
                        seen.add(tag)
                        tag = _SAME_RANK.get((parent, tag), tag)
                        r = rank.get(tag)
                        if r is None:
                            out.append(f"{name}: {parent}: unknown child {tag}")
                            continue
                        if r < last:
                            out.append(f"{name}: {parent}: {tag} after {last_tag}")
                        if r >= last:
                            last, last_tag = r, tag
    return out
