"""`kehoach build`: the one orchestrator. A plan or letter file in, every output out.

A plan gives the Kế hoạch .docx, the triển khai công văn to its owning units and the
deadline calendars; a letter file (``kind: cong-van``) gives its công văn. Either may add
PDFs, and each build writes a ``manifest.json`` of what it read and wrote. Keyword-only
API; the CLI and the web only map their input onto :func:`build`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .calendars.output import default_dir as default_calendar_dir
from .calendars.output import write_calendars
from .documents.context import plan_context
from .documents.letter_drafts import plan_letter
from .documents.letters import build_letter_docx
from .documents.render import render_docx
from .documents.templates import find_template, user_dirs
from .errors import InputError, Problem
from .plan.letter import LoadedLetter, file_kind, load_letter
from .plan.loader import LoadedPlan, load_plan
from .plan.obligations import obligations
from .safeio import all_or_nothing, confined

KEHOACH_TEMPLATE = "kehoach/ke-hoach.docx"


@dataclass
class BuildResult:
    """What a plan build wrote: (kind, path) per output, in order, and notes for the user."""

    plan: LoadedPlan
    out_dir: Path
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (kind, path)
    notes: list[str] = field(default_factory=list)                 # Vietnamese, for the user
    manifest_path: Path | None = None


@dataclass
class LetterBuildResult:
    """What a letter build wrote."""

    letter: LoadedLetter
    out_dir: Path
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest_path: Path | None = None


def default_out_dir(lp: LoadedPlan) -> Path:
    return Path("out") / str(lp.year)


def build(path: str | Path, *, out_dir: Path | None = None, pdf: bool = False,
          templates: Path | None = None) -> BuildResult | LetterBuildResult:
    """Build a plan, or a letter file (``kind: cong-van``), whichever ``path`` is."""
    if file_kind(path) == "cong-van":
        return build_letter(path, out_dir=out_dir, pdf=pdf, templates=templates)
    return build_plan(path, out_dir=out_dir, pdf=pdf, templates=templates)


def build_plan(plan_path: str | Path, *, out_dir: Path | None = None, pdf: bool = False,
               templates: Path | None = None) -> BuildResult:
    """Build the Kế hoạch .docx, its triển khai công văn and its calendars (and PDFs if
    asked) into ``out_dir`` (default out/<year>/; calendars in calendars/<year>/, or
    ``out_dir``/calendars/ when ``out_dir`` is given).

    Raises :class:`~workflow.errors.InputError` for a bad plan or template, or when the
    file is a letter (nothing is written then), and :class:`~workflow.errors.ToolMissing`
    when ``pdf`` needs LibreOffice.
    """
    if file_kind(plan_path) == "cong-van":
        raise InputError(Problem(file=str(plan_path), field="kind", message=(
            "đây là tệp công văn, không phải kế hoạch: dựng bằng kehoach build")))
    lp = load_plan(plan_path)
    out = Path(out_dir) if out_dir else default_out_dir(lp)
    res = BuildResult(plan=lp, out_dir=out)
    dirs = user_dirs(lp.path, lp.plan.templates, templates)
    tpl = find_template(KEHOACH_TEMPLATE, user_dirs=dirs)
    inputs = [*lp.sources, tpl]
    obs = obligations(lp)  # the công văn and the calendars read the same ones
    extra: dict = {"plan": str(lp.path), "year": lp.year}
    # The documents and calendars of one build change together or not at all: a failing
    # stage (say, a user's công văn template) leaves the previous outputs untouched.
    with all_or_nothing():
        target = confined(out, f"{lp.path.stem}.docx")
        render_docx(tpl, plan_context(lp), target)
        res.outputs.append(("ke-hoach", target))
        if lp.plan.implementation:
            letter = plan_letter(lp, template_dirs=dirs, obs=obs)
            target = confined(out, f"{lp.path.stem}-cong-van-trien-khai.docx")
            build_letter_docx(letter, target, template_dirs=dirs, units=lp.units)
            res.outputs.append(("cong-van", target))
        cal_dir = default_calendar_dir(lp) if out_dir is None else confined(out, "calendars")
        # the state kept in the last build's manifest: read only if the calendars' own is gone
        cb = write_calendars(lp, out_dir=cal_dir, obs=obs, fallback_state=lambda: manifest.read(
            out / "manifest.json").get("calendar"))
        res.outputs.extend(("lich", p) for p in cb.paths.values())
        res.notes.extend(cb.notes)
        extra["calendar"] = cb.state_text or cb.state
        _finish(res, pdf=pdf, inputs=inputs, extra=extra, digests=cb.digests)  # PDFs, manifest
    return res


def build_letter(path: str | Path, *, out_dir: Path | None = None, pdf: bool = False,
                 templates: Path | None = None) -> LetterBuildResult:
    """Build a letter file (``kind: cong-van``) into ``out_dir`` (default out/<year>/).

    Raises :class:`~workflow.errors.InputError` for a bad letter or template (nothing is
    written then).
    """
    ll = load_letter(path)
    out = Path(out_dir) if out_dir else Path("out") / str(ll.year or "cong-van")
    res = LetterBuildResult(letter=ll, out_dir=out)
    target = confined(out, f"{ll.path.stem}.docx")
    with all_or_nothing():
        build_letter_docx(ll.letter, target, units=ll.units,
                          template_dirs=user_dirs(ll.path, ll.letter.templates, templates))
        res.outputs.append(("cong-van", target))
        _finish(res, pdf=pdf, inputs=ll.sources,
                extra={"letter": str(ll.path), "kind": "cong-van"})
    return res


def _finish(res: BuildResult | LetterBuildResult, *, pdf: bool, inputs: list[Path],
            extra: dict, digests: dict[Path, str] | None = None) -> None:
    """PDFs of the .docx outputs (if asked), then the manifest of the whole build."""
    if pdf:
        from .documents.pdf import to_pdf  # LibreOffice is optional: only for --pdf

        docx = [p for _, p in res.outputs if p.suffix == ".docx"]
        res.outputs.extend(("pdf", p) for p in to_pdf(docx, res.out_dir))
    res.manifest_path = confined(res.out_dir, "manifest.json")
    manifest.write(res.manifest_path, inputs=inputs, outputs=res.outputs, extra=extra,
                   digests=digests)
