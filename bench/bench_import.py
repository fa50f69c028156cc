"""`kehoach import`, `new` and `diff` as a user runs them.

1. The corpus of tests/import_corpus.py (each layout offices write, .txt and .docx, and a .doc
   LibreOffice made from one): the whole `kehoach import` process on each file against a bare
   process that opens the same .docx with python-docx (interpreter start, imports and parsing
   every import pays). Target ≤ 5× for .txt/.docx; a .doc adds one LibreOffice conversion
   (seconds), reported, not targeted.
2. In process, against loading the sample plan with every cache off (`load_plan` reading and
   checking the file afresh, as the commands below do with files they have not seen):
   importing seed 001 ≤ 60× (the phrase finder on every task, the YAML writer and its
   load-back check), the generated .docx ≤ 120× (python-docx parsing on top), `new --year`
   ≤ 40× (two loads, a positional parse, the phrase finder on every prose value with a year),
   `diff` ≤ 4× (two loads and a comparison).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from _common import (
    KEHOACH,
    PY,
    ROOT,
    SEEDS,
    alternated,
    copy_config,
    done,
    median_cold,
    ms,
    no_cache,
    verdict,
    workdir,
)

SEED = next(SEEDS.glob("001_*.txt"))


def corpus(work: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import import_corpus

    units = import_corpus.write_units(work)
    files = [import_corpus.write(layout, fmt, work) for layout in import_corpus.LAYOUTS
             for fmt in ("txt", "docx")]
    probe = work / "ke-hoach-table.docx"
    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run([soffice, f"-env:UserInstallation=file://{work}/lo", "--headless", "--convert-to",
                        "doc", "--outdir", str(work), str(probe)], check=True, capture_output=True)
        files.append(work / "ke-hoach-table.doc")
    bare = [PY, "-c", f"import docx; docx.Document({str(probe)!r})"]
    cmds = {"bare": bare, "--help": [*KEHOACH, "--help"]}
    for f in files:
        cmds[f.name] = [*KEHOACH, "import", str(f), "--units", str(units), "-o", str(work / (f.name + ".yaml")),
                        "--force"]
    t = alternated({k: v for k, v in cmds.items() if not k.endswith(".doc")}, n=5)
    print(f"một tiến trình mở .docx bằng python-docx {ms(t['bare'])} (kehoach --help {ms(t['--help'])})")
    worst = max((name for name in t if name not in ("bare", "--help")), key=lambda k: t[k])
    for name in sorted(k for k in t if k not in ("bare", "--help")):
        print(f"  kehoach import {name:<24} {ms(t[name])} = {t[name] / t['bare']:.2f}×")
    verdict(f"import (chậm nhất: {worst})", t[worst] / t["bare"], 5.0)
    doc = [k for k in cmds if k.endswith(".doc")]
    if doc:
        td = alternated({doc[0]: cmds[doc[0]]}, n=3)
        print(f"  kehoach import {doc[0]:<24} {ms(td[doc[0]])} (một lần LibreOffice chuyển .doc; thông tin)")


def in_process(work: Path) -> None:
    from workflow.build import build_plan
    from workflow.importer.api import import_plan
    from workflow.plan.diff import diff_plans
    from workflow.plan.loader import load_plan
    from workflow.plan.rollover import roll_plan

    plan = copy_config(work / "cfg")
    seed = work / "seed.txt"
    shutil.copy(SEED, seed)
    no_cache()
    docx = next(p for k, p in build_plan(plan, out_dir=work / "out").outputs if k == "ke-hoach")

    base = median_cold(lambda: load_plan(plan))
    rows = [("import seed 001 (.txt)", median_cold(lambda: import_plan(seed, force=True)), 60.0),
            ("import .docx do kehoach sinh", median_cold(lambda: import_plan(docx, out=work / "d.yaml",
                                                                             force=True)), 120.0),
            ("new --year 2025", median_cold(lambda: roll_plan(plan, year=2025, force=True)), 40.0),
            ("diff 2024 và 2025", median_cold(lambda: diff_plans(plan, plan.parent / "ba-dinh-2025.yaml")), 4.0)]
    print(f"trong tiến trình, mốc: đọc kế hoạch mẫu không cache {base * 1000:.1f} ms")
    for name, t, target in rows:
        print(f"  {name:<30} {t * 1000:8.1f} ms")
        verdict(name, t / base, target)


def main() -> int:
    work = workdir("kehoach-bench-import-")
    corpus(work)
    in_process(work)
    return done()


if __name__ == "__main__":
    sys.exit(main())
