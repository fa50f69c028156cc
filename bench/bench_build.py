"""`kehoach build` as a user runs it, against bare processes doing the least the same way.

1. The sample plan: the whole `kehoach build` process (Kế hoạch, công văn triển khai, 22
   calendars, manifest) against a bare process that renders the same Kế hoạch template with
   the same context through docxtpl and saves it. Target (issue 17) ≤ 2.0× (goal 1.5×), on a
   rebuild of the unchanged plan (kehoach's cache as after the first run); the same after
   editing one task, and a first run (empty cache, empty output folder), for the record.
2. `kehoach --help` against `python -c pass`: ≤ 0.3 s.
3. A plan of 2,000 tasks made from the sample's (bench/_common.big_plan): the build against a
   bare render of its Kế hoạch. Target ≤ 2.0×; after an edit, for the record.
4. `build --pdf` against one bare LibreOffice conversion (a new profile) of the largest of the
   files it converts: ≤ 1.5×.
5. The pieces in process, for the record.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from _common import (
    ENV,
    KEHOACH,
    PY,
    ROOT,
    alternated,
    bare_render_argv,
    big_plan,
    copy_config,
    done,
    median,
    median_cold,
    ms,
    verdict,
    warm_cache,
    workdir,
)

TEMPLATE = ROOT / "templates" / "kehoach" / "ke-hoach.docx"


def context_of(plan: Path) -> dict:
    from workflow.documents.context import plan_context
    from workflow.plan.loader import load_plan

    return plan_context(load_plan(plan))


def editor(plan: Path, old: str):
    """A `before` for alternated(): the "edit" run finds one task's summary changed (a new
    text each time), the others the plan as it was."""
    text = plan.read_text(encoding="utf-8")
    assert old in text, old
    count = [0]

    def before(name: str) -> None:
        if name == "sau khi sửa":
            count[0] += 1
            plan.write_text(text.replace(old, f"{old} (sửa {count[0]})"), encoding="utf-8")
        else:
            plan.write_text(text, encoding="utf-8")
    return before


def build_scenarios(label: str, plan: Path, work: Path, target: float, n: int,
                    edit: str, *, cold: bool) -> None:
    bare = bare_render_argv(TEMPLATE, context_of(plan), work / f"bare-{plan.stem}.docx", work)
    out = work / f"out-{plan.stem}"
    ours = [*KEHOACH, "build", str(plan), "-o", str(out)]
    warm_cache(ours)
    t = alternated({"bare": bare, "kehoach": ours}, n=n)
    print(f"{label}: bare docxtpl {ms(t['bare'])}, kehoach build {ms(t['kehoach'])}")
    verdict(f"build {label}", t["kehoach"] / t["bare"], target)
    before = editor(plan, edit)
    t2 = alternated({"bare": bare, "sau khi sửa": ours}, n=n, before=before)
    before("bare")
    print(f"  sau khi sửa một nhiệm vụ: {ms(t2['sau khi sửa'])} = "
          f"{t2['sau khi sửa'] / t2['bare']:.2f}× (thông tin)")
    if cold:
        cold_cache = work / "cache-lanh"
        env = {**ENV, "KEHOACH_CACHE_DIR": str(cold_cache)}

        def fresh(name: str) -> None:
            shutil.rmtree(cold_cache, ignore_errors=True)
            shutil.rmtree(work / "out-lanh", ignore_errors=True)
        first = [*KEHOACH, "build", str(plan), "-o", str(work / "out-lanh")]
        t3 = alternated({"bare": bare, "lần đầu": first}, n=max(3, n // 2), before=fresh,
                        envs={"lần đầu": env})
        print(f"  lần chạy đầu (chưa có cache, thư mục kết quả trống): {ms(t3['lần đầu'])} = "
              f"{t3['lần đầu'] / t3['bare']:.2f}× (thông tin)")


def pdf(plan: Path, work: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("build --pdf: bỏ qua (không có LibreOffice)")
        return
    out = work / "out-pdf"
    ours = [*KEHOACH, "build", str(plan), "-o", str(out), "--pdf"]
    warm_cache(ours)
    largest = max(out.glob("*.docx"), key=lambda p: p.stat().st_size)
    profile = work / "lo-profile"
    bare = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--nologo", "--convert-to", "pdf", "--outdir", str(work / "pdf-bare"), str(largest)]

    def fresh(name: str) -> None:  # the bare conversion on a new profile, as each call gets
        shutil.rmtree(profile, ignore_errors=True)
    t = alternated({"bare": bare, "kehoach": ours}, n=5, before=fresh)
    print(f"build --pdf: một lần LibreOffice chuyển {largest.name} {ms(t['bare'])}, "
          f"kehoach build --pdf {ms(t['kehoach'])}")
    verdict("build --pdf", t["kehoach"] / t["bare"], 1.5)


def pieces(plan: Path, work: Path) -> None:
    from workflow.calendars.output import write_calendars
    from workflow.documents.context import plan_context
    from workflow.documents.letter_drafts import plan_letter
    from workflow.documents.letters import build_letter_docx
    from workflow.documents.render import render_docx
    from workflow.plan.loader import load_plan

    t_load = median_cold(lambda: load_plan(plan))
    lp = load_plan(plan)
    rows = [("load_plan (không cache)", t_load),
            ("load_plan (có cache)", median(lambda: load_plan(plan))),
            ("plan_context", median(lambda: plan_context(lp))),
            ("render Kế hoạch", median(lambda: render_docx(TEMPLATE, plan_context(lp), work / "kh.docx"))),
            ("công văn triển khai", median(lambda: build_letter_docx(plan_letter(lp), work / "cv.docx",
                                                                      units=lp.units))),
            ("lịch (dựng lại, không đổi)", median(lambda: write_calendars(lp, out_dir=work / "cal"), 5))]
    print(f"trong tiến trình ({plan.name}): " + "; ".join(f"{k} {v * 1000:.0f} ms" for k, v in rows))


def main() -> int:
    work = workdir("kehoach-bench-build-")
    plan = copy_config(work)
    build_scenarios("Kế hoạch mẫu", plan, work, 2.0, 11,
                    "Tập huấn nghiệp vụ phổ cập, phần mềm", cold=True)
    print("  (mục tiêu xa hơn: ≤ 1.50×)")
    t = alternated({"python": [PY, "-c", "pass"], "help": [*KEHOACH, "--help"]}, n=9)
    print(f"kehoach --help {ms(t['help'])} (python -c pass {ms(t['python'])})")
    verdict("kehoach --help", t["help"], 0.3, unit="s")
    big = big_plan(work / "big", 2000)
    build_scenarios("kế hoạch 2.000 nhiệm vụ", big, work, 2.0, 5, "(1000)", cold=False)
    pdf(plan, work)
    start = time.perf_counter()
    pieces(plan, work)
    pieces(big, work)
    print(f"({time.perf_counter() - start:.0f} s trong tiến trình)")
    return done()


if __name__ == "__main__":
    sys.exit(main())
