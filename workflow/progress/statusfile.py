"""The store and the status file of ``kehoach overdue --status``: export and import.

Export writes what the store says is done as the status YAML (docs/cong-van.md), so every
command that takes ``--status`` keeps working on the web's data. Import reads a status file
(checked against the plan, every problem at once) into the store as reports from that file:
a line the store lacks, or with another day, becomes a report; with ``replace``, what the
store counts as done but the file does not list is reopened. Every change goes to the
store's history with the file's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..plan.loader import LoadedPlan
from ..plan.status import Status, load_status
from .store import Store


def _scalar(v: str) -> str:
    """A YAML flow scalar: plain when it reads back as the same string, else quoted."""

    # a heavy library: loaded only when this runs
    import yaml

    try:
        plain = yaml.safe_load(f"x: {v}")
        if isinstance(plain, dict) and plain.get("x") == v and not v.startswith(("'", '"')):
            return v
    except yaml.YAMLError:
        pass
    return json.dumps(v, ensure_ascii=False)


def status_yaml(status: Status, *, plan: str, generated: datetime | None = None) -> str:
    """The status file for ``status``: one flow mapping per line, as written by hand."""
    when = (generated or datetime.now()).strftime("%H:%M ngày %d/%m/%Y")
    lines = [f"# Trạng thái thực hiện kế hoạch {plan}: xuất từ sổ tiến độ của kehoach web lúc {when}.",
             "# Dùng được với: kehoach overdue KẾ_HOẠCH --on NGÀY --status TỆP (và remind sync --status).",
             "done:"]
    if not status.entries:
        lines[-1] = "done: []"
    for e in status.entries:
        parts = [f"task: {_scalar(e.task)}"]
        if e.unit:
            parts.append(f"unit: {_scalar(e.unit)}")
        parts.append(f'"on": {e.on.isoformat()}')  # quoted: YAML 1.1 reads a bare on as true
        if e.note:
            parts.append(f"note: {_scalar(e.note)}")
        lines.append("  - {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"


def export_status(store: Store, plan: str) -> str:
    return status_yaml(store.status(plan), plan=plan)


@dataclass
class ImportResult:
    added: list[tuple[str, str]] = field(default_factory=list)     # (task, unit or "")
    changed: list[tuple[str, str]] = field(default_factory=list)
    reopened: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0

    def to_json(self) -> dict:
        def pairs(xs):
            return [{"task": t, "unit": u or None} for t, u in xs]
        return {"added": pairs(self.added), "changed": pairs(self.changed),
                "reopened": pairs(self.reopened), "unchanged": self.unchanged}


def import_status(store: Store, plan: str, lp: LoadedPlan, path: str | Path, *, by: str,
                  replace: bool = False) -> ImportResult:
    """Bring the store in line with the status file at ``path`` (see the module doc).
    Raises :class:`InputError` for a bad file (nothing is recorded then)."""
    st = load_status(path, lp)
    name = Path(path).name
    res = ImportResult()
    current = {(r.task, r.unit): r for r in store.current(plan)}
    wanted: dict[tuple[str, str], object] = {}
    for e in st.entries:
        wanted.setdefault((e.task, e.unit or ""), e)
    with store.tx() as con:
        for key, e in wanted.items():
            r = current.get(key)
            if r is not None and r.counts and r.done_on == e.on:
                res.unchanged += 1
                continue
            (res.changed if r is not None and r.counts else res.added).append(key)
            store.report(plan, e.task, e.unit, e.on, by=f"tệp {name}", source="nhap-tep",
                         note=e.note or "", con=con)
        if replace:
            for key, r in current.items():
                if key not in wanted and r.counts:
                    con.execute("UPDATE reports SET state='reopened', decided_at=?, decided_by=?, "
                                "decision_note=? WHERE id=?",
                                (store.now(), f"tệp {name}", "tệp trạng thái không còn ghi việc này", r.id))
                    store.log(con, plan, "mo-lai", f"tệp {name}", "tệp trạng thái không còn ghi việc này",
                              task=r.task, unit=r.unit)
                    res.reopened.append(key)
    return res
