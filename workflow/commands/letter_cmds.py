"""`kehoach overdue`: late tasks per unit, and the đôn đốc letters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS
from .common import DAY, echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).


@click.command(help=(
    "Liệt kê các cặp (nhiệm vụ, đơn vị) chậm hạn tại ngày --on: hạn cuối của nhiệm vụ đã qua "
    "mà tệp trạng thái chưa ghi đơn vị đó hoàn thành. Nhiệm vụ của một nhóm (ví dụ UBND các "
    "phường) tính cho từng thành viên; đơn vị phối hợp không bị tính (thêm --co-owners để tính).\n\n"
    "Mã thoát: 0 không có ai chậm; 1 có cặp chậm hạn; 2 dữ liệu hoặc lệnh sai.\n\n"
    "\b\nVí dụ:  kehoach overdue config/plans/ba-dinh-2024.yaml --on 2024-11-05 "
    "--status config/status/ba-dinh-2024.yaml --draft"))
@click.argument("plan", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path))
@click.option("--on", "on", type=DAY, required=True, help="Ngày xét (YYYY-MM-DD hoặc DD/MM/YYYY)")
@click.option("--status", "status", type=click.Path(path_type=Path), default=None,
              help="Tệp trạng thái: nhiệm vụ nào đơn vị nào đã xong, ngày nào")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
@click.option("--draft", is_flag=True, help="Soạn mỗi đơn vị chậm một công văn đôn đốc (.docx)")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Thư mục công văn (mặc định out/<năm>/don-doc-<ngày xét>)")
@click.option("--new-deadline", type=DAY, default=None,
              help="Hạn mới ghi trong công văn (mặc định: ngày xét + 7 ngày, tránh thứ Bảy, Chủ nhật, ngày lễ)")
@click.option("--co-owners", is_flag=True, help="Tính cả đơn vị phối hợp")
@click.option("--templates", type=click.Path(path_type=Path), default=None,
              help="Thư mục mẫu riêng (cong-van.docx, cong-van-don-doc.yaml)")
@click.option("--all-late", is_flag=True,
              help="Không có tệp trạng thái: vẫn soạn công văn cho mọi nhiệm vụ đã quá hạn")
@click.option("--date", "dated", type=DAY, default=None,
              help="Ngày ghi trên công văn (mặc định: để trống ngày, tháng của ngày xét)")
def overdue(plan: Path, on: date, status: Path | None, as_json: bool, draft: bool,
            out_dir: Path | None, new_deadline: date | None, co_owners: bool, templates: Path | None,
            all_late: bool, dated: date | None):
    from ..overdue import find_overdue
    from ..plan.obligations import by_unit

    res = find_overdue(plan, on=on, status=status, draft=draft, out_dir=out_dir,
                       new_deadline=new_deadline, co_owners=co_owners, templates=templates,
                       all_late=all_late, dated=dated)
    if as_json:
        echo_json(res.to_json())
    else:
        groups = by_unit(res.pairs)
        for uid, items in groups.items():
            click.echo(f"{res.plan.unit_name(uid)} ({uid}):")
            for p in items:
                click.echo(f"  - {p.task.id}: {p.task.summary} — hạn cuối {p.due:%d/%m/%Y}, "
                           f"quá {p.days_late_on(on)} ngày")
        if res.pairs:
            click.echo(f"Ngày {on:%d/%m/%Y}: {len(res.pairs)} lượt nhiệm vụ chậm hạn ở {len(groups)} đơn vị.")
        else:
            click.echo(f"Ngày {on:%d/%m/%Y}: không có nhiệm vụ nào chậm hạn.")
        for _uid, path in res.letters:
            click.echo(f"  công văn đôn đốc  {path}")
        if res.new_deadline:
            click.echo(f"Hạn mới trong công văn: {res.new_deadline:%d/%m/%Y}.")
    if res.pairs:
        raise click.exceptions.Exit(EXIT_FINDINGS)


def check_letter(path: Path, *, as_json: bool) -> None:
    """`kehoach check LETTER`: the same positioned errors as `kehoach build` (raised as
    :class:`InputError`), else a one-line summary. Letters have no warnings yet."""
    from ..plan.letter import load_letter, table_grid

    ll = load_letter(path)
    letter = ll.letter
    annex = letter.annex
    table = annex.table if annex is not None else None
    data = {"file": str(path), "ok": True, "kind": "cong-van", "subject": letter.document.subject,
            "to": len(letter.to), "annex": annex is not None,
            "annex_rows": len(table.rows) if table is not None else 0, "warnings": []}
    if as_json:
        echo_json(data)
        return
    parts = [f"{len(letter.to)} nơi nhận (Kính gửi)"]
    if table is not None:
        parts.append(f"phụ lục có bảng {len(table.rows)} dòng × {table_grid(table)[0]} cột")
    elif annex is not None:
        parts.append("có phụ lục")
    click.echo(f"{path}: hợp lệ — công văn \"V/v {letter.document.subject}\", {', '.join(parts)}.")
