"""The công văn "V/v điều chỉnh Kế hoạch …" drafted from a :class:`~workflow.plan.diff.PlanDiff`.

Sent to the affected units only (owners and co-owners of a changed, added or removed task),
one numbered part per unit listing what changed for it. The wording is data:
``templates/kehoach/cong-van-dieu-chinh.yaml`` (a user's copy in a template folder wins).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import ProblemList
from ..plan.diff import PlanDiff
from ..plan.letter import Letter
from . import vnformat
from .letter_drafts import draft_date, fill_wording, letter_from_plan, load_wording, plan_words
from .letters import build_letter_docx

WORDING = "kehoach/cong-van-dieu-chinh.yaml"


def amendment_letter(diff: PlanDiff, *, template_dirs=(), on: date | None = None) -> Letter:
    """The letter (not yet written), dated ``on`` when given; else the day is left blank,
    the month is this month when today falls in the plan's year (an amendment comes after the
    plan) and blank otherwise, the year is the plan's. Raises :class:`InputError` if the
    wording file is broken."""

    text, pos = load_wording(WORDING, template_dirs)
    lp = diff.new
    words = plan_words(lp)
    problems = ProblemList()

    def fill(key: str, extra: dict | None = None, default: str = ""):
        return fill_wording(text.get(key, default), {**words, **(extra or {})}, pos, (key,), problems)

    def labels(uids) -> str:
        return ", ".join(vnformat.mid_sentence(diff.unit_name(u)) for u in uids) or "(không có)"

    body: list = [{"p": vnformat.start_sentence(s)} for s in fill("intro", default=[])]
    for uid, changes in diff.by_unit().items():
        lines = []
        for c in changes:
            role = c.role(uid)
            if c.kind == "added":
                lines.append(fill("added_line", {"text": " ".join(c.new.text.split()), "role": role,
                                                 "deadline": "; ".join(vnformat.after_colon(x) for x in c.new.phrases),
                                                 "summary": c.new.summary}))
            elif c.kind == "removed":
                lines.append(fill("removed_line", {"summary": c.old.summary, "role": role}))
            else:
                parts = []
                if "deadline" in c.fields:
                    parts.append(fill("deadline_change", {"old": "; ".join(c.old.phrases) or "thường xuyên",
                                                          "new": "; ".join(c.new.phrases) or "thường xuyên"}))
                if "text" in c.fields:
                    parts.append(fill("text_change", {"new": " ".join(c.new.text.split())}))
                if "owner" in c.fields:
                    parts.append(fill("owner_change", {"old": labels([c.old.owner]), "new": labels([c.new.owner])}))
                if "co_owners" in c.fields:
                    parts.append(fill("co_owner_change", {"old": labels(c.old.co_owners),
                                                          "new": labels(c.new.co_owners)}))
                lines.append(fill("changed_line", {"summary": c.new.summary, "role": role,
                                                   "what": "; ".join(parts)}))
        body.append({"item": vnformat.start_sentence(fill("unit_heading", {"unit": diff.unit_name(uid)})),
                     "content": [{"bullet": vnformat.start_sentence(x)} for x in lines]})
    body += [{"p": vnformat.start_sentence(s)} for s in fill("outro", default=[])]
    subject = fill("subject")
    recipients = fill("recipients", default=["Như trên"])
    problems.raise_if_errors()
    return letter_from_plan(lp, to=diff.owners(), subject=subject, body=body,
                            recipients=recipients, dated=draft_date(lp.year, on, month_of=date.today()))


def draft_amendment(diff: PlanDiff, *, out_dir: str | Path, template_dirs=(),
                    on: date | None = None) -> Path:
    """Write the amendment letter .docx into ``out_dir`` and return its path."""

    letter = amendment_letter(diff, template_dirs=template_dirs, on=on)
    target = Path(out_dir) / f"{diff.new.path.stem}-cong-van-dieu-chinh.docx"
    units = {**diff.old.units, **diff.new.units}
    build_letter_docx(letter, target, template_dirs=template_dirs, units=units)
    return target
