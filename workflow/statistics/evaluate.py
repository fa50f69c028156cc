"""Evaluate figures against a criteria set: per unit, per parent, exactly.

Rates are never rounded before comparing: ``num / den ≥ p / q`` is decided as
``num * q ≥ p * den`` on integers, so 94,99% never passes 95%. A criterion whose data is
missing is "not assessed" (``met is None``), which never counts as met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import vn
from .criteria import CriteriaSet, Programme
from .figures import Figures, UnitFigures

REACHED, MISSED, UNKNOWN = "dat", "chua_dat", "chua_danh_gia"
ONE = Fraction(1)


@dataclass(slots=True)
class Check:
    id: str
    programme: str
    level: int
    text: str
    num: int | None
    den: int | None
    threshold: Fraction          # fraction of 1 (0.95)
    met: bool | None             # None: not assessed
    dbkk: bool
    article: str
    confirmed: bool
    kind: str = "rate"           # "rate" | "gate" | "requires"

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.num, self.den) if self.num is not None and self.den else None

    @property
    def margin(self) -> Fraction | None:
        r = self.rate
        return None if r is None else r - self.threshold

    def figure(self) -> str:
        """'12.880/12.882, đạt 99,98%' (or why it was not assessed); a rate below its
        threshold never prints as reaching it."""
        if self.kind != "rate":
            return {True: "đạt", False: "chưa đạt", None: "chưa có số liệu"}[self.met]
        if self.num is None or self.den is None:
            return "chưa có số liệu"
        if self.den == 0:
            return "không có đối tượng phải phổ cập"
        return vn.figure(self.num, self.den, thresholds=(self.threshold,))

    def to_json(self) -> dict:
        r = self.rate
        return {"id": self.id, "programme": self.programme, "level": self.level, "kind": self.kind,
                "numerator": self.num, "denominator": self.den,
                "rate": None if r is None else float(r),
                "rate_text": self.figure(), "threshold": float(self.threshold),
                "met": self.met, "margin": None if r is None else float(r - self.threshold),
                "dbkk_variant": self.dbkk, "article": self.article, "confirmed": self.confirmed}


@dataclass
class UnitResult:
    unit: UnitFigures
    levels: dict[str, int]                       # programme -> highest level reached (0 = chưa đạt)
    status: dict[str, dict[int, str]]            # programme -> level -> dat/chua_dat/chua_danh_gia
    checks: list[Check]

    @property
    def name(self) -> str:
        return self.unit.name

    def unassessed(self, pid: str) -> list[int]:
        return [lv for lv, s in self.status[pid].items() if s == UNKNOWN]


@dataclass
class ShareResult:
    id: str
    programme: str
    level: int
    among: str
    reached: int
    total: int
    threshold: Fraction
    met: bool
    article: str
    confirmed: bool


@dataclass
class ParentResult:
    name: str
    tier: str
    levels: dict[str, int]
    shares: list[ShareResult]
    members: list[str]


@dataclass
class Evaluation:
    criteria: CriteriaSet
    figures: Figures
    units: list[UnitResult]
    parents: list[ParentResult] = field(default_factory=list)  # one per cap_tren group
    top: ParentResult | None = None                            # the tier above, from the groups

    @property
    def parent(self) -> ParentResult | None:
        return self.top if self.top is not None else (self.parents[0] if self.parents else None)

    def to_json(self) -> dict:
        def parent_json(p: ParentResult) -> dict:
            return {"unit": p.name, "tier": p.tier, "levels": p.levels, "members": p.members,
                    "shares": {s.id: {"reached": s.reached, "total": s.total,
                                      "share": float(Fraction(s.reached, s.total)) if s.total else None,
                                      "threshold": float(s.threshold), "met": s.met,
                                      "confirmed": s.confirmed} for s in p.shares}}
        out = {"criteria": self.criteria.name, "sample": self.figures.sample,
               "units": [{"unit": u.name, "parent": u.unit.parent, "dbkk": u.unit.dbkk,
                          "levels": u.levels, "status": {k: {str(lv): s for lv, s in v.items()}
                                                         for k, v in u.status.items()},
                          "checks": [c.to_json() for c in u.checks]} for u in self.units],
               "parent": parent_json(self.parent) if self.parent else None}
        if len(self.parents) > 1:
            out["parents"] = [parent_json(p) for p in self.parents]
        return out


def evaluate(figs: Figures, cs: CriteriaSet, *, parent_name: str = "") -> Evaluation:
    """Evaluate every unit, then each cap_tren group and (with several groups) the tier above."""
    plan = _compile(cs)
    requires = {f"{p.id}{lv.level}": [cs.split_ref(r) for r in lv.requires] for p in cs.programmes for lv in p.levels}
    units = [_unit(u, plan, requires) for u in figs.units]
    groups: dict[str, list[UnitResult]] = {}
    for u in units:
        groups.setdefault(u.unit.parent or parent_name, []).append(u)
    tiers = [t.id for t in cs.hierarchy]
    parents = [_shares(name or "", tiers[1], [(u.levels, u.unit.dbkk, u.name) for u in members], cs)
               for name, members in groups.items()]
    ev = Evaluation(criteria=cs, figures=figs, units=units, parents=parents)
    if len(parents) > 1 and len(tiers) > 2:
        ev.top = _shares(parent_name, tiers[2], [(p.levels, False, p.name) for p in parents], cs)
    return ev


def _compile(cs: CriteriaSet):
    """Per programme, per level: (level, requires, gate, [(criterion, normal, dbkk)]) in order."""
    out = []
    for p in cs.programmes:
        levels = []
        for lv in sorted(p.levels, key=lambda x: x.level):
            crits = []
            for c in lv.criteria:
                n = c.variant(False)
                d = c.variant(True)
                crits.append((c, (n[0], n[1], n[2], n[3].numerator, n[3].denominator, n[3]),
                              (d[0], d[1], d[2], d[3].numerator, d[3].denominator, d[3])))
            levels.append((lv, crits))
        out.append((p, levels))
    return out


def _unit(u: UnitFigures, plan, requires: dict[str, list[tuple[str, int]]]) -> UnitResult:
    values = u.values
    checks: list[Check] = []
    status: dict[str, dict[int, str]] = {}
    for p, levels in plan:
        status[p.id] = {}
        gate_ok = True
        if p.gate:
            g = values.get(p.gate)
            gate_ok = g is None or g == 1
            checks.append(Check(f"{p.id}.dieu_kien", p.id, 0, "đảm bảo điều kiện", None, None,
                                ONE, gate_ok, False, "Thông tư 07/2016/TT-BGDĐT", True, "gate"))
        for lv, crits in levels:
            state = REACHED if gate_ok else MISSED
            for c, normal, variant in crits:
                text, num_cols, den_col, tp, tq, thr = variant if u.dbkk else normal
                den = values.get(den_col)
                num = 0
                for col in num_cols:
                    v = values.get(col)
                    if v is None:
                        num = None
                        break
                    num += v
                if num is None or den is None or den == 0:
                    met = None
                else:
                    met = num * tq >= tp * den
                checks.append(Check(c.id, p.id, lv.level, text, num, den, thr, met,
                                    u.dbkk and c.dbkk is not None, c.article,
                                    c.confirmed and lv.confirmed))
                if met is False:
                    state = MISSED
                elif met is None and state == REACHED:
                    state = UNKNOWN
            status[p.id][lv.level] = state
    # prerequisites may point across programmes (THCS mức 1 needs TH mức 1 and XMC mức 1)
    resolved: dict[str, str] = {}

    def final(pid: str, level: int, stack=()) -> str:
        key = f"{pid}{level}"
        if key in resolved:
            return resolved[key]
        state = status[pid][level]
        for rp, rl in requires[key]:
            if key in stack:
                break
            rs = final(rp, rl, stack + (key,))
            if rs == MISSED:
                state = MISSED
            elif rs == UNKNOWN and state == REACHED:
                state = UNKNOWN
        resolved[key] = state
        return state

    levels: dict[str, int] = {}
    for p, lvs in plan:
        best = 0
        for lv, _ in lvs:
            st = final(p.id, lv.level)
            status[p.id][lv.level] = st
            if st == REACHED:
                best = max(best, lv.level)
        levels[p.id] = best
    return UnitResult(unit=u, levels=levels, status=status, checks=checks)


def _shares(name: str, tier: str, members: list[tuple[dict, bool, str]], cs: CriteriaSet) -> ParentResult:
    """A parent reaches level L when every share rule of L (and of each lower level) for its
    tier is met; a level without a rule for this tier cannot be reached."""
    shares: list[ShareResult] = []
    levels: dict[str, int] = {}
    for p in cs.programmes:
        best, chain = 0, True
        for lv in sorted(p.levels, key=lambda x: x.level):
            rules = [r for r in lv.parent if r.tier == tier]
            ok = bool(rules)
            for r in rules:
                pool = [m for m in members if r.among == "all" or (r.among == "dbkk") == m[1]]
                reached = sum(1 for m in pool if m[0].get(p.id, 0) >= lv.level)
                f = r.fraction
                met = bool(pool) and reached * f.denominator >= f.numerator * len(pool)
                shares.append(ShareResult(cs.rule_id(p, lv, r), p.id, lv.level, r.among, reached,
                                          len(pool), f, met, r.article, r.confirmed))
                # among: dbkk with no ĐBKK member is vacuous, not failed
                if not met and not (r.among != "all" and not pool):
                    ok = False
            chain = chain and ok
            if chain:
                best = lv.level
        levels[p.id] = best
    return ParentResult(name=name, tier=tier, levels=levels, shares=shares, members=[m[2] for m in members])


def missed_prerequisites(u: UnitResult, cs: CriteriaSet, pid: str, level: int) -> list[str]:
    """Readable names ('XMC mức độ 1') of the prerequisites of ``pid`` mức ``level`` that
    unit ``u`` missed."""
    out = []
    for ref in cs.programme(pid).level(level).requires:
        hit = cs.split_ref(ref)
        if hit and u.status[hit[0]][hit[1]] == MISSED:
            out.append(cs.ref_name(ref))
    return out


def level_name(p: Programme, level: int) -> str:
    if level == 0:
        return "chưa đạt"
    return p.level(level).name
