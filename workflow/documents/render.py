"""Render a docxtpl template into a .docx, safely.

Always autoescaped (docxtpl's default silently drops text after '&' or '<'), with None
printed as "", and written atomically: a temp file in the target folder, then a rename.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..safeio import atomic_path
from .jinja import jinja_env
from .ooxml import no_break_hyphens
from .preflight import blocking_problems, explain_failure
from .preflight_render import check_template
from .reproducible import saved_bytes


def render_docx(template: Path, context: dict, target: Path) -> Path:
    """Render ``template`` with ``context`` into ``target`` (atomically). Returns ``target``.

    Raises :class:`InputError` naming the template when it cannot be rendered.
    """
    # docxtpl (through .docxtemplate) and jinja2 (~20 ms on top of python-docx): only a
    # command that renders pays
    from jinja2 import TemplateError

    from .docxtemplate import Template  # imports docxtpl

    # Tags split across paragraphs or text beside a {%p %} tag do not fail: they silently
    # damage the output, so a template edited in Word is checked before rendering.
    blocking = blocking_problems(template, set(context))
    if blocking:
        raise InputError(blocking)
    tpl = Template(str(template))
    try:
        tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    except TemplateError as e:
        # Rendering the tags against this data names every field it lacks, at its paragraph.
        found = [p for p in check_template(template, context=context) if p.severity == "error"]
        found = found or explain_failure(template, set(context), e)
        raise InputError(found or Problem(
            file=str(template), line=getattr(e, "lineno", None), field="jinja",
            message=f"mẫu .docx không dựng được: {e.message or e}. "
                    "Kiểm tra mẫu bằng: kehoach template check " + str(template))) from None
    no_break_hyphens(tpl.docx.element.body)
    data = saved_bytes(tpl)  # in memory first: a full disk then fails in one clean write
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target
