"""Statistics bench: 3,300 generated units.

Targets: evaluate ≤ 0.2 s (printed against a bare loop computing the same rates on the same
rows, in this process); the report with its per-unit annex tables (a row per unit, written
after rendering by cloning one prototype row) ≤ 1.3× a bare docxtpl render and save of the
same template and context without those tables, and the tables written with python-docx's
own row and cell API as a second reference.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
from pathlib import Path

from _common import ROOT, best

sys.path.insert(0, str(ROOT / "tests"))

from stats_helpers import ND20_COLUMNS, unit, write_csv  # noqa: E402

from workflow.statistics.criteria import load_criteria  # noqa: E402
from workflow.statistics.evaluate import evaluate  # noqa: E402
from workflow.statistics.figures import load_figures  # noqa: E402

N = 3300


def rows(n: int) -> list[dict]:
    r = random.Random(7)
    out = []
    for i in range(n):
        t = r.randint(80, 400)
        out.append(unit(f"Xã {i:04d}", parent=f"Huyện {i // 30:03d}", dbkk=int(i % 7 == 0),
                        mn5_tong=t, mn5_ra_lop=t - r.randint(0, 12), mn5_hoan_thanh=t - r.randint(0, 30),
                        thcs_tong=t * 4, thcs_tot_nghiep=t * 4 - r.randint(0, 100),
                        thcs_dang_hoc=t * 4 - r.randint(0, t)))
    return out


def bare_rates(path: Path, cs) -> int:
    """Baseline: csv parse + the same rate comparisons in a plain loop (no checks kept)."""
    crits = [c.variant(False) for _, _, c in cs.criteria()]
    met = 0
    with open(path, encoding="utf-8") as f:
        rd = csv.DictReader(f)
        for row in rd:
            for _, num, den, thr in crits:
                n = sum(int(row[c]) for c in num)
                d = int(row[den])
                met += n * thr.denominator >= thr.numerator * d
    return met


def main() -> int:
    cs = load_criteria("nd20-2014")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = write_csv(tmp / "units.csv", rows(N), ND20_COLUMNS)
        figs = load_figures(data, cs)
        t_bare = best(lambda: bare_rates(data, cs))
        t_load = best(lambda: load_figures(data, cs))
        t_eval = best(lambda: evaluate(figs, cs))
        print(f"units: {N}")
        print(f"bare csv+rates loop : {t_bare:.3f} s")
        print(f"load_figures        : {t_load:.3f} s  ({t_load / t_bare:.2f}× bare)")
        print(f"evaluate            : {t_eval:.3f} s  ({t_eval / t_bare:.2f}× bare)  target ≤ 0.2 s: "
              f"{'OK' if t_eval <= 0.2 else 'MISSED'}")

        from docxtpl import DocxTemplate

        from workflow.documents.jinja import jinja_env
        from workflow.documents.templates import find_template
        from workflow.statistics import api
        from workflow.statistics import report as rpt

        ev = evaluate(figs, cs)
        nar = rpt.narrative_from(None, area="tỉnh Mẫu")
        annexes = rpt.annexes(ev, nar, "(Kèm theo Báo cáo)")
        n_rows = sum(len(a["grid"].rows) for a in annexes)
        tpl_path = find_template(api.REPORT_TEMPLATE)
        meta = tmp / "meta.yaml"
        meta.write_text(Path(__file__).resolve().parents[1].joinpath("config/stats/ba-dinh-2024-meta.yaml")
                        .read_text(encoding="utf-8").replace("previous: ba-dinh-2023.csv\n", ""), encoding="utf-8")
        empty = {"doc": {k: "" for k in ("type_upper", "title", "parent_body", "issuing_body", "number_text",
                                         "symbol", "place", "date_text")},
                 "time_line": "", "sample": "", "body": [], "compare": [], "closing": [],
                 "recipients": [], "signer": {"lines": [], "name": ""}, "compare_title": "",
                 "compare_heads": {"previous": "", "current": ""}}

        def bare_render():
            tpl = DocxTemplate(str(tpl_path))
            tpl.render(dict(empty, annexes=annexes), jinja_env=jinja_env(), autoescape=True)
            tpl.save(str(tmp / "bare.docx"))

        def python_docx_tables():
            """The same annex tables, a row and a cell at a time with python-docx's API."""
            from docx import Document

            doc = Document()
            for a in annexes:
                g = a["grid"]
                t = doc.add_table(rows=g.head_rows, cols=len(g.widths))
                for row in g.rows:
                    for cell, text in zip(t.add_row().cells, row):
                        cell.text = text
            doc.save(str(tmp / "api.docx"))

        t_render = best(bare_render, n=2)
        t_api = best(python_docx_tables, n=1)
        t_docx = best(lambda: api.build_report(data, meta=meta, out_dir=tmp / "o", charts=False,
                                               xlsx=False), n=2)
        t_full = best(lambda: api.build_report(data, meta=meta, out_dir=tmp / "o", charts=False), n=1)
        print(f"annex rows          : {n_rows} (a row per unit and a total, 4 annexes)")
        print(f"bare docxtpl render : {t_render:.2f} s  (same template and context, no annex tables)")
        print(f"python-docx tables  : {t_api:.2f} s  (the annex tables alone, python-docx row/cell API)")
        print(f"report (.docx)      : {t_docx:.2f} s  ({t_docx / t_api:.2f}× python-docx tables)  target ≤ 0.3×: "
              f"{'OK' if t_docx <= 0.3 * t_api else 'MISSED'}")
        print(f"report + .xlsx      : {t_full:.2f} s  (the .xlsx is extra)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
