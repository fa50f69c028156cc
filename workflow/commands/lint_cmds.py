"""`kehoach lint` (ND30 conformance of any .docx) and `kehoach template check`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, InputError, UsageError
from .common import echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).

SEV_VN = {"error": "lỗi", "warning": "cảnh báo", "info": "ghi chú"}


@click.command(help="Kiểm tra văn bản .docx (của kehoach hay soạn tay) theo thể thức Nghị định "
                    "30/2020/NĐ-CP. Mã thoát 1 khi có lỗi.\n\n"
                    "\b\nVí dụ:  kehoach lint out/2024/ba-dinh-2024.docx\n"
                    "        kehoach lint --rules   (danh sách quy tắc)")
@click.argument("files", nargs=-1, metavar="TỆP.docx...", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
@click.option("--strict", is_flag=True, help="Có cảnh báo cũng trả mã thoát 1")
@click.option("--rules", "show_rules", is_flag=True, help="In bảng quy tắc rồi thoát")
def lint(files: tuple[Path, ...], as_json: bool, strict: bool, show_rules: bool):
    from ..documents.lint import lint_docx, rule_book

    if show_rules:
        rules = rule_book()["rules"]
        if as_json:
            echo_json([{"rule": k, **v} for k, v in rules.items()])
            return
        for rid, r in rules.items():
            click.echo(f"{rid:<22} {r['confidence']}  {SEV_VN[r['severity']]:<9} {r['description']}")
            click.echo(f"{'':<25}{r['ref']}")
        return
    if not files:
        raise UsageError("cần ít nhất một tệp .docx, ví dụ: kehoach lint van-ban.docx")
    results, bad = [], []
    for f in files:
        try:
            results.append((f, lint_docx(f)))
        except InputError as e:
            bad.extend(e.problems)
    if as_json:
        data = [{"file": str(f), "findings": [x.to_json() for x in found]} for f, found in results]
        echo_json(data[0] if len(files) == 1 and data else data)
    else:
        for f, found in results:
            errors = sum(1 for x in found if x.severity == "error")
            warnings = sum(1 for x in found if x.severity == "warning")
            if not found:
                click.echo(f"{f}: đạt — không có lỗi thể thức theo Nghị định 30.")
                continue
            click.echo(f"{f}: {errors} lỗi, {warnings} cảnh báo")
            for x in found:
                click.echo(f"  {x}")
    if bad:
        raise InputError(bad)
    failing = any(x.severity == "error" or (strict and x.severity == "warning")
                  for _, found in results for x in found)
    if failing:
        raise click.exceptions.Exit(EXIT_FINDINGS)


@click.group(help="Mẫu văn bản .docx: kiểm tra mẫu đã sửa bằng Word trước khi dựng.")
def template():
    pass


@template.command("check", help="Tìm thẻ mẫu bị tách đoạn, dấu nháy cong trong thẻ, thẻ thiếu "
                                "đóng/mở, biến hay trường không có trong dữ liệu (cần --plan). "
                                "Mã thoát 1 khi có vấn đề.\n\n"
                                "\b\nVí dụ:  kehoach template check mau/ke-hoach.docx "
                                "--plan config/plans/ba-dinh-2024.yaml")
@click.argument("files", nargs=-1, required=True, metavar="MẪU.docx...", type=click.Path(path_type=Path))
@click.option("--plan", "plan", type=click.Path(path_type=Path), default=None,
              help="Tệp kế hoạch (hoặc công văn) để biết các biến có trong dữ liệu")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
def template_check(files: tuple[Path, ...], plan: Path | None, as_json: bool):
    from ..documents.preflight_render import check_template
    from ..documents.template_data import context_for, plan_contexts

    contexts = plan_contexts(plan) if plan else None
    results = []
    for f in files:
        if not f.is_file():
            raise InputError("không có tệp mẫu này", file=f)
        results.append((f, check_template(f, context=context_for(f, contexts) if contexts else None)))
    if as_json:
        data = [{"file": str(f), "problems": [p.to_json() for p in found]} for f, found in results]
        echo_json(data[0] if len(data) == 1 else data)
    else:
        for f, found in results:
            if not found:
                click.echo(f"{f}: không thấy vấn đề" + ("" if contexts else
                           " (thêm --plan để kiểm tra cả tên biến)"))
            for p in found:
                click.echo(str(p))
    if any(found for _, found in results):
        raise click.exceptions.Exit(EXIT_FINDINGS)
