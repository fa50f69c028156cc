"""Letters drafted from a plan: "V/v triển khai Kế hoạch …" to the owning units, and one
"V/v đôn đốc …" per late unit.

The wording lives in YAML files beside the .docx templates
(``kehoach/cong-van-trien-khai.yaml``, ``kehoach/cong-van-don-doc.yaml``); a user's copy in
a template folder wins. Their strings are Jinja (sandboxed, plain text) filled from the plan.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ..errors import InputError, ProblemList
from ..plan import yamlsource
from ..plan.letter import TYPE_ABBREVIATIONS, Letter
from ..plan.loader import LoadedPlan, validate_model
from ..plan.obligations import Obligation, obligations
from . import vnformat
from .context import document_context
from .context import issuer_phrase as plan_issuer_phrase
from .jinja import sandboxed_env
from .templates import find_template

TRIEN_KHAI = "kehoach/cong-van-trien-khai.yaml"
DON_DOC = "kehoach/cong-van-don-doc.yaml"


def letter_symbol(plan_symbol: str) -> str:
    """A công văn carries no type abbreviation: "KH-BCĐ" → "BCĐ"."""
    head, _, rest = plan_symbol.partition("-")
    return rest if rest and head in TYPE_ABBREVIATIONS else plan_symbol


def plan_words(lp: LoadedPlan) -> dict:
    """Variables every drafted letter may use."""
    doc = lp.plan.document
    d = document_context(doc)
    title = vnformat.one_line(doc.title)
    ref_short = vnformat.doc_ref(doc.type, doc.number, doc.symbol)
    return {
        "issuer": plan_issuer_phrase(lp.plan),
        "plan_ref_short": ref_short,
        "plan_ref": f"{ref_short} {d['date_text']}",
        "title_lc": title[:1].lower() + title[1:],
        "year": lp.year,
    }


def _earliest_phrase(tasks) -> str:
    """The deadline phrase, as written, whose period starts (or ends) first; "" if none."""
    best = None
    for t in tasks:
        for phrase, reading in zip(t.phrases, t.readings):
            for p in reading.periods:
                day = p.start or p.end
                if day is not None and (best is None or day < best[0]):
                    best = (day, phrase)
    return vnformat.after_colon(best[1]) if best else ""


def load_wording(rel: str, template_dirs) -> tuple[dict, yamlsource.Positions]:
    """The wording file `rel` (user folders first), as data and positions; raises InputError."""
    path = find_template(rel, user_dirs=list(template_dirs))
    data, pos = yamlsource.load(path)
    if not isinstance(data, dict):
        raise InputError(pos.problem((), "tệp lời văn phải là ánh xạ khóa: giá trị"))
    return data, pos


def fill_wording(value, words: dict, pos: yamlsource.Positions, path: tuple, problems: ProblemList):
    """Render every string of ``value`` with ``words`` (sandboxed Jinja, plain text)."""
    from jinja2 import TemplateError  # jinja2 only for commands that draft letters

    if isinstance(value, dict):
        return {k: fill_wording(v, words, pos, path + (k,), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_wording(v, words, pos, path + (i,), problems) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    try:
        return vnformat.one_line(_wording(value).render(**words))
    except TemplateError as e:
        problems.add(pos.problem(path, f"không điền được lời văn: {e}"))
        return value


@lru_cache(maxsize=512)
def _wording(text: str):
    """``text`` compiled once per process (and per machine: see :func:`sandboxed_env`); a
    unit line is filled for every unit."""
    return _wording_env().from_string(text)


@lru_cache(maxsize=1)
def _wording_env():
    from jinja2 import StrictUndefined  # jinja2 only for commands that draft letters

    return sandboxed_env(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)


def _letter(data: dict, pos, problems: ProblemList) -> Letter | None:
    return validate_model(Letter, data, pos, problems)


def _base(lp: LoadedPlan, words: dict, text: dict, pos, problems: ProblemList) -> dict:
    doc = lp.plan.document
    return {
        "kind": "cong-van",
        "document": {
            "parent_body": doc.parent_body,
            "issuing_body": doc.issuing_body,
            "issuer_name": words["issuer"],
            "symbol": letter_symbol(doc.symbol),
            "place": doc.place,
            "date": {"day": None, "month": doc.date.month, "year": doc.date.year},
            "subject": fill_wording(text.get("subject", ""), words, pos, ("subject",), problems),
        },
        "recipients": fill_wording(text.get("recipients", ["Như trên"]), words, pos, ("recipients",), problems),
        "archive": lp.plan.archive,
        "signer": {"lines": list(lp.plan.signer.lines), "name": lp.plan.signer.name},
    }


def owning_units(lp: LoadedPlan) -> list[str]:
    """Units that own a part of the plan, in the plan's order, each once."""
    out: list[str] = []
    for part in lp.plan.implementation:
        if part.unit not in out:
            out.append(part.unit)
    return out


def plan_letter(lp: LoadedPlan, *, template_dirs=(), obs: list[Obligation] | None = None) -> Letter:
    """The "V/v triển khai Kế hoạch …" letter: Kính gửi = the plan's owning units (``obs``:
    the plan's obligations, when already at hand).

    Raises :class:`InputError` when the wording file is broken.
    """
    text, pos = load_wording(TRIEN_KHAI, template_dirs)
    words = plan_words(lp)
    problems = ProblemList()
    data = _base(lp, words, text, pos, problems)
    units = owning_units(lp)
    named = [o for o in (obligations(lp) if obs is None else obs) if o.via is None]  # as named
    body = _paragraphs(fill_wording(text.get("intro", []), words, pos, ("intro",), problems))
    for uid in units:
        owned = [o.task for o in named if o.unit == uid and o.role == "chu-tri"]
        supported = [o.task for o in named if o.unit == uid and o.role == "phoi-hop"]
        line = fill_wording(text.get("unit_line", "{{ unit }}"), {
            **words, "unit": vnformat.mid_sentence(lp.unit_name(uid)), "count": len(owned),
            "support": len(supported), "first": _earliest_phrase(owned)}, pos, ("unit_line",), problems)
        body.append({"bullet": vnformat.start_sentence(line)})
    body += _paragraphs(fill_wording(text.get("outro", []), words, pos, ("outro",), problems))
    data.update(to=units, body=body)
    letter = _letter(data, pos, problems)
    problems.raise_if_errors()
    return letter


def reminder_letter(lp: LoadedPlan, unit: str, pairs: list[Obligation], *, on: date,
                    new_deadline: date, template_dirs=(), dated: date | None = None) -> Letter:
    """One "V/v đôn đốc …" letter to ``unit`` listing its late tasks and a new deadline;
    dated ``dated`` when given, else a blank day in the month of ``on``."""
    text, pos = load_wording(DON_DOC, template_dirs)
    words = {**plan_words(lp), "unit": vnformat.mid_sentence(lp.unit_name(unit)),
             "on": vnformat.short_date(on), "new_deadline": vnformat.short_date(new_deadline)}
    problems = ProblemList()
    data = _base(lp, words, text, pos, problems)
    data["document"]["date"] = draft_date(on.year, dated, month_of=on)
    body = _paragraphs(fill_wording(text.get("intro", []), words, pos, ("intro",), problems))
    for p in pairs:
        line = fill_wording(text.get("task_line", "{{ summary }}"), {
            **words, "summary": p.task.summary, "text": vnformat.one_line(p.task.text),
            "deadline": "; ".join(vnformat.after_colon(x) for x in p.task.phrases),
            "due": vnformat.short_date(p.due), "days": p.days_late_on(on)},
            pos, ("task_line",), problems)
        body.append({"bullet": vnformat.start_sentence(line)})
    body += _paragraphs(fill_wording(text.get("outro", []), words, pos, ("outro",), problems))
    data.update(to=[unit], body=body)
    letter = _letter(data, pos, problems)
    problems.raise_if_errors()
    return letter


def _paragraphs(lines: list[str]) -> list[dict]:
    """Filled wording lines as body paragraphs, each opening with a capital."""
    return [{"p": vnformat.start_sentence(x)} for x in lines]


def draft_date(year: int, on: date | None = None, *, month_of: date | None = None) -> dict:
    """The date a drafted letter carries: ``on`` in full when the user chose one; else a
    blank day for the signer, the month of ``month_of`` when it falls in ``year`` (else a
    blank month too), and ``year`` — never today's year for another year's plan."""
    if on is not None:
        return {"day": on.day, "month": on.month, "year": on.year}
    month = month_of.month if month_of is not None and month_of.year == year else None
    return {"day": None, "month": month, "year": year}


def safe_name(uid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", uid).strip("-") or "don-vi"


def letter_from_plan(lp: LoadedPlan, *, to: list[str], subject: str, body: list,
                     recipients: list[str] | tuple = ("Như trên",), dated: dict | None = None) -> Letter:
    """A công văn from the plan's issuing body, symbol (without type) and signer.

    ``to``: unit ids of the plan (printed by name) or names; ``body``: strings (paragraphs)
    or Block mappings ({"bullet": …}, {"item": …, "content": […]}); ``dated``: the letter's
    date as :func:`draft_date` gives it (default: the plan's month and year, day blank).
    Raises :class:`InputError` when the pieces do not make a valid letter.
    """
    problems = ProblemList()
    pos = yamlsource.Positions(file=f"<công văn từ {lp.path.name}>")
    words = plan_words(lp)
    data = _base(lp, words, {"subject": "", "recipients": []}, pos, problems)
    data["document"]["subject"] = subject
    if dated is not None:
        data["document"]["date"] = dated
    data.update(to=list(to), body=list(body), recipients=list(recipients))
    letter = _letter(data, pos, problems)
    problems.raise_if_errors()
    return letter
