"""`kehoach status export | import`: the progress store of a workspace as the status file
that `overdue --status` and `remind sync --status` read, and back."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem, UsageError
from .common import CONTEXT, echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).

PATH = click.Path(path_type=Path)


def _followup(plan: Path):
    from ..workspace.followup import for_plan

    found = for_plan(plan)
    if found is None:
        raise UsageError(Problem(file=str(plan), message=(
            "kế hoạch không nằm trong thư mục làm việc (THƯ_MỤC/plans/TÊN.yaml) nên không có sổ tiến "
            "độ; sổ tiến độ là của kehoach web (THƯ_MỤC/.kehoach/tien-do.sqlite)")))
    fu, name = found
    fu.ws.plan_path(name)
    return fu, name


@click.group(context_settings=CONTEXT, help=(
    "Trạng thái thực hiện (nhiệm vụ nào đơn vị nào đã xong) giữa sổ tiến độ của kehoach web và "
    "tệp trạng thái YAML của overdue --status.\n\n"
    "Ví dụ:  kehoach status export config/plans/ba-dinh-2024.yaml -o trang-thai.yaml"))
def status():
    pass


@status.command("export", help="Ghi tệp trạng thái từ sổ tiến độ (báo cáo của các đơn vị, trừ việc đã mở lại).")
@click.argument("plan", metavar="KẾ_HOẠCH", type=PATH)
@click.option("-o", "--out", "target", type=PATH, default=None, help="Tệp cần ghi (mặc định: in ra màn hình)")
def export_cmd(plan: Path, target: Path | None):
    from ..progress.statusfile import export_status
    from ..safeio import write_text

    fu, name = _followup(plan)
    text = export_status(fu.store, name)
    if target is None:
        click.echo(text, nl=False)
        return
    write_text(target, text)
    click.echo(f"Đã ghi {target} ({text.count(chr(10) + '  - ')} dòng đã xong).")


@status.command("import", help="Đưa tệp trạng thái vào sổ tiến độ: dòng mới hay đổi ngày thành báo cáo "
                               "(ghi là từ tệp); --replace: mở lại việc tệp không ghi là xong.")
@click.argument("plan", metavar="KẾ_HOẠCH", type=PATH)
@click.argument("source", metavar="TỆP", type=PATH)
@click.option("--replace", is_flag=True, help="Mở lại những việc sổ ghi xong mà tệp không ghi")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
def import_cmd(plan: Path, source: Path, replace: bool, as_json: bool):
    from ..progress.statusfile import import_status

    fu, name = _followup(plan)
    res = import_status(fu.store, name, fu.followed(name), source, by="lệnh kehoach status import",
                        replace=replace)
    synced = fu.sync_if_on(name)
    if as_json:
        echo_json({**res.to_json(), "ledger_synced": synced is not None})
        return
    click.echo(f"{source.name} → sổ tiến độ {fu.ws.display(fu.store.path)}: {len(res.added)} việc mới xong, "
               f"{len(res.changed)} đổi ngày, {len(res.reopened)} mở lại, {res.unchanged} không đổi"
               + ("; sổ nhắc việc đã cập nhật." if synced is not None else "."))
