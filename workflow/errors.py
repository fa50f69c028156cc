"""User-facing errors.

Library code raises these; only :mod:`workflow.cli` turns them into messages and exit codes.
Every problem names the file, the position (line, column; 1-based) and the field path, and
carries a Vietnamese message the user can act on.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file."""

    file: str
    message: str
    line: int | None = None
    col: int | None = None
    field: str = ""
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        if self.severity == "warning":
            parts.append("cảnh báo")
        parts.append(self.message)
        return ": ".join(parts)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
        }


class KehoachError(Exception):
    """Base class of every error meant for the user (exit code 2)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | Problem | str, *, file: str | Path = ""):
        if isinstance(problems, str):
            problems = [Problem(file=str(file), message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(KehoachError):
    """The input files (plan, units, data, template) are wrong; nothing was written."""


class UsageError(KehoachError):
    """The command line itself is wrong."""


class ToolMissing(KehoachError):
    """An optional outside program (e.g. LibreOffice) is needed but not installed."""


@dataclass
class ProblemList:
    """Collects problems so that a loader can report every one at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        if problem not in self.items:
            self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        errs = self.errors
        if errs:
            raise InputError(sorted(errs, key=_order))


def _order(p: Problem) -> tuple:
    return (p.file, p.line or 0, p.col or 0, p.field)


_OS_REASONS = {
    errno.ENOENT: "không có tệp hay thư mục này",
    errno.ENOTDIR: "đã có một tệp (không phải thư mục) trùng tên",
    errno.EEXIST: "đã có một tệp (không phải thư mục) trùng tên",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.ENOSPC: "hết chỗ trên đĩa",
    errno.EDQUOT: "đã dùng hết hạn mức dung lượng đĩa (quota)",
    errno.EFBIG: "tệp vượt quá kích thước hệ thống cho phép ghi (giới hạn ulimit -f hoặc của ổ đĩa)",
    errno.EROFS: "ổ đĩa chỉ đọc",
}


def os_reason(e: OSError) -> str:
    """A Vietnamese reason for the usual file-system errors (else the system's own text).

    An error that carries its own Vietnamese reason (``own_reason = True``, e.g.
    :class:`workflow.safeio.OutsideFolder`) keeps it.
    """
    if getattr(e, "own_reason", False) and e.strerror:
        return e.strerror
    return _OS_REASONS.get(e.errno, e.strerror or str(e))
