"""kehoach build of the sample plan vs a bare docxtpl render+save of the same template and
context, in one process; and `kehoach --help` start-up vs a bare `python -c pass`.

Goals (issue 2): build ≤ 1.5× the bare render; --help ≤ 0.3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PLAN, ROOT, best


def main() -> int:
    from docxtpl import DocxTemplate

    from workflow import build as build_mod
    from workflow.documents.context import plan_context
    from workflow.documents.jinja import jinja_env
    from workflow.documents.templates import find_template
    from workflow.plan.loader import load_plan

    tmp = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    lp = load_plan(PLAN)
    tpl = find_template(build_mod.KEHOACH_TEMPLATE)
    ctx = plan_context(lp)

    def bare():
        t = DocxTemplate(str(tpl))
        t.render(ctx, jinja_env=jinja_env(), autoescape=True)
        t.save(str(tmp / "bare.docx"))

    steps = list(build_mod.EXTRA_STEPS)

    def ours_plan_only():
        build_mod.EXTRA_STEPS[:] = []
        try:
            build_mod.build_plan(PLAN, out_dir=tmp / "ours")
        finally:
            build_mod.EXTRA_STEPS[:] = steps

    def ours_full():
        build_mod.build_plan(PLAN, out_dir=tmp / "full")

    bare(), ours_plan_only(), ours_full()  # warm up imports and caches
    t_bare = best(bare)
    t_ours = best(ours_plan_only)
    t_full = best(ours_full, 3)
    print(f"bare docxtpl render+save      {t_bare * 1000:8.1f} ms")
    print(f"kehoach build (Kế hoạch only) {t_ours * 1000:8.1f} ms   ratio {t_ours / t_bare:.2f}× (goal ≤ 1.5×)")
    print(f"kehoach build (all outputs)   {t_full * 1000:8.1f} ms   "
          f"({len(steps)} extra stages: {', '.join(s.__name__ for s in steps) or '-'})")

    def run(args):
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - t

    base = [run([sys.executable, "-c", "pass"]) for _ in range(5)]
    helps = [run([sys.executable, "-m", "workflow", "--help"]) for _ in range(5)]
    b, h = statistics.median(base), statistics.median(helps)
    print(f"python -c pass                {b * 1000:8.1f} ms")
    print(f"kehoach --help                {h * 1000:8.1f} ms   (+{(h - b) * 1000:.0f} ms over bare Python; goal ≤ 300 ms)")
    ok = t_ours / t_bare <= 1.5 and h <= 0.3
    print("OK" if ok else "GOAL MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
