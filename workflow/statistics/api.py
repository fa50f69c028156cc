"""Keyword-only entry points of the statistics stage; the CLI only maps flags onto these.

Every input (figures, previous figures, criteria, override, plan, meta, template) is read and
checked before anything is written, so a bad input leaves no half-written output.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..documents.context import document_context, recipients_context, signer_context
from ..documents.templates import find_template
from ..errors import InputError, Problem, UsageError
from ..plan.loader import load_plan
from ..plan.models import DocDate, Document
from .criteria import load_criteria, show_rows
from .evaluate import Evaluation, evaluate
from .figures import fold, load_figures
from .meta import load_meta
from .vn import in_sentence, kind_of
from .workbook import write_entry_template as write_workbook_template
from .workbook import write_results

REPORT_TEMPLATE = "baocao/bao-cao-pcgd-xmc.docx"
DEFAULT_CRITERIA = "nd20-2014"


def show_criteria(name: str, *, override: str | Path | None = None) -> dict:
    """The thresholds of a criteria set as data (for `kehoach criteria show`)."""
    cs = load_criteria(name, override=override)
    rows = show_rows(cs)
    return {"name": cs.name, "title": cs.title, "file": cs.source,
            "hierarchy": [t.id for t in cs.hierarchy], "tier_names": [t.name for t in cs.hierarchy], "rows": rows,
            "unconfirmed": sum(1 for r in rows if not r["confirmed"])}


def evaluate_file(data: str | Path, *, criteria: str = DEFAULT_CRITERIA,
                  override: str | Path | None = None, parent_name: str = "") -> Evaluation:
    """Load ``data`` (CSV/XLSX/YAML) and evaluate it. Raises InputError listing every bad value."""
    cs = load_criteria(criteria, override=override)
    return evaluate(load_figures(data, cs), cs, parent_name=parent_name)


def write_entry_template(target: str | Path, *, criteria: str = DEFAULT_CRITERIA) -> Path:
    """Write the blank .xlsx entry workbook for a criteria set; returns its path."""
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(Problem(file=str(target), field="-o", message="tệp mẫu nhập liệu phải có đuôi .xlsx"))
    return write_workbook_template(target, load_criteria(criteria))


@dataclass
class ReportResult:
    evaluation: Evaluation
    previous: Evaluation | None
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_report(data: str | Path, *, plan: str | Path | None = None, meta: str | Path | None = None,
                 out_dir: str | Path | None = None, previous: str | Path | None = None,
                 criteria: str | None = None, override: str | Path | None = None,
                 templates: str | Path | None = None, charts: bool = True,
                 xlsx: bool = True) -> ReportResult:
    """Evaluate ``data`` and write the Báo cáo .docx and the evaluated .xlsx into ``out_dir``
    (default out/<year>/). Needs ``plan`` or ``meta`` for the header and signer.

    Raises :class:`InputError` for any bad input (nothing is written then).
    """
    # the report's modules load python-docx (~50 ms): not for `kehoach evaluate`
    from . import report as rpt

    if plan is None and meta is None:
        raise UsageError(Problem(file="<dòng lệnh>", field="--plan/--meta",
                                 message="cần --plan KẾ_HOẠCH.yaml hoặc --meta META.yaml cho phần đầu văn bản"))
    lp = None
    if plan is not None:
        lp = load_plan(plan)
    m = load_meta(meta) if meta is not None else None
    year = m.year if m else lp.year
    name = criteria or (m.criteria if m and m.criteria else None) or (
        lp.plan.criteria if lp and lp.plan.criteria else None) or DEFAULT_CRITERIA
    cs = load_criteria(name, override=override)
    area = m.area if m else _area_from(lp.plan.document.parent_body or lp.plan.document.issuing_body)
    figs = load_figures(data, cs)
    nar = rpt.narrative_from(m, area=area, units=[u.name for u in figs.units])
    ev = evaluate(figs, cs, parent_name=_cap(area))
    prev_path = previous or (m.previous if m else None)
    prev = evaluate(load_figures(prev_path, cs), cs, parent_name=_cap(area)) if prev_path else None
    if m is not None:
        m.check_targets(cs)
    if m and m.document:
        document = m.document
    elif lp is not None:
        d = lp.plan.document
        symbol = "BC-" + d.symbol.split("-", 1)[1] if "-" in d.symbol else "BC"
        document = Document(type="Báo cáo", parent_body=d.parent_body, issuing_body=d.issuing_body,
                            issuer_name=d.issuer_name, number=None, symbol=symbol, place=d.place,
                            date=DocDate(day=None, month=None, year=year),
                            title=f"Kết quả phổ cập giáo dục, xóa mù chữ năm {year}")
    else:
        raise InputError(Problem(file=str(meta), field="document", message="thiếu phần đầu văn bản (document)"))
    signer = (m.signer if m and m.signer else None) or (lp.plan.signer if lp else None)
    if signer is None:
        raise InputError(Problem(file=str(meta), field="signer", message="thiếu người ký (signer: lines, name)"))
    recipients = (m.recipients if m and m.recipients else None) or (lp.plan.recipients if lp else [])
    archive = m.archive if m else lp.plan.archive
    user_dirs = [Path(templates)] if templates else []
    tpl_path = find_template(REPORT_TEMPLATE, user_dirs=user_dirs)

    out = Path(out_dir) if out_dir else Path("out") / str(year)
    res = ReportResult(evaluation=ev, previous=prev)
    res.notes.extend(str(w) for w in figs.warnings)
    other = _other_parent(figs, area, lp.plan.document if lp else None)
    if other is not None:
        res.notes.append(str(other))
    used = {c.id for u in ev.units for c in u.checks if not c.confirmed}
    if used:
        res.notes.append(f"Lưu ý: {len(used)} tiêu chí dùng ngưỡng chưa đối chiếu văn bản gốc "
                         f"(confirmed: false); xem: kehoach criteria show {cs.name}")
    doc_ctx = document_context(document, issuer_name=document.issuer_name or "")
    doc_ref = (f"(Kèm theo {doc_ctx['ref']} "
               f"{doc_ctx['date_text']} của {doc_ctx['issuer_name']})")
    with tempfile.TemporaryDirectory(prefix="kehoach-charts-") as tmp:
        chart_files = {}
        if charts:
            # loads python-docx too (and matplotlib when drawing): only for charts
            from .charts import MAX_UNITS, programme_charts

            for p in cs.programmes:
                files = programme_charts(ev, p, Path(tmp))
                if files:
                    chart_files[p.id] = files
            if len(ev.units) > MAX_UNITS:
                res.notes.append(f"Không vẽ biểu đồ vì có hơn {MAX_UNITS} đơn vị; số liệu đầy đủ trong phụ lục.")
        ctx = {
            "doc": doc_ctx,
            "time_line": f"Thời điểm tháng 10 năm {year}",
            "sample": rpt.SAMPLE_TEXT if (figs.sample or (m is not None and m.sample)) else "",
            "recipients": recipients_context(recipients, archive),
            "signer": signer_context(_SignerHolder(signer)),
            "compare": rpt.compare_rows(ev, nar, previous=prev),
            "compare_title": "Bảng so sánh kết quả với năm trước và chỉ tiêu",
            "compare_heads": {"previous": f"Năm {year - 1}", "current": f"Năm {year}"},
            "closing": rpt.closing(ev, nar, previous=prev, year=year),
            "annexes": rpt.annexes(ev, nar, doc_ref),
        }
        docx = out / f"bao-cao-pcgd-xmc-{year}.docx"
        # docxtpl: only when the report is written
        from .report_docx import render_report

        render_report(tpl_path, ctx, docx, chart_files=chart_files,
                      body=lambda images: rpt.body(ev, nar, previous=prev, year=year, charts=images))
    res.outputs.append(("bao-cao", docx))
    if xlsx:
        res.outputs.append(("bang-danh-gia", write_results(out / f"ket-qua-danh-gia-{year}.xlsx", ev)))
    return res


class _SignerHolder:
    """signer_context takes a plan; it only reads .signer."""

    def __init__(self, signer):
        self.signer = signer


def _area_from(body: str) -> str:
    """'UBND QUẬN BA ĐÌNH' -> 'quận Ba Đình'."""
    words = body.split()
    if words and words[0] in ("UBND", "ỦY", "UỶ"):
        words = words[1:] if words[0] == "UBND" else words[3:]
    if not words:
        return body
    return " ".join([words[0].lower()] + [w.capitalize() for w in words[1:]])


def _other_parent(figs, area: str, document=None) -> Problem | None:
    """A warning when the data's cap_tren names another unit than the report's: data from
    Huyện Đan Phượng under a Quận Ba Đình plan would otherwise be reported as Ba Đình's.

    Compared on the proper name (kind and diacritics aside), against the area and the plan's
    parent body, issuing body and issuer; with several cap_tren (a province's districts) the
    data is not one unit's, so nothing is compared."""
    named = [u for u in figs.units if u.parent]
    parents = {fold(u.parent) for u in named}
    if len(parents) != 1:
        return None
    ours = [area] + ([document.parent_body, document.issuing_body, document.issuer_name] if document else [])
    ours_folded = [f"_{fold(x)}_" for x in ours if x]
    theirs = _proper_name(named[0].parent)
    if not theirs or any(f"_{theirs}_" in x for x in ours_folded):
        return None
    theirs_name = named[0].parent
    if document is not None:
        ours_text, option = f"kế hoạch là của {document.parent_body or document.issuing_body}", "kế hoạch (--plan)"
    else:
        ours_text, option = f"tệp meta ghi area: {area}", "tệp meta (--meta)"
    return Problem(file=str(figs.path), line=named[0].line, severity="warning",
                   message=f"đơn vị cấp trên trong số liệu là \"{theirs_name}\", nhưng {ours_text}: báo cáo "
                           f"sẽ ghi là của {area}. Kiểm tra lại tệp số liệu, hoặc dùng {option} của "
                           f"{in_sentence(theirs_name)}")


def _proper_name(name: str) -> str:
    """'Huyện Đan Phượng' -> 'dan_phuong' (folded, without the unit kind)."""
    kind = kind_of(name)
    return fold(" ".join(name.split())[len(kind):])


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
