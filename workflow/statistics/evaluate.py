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


class UnitResult:
    """One unit's result: its levels, each level's status, and a :class:`Check` per
    criterion. The checks of units evaluated together are kept as rows of numbers and made
    into objects only when asked for (a report of ten thousand units names the few failing
    ones: see :meth:`failing`)."""

    __slots__ = ("unit", "levels", "status", "_checks", "_row")

    def __init__(self, unit: UnitFigures, levels: dict[str, int], status: dict[str, dict[int, str]],
                 checks: list[Check] | None = None, *, row: tuple | None = None):
        self.unit = unit
        self.levels = levels        # programme -> highest level reached (0 = chưa đạt)
        self.status = status        # programme -> level -> dat/chua_dat/chua_danh_gia
        self._checks = checks
        self._row = row             # (specs, numerators, denominators, met) when lazy

    @property
    def checks(self) -> list[Check]:
        if self._checks is None:
            self._checks = [_check(spec, self.unit.dbkk, n, d, m) for spec, n, d, m in zip(*self._row)]
        return self._checks

    def failing(self) -> list[Check]:
        """The checks not met (missed, or not assessed), in order."""
        if self._checks is not None or self._row is None:
            return [c for c in self.checks if c.met is not True]
        specs, nums, dens, mets = self._row
        return [_check(specs[k], self.unit.dbkk, nums[k], dens[k], m)
                for k, m in enumerate(mets) if m is not True]

    def __repr__(self) -> str:
        return f"UnitResult({self.unit.name!r}, levels={self.levels!r})"

    @property
    def name(self) -> str:
        return self.unit.name

    def unassessed(self, pid: str) -> list[int]:
        return [lv for lv, s in self.status[pid].items() if s == UNKNOWN]

    def fully_assessed(self, pid: str) -> bool:
        return UNKNOWN not in self.status[pid].values()


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

    def to_json(self, *, reasons: bool = False) -> dict:
        """Per unit its levels, each level's status and the ids of the criteria it missed or
        could not be assessed on (compact: ten thousand units stay a few MB); with
        ``reasons``, every check in full too (numbers, rate, threshold, article)."""
        def unit_json(u: UnitResult) -> dict:
            out = {"unit": u.name, "parent": u.unit.parent, "dbkk": u.unit.dbkk, "levels": u.levels,
                   "status": {k: {str(lv): s for lv, s in v.items()} for k, v in u.status.items()},
                   "missed": [c.id for c in u.checks if c.met is False],
                   "unassessed": [c.id for c in u.checks if c.met is None]}
            if reasons:
                out["checks"] = [c.to_json() for c in u.checks]
            return out

        def parent_json(p: ParentResult) -> dict:
            return {"unit": p.name, "tier": p.tier, "levels": p.levels, "members": p.members,
                    "shares": {s.id: {"reached": s.reached, "total": s.total,
                                      "share": float(Fraction(s.reached, s.total)) if s.total else None,
                                      "threshold": float(s.threshold), "met": s.met,
                                      "confirmed": s.confirmed} for s in p.shares}}
        out = {"criteria": self.criteria.name, "sample": self.figures.sample,
               "units": [unit_json(u) for u in self.units],
               "parent": parent_json(self.parent) if self.parent else None}
        if len(self.parents) > 1:
            out["parents"] = [parent_json(p) for p in self.parents]
        return out


def evaluate(figs: Figures, cs: CriteriaSet, *, parent_name: str = "") -> Evaluation:
    """Evaluate every unit, then each cap_tren group and (with several groups) the tier above."""
    plan = _compile(cs)
    requires = {f"{p.id}{lv.level}": [cs.split_ref(r) for r in lv.requires] for p in cs.programmes for lv in p.levels}
    order = _order(cs, requires)
    if order is None:  # prerequisites in a circle: unit by unit, each stops where it closes
        units = [_unit(u, plan, requires) for u in figs.units]
    else:
        units = _units(figs.units, plan, order)
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
    """Per programme: (programme, gate check's fields or None, [(level, [criterion])]) in
    order, each criterion as (id, level, article, confirmed, has ĐBKK variant, normal,
    ĐBKK), each variant (text, numerator columns, denominator column, p, q, threshold p/q):
    everything a unit's checks need, looked up once for all the units."""
    out = []
    for p in cs.programmes:
        gate = ((f"{p.id}.dieu_kien", p.id, 0, "đảm bảo điều kiện", None, None, ONE)
                if p.gate else None)
        levels = []
        for lv in sorted(p.levels, key=lambda x: x.level):
            crits = []
            for c in lv.criteria:
                n, d = c.variant(False), c.variant(True)
                crits.append((c.id, lv.level, c.article, c.confirmed and lv.confirmed, c.dbkk is not None,
                              (n[0], n[1], n[2], n[3].numerator, n[3].denominator, n[3]),
                              (d[0], d[1], d[2], d[3].numerator, d[3].denominator, d[3])))
            levels.append((lv.level, crits))
        out.append((p, gate, levels))
    return out


def _units(figures: list[UnitFigures], plan, order: list) -> list[UnitResult]:
    """Every unit at once, criterion by criterion (a column of ten thousand rates is a few
    list comprehensions); the same results as :func:`_unit` gives one unit at a time."""
    vals = [u.values for u in figures]
    dbkk = [u.dbkk for u in figures]
    n = len(vals)
    specs: list[tuple] = []                    # one per check, in the order _unit makes them
    nums: list[list] = []
    dens: list[list] = []
    mets: list[list] = []
    states: dict[tuple[str, int], list[str]] = {}
    for p, gate, levels in plan:
        pid = p.id
        if gate is not None:
            ok = [g is None or g == 1 for g in (v.get(p.gate) for v in vals)]
            specs.append(("gate", gate))
            nums.append([None] * n)
            dens.append([None] * n)
            mets.append(ok)
        else:
            ok = None
        for level, crits in levels:
            column_mets = []
            for cid, lvl, article, confirmed, has_dbkk, normal, variant in crits:
                c_nums, c_dens, c_mets = _column(vals, dbkk, normal, variant)
                specs.append(("rate", (cid, pid, lvl, normal[0], variant[0], normal[5], variant[5],
                                       has_dbkk, article, confirmed)))
                nums.append(c_nums)
                dens.append(c_dens)
                mets.append(c_mets)
                column_mets.append(c_mets)
            per_unit = zip(*column_mets) if column_mets else ((),) * n
            states[(pid, level)] = [
                MISSED if (ok is not None and not g) or False in ms else UNKNOWN if None in ms
                else REACHED for g, ms in zip(ok or [True] * n, per_unit)]
    # prerequisites, first things first: each level after those it needs
    for pid, level, reqs in order:
        mine = states[(pid, level)]
        for rp, rl in reqs:
            theirs = states[(rp, rl)]
            mine = [MISSED if r == MISSED else UNKNOWN if r == UNKNOWN and s == REACHED else s
                    for s, r in zip(mine, theirs)]
        states[(pid, level)] = mine
    # per programme: each unit's states level by level, and the highest level it reached
    per_programme = []
    for p, _, lvs in plan:
        lvls = [level for level, _ in lvs]
        reached = [0] * n
        for level in lvls:  # ascending: the last level reached is the highest
            reached = [level if st == REACHED else r for r, st in zip(reached, states[(p.id, level)])]
        rows = zip(*[states[(p.id, level)] for level in lvls]) if lvls else [()] * n
        per_programme.append((p.id, lvls, rows, reached))
    spec_row = tuple(specs)
    checks = zip(zip(*nums), zip(*dens), zip(*mets)) if specs else [((), (), ())] * n
    out = []
    for u, (u_nums, u_dens, u_mets), *mine in zip(figures, checks, *[zip(rows, reached) for _, _, rows, reached
                                                                     in per_programme]):
        status, levels = {}, {}
        for (pid, lvls, _, _), (row, best) in zip(per_programme, mine):
            status[pid] = dict(zip(lvls, row))
            levels[pid] = best
        out.append(UnitResult(u, levels, status, row=(spec_row, u_nums, u_dens, u_mets)))
    return out


def _check(spec: tuple, dbkk: bool, num, den, met) -> Check:
    kind, fields = spec
    if kind == "gate":
        return Check(*fields, met, False, "Thông tư 07/2016/TT-BGDĐT", True, "gate")
    cid, pid, lvl, n_text, d_text, n_thr, d_thr, has_dbkk, article, confirmed = fields
    return Check(cid, pid, lvl, d_text if dbkk else n_text, num, den, d_thr if dbkk else n_thr, met,
                 dbkk and has_dbkk, article, confirmed)


def _column(vals: list[dict], dbkk: list[bool], normal: tuple, variant: tuple):
    """(numerators, denominators, met) of one criterion for every unit, each unit with the
    variant it falls under (ĐBKK or not)."""
    if normal[1:5] == variant[1:5]:  # no ĐBKK variant, or the same rule: one pass
        parts = [normal] * len(vals)
    else:
        parts = [variant if b else normal for b in dbkk]
    nums = [_num(v, part[1]) for v, part in zip(vals, parts)]
    dens = [v.get(part[2]) for v, part in zip(vals, parts)]
    mets = [None if n is None or d is None or d == 0 else n * part[4] >= part[3] * d
            for n, d, part in zip(nums, dens, parts)]
    return nums, dens, mets


def _num(values: dict, cols: tuple):
    if len(cols) == 1:
        return values.get(cols[0])
    total = 0
    for col in cols:
        v = values.get(col)
        if v is None:
            return None
        total += v
    return total


def _order(cs: CriteriaSet, requires: dict[str, list]) -> list | None:
    """(programme, level, its prerequisites) with every prerequisite before the levels that
    need it, so a unit resolves them in one pass; None when they go round in a circle (each
    unit then follows them one by one, and stops where the circle closes)."""
    deps = {(p.id, lv.level): [tuple(r) for r in requires[f"{p.id}{lv.level}"]]
            for p in cs.programmes for lv in p.levels}
    out: list = []
    done: set = set()
    visiting: set = set()

    def visit(k) -> bool:
        if k in done:
            return True
        if k in visiting or k not in deps:
            return False
        visiting.add(k)
        if not all(visit(d) for d in deps[k]):
            return False
        visiting.discard(k)
        done.add(k)
        out.append((k[0], k[1], deps[k]))
        return True

    return out if all(visit(k) for k in deps) else None


def _unit(u: UnitFigures, plan, requires: dict[str, list[tuple[str, int]]],
          order: list | None = None) -> UnitResult:
    get = u.values.get
    dbkk = u.dbkk
    checks: list[Check] = []
    add = checks.append
    status: dict[str, dict[int, str]] = {}
    for p, gate, levels in plan:
        pid = p.id
        states = status[pid] = {}
        gate_ok = True
        if gate is not None:
            g = get(p.gate)
            gate_ok = g is None or g == 1
            add(Check(*gate, gate_ok, False, "Thông tư 07/2016/TT-BGDĐT", True, "gate"))
        for level, crits in levels:
            state = REACHED if gate_ok else MISSED
            for cid, lvl, article, confirmed, has_dbkk, normal, variant in crits:
                text, num_cols, den_col, tp, tq, thr = variant if dbkk else normal
                den = get(den_col)
                if len(num_cols) == 1:
                    num = get(num_cols[0])
                else:
                    num = 0
                    for col in num_cols:
                        v = get(col)
                        if v is None:
                            num = None
                            break
                        num += v
                if num is None or den is None or den == 0:
                    met = None
                    if state == REACHED:
                        state = UNKNOWN
                else:
                    met = num * tq >= tp * den
                    if not met:
                        state = MISSED
                add(Check(cid, pid, lvl, text, num, den, thr, met, dbkk and has_dbkk, article,
                          confirmed))
            states[level] = state
    # prerequisites may point across programmes (THCS mức 1 needs TH mức 1 and XMC mức 1)
    if order is not None:
        for pid, level, reqs in order:
            st = status[pid][level]
            for rp, rl in reqs:
                rs = status[rp][rl]  # already final: prerequisites come first
                if rs == MISSED:
                    st = MISSED
                elif rs == UNKNOWN and st == REACHED:
                    st = UNKNOWN
            status[pid][level] = st
        levels_reached = {}
        for p, _, lvs in plan:
            states = status[p.id]
            levels_reached[p.id] = max((level for level, _ in lvs if states[level] == REACHED), default=0)
        return UnitResult(u, levels_reached, status, checks)
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

    levels_reached: dict[str, int] = {}
    for p, _, lvs in plan:
        best = 0
        for level, _ in lvs:
            st = final(p.id, level)
            status[p.id][level] = st
            if st == REACHED:
                best = max(best, level)
        levels_reached[p.id] = best
    return UnitResult(u, levels_reached, status, checks)


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
    return [name for (rp, rl), name in _prerequisites(cs, pid, level) if u.status[rp][rl] == MISSED]


_PREREQUISITES: dict[tuple, list] = {}


def _prerequisites(cs: CriteriaSet, pid: str, level: int) -> list[tuple[tuple[str, int], str]]:
    """((programme, level), readable name) of each known prerequisite, looked up once per
    criteria set (a report asks for every unit)."""
    key = (id(cs), pid, level)
    found = _PREREQUISITES.get(key)
    if found is None or found[0] is not cs:
        if len(_PREREQUISITES) > 256:  # a long-running process loads criteria again and again
            _PREREQUISITES.clear()
        refs = cs.programme(pid).level(level).requires
        found = _PREREQUISITES[key] = (cs, [(hit, cs.ref_name(ref)) for ref in refs
                                            if (hit := cs.split_ref(ref))])
    return found[1]


def level_name(p: Programme, level: int) -> str:
    if level == 0:
        return "chưa đạt"
    return p.level(level).name
