"""Template safety, second half: render a template's tags against real data (nothing is
saved) to find fields the data does not have, e.g. a misspelt ``{{ doc.tieu_de }}``; and
:func:`check_template`, both halves together.

The first half (split tags, quotes, syntax) is :mod:`workflow.documents.preflight`; the
data `kehoach template check --plan` renders against is :mod:`.template_data`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..errors import Problem
from .jinja import jinja_env
from .preflight import Par, Tag, jinja_text, paragraphs, problem, scan, short_tag, syntax_problems


def check_template(path: str | Path, *, known: set[str] | None = None,
                   context: dict | None = None) -> list[Problem]:
    """Problems of a .docx template: split tags, curly quotes, unbalanced tags, Jinja syntax,
    unknown filters, (when ``known`` or ``context`` is given) unknown top-level variables and
    (when ``context`` is given) fields the data does not have, found by rendering the tags
    with ``context`` as `kehoach build` would.

    Each problem names the paragraph and quotes its text. Raises :class:`InputError` only
    when ``path`` is not a readable .docx.
    """
    if context is not None and known is None:
        known = set(context)
    out, renderable = syntax_problems(path, known=known)
    if context is not None and renderable:
        out += render_problems(str(path), context)
    return out


_MARK = "_kehoach_tag_"


def render_problems(path: str, context: dict) -> list[Problem]:
    """Render the template's tags with ``context`` as `kehoach build` would (nothing is
    saved); one problem per tag that uses a field the data does not have."""
    # jinja2 (~15 ms): only when the tags are rendered against data
    from jinja2 import Undefined
    from jinja2.utils import missing

    pars = paragraphs(path)
    tags = scan(pars, lambda *a, **k: None)
    if not tags:
        return []
    current = [0]
    found: dict[tuple, Problem] = {}

    def note(u: Undefined) -> None:
        if u._undefined_obj is missing:
            return  # an unknown top-level name: the name check reports it
        key = (current[0], u._undefined_name)
        if key not in found:
            found[key] = _missing_field(path, pars, tags[current[0]], u._undefined_obj,
                                        u._undefined_name)

    class Noted(Undefined):
        # The build's StrictUndefined stops at the first use; this one notes every use the
        # build would fail on and carries on, so one check lists them all.
        __slots__ = ()

        def _fail_with_undefined_error(self, *args, **kwargs):
            note(self)
            return self

        def __str__(self):
            note(self)
            return ""

        def __iter__(self):
            note(self)
            return iter(())

        def __bool__(self):
            note(self)
            return False

        def __len__(self):
            note(self)
            return 0

        def __eq__(self, other):
            note(self)
            return False

        def __ne__(self, other):
            note(self)
            return True

        def __contains__(self, item):
            note(self)
            return False

        __hash__ = Undefined.__hash__
        __getitem__ = __call__ = _fail_with_undefined_error

    def at(k: int) -> str:
        current[0] = k
        return ""

    lines = [""] * len(pars)
    for k, t in enumerate(tags):  # a mark before each tag says which one is being rendered
        lines[t.first] += f"{{{{ {_MARK}({k}) }}}}" + jinja_text(t.text)
    env = jinja_env()
    env.undefined = Noted
    try:
        env.from_string("\n".join(lines)).render({**context, _MARK: at})
    except Exception as e:  # arithmetic on a missing field, a filter given the wrong kind…
        tag = tags[current[0]]
        found.setdefault((current[0], None), problem(path, pars[tag.first], (
            f"thẻ {short_tag(tag.text)} không dựng được với dữ liệu này ({_render_reason(e)}); "
            "kehoach build sẽ dừng ở thẻ này")))
    return [found[k] for k in sorted(found, key=lambda k: k[0])]


def _render_reason(e: Exception) -> str:
    # jinja2: loaded by then (the render failed in it)
    from jinja2 import UndefinedError

    if isinstance(e, UndefinedError):
        return "dùng một trường không có trong dữ liệu"
    return "phép tính hay bộ lọc không dùng được với giá trị này"


def _missing_field(path: str, pars: list[Par], tag: Tag, obj, name) -> Problem:
    text = jinja_text(tag.text)
    m = re.search(r"([A-Za-z_]\w*(?:\s*\.\s*\w+|\[[^\]]*\])*)\s*(?:\.\s*" + re.escape(str(name))
                  + r"(?!\w)|\[\s*['\"]" + re.escape(str(name)) + r"['\"]\s*\])", text)
    parent = re.sub(r"\s+", "", m.group(1)) if m else "dữ liệu"
    msg = f"thẻ {short_tag(tag.text)}: “{parent}” không có trường “{name}”"
    if isinstance(obj, dict):
        keys = sorted(k for k in obj if isinstance(k, str))
        close = difflib.get_close_matches(str(name), keys, n=1)
        msg += (f", có phải “{close[0]}”?" if close else "") + f" (các trường có: {', '.join(keys)})"
    elif isinstance(obj, (list, tuple)):
        msg += " (đây là một danh sách: lấy từng mục bằng “{% for x in … %}”)"
    return problem(path, pars[tag.first], msg)
