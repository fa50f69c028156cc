"""Command line: parse arguments, call one API function, print the result.

This is the only place that turns errors into messages and exit codes
(0 ok, 1 findings, 2 bad input or usage). Heavy modules are imported inside the commands
so that ``kehoach --help`` stays fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import sys

import click

from .commands.common import CONTEXT
from .errors import EXIT_BAD_INPUT, KehoachError, os_reason
from .terminal import safe_output

# click writes its own help words in English and offers no catalogue for them; these are the
# ones it prints in our help screens.
_HELP_WORDS = {
    "Show this message and exit.": "Xem hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Xem phiên bản rồi thoát.",
    "Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số",
    "[required]": "[bắt buộc]", "default:": "mặc định:",
}


class VietnameseHelpFormatter(click.HelpFormatter):
    """click's help formatter with its fixed English words in Vietnamese."""

    def write_usage(self, prog, args="", prefix=None):
        for en, vn in (("[OPTIONS]", "[TÙY_CHỌN]"), ("COMMAND", "LỆNH"), ("[ARGS]", "[THAM_SỐ]")):
            args = args.replace(en, vn)
        super().write_usage(prog, args, prefix="Cách dùng: " if prefix is None else prefix)

    def section(self, name):
        return super().section(_HELP_WORDS.get(name, name))

    def write_dl(self, rows, *args, **kwargs):
        def vi(text: str) -> str:
            for en, vn in _HELP_WORDS.items():
                text = text.replace(en, vn)
            return text

        def vi_metavar(term: str) -> str:
            for en, vn in (("INTEGER RANGE", "SỐ"), ("FLOAT RANGE", "SỐ"),
                           ("INTEGER", "SỐ"), ("FLOAT", "SỐ"), ("TEXT", "CHUỖI"), ("PATH", "ĐƯỜNG_DẪN"),
                           ("FILENAME", "TỆP"), ("FILE", "TỆP"), ("DIRECTORY", "THƯ_MỤC")):
                term = re.sub(rf"\b{en}\b", vn, term)
            return term
        super().write_dl([(vi_metavar(a), vi(b)) for a, b in rows], *args, **kwargs)


click.Context.formatter_class = VietnameseHelpFormatter


class LazyGroup(click.Group):
    """A group whose subcommands live in other modules and load only when used."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}  # name -> ("module:attr", short help)

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy:
            target, _ = self.lazy[name]
            mod, attr = target.split(":")
            return getattr(importlib.import_module(mod), attr)
        return super().get_command(ctx, name)

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][1]))
            else:
                cmd = super().get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(80)))
        if rows:
            with formatter.section("Lệnh"):
                formatter.write_dl(rows)


LAZY = {
    "when": ("workflow.commands.plan_cmds:when", "Xem một cụm thời hạn được hiểu thành ngày nào"),
    "check": ("workflow.commands.plan_cmds:check", "Kiểm tra tệp kế hoạch (lỗi: mã 2; cảnh báo)"),
    "build": ("workflow.commands.plan_cmds:build", "Tạo văn bản .docx (và PDF) từ tệp kế hoạch"),
    "calendar": ("workflow.commands.calendar_cmds:calendar", "Lịch thời hạn .ics cho từng đơn vị; đưa lên CalDAV"),
    "agenda": ("workflow.commands.calendar_cmds:agenda", "Các thời hạn sắp tới và số ngày còn lại"),
    "remind": ("workflow.commands.remind_cmds:remind", "Thư nhắc việc đúng hạn cho các đơn vị (plan, sync, run-due, serve, log)"),
    "overdue": ("workflow.commands.letter_cmds:overdue", "Nhiệm vụ chậm hạn theo đơn vị; soạn công văn đôn đốc (--draft)"),
    "import": ("workflow.commands.import_cmds:import_", "Đọc Kế hoạch Word/.txt năm trước thành tệp YAML"),
    "new": ("workflow.commands.import_cmds:new", "Kế hoạch năm sau từ kế hoạch năm nay (--from, --year)"),
    "diff": ("workflow.commands.import_cmds:diff", "So sánh hai kế hoạch; --draft: công văn điều chỉnh"),
    "criteria": ("workflow.commands.stats_cmds:criteria", "Bộ tiêu chí công nhận PCGD, XMC (show)"),
    "evaluate": ("workflow.commands.stats_cmds:evaluate", "Đánh giá số liệu PCGD, XMC theo tiêu chí: mức đạt từng đơn vị"),
    "report": ("workflow.commands.stats_cmds:report", "Báo cáo PCGD, XMC tháng 10 (.docx, .xlsx); report template: mẫu nhập liệu"),
    "lint": ("workflow.commands.lint_cmds:lint", "Kiểm tra thể thức văn bản .docx theo Nghị định 30"),
    "template": ("workflow.commands.lint_cmds:template", "Kiểm tra mẫu .docx đã sửa bằng Word (template check)"),
    "status": ("workflow.commands.status_cmds:status", "Trạng thái thực hiện: xuất, nhập giữa sổ tiến độ của kehoach web và tệp YAML"),
    "web": ("workflow.commands.web_cmds:web", "Soạn kế hoạch trong trình duyệt; web user add TÊN: tài khoản"),
}


@click.group(cls=LazyGroup, lazy=LAZY, context_settings=CONTEXT,
             help="kehoach: kế hoạch PCGD-XMC viết một lần bằng YAML, sinh văn bản theo "
                  "Nghị định 30, lịch, nhắc việc và báo cáo.\n\n"
                  "Ví dụ:  kehoach build config/plans/ba-dinh-2024.yaml")
@click.version_option(package_name="kehoach", message="kehoach %(version)s",
                      help="Xem phiên bản rồi thoát.")
def app():
    pass


_USAGE_VI = [
    (re.compile(r"Missing argument '(.+?)'\."), r"thiếu tham số \1"),
    (re.compile(r"Missing option '(.+?)'\."), r"thiếu tùy chọn \1"),
    (re.compile(r"No such command '(.+?)'\."), r"không có lệnh '\1'"),
    (re.compile(r"No such option: (\S+)"), r"không có tùy chọn \1"),
    (re.compile(r"No such option '(.+?)'\."), r"không có tùy chọn '\1';"),
    (re.compile(r"Did you mean (.+?)\?"), r"có phải \1?"),
    (re.compile(r"Option '(.+?)' requires an argument\."), r"tùy chọn '\1' cần một giá trị"),
    (re.compile(r"Invalid value for '(.+?)': '(.+?)' is not a valid integer\."),
     r"giá trị '\2' của '\1' không phải số nguyên"),
    (re.compile(r"Invalid value for '(.+?)': (.+)"), r"giá trị không hợp lệ cho '\1': \2"),
    (re.compile(r"Got unexpected extra arguments? \((.+?)\)"), r"thừa tham số: \1"),
]


def vi_usage(message: str) -> str:
    """click's English usage messages, in Vietnamese where we know them."""
    for pattern, repl in _USAGE_VI:
        message = pattern.sub(repl, message)
    return message


def run() -> int:
    """The program itself (``kehoach``, ``python -m workflow``): :func:`main` in a process
    of its own, with the garbage collector tuned for a short run.

    A command allocates hundreds of thousands of objects (the libraries it imports, the
    documents it builds) and almost no cyclic garbage: with the default thresholds Python
    walks that heap again and again (a sixth of a 2,000-task build), and once more, in vain,
    as the process exits. Collections stay on, less often; at the end the heap is frozen so
    the exit does not walk it. Tests call :func:`main`, and keep Python's defaults.
    """
    gc.set_threshold(20_000, 20, 20)  # defaults: 700, 10, 10
    try:
        return main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code. Nothing it prints can drive the terminal."""
    with safe_output():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    """The one error boundary of the program."""
    try:
        rc = app.main(args=argv, prog_name="kehoach", standalone_mode=False)
        return rc if isinstance(rc, int) else 0
    except SystemExit:
        # click turns a closed pipe into exit 1, after swapping in its flush-pacifying
        # wrapper; a reader that stopped early (`kehoach … | head`) is no failure.
        if isinstance(sys.stdout, click.utils.PacifyFlushWrapper):
            return _pipe_closed()
        raise
    except KehoachError as e:
        for p in e.problems:
            click.echo(f"lỗi: {p}" if p.severity == "error" else str(p), err=True)
        n = len(e.problems)
        if n > 1:
            click.echo(f"{n} lỗi.", err=True)
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.Abort:
        click.echo("Đã dừng.", err=True)
        return 1
    except click.UsageError as e:
        cmd = e.ctx.command_path if e.ctx else "kehoach"
        click.echo(f"lỗi cách dùng: {vi_usage(e.format_message())}", err=True)
        click.echo(f"Xem hướng dẫn: {cmd} --help", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Đã dừng.", err=True)
        return 130
    except BrokenPipeError:
        return _pipe_closed()
    except OSError as e:
        # A file or folder the user named cannot be read or written (e.g. -o is a file).
        where = e.filename or ""
        click.echo(f"lỗi: {where}: {os_reason(e)}" if where else f"lỗi: {os_reason(e)}", err=True)
        return EXIT_BAD_INPUT



def _pipe_closed() -> int:
    """The reader went away (`kehoach … | head`): nothing more to say to it. Python would
    complain again when it flushes stdout at exit, so stdout now goes nowhere."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(run())
