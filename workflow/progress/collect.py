"""The October figures collected from the units: the collection the office opens, what each
unit sent, and the task it puts on the units.

Sending the figures is an obligation like any other: an open collection adds one task,
"Gửi số liệu PCGD, XMC tháng 10", owed by each unit of the collection (through a group made
for it) from the opening day to the deadline. :func:`with_collection` gives the plan with
that task, so reminders, calendars, overdue and the unit pages see it without a mailer of
their own; a workbook accepted from a unit is recorded as that unit's report of the task
(``source`` ``don-vi``), so its reminders stop like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from ..plan.loader import LoadedPlan, Task
from ..plan.models import Unit
from ..plan.timephrase import read_phrase
from .store import Store

TASK_ID = "gui-so-lieu-thang-10"
GROUP_ID = "don-vi-gui-so-lieu"


@dataclass(frozen=True)
class Collection:
    id: int
    plan: str
    year: int
    criteria: str
    start: date
    deadline: date
    units: tuple[str, ...]
    previous: str | None       # workspace path of last year's figures
    opened_at: int
    opened_by: str
    closed_at: int | None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    @property
    def phrase(self) -> str:
        if self.start < self.deadline:
            return f"từ ngày {self.start:%d/%m} đến ngày {self.deadline:%d/%m/%Y}"
        return f"chậm nhất ngày {self.deadline:%d/%m/%Y}"


@dataclass(frozen=True)
class Submission:
    id: int
    unit: str
    at: int
    name: str
    attachment: int
    ok: bool
    problems: list[dict]       # {"message", "cell", "row"} for a refused workbook
    row: dict | None           # column id -> value, for an accepted one


def _collection(r) -> Collection:
    return Collection(r["id"], r["plan"], r["year"], r["criteria"], date.fromisoformat(r["start"]),
                      date.fromisoformat(r["deadline"]), tuple(json.loads(r["units"])),
                      r["previous"], r["opened_at"], r["opened_by"], r["closed_at"])


def open_collection(store: Store, plan: str, *, year: int, criteria: str, start: date,
                    deadline: date, units: list[str], previous: str | None, by: str) -> Collection:
    """Open (or re-open with new terms) the plan's collection; the previous one, if any,
    is closed. The caller checks the deadline and the units."""
    now = store.now()
    with store.tx() as con:
        con.execute("UPDATE collections SET closed_at=?, closed_by=? WHERE plan=? AND closed_at IS NULL",
                    (now, by, plan))
        cid = con.execute(
            "INSERT INTO collections(plan, year, criteria, start, deadline, units, previous, "
            "opened_at, opened_by) VALUES (?,?,?,?,?,?,?,?,?)",
            (plan, year, criteria, start.isoformat(), deadline.isoformat(), json.dumps(units),
             previous, now, by)).lastrowid
        store.log(con, plan, "mo-thu-so-lieu", by, f"{len(units)} đơn vị, hạn {deadline:%d/%m/%Y}",
                  task=TASK_ID)
        r = con.execute("SELECT * FROM collections WHERE id=?", (cid,)).fetchone()
    return _collection(r)


def close_collection(store: Store, plan: str, *, by: str) -> bool:
    with store.tx() as con:
        n = con.execute("UPDATE collections SET closed_at=?, closed_by=? WHERE plan=? AND closed_at IS NULL",
                        (store.now(), by, plan)).rowcount
        if n:
            store.log(con, plan, "dong-thu-so-lieu", by, task=TASK_ID)
    return bool(n)


def current_collection(store: Store, plan: str) -> Collection | None:
    """The plan's latest collection (open or closed), or None."""
    with store.db() as con:
        r = con.execute("SELECT * FROM collections WHERE plan=? ORDER BY id DESC LIMIT 1",
                        (plan,)).fetchone()
    return _collection(r) if r else None


def submit(store: Store, c: Collection, unit: str, *, name: str, attachment: int, ok: bool,
           problems: list[dict], row: dict | None, by: str, today: date) -> int:
    """Record a workbook a unit sent; an accepted one is also the unit's report of the
    collection task (done on ``today``)."""
    with store.tx() as con:
        sid = con.execute(
            "INSERT INTO submissions(collection, unit, at, name, attachment, ok, problems, row) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (c.id, unit, store.now(), name, attachment, int(ok),
             json.dumps(problems, ensure_ascii=False), json.dumps(row, ensure_ascii=False) if row else None)
        ).lastrowid
        if ok:
            store.report(c.plan, TASK_ID, unit, today, by=by, source="don-vi",
                         note=f"Sổ số liệu: {name}", attachment=attachment, con=con)
        else:
            store.log(con, c.plan, "so-lieu-loi", by, f"{name}: {len(problems)} lỗi", task=TASK_ID,
                      unit=unit)
    return sid


def submissions(store: Store, c: Collection) -> dict[str, Submission]:
    """The latest workbook each unit sent to collection ``c``."""
    with store.db() as con:
        rows = con.execute("SELECT * FROM submissions WHERE id IN (SELECT MAX(id) FROM submissions "
                           "WHERE collection=? GROUP BY unit)", (c.id,)).fetchall()
    return {r["unit"]: Submission(r["id"], r["unit"], r["at"], r["name"], r["attachment"], bool(r["ok"]),
                                  json.loads(r["problems"]), json.loads(r["row"]) if r["row"] else None)
            for r in rows}


def accepted_rows(store: Store, c: Collection) -> dict[str, dict]:
    """The figures of each unit whose latest workbook was accepted (unit -> row), in the
    collection's order of units."""
    subs = submissions(store, c)
    return {u: subs[u].row for u in c.units if u in subs and subs[u].ok and subs[u].row}


def with_collection(lp: LoadedPlan, c: Collection | None) -> LoadedPlan:
    """``lp`` with the task of an open collection ``c`` (owed by each of its units through
    a group made for it); ``lp`` itself when there is none."""
    if c is None or not c.open or not c.units:
        return lp
    units = [u for u in c.units if u in lp.units]
    if not units:
        return lp
    group = Unit(name="Các đơn vị gửi số liệu tháng 10", short="Đơn vị gửi số liệu", kind="nhom",
                 members=units)
    task = Task(id=TASK_ID, owner=GROUP_ID, co_owners=(),
                text=(f"Gửi số liệu phổ cập giáo dục, xóa mù chữ thời điểm tháng 10 năm {c.year} "
                      f"(sổ Excel tải ở trang theo dõi của đơn vị), {c.phrase}."),
                summary=f"Gửi số liệu PCGD, XMC tháng 10/{c.year}", phrases=(c.phrase,),
                readings=(read_phrase(c.phrase, year=c.year),), ongoing=False,
                order=len(lp.tasks), path=("collection",))
    return replace(lp, units={**lp.units, GROUP_ID: group}, tasks=[*lp.tasks, task])
