"""The data each kind of template is rendered with for a plan or letter file, for
`kehoach template check --plan`: the same contexts `kehoach build` renders."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..plan.letter import file_kind, load_letter
from ..plan.loader import load_plan
from .context import plan_context
from .jinja import jinja_env
from .letter_drafts import plan_letter
from .letters import letter_context
from .preflight import jinja_text, paragraphs, scan
from .templates import user_dirs


def plan_contexts(plan_path: str | Path) -> dict[str, dict]:
    """The data each kind of template is rendered with for ``plan_path``, by kind.

    A plan gives ``{"ke-hoach": …, "cong-van": …}`` (the công văn triển khai that
    `kehoach build` drafts from it); a letter file gives ``{"cong-van": …}``. Raises
    :class:`InputError` when the file is not a valid plan or letter.
    """
    if file_kind(plan_path) == "cong-van":
        ll = load_letter(plan_path)
        return {"cong-van": letter_context(ll.letter, ll.units)}
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
    # jinja2 (~15 ms): only for checking a template against data
    from jinja2 import meta

    tags = scan(paragraphs(path), lambda *a, **k: None)
    try:
        return set(meta.find_undeclared_variables(jinja_env().parse(
            "".join(jinja_text(t.text) for t in tags))))
    except Exception:  # a syntax error: check_template reports it, any context will do
        return set()
