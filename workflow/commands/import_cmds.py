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
