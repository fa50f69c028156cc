"""`kehoach diff OLD NEW`: what changed between two versions of a plan, task by task and
unit by unit.

Tasks are matched by id (give every task an ``id`` so that a reworded task is seen as
changed, not as one removed and one added). A task changed when its text (deadline phrases
aside), its deadline (phrases or the dates they mean), its owner or its co-owners changed.
Pure data: the CLI prints it, and :mod:`workflow.documents.amendment` drafts the công văn.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .loader import LoadedPlan, Task, load_plan

FIELD_NAMES = {"text": "nội dung", "deadline": "thời hạn", "owner": "đơn vị chủ trì",
               "co_owners": "đơn vị phối hợp"}
NEXT_STEPS = (
    "Chạy lại \"kehoach build {new}\" để cập nhật văn bản và lịch (.ics) của các đơn vị.",
    "Chạy \"kehoach remind sync {new}\" để cập nhật thư nhắc việc theo thời hạn mới.",
)


@dataclass(frozen=True)
class TaskChange:
    kind: str                 # "changed" | "added" | "removed"
    id: str
    old: Task | None
    new: Task | None
    fields: tuple[str, ...] = ()   # for "changed": text, deadline, owner, co_owners

    @property
    def task(self) -> Task:
        return self.new or self.old  # type: ignore[return-value]

    def units(self) -> list[str]:
        """Every unit concerned: owners and co-owners, before and after."""
        out: list[str] = []
        for t in (self.old, self.new):
            if t is None:
                continue
            for u in (t.owner, *t.co_owners):
                if u not in out:
                    out.append(u)
        return out

    def role(self, uid: str) -> str:
        t = self.new if self.new is not None and uid in (self.new.owner, *self.new.co_owners) else self.old
        return "chủ trì" if t is not None and t.owner == uid else "phối hợp"


@dataclass
class PlanDiff:
    old: LoadedPlan
    new: LoadedPlan
    changes: list[TaskChange] = field(default_factory=list)
    other: list[str] = field(default_factory=list)   # other parts that changed (Vietnamese)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.other

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def by_unit(self) -> dict[str, list[TaskChange]]:
        """Affected units (in the new plan's order, then the old one's) and their changes."""
        order = list(self.new.units) + [u for u in self.old.units if u not in self.new.units]
        out: dict[str, list[TaskChange]] = {}
        for uid in order:
            mine = [c for c in self.changes if uid in c.units()]
            if mine:
                out[uid] = mine
        for c in self.changes:  # units missing from both catalogues still get their list
            for uid in c.units():
                out.setdefault(uid, [x for x in self.changes if uid in x.units()])
        return out

    def unit_name(self, uid: str) -> str:
        return self.new.unit_name(uid) if uid in self.new.units else self.old.unit_name(uid)

    def owners(self) -> list[str]:
        """Units a letter goes to: those owning or sharing a changed task, each once."""
        return list(self.by_unit())

    def next_steps(self) -> list[str]:
        return [s.format(new=self.new.path) for s in NEXT_STEPS]

    def to_json(self) -> dict:
        def task(t: Task | None):
            if t is None:
                return None
            return {"id": t.id, "owner": t.owner, "co_owners": list(t.co_owners), "summary": t.summary,
                    "text": _norm(t.text), "deadline": list(t.phrases),
                    "periods": [[p.start.isoformat() if p.start else None, p.end.isoformat() if p.end else None]
                                for r in t.readings for p in r.periods]}
        return {
            "old": str(self.old.path), "new": str(self.new.path),
            "summary": {"changed": self.count("changed"), "added": self.count("added"),
                        "removed": self.count("removed"), "units": len(self.by_unit())},
            "tasks": [{"kind": c.kind, "id": c.id, "fields": list(c.fields), "old": task(c.old),
                       "new": task(c.new)} for c in self.changes],
            "units": {uid: {"name": self.unit_name(uid),
                            "changes": [{"id": c.id, "kind": c.kind, "role": c.role(uid)} for c in cs]}
                      for uid, cs in self.by_unit().items()},
            "other": self.other,
            "next_steps": self.next_steps(),
        }


def diff_plans(old: str | Path | LoadedPlan, new: str | Path | LoadedPlan) -> PlanDiff:
    """Compare two plans. Raises :class:`~workflow.errors.InputError` if either does not load."""
    problems = []
    loaded = []
    for p in (old, new):
        if isinstance(p, LoadedPlan):
            loaded.append(p)
            continue
        try:
            loaded.append(load_plan(p))
        except InputError as e:  # report both files' problems at once
            problems.extend(e.problems)
    if problems:
        raise InputError(problems)
    a, b = loaded
    d = PlanDiff(old=a, new=b)
    old_by = {t.id: t for t in a.tasks}
    new_by = {t.id: t for t in b.tasks}
    for t in b.tasks:
        o = old_by.get(t.id)
        if o is None:
            d.changes.append(TaskChange("added", t.id, None, t))
            continue
        fields = _changed_fields(o, t)
        if fields:
            d.changes.append(TaskChange("changed", t.id, o, t, fields))
    for t in a.tasks:
        if t.id not in new_by:
            d.changes.append(TaskChange("removed", t.id, t, None))
    d.other = _other_changes(a, b)
    return d


def _norm(s: str) -> str:
    return " ".join(s.split())


def changed_words(old: str, new: str, *, context: int = 3) -> tuple[str, str]:
    """The parts of two versions of a text that differ, each with ``context`` words around it
    and "…" where words were left out ("…chữ năm 2024 (tháng 2/2024)." → "…chữ năm 2025
    (tháng 2/2025)."). Whole texts when most of the words changed."""
    a, b = old.split(), new.split()
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    if sm.ratio() < 0.5:
        return _norm(old), _norm(new)
    groups = list(sm.get_grouped_opcodes(context))

    def side(words: list[str], lo: int, hi: int) -> str:
        pieces = []
        for g in groups:
            i, j = g[0][lo], g[-1][hi]
            pieces.append(("…" if i > 0 else "") + " ".join(words[i:j]) + ("…" if j < len(words) else ""))
        return " ".join(pieces)

    return side(a, 1, 2), side(b, 3, 4)


def _without_phrases(t: Task) -> str:
    text = _norm(t.text)
    for p in sorted(t.phrases, key=len, reverse=True):
        text = text.replace(_norm(p), "…")
    return text


def _periods(t: Task):
    return [(r.recurrence, r.ongoing, [(p.start, p.end) for p in r.periods]) for r in t.readings]


def _changed_fields(a: Task, b: Task) -> tuple[str, ...]:
    out = []
    if _without_phrases(a) != _without_phrases(b):
        out.append("text")
    if [_norm(p) for p in a.phrases] != [_norm(p) for p in b.phrases] or _periods(a) != _periods(b):
        out.append("deadline")
    if a.owner != b.owner:
        out.append("owner")
    if sorted(a.co_owners) != sorted(b.co_owners):
        out.append("co_owners")
    return tuple(out)


def _other_changes(a: LoadedPlan, b: LoadedPlan) -> list[str]:
    pa, pb = a.plan, b.plan
    out = []
    checks = (("document", "phần đầu văn bản (số, ngày, trích yếu)"), ("basis", "căn cứ"),
              ("intro", "đoạn mở đầu"), ("sections", "nội dung các phần"), ("closing", "đoạn kết"),
              ("recipients", "nơi nhận"), ("signer", "người ký"))
    for key, label in checks:
        if getattr(pa, key) != getattr(pb, key):
            out.append(label)
    notes_a = [(p.unit, [x.text for x in p.content if x.kind != "task"]) for p in pa.implementation]
    notes_b = [(p.unit, [x.text for x in p.content if x.kind != "task"]) for p in pb.implementation]
    if notes_a != notes_b:
        out.append("đoạn văn, ghi chú trong phần tổ chức thực hiện")
    return out
