"""`kehoach build`: a plan file in, every document out, with a manifest.

Keyword-only API; the CLI only maps flags onto :func:`build_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .documents.context import plan_context
from .documents.render import all_or_nothing, render_docx
from .documents.templates import find_template
from .errors import Problem
from .plan.loader import LoadedPlan, load_plan

KEHOACH_TEMPLATE = "kehoach/ke-hoach.docx"


@dataclass
class BuildResult:
    plan: LoadedPlan
    out_dir: Path
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (kind, path)
    notes: list[str] = field(default_factory=list)                 # Vietnamese, for the user
    warnings: list[Problem] = field(default_factory=list)
    manifest_path: Path | None = None
    manifest_extra: dict = field(default_factory=dict)            # stage data kept for rebuilds
    inputs: list[Path] = field(default_factory=list)               # templates read, for the manifest


def default_out_dir(lp: LoadedPlan) -> Path:
    return Path("out") / str(lp.year)


def template_dirs(lp: LoadedPlan, extra: Path | None = None) -> list[Path]:
    dirs = [extra] if extra else []
    if lp.plan.templates:
        dirs.append((lp.path.parent / lp.plan.templates))
    return dirs


def build_plan(plan_path: str | Path, *, out_dir: Path | None = None, pdf: bool = False,
               templates: Path | None = None) -> BuildResult:
    """Build the Kế hoạch .docx (and PDF if asked) for a plan; return what was written.

    Raises :class:`~workflow.errors.InputError` for a bad plan or template (nothing is
    written then) and :class:`~workflow.errors.ToolMissing` when ``pdf`` needs LibreOffice.
    A letter file (``kind: cong-van``) is built as a công văn instead.
    """
    from .plan.letter import file_kind

    if file_kind(plan_path) == "cong-van":
        from .documents.letters import build_letter

        return build_letter(plan_path, out_dir=out_dir, pdf=pdf, templates=templates)
    lp = load_plan(plan_path)
    out = Path(out_dir) if out_dir else default_out_dir(lp)
    res = BuildResult(plan=lp, out_dir=out)
    dirs = template_dirs(lp, templates)
    tpl = find_template(KEHOACH_TEMPLATE, user_dirs=dirs)
    ctx = plan_context(lp)
    target = out / f"{lp.path.stem}.docx"
    # The documents and calendars of one build change together or not at all: a failing
    # stage (say, a user's công văn template) leaves the previous outputs untouched.
    with all_or_nothing():
        render_docx(tpl, ctx, target)
        res.inputs.append(tpl)
        res.outputs.append(("ke-hoach", target))
        for step in EXTRA_STEPS:
            step(lp, res, dirs)
    if pdf:
        from .documents.pdf import to_pdf

        docx = [p for _, p in res.outputs if p.suffix == ".docx"]
        for p in to_pdf(docx, out):
            res.outputs.append(("pdf", p))
    res.manifest_path = out / "manifest.json"
    manifest.write(res.manifest_path, inputs=[*lp.sources, *res.inputs], outputs=res.outputs,
                   extra={"plan": str(lp.path), "year": lp.year, **res.manifest_extra})
    return res


# Later stages (công văn, calendars) register here: step(loaded_plan, result, template_dirs).
EXTRA_STEPS: list = []


def _calendar_step(lp: LoadedPlan, res: BuildResult, dirs: list[Path]) -> None:
    from .calendars.output import build_step

    build_step(lp, res, dirs)


EXTRA_STEPS.append(_calendar_step)


def _letter_step(lp: LoadedPlan, res: BuildResult, dirs: list[Path]) -> None:
    from .documents.letter_drafts import plan_letter_step

    plan_letter_step(lp, res, dirs)


EXTRA_STEPS.append(_letter_step)
