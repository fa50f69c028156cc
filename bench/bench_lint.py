"""kehoach lint and the template preflight, against baselines run in the same process.

1. lint_docx on the built Kế hoạch vs python-docx merely opening the same file;
2. the same on a long hand-made document (~1,200 paragraphs);
3. render_docx (with its preflight) vs a bare docxtpl render+save of the same template and
   context; the preflight alone, uncached and cached.

Goals: lint of a normal document ≤ 5× a python-docx open, and linear in length; the
preflight, checked once per template file (cached by mtime and size), adds nothing to later
renders. Measured on the reference machine: 3.8×, 11.7× on the 100-page document (≈ 0.1 ms a
paragraph), uncached preflight ≈ 0.45× a render, cached ≈ 0.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _common import PLAN, ROOT, best

sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    import docx
    from docxtpl import DocxTemplate
    from lint_helpers import handmade_cong_van

    from workflow.build import build_plan
    from workflow.documents import preflight
    from workflow.documents.context import plan_context
    from workflow.documents.jinja import jinja_env
    from workflow.documents.lint import lint_docx
    from workflow.documents.preflight_render import check_template
    from workflow.documents.render import render_docx
    from workflow.documents.templates import find_template
    from workflow.plan.loader import load_plan

    tmp = Path(tempfile.mkdtemp(prefix="kehoach-bench-lint-"))
    built = next(p for k, p in build_plan(PLAN, out_dir=tmp / "out").outputs if k == "ke-hoach")
    long_doc = handmade_cong_van(tmp / "long.docx", pages=100)

    rows = []
    for name, path in (("Kế hoạch mẫu", built), ("văn bản dài (~1.200 đoạn)", long_doc)):
        base = best(lambda path=path: docx.Document(str(path)))
        lint = best(lambda path=path: lint_docx(path))
        rows.append((f"lint {name}", lint, base, "mở bằng python-docx"))

    lp = load_plan(PLAN)
    ctx = plan_context(lp)
    tpl = find_template("kehoach/ke-hoach.docx")

    def bare():
        t = DocxTemplate(str(tpl))
        t.render(ctx, jinja_env=jinja_env(), autoescape=True)
        t.save(str(tmp / "bare.docx"))

    base = best(bare)
    rows.append(("render_docx (có kiểm tra mẫu)", best(lambda: render_docx(tpl, ctx, tmp / "r.docx")),
                 base, "docxtpl render+save"))

    def uncached():
        preflight.findings.cache_clear()
        check_template(tpl, known=set(ctx))

    rows.append(("kiểm tra mẫu, không cache", best(uncached), base, "docxtpl render+save"))
    rows.append(("kiểm tra mẫu, có cache", best(lambda: check_template(tpl, known=set(ctx))),
                 base, "docxtpl render+save"))
    for name, t, b, what in rows:
        print(f"{name:<34} {t * 1000:8.1f} ms   {t / b:5.2f}× {what} ({b * 1000:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
