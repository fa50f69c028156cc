"""`kehoach calendar [build] | calendar publish | agenda`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .common import DAY, DefaultGroup, echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help="Lịch thời hạn (.ics) cho từng đơn vị.\n\n"
                  "\b\nVí dụ:  kehoach calendar config/plans/ba-dinh-2024.yaml\n"
                  "        kehoach calendar publish config/plans/ba-dinh-2024.yaml "
                  "--url http://127.0.0.1:5232/ --user vanphong")
def calendar():
    pass


_OUT_HELP = "Thư mục lịch (mặc định calendars/<năm>)"


@calendar.command("build", help="Tạo calendars/<năm>/<mã-đơn-vị>.ics cho mỗi đơn vị có thời hạn, "
                                "và tat-ca.ics. Sự kiện giữ nguyên UID qua các lần tạo; "
                                "ngày thay đổi thì SEQUENCE tăng.")
@click.argument("plan", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None, help=_OUT_HELP)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
def build(plan: Path, out_dir: Path | None, as_json: bool):
    from ..calendars.output import write_calendars
    from ..plan.loader import load_plan

    lp = load_plan(plan)
    res = write_calendars(lp, out_dir=out_dir)
    n_events = sum(len(v) for k, v in res.events.items() if k != "tat-ca")
    if as_json:
        echo_json({"out_dir": str(res.out_dir),
                   "files": {u: str(p) for u, p in res.paths.items()},
                   "events": {u: len(v) for u, v in res.events.items()},
                   "added": len(res.added), "changed": len(res.changed),
                   "removed": [{"uid": r["uid"], "task": r.get("task"), "unit": r.get("unit")}
                               for r in res.removed],
                   "notes": res.notes})
        return
    for unit, p in res.paths.items():
        click.echo(f"  {len(res.events[unit]):>3} sự kiện  {p}")
    for n in res.notes:
        click.echo(n)
    click.echo(f"Đã tạo {len(res.paths)} lịch ({n_events} sự kiện theo đơn vị) trong {res.out_dir}.")


@calendar.command("publish", help="Đưa lịch của từng đơn vị lên máy chủ CalDAV: tạo lịch nếu chưa "
                                  "có, cập nhật sự kiện đã đổi, xóa sự kiện đã bỏ. Mật khẩu lấy từ "
                                  "biến môi trường KEHOACH_CALDAV_PASSWORD.")
@click.argument("plan", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path))
@click.option("--url", required=True, help="Địa chỉ máy chủ CalDAV, ví dụ https://lich.example.org/")
@click.option("--user", default=None, help="Tên đăng nhập")
@click.option("--unit", "units", multiple=True, help="Chỉ đưa lịch của đơn vị này (lặp lại được)")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None, help=_OUT_HELP)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
def publish(plan: Path, url: str, user: str | None, units: tuple[str, ...], out_dir: Path | None,
            as_json: bool):
    from ..calendars.events import check_unit
    from ..calendars.output import write_calendars
    from ..calendars.publish import check_url
    from ..calendars.publish import publish as publish_calendars
    from ..plan.loader import load_plan

    check_url(url)  # before anything is written
    lp = load_plan(plan)
    for u in units:
        check_unit(lp, u, allow_all=True)
    cb = write_calendars(lp, out_dir=out_dir)
    res = publish_calendars(lp, cb, url=url, user=user, units=list(units) or None)
    totals = res.totals()
    if as_json:
        echo_json({"url": res.url, **totals,
                   "collections": [c.__dict__ for c in res.collections]})
        return
    for c in res.collections:
        new = " (lịch mới)" if c.created_calendar else ""
        click.echo(f"  {c.unit:<22} thêm {c.created}, sửa {c.updated}, xóa {c.deleted}, "
                   f"giữ {c.unchanged}{new}")
    click.echo(f"Đã đưa {len(res.collections)} lịch lên {res.url}: thêm {totals['created']}, "
               f"sửa {totals['updated']}, xóa {totals['deleted']}, giữ nguyên {totals['unchanged']}.")


@click.command(help="Các thời hạn sắp tới, mỗi dòng một hạn với số ngày còn lại.\n\n"
                    "\b\nVí dụ:  kehoach agenda config/plans/ba-dinh-2024.yaml --unit p-kim-ma "
                    "--today 2024-09-01")
@click.argument("plan", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path))
@click.option("--unit", default=None, help="Chỉ nhiệm vụ của đơn vị này (chủ trì hoặc phối hợp)")
@click.option("--from", "from_", type=DAY, default=None, help="Từ ngày (mặc định: hôm nay)")
@click.option("--to", "to", type=DAY, default=None, help="Đến ngày (mặc định: 30 ngày sau ngày bắt đầu)")
@click.option("--today", type=DAY, default=None, help="Coi ngày này là hôm nay (để tính số ngày còn lại)")
@click.option("--status", "status_file", type=click.Path(path_type=Path), default=None,
              help="Tệp trạng thái: bỏ các nhiệm vụ đã xong")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
def agenda(plan: Path, unit: str | None, from_: date | None, to: date | None, today: date | None,
           status_file: Path | None, as_json: bool):
    from ..calendars.agenda import agenda as build_agenda
    from ..calendars.agenda import format_table
    from ..plan.loader import load_plan
    from ..plan.status import load_status

    day0 = today or date.today()
    lo, hi = from_, to
    lp = load_plan(plan)
    status = load_status(status_file, lp) if status_file else None
    items = build_agenda(lp, today=day0, start=lo, end=hi, unit=unit, status=status)
    if as_json:
        echo_json({"today": day0.isoformat(), "unit": unit, "items": [i.to_json() for i in items]})
        return
    title = f"Thời hạn của {lp.unit_label(unit)}" if unit else "Thời hạn của mọi đơn vị"
    click.echo(f"{title} (hôm nay {day0:%d/%m/%Y}):")
    import shutil

    for line in format_table(items, width=max(shutil.get_terminal_size((110, 24)).columns, 80)):
        click.echo(line)
