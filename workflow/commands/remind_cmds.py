"""`kehoach remind plan | sync | run-due | serve | log`."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS
from .common import CONTEXT, MOMENT, echo_json

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).

DB_HELP = "Sổ nhắc việc (SQLite); mặc định .kehoach/nhac-viec.sqlite trong thư mục đang chạy"
SETTINGS_HELP = "Tệp cấu hình; mặc định config/settings.yaml nếu có"
NOW_HELP = "Coi như bây giờ là thời điểm này (2024-09-23 hoặc 2024-09-23T07:30), để thử"

db_opt = click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
settings_opt = click.option("--settings", "settings_path", type=click.Path(path_type=Path),
                            default=None, help=SETTINGS_HELP)
status_opt = click.option("--status", type=click.Path(path_type=Path), default=None,
                          help="Tệp trạng thái: nhiệm vụ đã hoàn thành thì không nhắc")
now_opt = click.option("--now", "now", type=MOMENT, default=None, help=NOW_HELP)
json_opt = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON")
dry_opt = click.option("--dry-run", is_flag=True, help="Chỉ xem trước, không gửi, không ghi gì")


EVENTS = {"sync": "cập nhật", "cancelled": "hủy", "missed": "bỏ lỡ", "failed": "thất bại",
          "in-doubt": "gián đoạn", "deferred": "hoãn", "withdrawn": "rút thư"}
STATES = {"planned": "chờ gửi", "queued": "đã soạn, chờ gửi", "sending": "đang gửi",
          "sent": "đã gửi", "missed": "bỏ lỡ", "cancelled": "đã hủy", "failed": "không gửi được"}
_KEY = re.compile(r"[^|\s]+\|([^|]+)\|([^|]+)\|([^|]+)\|(\d{4})-(\d\d)-(\d\d)")


def _key_text(m: re.Match) -> str:
    """'plan|task|unit|con-3|2024-09-30' → 'task → unit (nhắc trước 3 ngày, hạn 30/09/2024)'."""
    task, unit, kind, y, mo, d = m.groups()
    day = f"{d}/{mo}/{y}"
    what = {"bat-dau": f"nhắc ngày bắt đầu {day}", "han-cuoi": f"nhắc đúng hạn {day}"}.get(
        kind, f"nhắc trước {kind.removeprefix('con-')} ngày, hạn {day}")
    return f"{task} → {unit} ({what})"


def readable(text: str) -> str:
    """Reminder keys inside a ledger text made readable for the office."""
    return _KEY.sub(_key_text, text)


def ledger_opts(f):
    """--status --db --settings --now --json --dry-run, shared by sync and run-due."""
    for opt in (dry_opt, json_opt, now_opt, settings_opt, db_opt, status_opt):
        f = opt(f)
    return f


def _db(db: Path | None) -> Path:
    from ..reminders.service import DEFAULT_DB

    return db or DEFAULT_DB


def _workspace_of(db: Path | None):
    """The kehoach web workspace whose ledger this is (its store, the units' links), if any."""
    from ..workspace.followup import for_ledger

    return for_ledger(_db(db))


def _with_store(plan: Path, status: Path | None, db: Path | None, quiet: bool):
    """Without --status, a plan of the ledger's workspace is followed with the web's
    progress store (the units' reports, the figures collection): what kehoach web syncs."""
    if status is not None:
        return plan, status
    fu = _workspace_of(db)
    if fu is None or Path(plan).resolve().parent != fu.ws.plans_dir:
        return plan, None
    name = Path(plan).stem
    if not quiet:
        click.echo(f"Trạng thái lấy từ sổ tiến độ {fu.ws.display(fu.store.path)} (như kehoach web).", err=True)
    return fu.followed(name), fu.status(name)


@click.group(context_settings=CONTEXT,
             help="Thư nhắc việc cho các đơn vị: đúng ngày, mỗi thư một lần.\n\n"
                  "Thường dùng:  kehoach remind sync KẾ_HOẠCH  rồi  kehoach remind serve\n"
                  "(hoặc đặt cron chạy  kehoach remind run-due  mỗi giờ).")
def remind():
    pass


@remind.command("plan", help="Xem lời nhắc nào gửi đơn vị nào, ngày nào (không gửi gì).")
@click.argument("plan", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path))
@status_opt
@settings_opt
@click.option("--unit", default=None, help="Chỉ xem một đơn vị (mã đơn vị)")
@click.option("--from", "since", type=MOMENT, default=None,
              help="Chỉ xem các thư gửi từ ngày này trở đi (2024-09-01; mặc định: cả năm)")
@json_opt
@dry_opt
def plan_cmd(plan, status, settings_path, unit, since, as_json, dry_run):
    from ..reminders.service import load_settings, plan_reminders

    s = load_settings(settings_path)
    start = since.date() if isinstance(since, datetime) else since
    view = plan_reminders(plan=plan, status=status, settings=s, unit=unit,
                          since=start)
    if as_json:
        echo_json(view.to_json())
        return
    _print_plan(view)


WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _print_plan(view) -> None:
    """Per unit, one heading per sending day (one mail when digests are on), then its tasks."""
    click.echo(f"Nhắc việc theo {view.ref}")
    click.echo(view.rule)
    for u in view.units:
        to = ", ".join(u["emails"]) or "KHÔNG CÓ ĐỊA CHỈ THƯ: không gửi được"
        click.echo(f"\n{u['label']} ({u['unit']}) — {to}")
        click.echo(f"  {u['mails']} thư, {len(u['reminders'])} lời nhắc")
        day = None
        for r in u["reminders"]:
            at = datetime.fromisoformat(r["due"])
            if at.date() != day:
                day = at.date()
                click.echo(f"  {WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y} lúc {at:%H:%M}")
            click.echo(f"      {r['status']}: {r['summary']} — {r['deadline']}")
    for w in view.warnings:
        click.echo(str(w), err=True)
    n = sum(len(u["reminders"]) for u in view.units)
    mails = sum(u["mails"] for u in view.units)
    click.echo(f"\nTổng: {mails} thư ({n} lời nhắc) cho {len(view.units)} đơn vị; "
               f"{len(view.computed.done)} lời nhắc bỏ qua vì đã hoàn thành; "
               f"{len(view.computed.undated)} nhiệm vụ không có ngày cụ thể (không nhắc); "
               f"{len(view.warnings)} cảnh báo.")


@remind.command("sync", help="Cập nhật sổ nhắc việc theo kế hoạch (sau mỗi lần sửa kế hoạch "
                             "hoặc tệp trạng thái): thêm việc mới, dời ngày đã đổi, hủy việc đã "
                             "bỏ hoặc đã xong.")
@click.argument("plan", metavar="KẾ_HOẠCH", type=click.Path(path_type=Path))
@ledger_opts
def sync_cmd(plan, status, db, settings_path, now, as_json, dry_run):
    from ..reminders.service import at_send_time, load_settings, sync_plan

    s = load_settings(settings_path)
    plan_in, status_in = _with_store(plan, status, db, as_json)
    res = sync_plan(plan=plan_in, status=status_in, db=_db(db), settings=s,
                    now=at_send_time(now, s), dry_run=dry_run)
    if as_json:
        echo_json(res.to_json())
        return
    for w in res.warnings:
        click.echo(str(w), err=True)
    for key, reason in res.cancelled:
        click.echo(f"  hủy  {readable(key)}: {reason}")
    head = "Xem trước (chưa ghi): " if dry_run else ""
    click.echo(f"{head}{Path(plan).name}: thêm {res.added}, dời/cập nhật {res.rescheduled}, "
               f"khôi phục {res.restored}, hủy {len(res.cancelled)}, giữ nguyên {res.unchanged}; "
               f"{res.done_skipped} bỏ qua vì đã hoàn thành; lịch .ics đính kèm cho "
               f"{res.calendars} đơn vị.")


def _print_run(res) -> None:
    verb = "sẽ gửi " if res.dry_run else "đã gửi "
    for m in res.sent:
        click.echo(f"  {verb}  {', '.join(m['recipients'])}: {m['subject']}")
    for m in res.failed:
        again = f" (thử lại lúc {m['next_try'][:16].replace('T', ' ')})" if m.get("next_try") else ""
        click.echo(f"  LỖI      {m['unit']}: {m['error']}{again}")
    for m in res.missed:
        y, mo, d = m["due"][:10].split("-")
        click.echo(f"  bỏ lỡ    {m['unit']}: {m['task']} (ngày nhắc {d}/{mo}/{y})")
    for msgid in res.in_doubt:
        click.echo(f"  gửi lại  {msgid} (tiến trình trước dừng giữa chừng)")
    head = "Xem trước (không gửi): " if res.dry_run else ""
    via = {"maildir": " vào hộp thư đi", "smtp": " qua máy chủ thư"}.get(res.transport, "") if not res.dry_run else ""
    click.echo(f"{head}{res.now.isoformat(timespec='minutes')}: gửi {len(res.sent)} thư{via}, "
               f"lỗi {len(res.failed)}, bỏ lỡ {len(res.missed)}.")


@remind.command("run-due", help="Gửi mọi thư nhắc đã đến hạn mà chưa gửi (cho cron, người vận "
                                "hành và kiểm thử). Có KẾ_HOẠCH thì cập nhật sổ theo kế hoạch trước.")
@click.argument("plan", metavar="[KẾ_HOẠCH]", type=click.Path(path_type=Path), required=False)
@ledger_opts
def run_due_cmd(plan, status, db, settings_path, now, as_json, dry_run):
    from ..reminders.service import at_send_time, load_settings, run_due

    s = load_settings(settings_path)
    plan_in, status_in = _with_store(plan, status, db, as_json) if plan is not None else (None, status)
    fu = _workspace_of(db)
    res = run_due(db=_db(db), settings=s, now=at_send_time(now, s), dry_run=dry_run,
                  plan=plan_in, status=status_in, links=fu.mail_link if fu else None)
    if as_json:
        echo_json(res.to_json())
    else:
        _print_run(res)
    if res.failed:
        raise click.exceptions.Exit(EXIT_FINDINGS)


@remind.command("serve", help="Chạy liên tục: tự gửi thư nhắc đúng giờ. Dừng bằng Ctrl+C hoặc "
                              "SIGTERM: thư đang gửi được gửi xong rồi thoát (mã 0). Mỗi sổ "
                              "nhắc việc chỉ một tiến trình serve.")
@db_opt
@settings_opt
@now_opt
@dry_opt
def serve_cmd(db, settings_path, now, dry_run):
    from ..reminders.service import at_send_time, load_settings, run_due

    s = load_settings(settings_path)
    now = at_send_time(now, s)
    if dry_run:
        _print_run(run_due(db=_db(db), settings=s, now=now, dry_run=True))
        return
    from ..reminders.server import serve

    def report(res, nxt):
        if isinstance(res, Exception):
            click.echo(f"lỗi: {res}", err=True)
        elif res.sent or res.failed or res.missed or res.in_doubt:
            _print_run(res)
        if nxt is not None:
            click.echo(f"  lần thức tiếp theo: {nxt.isoformat(timespec='minutes')}")

    def started(info):
        click.echo(f"kehoach remind serve: sổ {info['db']}, bây giờ {info['now'][:16]}; "
                   "Ctrl+C để dừng.")

    fu = _workspace_of(db)
    why = serve(db=_db(db), settings=s, now=now, report=report, on_start=started,
                links=fu.mail_link if fu else None)
    click.echo(f"kehoach remind serve: đã dừng ({why}); thư đang gửi đã xong, thư còn lại "
               "được gửi ở lần chạy sau.")


@remind.command("log", help="Nhật ký: các lần gửi (thành công, lỗi), lời nhắc bị hủy, bỏ lỡ.")
@db_opt
@settings_opt
@click.option("-n", "--limit", type=click.IntRange(1, 100000), default=50, show_default=True,
              help="Số dòng mới nhất")
@json_opt
def log_cmd(db, settings_path, limit, as_json):
    from ..reminders.service import reminder_log

    data = reminder_log(db=_db(db), settings=settings_path, limit=limit)
    if as_json:
        echo_json(data)
        return
    for e in reversed(data["entries"]):
        at = e["at"][:16].replace("T", " ")
        if e["kind"] == "attempt":
            what = {"ok": "đã gửi", "error": "LỖI", "in-doubt": "gián đoạn", None: "đang gửi"}.get(
                e["result"], e["result"])
            extra = f" — {e['error']}" if e.get("error") else ""
            click.echo(f"{at}  {what:<9} {e['unit']}: {e['subject']}{extra}")
        else:
            click.echo(f"{at}  {EVENTS.get(e['kind'], e['kind']):<9} {readable(e['detail'])}")
    states = ", ".join(f"{STATES.get(k, k)}: {v}" for k, v in sorted(data["counts"].items())) \
        or "trống"
    nxt = datetime.fromisoformat(data["next"]).strftime("%d/%m/%Y %H:%M") if data["next"] \
        else "không có"
    click.echo(f"Lời nhắc theo trạng thái — {states}. Lần gửi tới: {nxt}")
