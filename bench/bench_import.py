"""Import, roll-over and diff timings, each as a ratio to loading the sample plan
(`load_plan`, LibYAML-backed: the baseline every command pays) in the same process.

Targets: `diff` ≤ 4× (two loads and a comparison); `new` ≤ 40× (two loads, a positional
parse of the text and the phrase finder on every prose value holding a year); importing
seed 001 ≤ 60× (the phrase finder on every task, the YAML writer and its load-back check,
one load); importing the generated .docx ≤ 120× (python-docx parsing on top).

Then the corpus of tests/import_corpus.py (each layout offices write, .txt and .docx, and a
.doc made from one by LibreOffice): the whole `kehoach import` process on each file, against
a bare process that opens the same .docx with python-docx (interpreter start, imports and
parsing every import pays); `kehoach --help` is printed beside it (the CLI's own start-up).
Target ≤ 5× the baseline for .txt/.docx (start-up of the CLI and the plan model, reading,
writing and the load-back check); a .doc adds one LibreOffice conversion (seconds), reported,
not targeted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import PLAN, ROOT, SEEDS, best

SEED = next(SEEDS.glob("001_*.txt"))


def main() -> int:
    from workflow.build import build_plan
    from workflow.importer.api import import_plan
    from workflow.plan.diff import diff_plans
    from workflow.plan.loader import load_plan
    from workflow.plan.rollover import roll_plan

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "plans").mkdir()
        (tmp / "units").mkdir()
        shutil.copy(PLAN, tmp / "plans" / PLAN.name)
        shutil.copy(ROOT / "config" / "units" / "ba-dinh.yaml", tmp / "units")
        plan = tmp / "plans" / PLAN.name
        seed = tmp / "seed.txt"
        shutil.copy(SEED, seed)
        docx = next(p for k, p in build_plan(plan, out_dir=tmp / "out").outputs if k == "ke-hoach")
        load_plan(plan)  # warm imports
        base = best(lambda: load_plan(plan))
        rows = [
            ("import seed 001 (.txt)", best(lambda: import_plan(seed, force=True)), 60.0),
            ("import generated .docx", best(lambda: import_plan(docx, out=tmp / "d.yaml", force=True)), 120.0),
            ("new --year 2025", best(lambda: roll_plan(plan, year=2025, force=True)), 40.0),
            ("diff 2024 vs 2025 plan", best(lambda: diff_plans(plan, tmp / "plans" / "ba-dinh-2025.yaml")), 4.0),
        ]
    print(f"baseline load_plan(sample): {base * 1000:.1f} ms")
    ok = True
    for name, t, target in rows:
        ratio = t / base
        ok &= ratio <= target
        print(f"{name:<28} {t * 1000:8.1f} ms  {ratio:5.1f}× baseline (target ≤ {target:.0f}×)")
    return 0 if (ok & corpus()) else 1


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT)


def corpus() -> bool:
    """Whole-process `kehoach import` on each corpus file vs a bare python-docx open."""
    sys.path.insert(0, str(ROOT / "tests"))
    import import_corpus

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        units = import_corpus.write_units(tmp)
        files = [import_corpus.write(layout, fmt, tmp) for layout in import_corpus.LAYOUTS for fmt in ("txt", "docx")]
        soffice = shutil.which("soffice")
        if soffice:
            _run([soffice, f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "doc",
                  "--outdir", str(tmp), str(tmp / "ke-hoach-table.docx")])
            files.append(tmp / "ke-hoach-table.doc")
        probe = tmp / "ke-hoach-table.docx"
        base = best(lambda: _run([sys.executable, "-c", f"import docx; docx.Document({str(probe)!r})"]), n=5)
        helps = best(lambda: _run([sys.executable, "-m", "workflow", "--help"]), n=5)
        print(f"\nbaseline: a process opening a corpus .docx with python-docx: {base * 1000:.0f} ms "
              f"(kehoach --help: {helps * 1000:.0f} ms)")
        from workflow.importer.api import import_plan

        for f in files:
            out = tmp / (f.name + ".yaml")
            warm = best(lambda f=f, out=out: import_plan(f, out=out, force=True, units=units),
                        n=3 if f.suffix == ".doc" else 7)
            cmd = [sys.executable, "-m", "workflow", "import", str(f), "--units", str(units), "-o", str(out), "--force"]
            t = best(lambda cmd=cmd: _run(cmd), n=3 if f.suffix == ".doc" else 5)
            ratio = t / base
            if f.suffix != ".doc":
                ok &= ratio <= 5.0
            print(f"kehoach import {f.name:<24} {t * 1000:8.0f} ms  {ratio:5.2f}× baseline"
                  + ("" if f.suffix == ".doc" else " (target ≤ 5×)") + f"; in process {warm * 1000:.0f} ms")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
