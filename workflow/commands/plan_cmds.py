"""`kehoach when | check | build`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, InputError, Problem
from .common import echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).


@click.command(help="Xem một cụm thời hạn được hiểu thành những ngày nào.\n\n"
                    "Ví dụ:  kehoach when \"Từ ngày 05/9 đến ngày 30/9/2024\"")
@click.argument("phrase", metavar="CỤM_THỜI_HẠN")
@click.option("--year", type=int, default=None, help="Năm dùng khi cụm không ghi năm (mặc định: năm nay)")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
def when(phrase: str, year: int | None, as_json: bool):
    from ..plan.timephrase import FORMS, PhraseError, read_phrase

    try:
        reading = read_phrase(phrase, year=year or date.today().year)
    except PhraseError as e:
        msg = e.message
        if "\n" not in msg:
            msg += "\nCác dạng hiểu được:\n" + "\n".join(f"  - {f}" for f in FORMS)
        raise InputError(Problem(file="<dòng lệnh>", field="CỤM_THỜI_HẠN", message=msg)) from None
    data = reading.to_json()
    if as_json:
        echo_json(data)
        return
    click.echo(f"Cụm thời hạn: {phrase}")
    if reading.ongoing:
        click.echo("  thường xuyên, không có ngày cụ thể")
    for p in data["periods"]:
        start = _vn(p["start"]) or "…"
        end = _vn(p["end"]) or "…"
        click.echo(f"  từ {start} đến {end}")
    if reading.recurrence:
        names = {"yearly": "hằng năm", "quarterly": "hằng quý", "monthly": "hằng tháng"}
        click.echo(f"  lặp lại: {names.get(reading.recurrence, reading.recurrence)}")


def _vn(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


@click.command(help="Kiểm tra tệp kế hoạch: lỗi (mã thoát 2) và cảnh báo (ngày nghỉ, ngày lễ, "
                    "ngoài năm kế hoạch, nhiệm vụ không có hạn). Tệp công văn (kind: cong-van) "
                    "được kiểm tra như khi dựng.")
@click.argument("plan", metavar="KẾ_HOẠCH.yaml", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
@click.option("--strict", is_flag=True, help="Có cảnh báo thì trả mã thoát 1")
def check(plan: Path, as_json: bool, strict: bool):
    from ..plan.checks import plan_warnings
    from ..plan.letter import file_kind
    from ..plan.loader import load_plan

    if file_kind(plan) == "cong-van":
        from .letter_cmds import check_letter

        check_letter(plan, as_json=as_json)
        return
    lp = load_plan(plan)
    warnings = plan_warnings(lp)
    if as_json:
        echo_json({"file": str(plan), "ok": True, "units": len(lp.units), "tasks": len(lp.tasks),
                   "warnings": [w.to_json() for w in warnings]})
    else:
        for w in warnings:
            click.echo(str(w))
        dated = sum(1 for t in lp.tasks if t.dated)
        click.echo(f"{plan}: hợp lệ — {len(lp.plan.implementation)} đơn vị chủ trì, {len(lp.tasks)} nhiệm vụ "
                   f"({dated} có thời hạn), {len(warnings)} cảnh báo.")
    if strict and warnings:
        raise click.exceptions.Exit(EXIT_FINDINGS)


@click.command(help="Tạo văn bản từ tệp kế hoạch vào out/<năm>/ (hoặc -o THƯ_MỤC).")
@click.argument("plan", metavar="TỆP.yaml", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Thư mục kết quả (mặc định out/<năm>)")
@click.option("--pdf", is_flag=True, help="Xuất thêm PDF (cần LibreOffice)")
@click.option("--templates", type=click.Path(path_type=Path), default=None,
              help="Thư mục mẫu .docx riêng, ưu tiên hơn mẫu có sẵn")
@click.option("--json", "as_json", is_flag=True, help="In danh sách tệp đã tạo dạng JSON")
def build(plan: Path, out_dir: Path | None, pdf: bool, templates: Path | None, as_json: bool):
    from ..build import build as build_any

    res = build_any(plan, out_dir=out_dir, pdf=pdf, templates=templates)
    if as_json:
        echo_json({"out_dir": str(res.out_dir), "manifest": str(res.manifest_path),
                   "outputs": [{"kind": k, "path": str(p)} for k, p in res.outputs],
                   "notes": res.notes})
        return
    for kind, p in res.outputs:
        click.echo(f"  {kind:<12} {p}")
    for n in res.notes:
        click.echo(n)
    click.echo(f"Đã tạo {len(res.outputs)} tệp; danh sách: {res.manifest_path}")
