"""Write the Báo cáo .docx: docxtpl renders the template, then each annex gets its table
(a column group per cohort, known only from the criteria) and, where it is wide, a landscape
section of its own.
"""

from __future__ import annotations

from pathlib import Path

from docx.shared import Mm
from docx.text.paragraph import Paragraph
from docxtpl import InlineImage
from jinja2 import TemplateError

from ..documents.builders.baocao import ANNEX_BREAK_STYLE
from ..documents.docxtemplate import Template
from ..documents.gridtable import grid_table, paragraphs_in_style, replace_marker, set_orientations
from ..documents.jinja import jinja_env
from ..errors import InputError, Problem
from ..safeio import atomic_path
from .annex import LANDSCAPE_MM, PORTRAIT_MM

CHART_WIDTH_MM = 160.0                  # the width charts are inserted at (text width 165 mm)


def render_report(template: Path, ctx: dict, target: Path, *, chart_files: dict, body) -> Path:
    """Like documents.render.render_docx, plus the charts as InlineImage (they need the
    template instance; ``chart_files`` maps a programme to its PNGs) and the annex tables. Autoescaped, None-safe, atomic.

    Raises :class:`InputError` when the template does not render."""
    tpl = Template(str(template))
    images = {pid: [InlineImage(tpl, str(f), width=Mm(CHART_WIDTH_MM)) for f in files]
              for pid, files in chart_files.items()}
    ctx = dict(ctx, body=body(images))
    try:
        tpl.render(ctx, jinja_env=jinja_env(), autoescape=True)
    except TemplateError as e:
        raise InputError(Problem(file=str(template), line=getattr(e, "lineno", None), field="jinja",
                                 message=f"mẫu .docx không dựng được: {e.message or e}")) from None
    lay_out_annexes(tpl.docx, ctx.get("annexes", []))
    with atomic_path(target) as tmp:
        tpl.save(str(tmp))
    return target


def lay_out_annexes(doc, annexes: list[dict]) -> None:
    """Write each annex's table at its marker paragraph; turn the page to landscape for the
    annexes that need it (and back). A user template without a marker gets no table there
    rather than a broken document."""
    breaks = paragraphs_in_style(doc, ANNEX_BREAK_STYLE)
    starts = []
    for i, a in enumerate(annexes):
        g = a["grid"]
        t = grid_table(doc, head=g.head, head_rows=g.head_rows, rows=g.rows, widths_mm=g.widths,
                       align=g.align, bold_rows=g.bold_rows)
        if not replace_marker(doc, a["marker"], t._tbl):
            t._tbl.getparent().remove(t._tbl)
            continue
        if i < len(breaks):
            starts.append((breaks[i], g.landscape))
            if g.landscape:
                # the short rule under the annex heading is centred by indents: re-centre it
                rule = _rule_after(breaks[i])
                if rule is not None:
                    side = Mm((LANDSCAPE_MM - (PORTRAIT_MM - 2 * rule.paragraph_format.left_indent.mm)) / 2)
                    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = side
    set_orientations(doc, starts)


def _rule_after(brk):
    """The 'KH Rule' paragraph of the annex heading that follows the break paragraph."""
    el = brk._p.getnext()
    for _ in range(6):
        if el is None or el.tag.rsplit("}", 1)[-1] != "p":
            return None
        p = Paragraph(el, brk._parent)
        if p.style is not None and p.style.name == "KH Rule" and p.paragraph_format.left_indent is not None:
            return p
        el = el.getnext()
    return None
