"""Turn a loaded plan into the context the .docx templates render.

The context holds only strings, lists and dicts (never None: a blank stays ""), so a
template edited in Word cannot print "None".
"""

from __future__ import annotations

from ..plan.loader import LoadedPlan, Task
from ..plan.models import Block, Document, Plan
from . import vnformat


def document_context(doc: Document, *, issuer_name: str = "") -> dict:
    d = doc.date
    number = (doc.number or "").strip()
    return {
        "type": doc.type,
        "type_upper": doc.type.upper(),
        "parent_body": (doc.parent_body or "").upper(),
        "issuing_body": doc.issuing_body.upper(),
        "number": number,
        "number_text": vnformat.doc_number(number),
        "ref": vnformat.doc_ref(doc.type, number, doc.symbol),  # "Kế hoạch số …/KH-BCĐ", unbreakable
        "symbol": doc.symbol,
        "place": doc.place,
        "date_text": vnformat.doc_date(d.day, d.month, d.year),
        "title": _one_line(doc.title),
        "issuer_name": issuer_name or doc.issuing_body,
    }


def _one_line(text: str) -> str:
    return vnformat.one_line(text)


def recipients_context(recipients: list[str], archive: str) -> list[str]:
    """'- X;' for each recipient and '- Lưu: …' last, ending with '.'."""
    lines = [f"- {_one_line(r).rstrip(';.')};" for r in recipients]
    lines.append(f"- Lưu: {_one_line(archive).rstrip('.')}.")
    return lines


def blocks_context(blocks: list[Block], out: list[dict], *, depth: int = 1) -> None:
    """Flatten prose blocks; 'item' and 'heading' are numbered 1., 2., … per container."""
    n = 0
    for b in blocks:
        kind = b.kind
        text = _one_line(b.text)
        if kind in ("item", "heading"):
            n += 1
            number = f"{n}." if depth == 1 else f"{_letter(n)})"
            out.append({"kind": "h2" if kind == "heading" else "p", "text": f"{number} {text}",
                        "label": ""})
            blocks_context(b.content, out, depth=depth + 1)
        elif kind == "bullet":
            out.append({"kind": "p", "text": f"- {text}", "label": ""})
        elif kind == "note":
            out.append({"kind": "note", "label": _one_line(b.label or ""), "text": text})
        else:  # p (tasks are only in unit parts)
            out.append({"kind": "p", "text": text, "label": ""})


def _letter(n: int) -> str:
    return "abcdefghiklmnopqrstuvxy"[(n - 1) % 23]


def body_context(lp: LoadedPlan) -> list[dict]:
    plan = lp.plan
    out: list[dict] = []
    for line in plan.basis:
        out.append({"kind": "basis", "text": _one_line(line), "label": ""})
    for line in plan.intro:
        out.append({"kind": "p", "text": _one_line(line), "label": ""})
    tasks_by_path = {t.path: t for t in lp.tasks}
    for i, section in enumerate(plan.sections, start=1):
        out.append({"kind": "h1", "text": f"{vnformat.roman(i)}. {_one_line(section.title)}",
                    "label": ""})
        blocks_context(section.content, out)
        if section.implementation:
            for j, part in enumerate(plan.implementation, start=1):
                heading = part.heading or lp.unit_name(part.unit)
                out.append({"kind": "h2", "text": f"{j}. {_one_line(heading)}", "label": ""})
                for k, b in enumerate(part.content):
                    if b.kind == "task":
                        t = tasks_by_path[("implementation", j - 1, "content", k)]
                        text = _one_line(t.text)
                        out.append({"kind": "p", "label": "",
                                    "text": text if b.style == "paragraph" else f"- {text}"})
                    else:
                        blocks_context([b], out)
            if plan.annex.schedule and plan.annex.pointer and lp.tasks:
                out.append({"kind": "p", "text": plan.annex.pointer, "label": ""})
    for line in plan.closing:
        out.append({"kind": "p", "text": _one_line(line), "label": ""})
    return out


def schedule_context(lp: LoadedPlan) -> list[dict]:
    """Annex rows sorted by first date; recurring-only next; ongoing tasks last."""
    def key(t: Task):
        first = t.first_day()
        if first is not None:
            return (0, first.toordinal(), t.order)
        if any(r.recurrence for r in t.readings):
            return (1, 0, t.order)
        return (2, 0, t.order)
    rows = []
    for t in sorted(lp.tasks, key=key):
        rows.append({
            "when": "; ".join(_cap(p) for p in t.phrases) if t.phrases else "Thường xuyên",
            "what": t.summary,
            "owner": lp.unit_label(t.owner),
            "with": ", ".join(lp.unit_label(u) for u in t.co_owners),
        })
    return rows


def _cap(s: str) -> str:
    s = _one_line(s)
    return s[:1].upper() + s[1:]


def signer_context(plan: Plan) -> dict:
    return {"lines": [_one_line(x).upper() for x in plan.signer.lines],
            "name": _one_line(plan.signer.name)}


def plan_context(lp: LoadedPlan) -> dict:
    plan = lp.plan
    issuer = plan.document.issuing_body
    return {
        "doc": document_context(plan.document, issuer_name=issuer_phrase(plan)),
        "body": body_context(lp),
        "recipients": recipients_context(plan.recipients, plan.archive),
        "signer": signer_context(plan),
        "schedule": schedule_context(lp) if plan.annex.schedule and lp.tasks else [],
        "year": plan.year,
        "issuer": issuer,
    }


def issuer_phrase(plan: Plan) -> str:
    """'Ban Chỉ đạo PCGD, XMC' in the annex note: the issuing body in sentence case."""
    return vnformat.issuer_phrase(plan.document.issuer_name, plan.document.issuing_body)
