"""`kehoach criteria show | evaluate | report [template]`: statistics against the law."""

from __future__ import annotations

from pathlib import Path

import click

from .common import DefaultGroup, echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).

PATH = click.Path(path_type=Path)


@click.group(help="Bộ tiêu chí công nhận PCGD, XMC (config/criteria/*.yaml).")
def criteria():
    pass


@criteria.command("show", help="Liệt kê các tiêu chí, ngưỡng và căn cứ; đánh dấu giá trị chưa đối chiếu.\n\n"
                               "Ví dụ:  kehoach criteria show nd20-2014")
@click.argument("name", metavar="[BỘ_TIÊU_CHÍ]", default="nd20-2014")
@click.option("--override", type=PATH, default=None, help="Tệp ghi đè ngưỡng của riêng đơn vị")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON")
def show(name: str, override: Path | None, as_json: bool):
    from ..statistics.api import show_criteria

    data = show_criteria(name, override=override)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['name']}: {data['title']}")
    tiers = dict(zip(data["hierarchy"], data["tier_names"]))
    click.echo(f"Các cấp: {' → '.join(data['tier_names'])}   (tệp: {data['file']})")
    for r in data["rows"]:
        mark = "  " if r["confirmed"] else "? "
        if r.get("overridden"):
            mark = "* "
        if r["kind"] == "criterion":
            what = f"{'+'.join(r['numerator'])} / {r['denominator']} ≥ {r['threshold']}%"
            if r["dbkk"]:
                d = r["dbkk"]
                what += f"; ĐBKK: {'+'.join(d['numerator'])} / {d['denominator']} ≥ {d['threshold']}%"
            req = f" [cần {', '.join(r['requires'])}]" if r["requires"] else ""
            click.echo(f"{mark}{r['id']:<20} mức {r['level']}: {r['text']}: {what} ({r['article']}){req}")
        else:
            among = {"all": "", "normal": " (xã thường)", "dbkk": " (xã ĐBKK)"}[r["among"]]
            click.echo(f"{mark}{r['id']:<20} cấp {tiers.get(r['tier'], r['tier'])}: ≥ {r['threshold']}% số đơn vị cấp dưới đạt "
                       f"mức {r['level']}{among} ({r['article']})")
    click.echo(f"? = chưa đối chiếu văn bản gốc (confirmed: false): {data['unconfirmed']}; "
               "* = đã ghi đè. Ghi đè: tệp YAML 'set: {mã: ngưỡng}' và --override TỆP.")


@click.command(help="Đánh giá số liệu từng đơn vị theo bộ tiêu chí: mức đạt, tỷ lệ chính xác, "
                    "và mức của đơn vị cấp trên.\n\n"
                    "Ví dụ:  kehoach evaluate config/stats/ba-dinh-2024.csv --criteria nd20-2014")
@click.argument("data", metavar="SỐ_LIỆU", type=PATH)
@click.option("--criteria", "criteria_name", default="nd20-2014", show_default=True,
              help="Bộ tiêu chí: nd20-2014, 2025 hoặc đường dẫn .yaml")
@click.option("--override", type=PATH, default=None, help="Tệp ghi đè ngưỡng")
@click.option("--all", "show_all", is_flag=True, help="In cả các tiêu chí đã đạt")
@click.option("--json", "as_json", is_flag=True,
              help="In dạng JSON: mức đạt, trạng thái từng mức, tiêu chí chưa đạt của mỗi đơn vị")
@click.option("--reasons", is_flag=True,
              help="Với --json: thêm chi tiết mọi tiêu chí (tử số, mẫu số, tỷ lệ, ngưỡng, căn cứ)")
def evaluate(data: Path, criteria_name: str, override: Path | None, show_all: bool, as_json: bool,
             reasons: bool):
    from ..statistics.api import evaluate_file
    from ..statistics.evaluate import MISSED, level_name, missed_prerequisites
    from ..statistics.explain import parent_lines
    from ..statistics.vn import threshold

    ev = evaluate_file(data, criteria=criteria_name, override=override)
    if as_json:
        echo_json(ev.to_json(reasons=reasons))
        return
    cs = ev.criteria
    for w in ev.figures.warnings:
        click.echo(str(w), err=True)
    out: list[str] = []  # written at once: ten thousand units are twenty thousand lines
    if ev.figures.sample:
        out.append("(số liệu mẫu)")
    names = {p.id: {lv.level: level_name(p, lv.level) for lv in p.levels} | {0: level_name(p, 0)}
             for p in cs.programmes}
    for u in ev.units:
        levels = "; ".join(f"{p.short} {names[p.id][u.levels[p.id]]}"
                           + ("" if u.fully_assessed(p.id) else " (chưa đánh giá đủ)") for p in cs.programmes)
        out.append(f"{u.name}{' (ĐBKK)' if u.unit.dbkk else ''}: {levels}")
        for c in (u.checks if show_all else u.failing()):
            if c.kind != "rate" and c.met is not False:
                continue
            if c.kind == "gate":
                out.append(f"    {c.id:<18} chưa đảm bảo điều kiện ({c.article}) — CHƯA ĐẠT")
            elif show_all or c.met is not True:
                verdict = {True: "đạt", False: "CHƯA ĐẠT", None: "chưa đánh giá"}[c.met]
                out.append(f"    {c.id:<18} {c.text}: {c.figure()} (ngưỡng {threshold(c.threshold)}) — {verdict}")
        for p in cs.programmes:
            states = u.status[p.id]
            if MISSED not in states.values():
                continue
            missed = [lv for lv, st in sorted(states.items()) if st == MISSED]
            names_missed = missed_prerequisites(u, cs, p.id, missed[0]) if missed else []
            if names_missed:
                out.append(f"    {p.id + str(missed[0]):<18} {p.short} {level_name(p, missed[0])}: "
                           f"chưa đạt điều kiện trước: {', '.join(names_missed)} — CHƯA ĐẠT")
    for p in ev.parents + ([ev.top] if ev.top else []):
        out.extend(parent_lines(p, cs, show_all=show_all))
    if out:
        click.echo("\n".join(out))


@click.group(cls=DefaultGroup, help="Báo cáo PCGD, XMC tháng 10 (.docx theo Nghị định 30, kèm bảng .xlsx).\n\n"
             "\b\nVí dụ:  kehoach report config/stats/ba-dinh-2024.csv --meta config/stats/ba-dinh-2024-meta.yaml\n"
             "        kehoach report template -o mau-nhap-lieu.xlsx")
def report():
    pass


@report.command("build", help="Tạo báo cáo từ tệp số liệu (CSV, XLSX hoặc YAML).")
@click.argument("data", metavar="SỐ_LIỆU", type=PATH)
@click.option("--plan", type=PATH, default=None, help="Tệp kế hoạch: lấy phần đầu văn bản, người ký")
@click.option("--meta", type=PATH, default=None, help="Tệp meta YAML: phần đầu và các phần lời")
@click.option("-o", "--out", "out_dir", type=PATH, default=None, help="Thư mục kết quả (mặc định out/<năm>)")
@click.option("--previous", type=PATH, default=None, help="Số liệu năm trước để so sánh")
@click.option("--criteria", "criteria_name", default=None, help="Bộ tiêu chí (mặc định theo meta/kế hoạch)")
@click.option("--override", type=PATH, default=None, help="Tệp ghi đè ngưỡng")
@click.option("--templates", type=PATH, default=None, help="Thư mục mẫu .docx riêng")
@click.option("--no-charts", is_flag=True, help="Không vẽ biểu đồ")
@click.option("--json", "as_json", is_flag=True, help="In danh sách tệp dạng JSON")
def build(data, plan, meta, out_dir, previous, criteria_name, override, templates, no_charts, as_json):
    from ..statistics.api import build_report

    res = build_report(data, plan=plan, meta=meta, out_dir=out_dir, previous=previous,
                       criteria=criteria_name, override=override, templates=templates,
                       charts=not no_charts)
    if as_json:
        echo_json({"outputs": [{"kind": k, "path": str(p)} for k, p in res.outputs], "notes": res.notes,
                   "parent": res.evaluation.to_json()["parent"]})
        return
    for kind, p in res.outputs:
        click.echo(f"  {kind:<14} {p}")
    for n in res.notes:
        click.echo(n)


@report.command("template", help="Ghi sổ Excel mẫu để nhập số liệu (tiêu đề, hướng dẫn, kiểm tra dữ liệu).")
@click.option("--criteria", "criteria_name", default="nd20-2014", show_default=True, help="Bộ tiêu chí")
@click.option("-o", "--out", "target", type=PATH, required=True, help="Tệp .xlsx cần ghi")
def template(criteria_name: str, target: Path):
    from ..statistics.api import write_entry_template

    click.echo(f"Đã ghi {write_entry_template(target, criteria=criteria_name)}")
