"""`kehoach import | new | diff`: bring last year's plan in, roll it forward, compare two plans."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_FINDINGS
from .common import DAY, echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).


@click.command("import", help="Đọc một Kế hoạch (Word .docx, .doc hoặc văn bản .txt) thành tệp kế hoạch YAML: "
                              "các phần, đơn vị và nhiệm vụ (đề mục đơn vị 1., a), - …:, bảng nhiệm vụ).\n\n"
                              "Những chỗ chưa chắc chắn được giữ lại và đánh dấu bằng dòng \"# ?\".\n\n"
                              "Ví dụ:  kehoach import ke-hoach-2024.docx -o config/plans/ke-hoach-2024.yaml")
@click.argument("source", metavar="KẾ_HOẠCH.docx|.doc|.txt", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Tệp YAML kết quả (mặc định: cùng tên, đuôi .yaml, cạnh tệp gốc)")
@click.option("--force", is_flag=True, help="Ghi đè nếu tệp kết quả đã có")
@click.option("--year", type=int, default=None, help="Năm kế hoạch khi văn bản không ghi năm")
@click.option("--units", "units", type=click.Path(path_type=Path), default=None,
              help="Danh mục đơn vị (YAML) để nhận ra đơn vị chủ trì, phối hợp; tên gần giống được đề xuất "
                   "và đánh dấu \"# ?\"")
@click.option("--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON")
def import_(source: Path, out: Path | None, force: bool, year: int | None, units: Path | None, as_json: bool):
    from ..importer.api import import_plan

    res = import_plan(source, out=out, force=force, year=year, units=units)
    if as_json:
        echo_json({"source": str(res.source), "target": str(res.target), "parts": res.parts,
                   "units": res.units, "listed": res.listed, "tasks": res.tasks, "dated": res.dated,
                   "unsure": res.unsure,
                   "layouts": [{"name": lay.name, "rows": lay.rows, "units": len(lay.units), "tasks": lay.tasks,
                                "dated": lay.dated} for lay in res.layouts]})
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


_MARK = {"changed": "~", "added": "+", "removed": "-"}


@click.command(help="So sánh hai tệp kế hoạch: nhiệm vụ và thời hạn thay đổi, thêm, bỏ, theo từng đơn vị "
                    "(mã thoát 1 khi có khác biệt). --draft soạn công văn \"V/v điều chỉnh Kế hoạch …\" "
                    "gửi các đơn vị có thay đổi.\n\n"
                    "Ví dụ:  kehoach diff ke-hoach-cu.yaml ke-hoach-moi.yaml --draft -o out/")
@click.argument("old", metavar="CŨ", type=click.Path(path_type=Path))
@click.argument("new", metavar="MỚI", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
@click.option("--draft", is_flag=True, help="Soạn công văn điều chỉnh (.docx) gửi các đơn vị có thay đổi")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Thư mục ghi công văn (mặc định out/<năm>)")
@click.option("--templates", type=click.Path(path_type=Path), default=None,
              help="Thư mục mẫu riêng (công văn, lời văn), ưu tiên hơn mẫu có sẵn")
@click.option("--date", "dated", type=DAY, default=None,
              help="Ngày ghi trên công văn (mặc định: để trống ngày cho người ký; tháng này nếu "
                   "đang trong năm kế hoạch)")
def diff(old: Path, new: Path, as_json: bool, draft: bool, out_dir: Path | None, templates: Path | None,
         dated):
    from ..plan.diff import FIELD_NAMES, changed_words, diff_plans

    d = diff_plans(old, new)
    letter = None
    if draft and d.changes:
        from ..documents.amendment import draft_amendment
        from ..documents.templates import user_dirs

        target_dir = out_dir or Path("out") / str(d.new.year)
        letter = draft_amendment(d, out_dir=target_dir, on=dated,
                                 template_dirs=user_dirs(d.new.path, d.new.plan.templates, templates))
    if as_json:
        data = d.to_json()
        data["draft"] = str(letter) if letter else None
        echo_json(data)
    else:
        click.echo(f"So sánh {old} → {new}: {d.count('changed')} nhiệm vụ thay đổi, {d.count('added')} thêm, "
                   f"{d.count('removed')} bỏ; {len(d.by_unit())} đơn vị liên quan.")
        for uid, changes in d.by_unit().items():
            click.echo(f"\n{d.unit_name(uid)} ({uid}):")
            for c in changes:
                click.echo(f"  {_MARK[c.kind]} [{c.id}] {c.task.summary} ({c.role(uid)})")
                if c.kind == "changed":
                    for f in c.fields:
                        if f == "text":  # only the words that changed: a long sentence stays one line
                            old_w, new_w = changed_words(c.old.text, c.new.text)
                            click.echo(f"      {FIELD_NAMES[f]}: \"{old_w}\" → \"{new_w}\"")
                        else:
                            click.echo(f"      {FIELD_NAMES[f]}: {_show(c.old, f, d)} → {_show(c.new, f, d)}")
                elif c.kind == "added" and c.new.phrases:
                    click.echo(f"      thời hạn: {'; '.join(c.new.phrases)}")
        if d.other:
            click.echo("\nPhần khác có thay đổi: " + ", ".join(d.other) + ".")
        if d.changes:
            click.echo("")
            for s in d.next_steps():
                click.echo(s)
        if letter:
            click.echo(f"Đã soạn công văn điều chỉnh: {letter}")
        elif draft:
            click.echo("Không có nhiệm vụ thay đổi: không soạn công văn.")
    if not d.empty:
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _show(task, field: str, d) -> str:
    if field == "deadline":
        return "\"" + "; ".join(task.phrases) + "\"" if task.phrases else "(thường xuyên)"
    if field == "owner":
        return d.unit_name(task.owner)
    return ", ".join(d.unit_name(u) for u in task.co_owners) or "(không)"
