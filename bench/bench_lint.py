"""`kehoach lint` and `kehoach template check` as a user runs them.

1. `kehoach lint` of the built Kế hoạch, and of a long hand-made document (~1,200
   paragraphs), against a bare process that merely opens the same file with python-docx:
   ≤ 5× for the Kế hoạch (a document of normal length); the long one for the record (it
   grows with the length, ≈ 0.1 ms a paragraph).
2. `kehoach template check` of the shipped Kế hoạch template against the same bare open, for
   the record.
3. In process: the template preflight uncached (read with python-docx and checked) and
   cached (kehoach's disk cache, by the template's bytes), against one docxtpl render+save.
"""

from __future__ import annotations

import sys

from _common import (
    KEHOACH,
    PY,
    ROOT,
    alternated,
    copy_config,
    done,
    median,
    ms,
    verdict,
    warm_cache,
    workdir,
)

sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    from lint_helpers import handmade_cong_van

    from workflow.build import build_plan

    work = workdir("kehoach-bench-lint-")
    plan = copy_config(work)
    built = next(p for k, p in build_plan(plan, out_dir=work / "out").outputs if k == "ke-hoach")
    long_doc = handmade_cong_van(work / "long.docx", pages=100)
    template = ROOT / "templates" / "kehoach" / "ke-hoach.docx"
    cmds = {"bare": [PY, "-c", f"import docx; docx.Document({str(built)!r})"],
            "bare-long": [PY, "-c", f"import docx; docx.Document({str(long_doc)!r})"],
            "lint": [*KEHOACH, "lint", str(built)],
            "lint-long": [*KEHOACH, "lint", str(long_doc)],
            "template": [*KEHOACH, "template", "check", str(template)]}
    for name in ("lint", "template"):
        warm_cache(cmds[name])
    t = alternated(cmds, n=7, codes={"lint-long": (0, 1)})  # 1: the hand-made one has findings
    print(f"mở bằng python-docx: Kế hoạch {ms(t['bare'])}, văn bản dài {ms(t['bare-long'])}")
    print(f"kehoach lint: Kế hoạch {ms(t['lint'])}; văn bản dài (~1.200 đoạn) {ms(t['lint-long'])} = "
          f"{t['lint-long'] / t['bare-long']:.2f}× (thông tin); template check {ms(t['template'])} = "
          f"{t['template'] / t['bare']:.2f}× (thông tin)")
    verdict("lint Kế hoạch mẫu", t["lint"] / t["bare"], 5.0)

    from docxtpl import DocxTemplate

    from workflow.documents import preflight
    from workflow.documents.context import plan_context
    from workflow.documents.jinja import jinja_env
    from workflow.documents.preflight_render import check_template
    from workflow.plan.loader import load_plan

    ctx = plan_context(load_plan(plan))

    def bare():
        tpl = DocxTemplate(str(template))
        tpl.render(ctx, jinja_env=jinja_env(), autoescape=True)
        tpl.save(str(work / "bare.docx"))

    def uncached():
        import os

        os.environ["KEHOACH_NO_CACHE"] = "1"
        preflight.findings.cache_clear()
        check_template(template, known=set(ctx))
        del os.environ["KEHOACH_NO_CACHE"]

    def cached():
        preflight.findings.cache_clear()  # a new process: read from the disk cache
        check_template(template, known=set(ctx))

    t_bare, t_un, t_c = median(bare), median(uncached), median(cached)
    print(f"trong tiến trình: kiểm tra mẫu không cache {t_un * 1000:.1f} ms = {t_un / t_bare:.2f}×, "
          f"có cache {t_c * 1000:.1f} ms = {t_c / t_bare:.2f}× một lần docxtpl render+save "
          f"({t_bare * 1000:.1f} ms)")
    return done()


if __name__ == "__main__":
    sys.exit(main())
