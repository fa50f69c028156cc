"""Công văn speed, as ratios against baselines measured in the same process.

    /tmp/probevenv/bin/python bench/bench_letters.py

- letter (no annex) and letter with the 13-row merged annex (a second python-docx pass and a
  landscape section) against a bare docxtpl render of the same template;
- `overdue` (plan + status + late pairs) against loading the plan alone;
- `overdue --draft` (6 letters) against one bare render.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from _common import PLAN, ROOT  # noqa: E402

from workflow.documents.letters import LETTER_TEMPLATE, build_letter_docx, letter_context  # noqa: E402
from workflow.documents.render import render_docx  # noqa: E402
from workflow.documents.templates import find_template  # noqa: E402
from workflow.overdue import find_overdue  # noqa: E402
from workflow.plan.letter import load_letter  # noqa: E402
from workflow.plan.loader import load_plan  # noqa: E402

STATUS = ROOT / "config/status/ba-dinh-2024.yaml"


def timed(fn, n: int = 7) -> float:
    fn()  # warm-up (imports, caches)
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="bench-letters-"))
    kr = load_letter(ROOT / "config/letters/kon-ray-2024.yaml")
    ch = load_letter(ROOT / "config/letters/cat-hai-2024.yaml")
    tpl = find_template(LETTER_TEMPLATE)
    ctx = letter_context(kr.letter, kr.units)

    base = timed(lambda: render_docx(tpl, ctx, out / "bare.docx"))
    kr_t = timed(lambda: build_letter_docx(kr.letter, out / "kr.docx", units=kr.units))
    ch_t = timed(lambda: build_letter_docx(ch.letter, out / "ch.docx", units=ch.units))
    load_t = timed(lambda: load_plan(PLAN))
    od_t = timed(lambda: find_overdue(PLAN, on=date(2024, 11, 5), status=STATUS))
    dr_t = timed(lambda: find_overdue(PLAN, on=date(2024, 11, 5), status=STATUS, draft=True,
                                      out_dir=out / "dd"), n=3)
    print(f"bare docxtpl render of cong-van.docx   {base * 1000:7.1f} ms  (baseline)")
    print(f"letter, no annex (kon-ray)             {kr_t * 1000:7.1f} ms  x{kr_t / base:.2f}")
    print(f"letter + 13-row merged annex (cat-hai) {ch_t * 1000:7.1f} ms  x{ch_t / base:.2f}")
    print(f"load plan (baseline 2)                 {load_t * 1000:7.1f} ms")
    print(f"overdue: plan + status + pairs         {od_t * 1000:7.1f} ms  x{od_t / load_t:.2f} of load")
    print(f"overdue --draft (6 letters)            {dr_t * 1000:7.1f} ms  x{dr_t / base:.2f} of one render")


if __name__ == "__main__":
    main()
