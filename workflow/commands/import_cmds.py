"""`kehoach import | new | diff`: bring last year's plan in, roll it forward, compare two plans."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import echo_json
from ..errors import EXIT_FINDINGS


@click.command("import", help="Đọc một Kế hoạch (Word .docx hoặc văn bản .txt) thành tệp kế hoạch YAML.\n\n"
                              "Những chỗ chưa chắc chắn được giữ lại và đánh dấu bằng dòng \"# ?\".\n\n"
                              "Ví dụ:  kehoach import ke-hoach-2024.docx -o config/plans/ke-hoach-2024.yaml")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Tệp YAML kết quả (mặc định: cùng tên, đuôi .yaml, cạnh tệp gốc)")
@click.option("--force", is_flag=True, help="Ghi đè nếu tệp kết quả đã có")
@click.option("--year", type=int, default=None, help="Năm kế hoạch khi văn bản không ghi năm")
@click.option("--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON")
def import_(source: Path, out: Path | None, force: bool, year: int | None, as_json: bool):
    from ..importer.api import import_plan

    res = import_plan(source, out=out, force=force, year=year)
    if as_json:
        echo_json({"source": str(res.source), "target": str(res.target), "parts": res.parts,
                   "units": res.units, "tasks": res.tasks, "dated": res.dated, "unsure": res.unsure})
        return
    click.echo(res.summary())


@click.command(help="Tạo kế hoạch năm sau từ kế hoạch năm nay: dời các thời hạn, \"năm 2024\" → \"năm 2025\", "
                    "xóa số và ngày ký. Giữ nguyên ghi chú, bố cục và các trích dẫn văn bản (liệt kê để xem lại).\n\n"
                    "Ví dụ:  kehoach new --from config/plans/ba-dinh-2024.yaml --year 2025")
@click.option("--from", "src", required=True, type=click.Path(path_type=Path), help="Tệp kế hoạch năm nay")
@click.option("--year", required=True, type=int, help="Năm của kế hoạch mới")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Tệp kế hoạch mới (mặc định: tên cũ với năm mới, cùng thư mục)")
@click.option("--force", is_flag=True, help="Ghi đè nếu tệp kết quả đã có")
@click.option("--json", "as_json", is_flag=True, help="In các thay đổi dạng JSON")
def new(src: Path, year: int, out: Path | None, force: bool, as_json: bool):
    from ..plan.rollover import roll_plan

    res = roll_plan(src, year=year, out=out, force=force)
    if as_json:
        echo_json({"source": str(res.source), "target": str(res.target), "from": res.year_from, "to": res.year_to,
                   "changes": [vars(c) for c in res.changes], "review": [vars(r) for r in res.review]})
        return
    click.echo(f"Các thay đổi ({res.source} → {res.target}):")
    for c in res.changes:
        click.echo(f"  {res.source}:{c.line}: {c.field}: {c.old} → {c.new}")
    if res.review:
        click.echo("Giữ nguyên, cần xem lại:")
        for r in res.review:
            click.echo(f"  {res.source}:{r.line}: {r.field}: {r.text} — {r.reason}")
    click.echo(f"Đã tạo {res.target}: {len(res.changes)} thay đổi, {len(res.review)} chỗ cần xem lại. "
               f"Kiểm tra: kehoach check {res.target}")
