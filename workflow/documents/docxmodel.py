"""A read-only view of a .docx for checking: paragraphs in reading order and the run
properties Word would actually apply.

Word resolves a run's formatting through layers (lowest to highest priority):
docDefaults → table style → paragraph style chain (basedOn) → character style chain →
direct formatting. Fonts are resolved per slot (ascii, hAnsi, cs, eastAsia); a theme
attribute (``asciiTheme="minorHAnsi"``) wins over the plain one on the same layer and is
looked up in the theme part. Bold and italic are toggle properties: set directly they are
absolute, set in styles of different kinds (table, paragraph, character) they toggle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"

SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")
_THEME_ATTR = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "cs": "cstheme",
               "eastAsia": "eastAsiaTheme"}
_FALSE = {"0", "false", "off"}


@dataclass
class Para:
    """One paragraph in reading order, with where it sits."""

    el: object                     # the w:p element
    seq: int                       # position among all paragraphs in reading order
    location: dict                 # {"paragraph": i} or {"table": t, "row": r, "cell": c}
    text: str
    tbl_style: str | None = None   # styleId of the enclosing table's style, if any

    @property
    def in_table(self) -> bool:
        return "table" in self.location

    def located(self) -> dict:
        """The location with an excerpt (first ~60 characters of the text)."""
        excerpt = " ".join(self.text.split())
        if len(excerpt) > 60:
            excerpt = excerpt[:59] + "…"
        return {**self.location, "excerpt": excerpt}


@dataclass
class RunProps:
    fonts: dict = field(default_factory=dict)   # slot -> resolved font name or None ("" for a
                                                # theme font the theme leaves unset)
    themes: dict = field(default_factory=dict)  # slot -> theme font (minorHAnsi…) it came from
    size: float | None = None                   # points (w:sz)
    bold: bool = False
    italic: bool = False
    color: str | None = None                    # "000000", "auto", a hex value, or theme:NAME


def paragraph_text(p) -> str:
    """Visible text of a w:p: w:t, tabs as "\\t", line breaks as "\\n" (no field codes)."""
    out = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if el.tag == qn("w:t"):
            out.append(el.text or "")
        elif el.tag == qn("w:tab"):
            if el.getparent().tag == qn("w:r"):
                out.append("\t")
        elif el.tag == qn("w:br"):
            if el.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
        else:
            out.append("\n")
    return "".join(out)


def text_runs(p):
    """The w:r elements of a paragraph that show some non-blank text."""
    for r in p.iter(qn("w:r")):
        if any((t.text or "").strip() for t in r.findall(qn("w:t"))):
            yield r


class DocxView:
    """Opens a .docx with python-docx; raises whatever python-docx raises for a bad file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.doc = docx.Document(str(path))
        self.styles = StyleIndex(self.doc.styles.element, _theme_fonts(self.doc))
        self.paras: list[Para] = list(self._walk())
        self._run_props: dict = {}  # run element -> RunProps; several rules read each run

    def _walk(self):
        body = self.doc.element.body
        seq = p_i = t_i = 0
        for child in body.iterchildren():
            if child.tag == qn("w:p"):
                yield Para(child, seq, {"paragraph": p_i}, paragraph_text(child))
                seq += 1
                p_i += 1
            elif child.tag == qn("w:tbl"):
                style = child.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
                sid = style.get(qn("w:val")) if style is not None else None
                for r_i, tr in enumerate(child.findall(qn("w:tr"))):
                    for c_i, tc in enumerate(tr.findall(qn("w:tc"))):
                        for p in tc.iter(qn("w:p")):
                            loc = {"table": t_i, "row": r_i, "cell": c_i}
                            yield Para(p, seq, loc, paragraph_text(p), sid)
                            seq += 1
                t_i += 1

    def run_props(self, para: Para, run) -> RunProps:
        hit = self._run_props.get(run)
        if hit is None:
            hit = self._run_props[run] = self.styles.run_props(para.el, run, para.tbl_style)
        return hit

    def para_props(self, p_el, tbl_style: str | None = None) -> RunProps:
        """Properties a run with no direct formatting would get in this paragraph."""
        return self.styles.run_props(p_el, None, tbl_style)

    def alignment(self, p_el) -> str | None:
        return self.styles.alignment(p_el)


class StyleIndex:
    def __init__(self, styles_el, theme: dict[str, str]):
        self.theme = theme
        self.by_id = {s.get(qn("w:styleId")): s for s in styles_el.findall(qn("w:style"))}
        self.default_para = None
        for s in styles_el.findall(qn("w:style")):
            if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true", "on"):
                self.default_para = s.get(qn("w:styleId"))
        d = styles_el.find(qn("w:docDefaults"))
        self.default_rpr = d.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if d is not None else None
        self.default_ppr = d.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}") if d is not None else None
        self._chains: dict = {}
        self._props: dict = {}

    def chain(self, sid: str | None) -> list:
        """Style elements from the root of the basedOn chain down to ``sid``."""
        if sid is None:
            return []
        if sid in self._chains:
            return self._chains[sid]
        out, seen = [], set()
        cur = sid
        while cur and cur not in seen and cur in self.by_id:
            seen.add(cur)
            st = self.by_id[cur]
            out.append(st)
            based = st.find(qn("w:basedOn"))
            cur = based.get(qn("w:val")) if based is not None else None
        out.reverse()
        self._chains[sid] = out
        return out

    def _para_style(self, p_el) -> str | None:
        ps = p_el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return ps.get(qn("w:val")) if ps is not None else self.default_para

    def _layers(self, p_el, run, tbl_style):
        """rPr layers, lowest priority first, each tagged with its kind."""
        layers = [("defaults", self.default_rpr)]
        layers += [("table", st.find(qn("w:rPr"))) for st in self.chain(tbl_style)]
        layers += [("para", st.find(qn("w:rPr"))) for st in self.chain(self._para_style(p_el))]
        if run is not None:
            rpr = run.find(qn("w:rPr"))
            rs = rpr.find(qn("w:rStyle")) if rpr is not None else None
            if rs is not None:
                layers += [("char", st.find(qn("w:rPr"))) for st in self.chain(rs.get(qn("w:val")))]
            layers.append(("direct", rpr))
        return [(k, el) for k, el in layers if el is not None]

    def run_props(self, p_el, run, tbl_style) -> RunProps:
        """Resolved properties; memoised on (paragraph style, table style, run's rPr)."""
        rpr = run.find(qn("w:rPr")) if run is not None else None
        key = (self._para_style(p_el), tbl_style, run is None,
               etree.tostring(rpr) if rpr is not None else b"")
        hit = self._props.get(key)
        if hit is None:
            hit = self._props[key] = self._resolve(p_el, run, tbl_style)
        return hit

    def _resolve(self, p_el, run, tbl_style) -> RunProps:
        layers = self._layers(p_el, run, tbl_style)
        props = RunProps()
        for slot in SLOTS:
            props.fonts[slot], theme = self._font(layers, slot)
            if theme:
                props.themes[slot] = theme
        for _kind, rpr in reversed(layers):
            sz = rpr.find(qn("w:sz"))
            if sz is not None and sz.get(qn("w:val")):
                props.size = int(sz.get(qn("w:val"))) / 2
                break
        props.bold = _toggle(layers, "w:b")
        props.italic = _toggle(layers, "w:i")
        for _kind, rpr in reversed(layers):
            c = rpr.find(qn("w:color"))
            if c is not None:
                theme = c.get(qn("w:themeColor"))
                props.color = f"theme:{theme}" if theme else (c.get(qn("w:val")) or "auto")
                break
        return props

    def _font(self, layers, slot: str) -> tuple[str | None, str | None]:
        """(typeface, theme font name if it comes from the theme) of ``slot``."""
        for _, rpr in reversed(layers):
            f = rpr.find(qn("w:rFonts"))
            if f is None:
                continue
            theme = f.get(qn("w:" + _THEME_ATTR[slot]))
            if theme:
                return self.theme.get(theme, ""), theme
            name = f.get(qn("w:" + slot))
            if name:
                return name, None
        return None, None

    def alignment(self, p_el) -> str | None:
        jc = p_el.find(f"{qn('w:pPr')}/{qn('w:jc')}")
        if jc is not None:
            return jc.get(qn("w:val"))
        for st in reversed(self.chain(self._para_style(p_el))):
            jc = st.find(f"{qn('w:pPr')}/{qn('w:jc')}")
            if jc is not None:
                return jc.get(qn("w:val"))
        if self.default_ppr is not None:
            jc = self.default_ppr.find(qn("w:jc"))
            if jc is not None:
                return jc.get(qn("w:val"))
        return None


def _on(el) -> bool:
    return (el.get(qn("w:val")) or "1").lower() not in _FALSE


def _toggle(layers, tag: str) -> bool:
    """Toggle property: direct formatting is absolute; styles of different kinds XOR."""
    for kind, rpr in reversed(layers):
        if kind == "direct":
            el = rpr.find(qn(tag))
            if el is not None:
                return _on(el)
    value_by_kind: dict[str, bool] = {}
    for kind, rpr in layers:  # later (derived) styles of a kind override earlier ones
        if kind in ("direct", "defaults"):
            continue
        el = rpr.find(qn(tag))
        if el is not None:
            value_by_kind[kind] = _on(el)
    if value_by_kind:
        result = False
        for v in value_by_kind.values():
            result ^= v
        return result
    for kind, rpr in layers:
        if kind == "defaults":
            el = rpr.find(qn(tag))
            if el is not None:
                return _on(el)
    return False


def _theme_fonts(doc) -> dict[str, str]:
    """Map the theme font names (minorHAnsi, majorEastAsia, …) to typefaces; '' if unset."""
    out: dict[str, str] = {}
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/theme") and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob)
            for which in ("major", "minor"):
                font = root.find(f".//{{{A_NS}}}{which}Font")
                if font is None:
                    continue
                for slot, tag in (("Ascii", "latin"), ("HAnsi", "latin"), ("EastAsia", "ea"),
                                  ("Bidi", "cs")):
                    el = font.find(f"{{{A_NS}}}{tag}")
                    out[which + slot] = el.get("typeface", "") if el is not None else ""
    return out
