"""Công văn as a user makes them, against bare processes doing the least the same way.

1. `kehoach build` of a letter file (kon-ray: no annex) against a bare process rendering the
   same cong-van template with the same context through docxtpl and saving it: ≤ 2.0× (the
   target of a plan build, issue 17). The letter with a 13-row merged annex (cat-hai: a
   second python-docx pass and a landscape section), for the record.
2. `kehoach overdue --draft` (six đôn đốc letters) against one bare render, for the record.
3. The pieces in process, for the record.
"""

from __future__ import annotations

import sys

from _common import (
    KEHOACH,
    ROOT,
    alternated,
    bare_render_argv,
    copy_config,
    done,
    median,
    ms,
    verdict,
    warm_cache,
    workdir,
)

TEMPLATE = ROOT / "templates" / "kehoach" / "cong-van.docx"


def main() -> int:
    from workflow.documents.letters import build_letter_docx, letter_context
    from workflow.plan.letter import load_letter

    work = workdir("kehoach-bench-letters-")
    plan = copy_config(work)
    letters = plan.parent.parent / "letters"
    kr = load_letter(letters / "kon-ray-2024.yaml")
    bare = bare_render_argv(TEMPLATE, letter_context(kr.letter, kr.units), work / "bare.docx", work)
    ours = {name: [*KEHOACH, "build", str(letters / f"{name}-2024.yaml"), "-o", str(work / name)]
            for name in ("kon-ray", "cat-hai")}
    for argv in ours.values():
        warm_cache(argv)
    status = plan.parent.parent / "status" / "ba-dinh-2024.yaml"
    overdue = [*KEHOACH, "overdue", str(plan), "--on", "2024-11-05", "--status", str(status), "--draft",
               "-o", str(work / "don-doc")]
    t = alternated({"bare": bare, **ours}, n=9)
    print(f"bare docxtpl cong-van {ms(t['bare'])}; kehoach build kon-ray {ms(t['kon-ray'])}, "
          f"cat-hai (phụ lục 13 dòng) {ms(t['cat-hai'])} = {t['cat-hai'] / t['bare']:.2f}× (thông tin)")
    verdict("build công văn (kon-ray)", t["kon-ray"] / t["bare"], 2.0)
    t2 = alternated({"bare": bare, "overdue": overdue}, n=5, codes={"overdue": (0, 1)})  # 1: late
    print(f"kehoach overdue --draft (6 công văn) {ms(t2['overdue'])} = {t2['overdue'] / t2['bare']:.2f}× "
          "một lần render trần (thông tin)")
    ch = load_letter(letters / "cat-hai-2024.yaml")
    rows = [("kon-ray", median(lambda: build_letter_docx(kr.letter, work / "kr.docx", units=kr.units))),
            ("cat-hai", median(lambda: build_letter_docx(ch.letter, work / "ch.docx", units=ch.units)))]
    print("trong tiến trình: " + "; ".join(f"{k} {v * 1000:.0f} ms" for k, v in rows))
    return done()


if __name__ == "__main__":
    sys.exit(main())
