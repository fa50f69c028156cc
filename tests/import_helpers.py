"""Helpers for the import tests: what a reader of the printed Kế hoạch sees of a plan.

"The same plan up to formatting" means: equal after each text is whitespace-normalised and
reduced to what the .docx prints. Task ids and unit ids are not printed, so units are
compared by their printed names/labels and tasks by position; a task with no deadline and
an "ongoing" task both print "Thường xuyên" and compare equal; a deadline phrase missing
from the task sentence is compared as the sentence prints it (with the phrase appended).
"""

from __future__ import annotations

import re
from pathlib import Path

from docx_helpers import seed_path  # noqa: E402

from workflow.plan.loader import LoadedPlan, task_text

SEED_001 = seed_path("001")
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
SAMPLE_UNITS = ROOT / "config" / "units" / "ba-dinh.yaml"


def copy_sample(into: Path) -> Path:
    """The sample plan and its units file copied under ``into`` (same plans/ units/ layout, so
    its relative units_file still works); returns the copied plan."""
    import shutil

    for sub, f in (("plans", SAMPLE), ("units", SAMPLE_UNITS)):
        (into / sub).mkdir(parents=True, exist_ok=True)
        shutil.copy(f, into / sub / f.name)
    return into / "plans" / SAMPLE.name


def norm(s: str | None) -> str:
    return " ".join((s or "").replace("\u00a0", " ").split())


def _blocks(blocks) -> list:
    out = []
    for b in blocks:
        out.append((b.kind, norm(b.text), norm(b.label), _blocks(b.content)))
    return out


def printed(lp: LoadedPlan) -> dict:
    from workflow.documents.context import issuer_phrase

    plan = lp.plan
    doc = plan.document
    tasks = {t.path: t for t in lp.tasks}
    parts = []
    for i, part in enumerate(plan.implementation):
        content = []
        for j, b in enumerate(part.content):
            if b.kind == "task":
                t = tasks[("implementation", i, "content", j)]
                content.append(("task", norm(task_text(b)), b.style, tuple(norm(p) for p in t.phrases),
                                tuple(lp.unit_label(c) for c in t.co_owners), norm(t.summary)))
            else:
                content.append((b.kind, norm(b.text), norm(b.label)))
        parts.append((norm(part.heading or lp.unit_name(part.unit)), lp.unit_label(part.unit), content))
    return {
        "year": plan.year,
        "document": (doc.type, norm(doc.parent_body).upper(), norm(doc.issuing_body).upper(),
                     norm(doc.number), doc.symbol, norm(doc.place),
                     (doc.date.day, doc.date.month, doc.date.year), norm(doc.title),
                     issuer_phrase(plan)),
        "basis": [norm(x) for x in plan.basis],
        "intro": [norm(x) for x in plan.intro],
        "sections": [(norm(s.title), s.implementation, _blocks(s.content)) for s in plan.sections],
        "parts": parts,
        "closing": [norm(x) for x in plan.closing],
        "recipients": [norm(x) for x in plan.recipients],
        "archive": norm(plan.archive),
        "signer": ([norm(x).upper() for x in plan.signer.lines], norm(plan.signer.name)),
        "annex": (plan.annex.schedule, norm(plan.annex.pointer)),
    }


def docx_text(path: Path) -> str:
    """Every paragraph of a .docx (tables included), whitespace-normalised, in one string."""
    from docx import Document

    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for c in row.cells:
                parts.append(c.text)
    return norm(" ".join(parts))


def seed_sentences(text: str) -> list[str]:
    """Sentences of a seed: markdown '*' removed, paragraphs the copy broke mid-sentence
    joined (no closing punctuation and the next one starts in lower case), then split after
    . ; : ! ? followed by a space."""
    paras: list[str] = []
    for raw in text.replace("*", "").splitlines():
        s = norm(raw)
        if not s:
            continue
        if paras and not paras[-1].endswith(tuple(".;:!?)”/")) and s[:1].islower():
            paras[-1] += " " + s
        else:
            paras.append(s)
    out = []
    for p in paras:
        out.extend(x for x in re.split(r"(?<=[.;:!?])\s+", p) if x)
    return out
