"""`kehoach web [THƯ_MỤC]`: the plan editor in a browser; `kehoach web user add TÊN`."""

from __future__ import annotations

import ipaddress
from datetime import datetime, time
from pathlib import Path

import click

from ..errors import InputError, Problem, UsageError
from .common import MOMENT

# Each command imports what it uses inside its body: `kehoach --help` and the other
# commands of this module load none of it (cli.py imports a module for its commands).

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def resolve_workspace(folder: Path | None, init: bool) -> Path:
    """The folder to serve: the one given (made from the sample with ``init``), else
    ``./config`` in a checkout or ``./`` with plans/, else a new ``~/kehoach`` with the sample."""
    from ..workspace import default_workspace, init_workspace

    if folder is not None:
        if init:
            init_workspace(folder)
        return folder
    if init:
        raise UsageError(Problem(file="<dòng lệnh>", field="--init", message="cần chỉ rõ THƯ_MỤC để tạo"))
    found = default_workspace(Path.cwd())
    if found is not None:
        return found
    home = Path.home() / "kehoach"
    if not (home / "plans").is_dir():
        init_workspace(home)
        click.echo(f"Đã tạo thư mục làm việc {home} với kế hoạch mẫu (Ba Đình 2024).")
    return home


def is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebCommand(click.Command):
    """``kehoach web [THƯ_MỤC] [tùy chọn]`` serves; ``kehoach web user …`` manages accounts
    (a folder argument and subcommands cannot share one click group)."""

    def parse_args(self, ctx, args):
        if args and args[0] == "user":
            ctx.meta["web_user_args"] = list(args[1:])
            return []
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        if "web_user_args" in ctx.meta:
            with user.make_context("user", ctx.meta["web_user_args"], parent=ctx) as sub:
                return user.invoke(sub)
        return super().invoke(ctx)


@click.command("web", cls=WebCommand, help="Soạn kế hoạch trong trình duyệt: danh sách kế hoạch, soạn thảo, kiểm tra, dựng và tải "
                  "văn bản, lịch sử các bản.\n\n"
                  "Ví dụ:  kehoach web config      (rồi mở http://127.0.0.1:8765/)\n\n"
                  "Không ghi THƯ_MỤC: dùng ./config (trong mã nguồn kehoach), hoặc thư mục hiện tại nếu "
                  "có plans/, hoặc tạo ~/kehoach với kế hoạch mẫu. --init THƯ_MỤC: tạo thư mục mới có "
                  "kế hoạch mẫu. Tài khoản (cần khi mở cho máy khác): kehoach web user add TÊN.")
@click.argument("folder", metavar="[THƯ_MỤC]", required=False, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe; khác 127.0.0.1 thì cần tạo tài khoản trước (kehoach web user add TÊN)")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="Cổng")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt")
@click.option("--init", is_flag=True, help="Tạo THƯ_MỤC mới với kế hoạch mẫu rồi mở")
@click.option("--no-scheduler", is_flag=True,
              help="Không chạy bộ gửi thư nhắc việc cùng trang web (khi đã có remind serve hay cron)")
@click.option("--now", "now", type=MOMENT, default=None,
              help="Coi như bây giờ là thời điểm này (2024-10-20 hoặc 2024-10-20T07:30), để thử với kế hoạch năm cũ")
def web(folder: Path | None, host: str, port: int, no_browser: bool, init: bool, no_scheduler: bool,
        now):
    import threading
    import webbrowser

    import uvicorn

    from ..web.accounts import Accounts
    from ..web.app import create_app
    from ..workspace import Workspace

    root = resolve_workspace(folder, init)
    ws = Workspace(root)
    if not is_local(host) and not Accounts(ws.state).exist():
        raise UsageError(Problem(file="<dòng lệnh>", field="--host", message=(
            f"không mở cho máy khác ({host}) khi chưa có tài khoản nào: ai trong mạng cũng sửa được "
            f"kế hoạch. Tạo tài khoản trước: kehoach web user add TÊN -w {root}")))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    from ..workspace.followup import FollowUp

    if now is not None and not isinstance(now, datetime):
        now = datetime.combine(now, time(8, 0))
    fu = FollowUp(ws, local_url=url.rstrip("/"), now=now)
    if fu.public_url and not Accounts(ws.state).exist():
        raise UsageError(Problem(file=str(fu.settings_path), field="web.public_url", message=(
            f"đã khai báo web.public_url ({fu.public_url}): các đơn vị mở trang qua mạng, nên các trang "
            f"của văn phòng phải có đăng nhập. Tạo tài khoản trước: kehoach web user add TÊN -w {root}")))
    scheduler = None
    if not no_scheduler:
        from ..reminders.server import Scheduler

        scheduler = Scheduler(db=fu.ledger, settings=fu.settings(), links=fu.mail_link,
                              report=_report_wake, now=fu.now() if now is not None else None)
        try:
            scheduler.start()
        except InputError as e:
            raise InputError(Problem(file=e.problems[0].file, message=(
                e.problems[0].message + "; hoặc chạy kehoach web với --no-scheduler"))) from None
    app = create_app(ws.root, scheduler=scheduler, followup=fu)
    click.echo(f"kehoach web: {ws.root} — mở {url} (dừng: Ctrl+C)")
    if scheduler is not None:
        click.echo(f"Nhắc việc: gửi thư đến hạn theo sổ {fu.ws.display(fu.ledger)} (tắt: --no-scheduler).")
    if not no_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, date_header=False)
    server = uvicorn.Server(config)
    # uvicorn stops on SIGTERM/SIGINT, then raises the signal again for the handler it found:
    # ours only notes it, so the reminder scheduler still finishes its mail in flight below
    import signal

    stops = [s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s is not None]
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in stops}
    try:
        server.run()
    except OSError as e:
        raise InputError(Problem(file=url, message=f"không mở được cổng {port}: {e.strerror}")) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if scheduler is not None:
            scheduler.stop()  # the mail in flight is finished first
    if not server.started:
        raise InputError(Problem(file=url, message=f"không mở được {host}:{port} (cổng đang bận?)"))


def _report_wake(res, nxt) -> None:
    """A wake of the reminder service inside kehoach web: say what went, in one line."""
    if isinstance(res, Exception):
        click.echo(f"Nhắc việc: lỗi {res}", err=True)
    elif res.sent or res.failed:
        click.echo(f"Nhắc việc: đã gửi {len(res.sent)} thư, lỗi {len(res.failed)}.")


@click.group(help="Tài khoản đăng nhập của trình soạn (cần khi mở cho máy khác).")
def user():
    pass


def _ws_option(f):
    return click.option("-w", "--workspace", "folder", type=click.Path(path_type=Path), default=None,
                        help="Thư mục làm việc (mặc định như kehoach web)")(f)


@user.command("add", help="Thêm tài khoản (hoặc đặt lại mật khẩu); mật khẩu được hỏi, không hiện trên màn hình.")
@click.argument("name", metavar="TÊN")
@_ws_option
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn (cho kịch bản)")
def user_add(name: str, folder: Path | None, password_stdin: bool):
    import sys

    from ..web.accounts import Accounts
    from ..workspace import Workspace

    ws = Workspace(resolve_workspace(folder, False))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    Accounts(ws.state).add(name, password)
    click.echo(f"Đã lưu tài khoản {name} ({ws.root}).")


@user.command("list", help="Các tài khoản.")
@_ws_option
def user_list(folder: Path | None):
    from ..web.accounts import Accounts
    from ..workspace import Workspace

    ws = Workspace(resolve_workspace(folder, False))
    for n in Accounts(ws.state).names():
        click.echo(n)


@user.command("remove", help="Xóa tài khoản.")
@click.argument("name", metavar="TÊN")
@_ws_option
def user_remove(name: str, folder: Path | None):
    from ..web.accounts import Accounts
    from ..workspace import Workspace

    ws = Workspace(resolve_workspace(folder, False))
    if not Accounts(ws.state).remove(name):
        raise InputError(Problem(file=name, message="không có tài khoản này"))
    click.echo(f"Đã xóa tài khoản {name}.")
