"""What every command shares: click settings, JSON output, the default-subcommand group,
and the date options (read by :mod:`workflow.dates`, so every command takes the same forms)."""

from __future__ import annotations

import click

from ..dates import DAY_FORMS, MOMENT_FORMS, parse_day, parse_moment
from ..errors import Problem, UsageError
from ..jsontext import dumps

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def echo_json(data) -> None:
    """``data`` as JSON: indented down to each item of a list, an item's values on one line."""
    click.echo(dumps(data))


class DefaultGroup(click.Group):
    """A group that runs its ``default`` subcommand when the first word is not one of its
    subcommands: ``kehoach calendar PLAN`` is ``kehoach calendar build PLAN``."""

    default = "build"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


class _DateType(click.ParamType):
    """A date option; a value it cannot read is a usage error naming the option (exit 2)."""

    def __init__(self, name: str, parse, forms: str, what: str):
        self.name, self._parse, self._forms, self._what = name, parse, forms, what

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self._parse(value)
        except ValueError:
            option = max(param.opts, key=len) if param is not None else self.name
            raise UsageError(Problem(file="<dòng lệnh>", field=option, message=(
                f"không hiểu {self._what} '{value}'; viết dạng {self._forms}"))) from None


DAY = _DateType("NGÀY", parse_day, DAY_FORMS, "ngày")
MOMENT = _DateType("THỜI_ĐIỂM", parse_moment, MOMENT_FORMS, "thời điểm")
