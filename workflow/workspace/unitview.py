"""What a unit's private page shows, gathered from the follow-up: its tasks with their
state and the store's reports, the October figures collection it is part of, and the
addresses of its calendar feeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..progress import collect
from ..progress.views import Item, unit_items


@dataclass
class UnitView:
    plan: str
    unit: str
    label: str
    name: str
    title: str
    year: int
    office: object                   # settings.office (name, person, phone, email)
    today: date
    items: list[Item]
    collection: object = None        # collect.Collection the unit is part of (open), or None
    submission: object = None        # its latest workbook
    feeds: dict = field(default_factory=dict)   # "https", "webcal", "all_https", "all_webcal"

    @property
    def todo(self) -> list[Item]:
        return [i for i in self.items if i.state in ("late", "due")]

    @property
    def counts(self) -> dict[str, int]:
        out = {"done": 0, "late": 0, "due": 0, "open": 0}
        for i in self.items:
            out[i.state] += 1
        return out


def unit_view(fu, name: str, unit: str, token: str) -> UnitView:
    """The page of ``unit`` in plan ``name`` (the caller has checked the token)."""
    lp, obs = fu.obligations(name)
    today = fu.today()
    reports = {(r.task, r.unit): r for r in fu.store.current(name)}
    items = unit_items(lp, obs, unit, today, reports)
    # what needs doing first: late, then due (soonest first), then ongoing, then done
    order = {"late": 0, "due": 1, "open": 2, "done": 3}
    items.sort(key=lambda i: (order[i.state], i.ob.due or date.max, i.task.order))
    c = fu.collection(name)
    sub = None
    if c is not None and c.open and unit in c.units:
        sub = collect.submissions(fu.store, c).get(unit)
    else:
        c = None
    u = lp.units[unit]
    doc = lp.plan.document
    return UnitView(
        plan=name, unit=unit, label=u.label, name=u.name,
        title=" ".join(doc.title.split()), year=lp.year, office=fu.settings().office,
        today=today, items=items, collection=c, submission=sub,
        feeds={"https": fu.feed_url(name, unit, token), "webcal": fu.feed_url(name, unit, token, webcal=True),
               "all_https": fu.feed_url(name, "tat-ca", token),
               "all_webcal": fu.feed_url(name, "tat-ca", token, webcal=True)})
