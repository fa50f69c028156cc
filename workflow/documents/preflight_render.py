"""Template safety, second half: render a template's tags against real data (nothing is
saved) to find fields the data does not have, e.g. a misspelt ``{{ doc.tieu_de }}``; and
the data `kehoach template check --plan` renders against.

The first half (split tags, quotes, syntax) is :mod:`workflow.documents.preflight`.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, Problem
from .preflight import _jinja_text, _Par, _paragraphs, _problem, _scan, _short, _Tag
from .templates import user_dirs


def plan_contexts(plan_path: str | Path) -> dict[str, dict]:
    """The data each kind of template is rendered with for ``plan_path``, by kind.

    A plan gives ``{"ke-hoach": …, "cong-van": …}`` (the công văn triển khai that
    `kehoach build` drafts from it); a letter file gives ``{"cong-van": …}``. Raises
    :class:`InputError` when the file is not a valid plan or letter.
    """
    from ..plan.letter import file_kind
    from .letters import letter_context

    if file_kind(plan_path) == "cong-van":
        from ..plan.letter import load_letter

        ll = load_letter(plan_path)
        return {"cong-van": letter_context(ll.letter, ll.units)}
    from ..plan.loader import load_plan
    from .context import plan_context
    from .letter_drafts import plan_letter

    lp = load_plan(plan_path)
    out = {"ke-hoach": plan_context(lp)}
    if lp.plan.implementation:
        try:
            letter = plan_letter(lp, template_dirs=user_dirs(lp.path, lp.plan.templates))
        except InputError:
            return out  # a broken wording file is for `kehoach build` to report
        out["cong-van"] = letter_context(letter, {**lp.units, **letter.units})
    return out


def context_names(plan_path: str | Path) -> set[str]:
    """Top-level names the main template of ``plan_path`` (a plan or a letter file) may use."""
    return set(next(iter(plan_contexts(plan_path).values())))


def context_for(template: str | Path, contexts: dict[str, dict]) -> dict:
    """The one of ``contexts`` that ``template`` is written for: the one knowing most of the
    names it uses; on a tie, the kind its file is named after (cong-van.docx), else the first."""
    used = _used_names(str(template))
    kinds = list(contexts)
    stem = Path(template).stem
    best = min(kinds, key=lambda k: (len(used - set(contexts[k])), k not in stem, kinds.index(k)))
    return contexts[best]


def _used_names(path: str) -> set[str]:
    from jinja2 import meta

    from .render import jinja_env

    tags = _scan(_paragraphs(path), lambda *a, **k: None)
    try:
        return set(meta.find_undeclared_variables(jinja_env().parse(
            "".join(_jinja_text(t.text) for t in tags))))
    except Exception:  # a syntax error: check_template reports it, any context will do
        return set()


_MARK = "_kehoach_tag_"


def render_problems(path: str, context: dict) -> list[Problem]:
    """Render the template's tags with ``context`` as `kehoach build` would (nothing is
    saved); one problem per tag that uses a field the data does not have."""
    from jinja2 import Undefined
    from jinja2.utils import missing

    from .render import jinja_env

    pars = _paragraphs(path)
    tags = _scan(pars, lambda *a, **k: None)
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
        lines[t.first] += f"{{{{ {_MARK}({k}) }}}}" + _jinja_text(t.text)
    env = jinja_env()
    env.undefined = Noted
    try:
        env.from_string("\n".join(lines)).render({**context, _MARK: at})
    except Exception as e:  # arithmetic on a missing field, a filter given the wrong kind…
        tag = tags[current[0]]
        found.setdefault((current[0], None), _problem(path, pars[tag.first], (
            f"thẻ {_short(tag.text)} không dựng được với dữ liệu này ({_render_reason(e)}); "
            "kehoach build sẽ dừng ở thẻ này")))
    return [found[k] for k in sorted(found, key=lambda k: k[0])]


def _render_reason(e: Exception) -> str:
    from jinja2 import UndefinedError

    if isinstance(e, UndefinedError):
        return "dùng một trường không có trong dữ liệu"
    return "phép tính hay bộ lọc không dùng được với giá trị này"


def _missing_field(path: str, pars: list[_Par], tag: _Tag, obj, name) -> Problem:
    import difflib

    text = _jinja_text(tag.text)
    m = re.search(r"([A-Za-z_]\w*(?:\s*\.\s*\w+|\[[^\]]*\])*)\s*(?:\.\s*" + re.escape(str(name))
                  + r"(?!\w)|\[\s*['\"]" + re.escape(str(name)) + r"['\"]\s*\])", text)
    parent = re.sub(r"\s+", "", m.group(1)) if m else "dữ liệu"
    msg = f"thẻ {_short(tag.text)}: “{parent}” không có trường “{name}”"
    if isinstance(obj, dict):
        keys = sorted(k for k in obj if isinstance(k, str))
        close = difflib.get_close_matches(str(name), keys, n=1)
        msg += (f", có phải “{close[0]}”?" if close else "") + f" (các trường có: {', '.join(keys)})"
    elif isinstance(obj, (list, tuple)):
        msg += " (đây là một danh sách: lấy từng mục bằng “{% for x in … %}”)"
    return _problem(path, pars[tag.first], msg)
