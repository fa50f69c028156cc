"""What the program prints cannot drive the terminal.

Text printed by a command may come from other files (a reminder ledger written from an older
plan, a .docx under lint, a spreadsheet of figures) or from the command line itself. A
control character in it (ESC, CSI, a bare CR…) would recolour the terminal, move the
cursor or hide a line. :func:`safe_output` wraps standard output and error for the run of
one command so that every such character is shown as a visible ``\\u001b`` instead — which
is also a valid JSON escape, so ``--json`` output stays valid and means the same.

A bottom module: it imports nothing of the project.
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import contextmanager

# C0 controls but tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character (but tab and newline) written as ``\\uXXXX``."""
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _VisibleText(io.TextIOBase):
    """A text stream that writes :func:`visible` text into another one."""

    def __init__(self, inner):
        self._inner = inner

    def write(self, s: str) -> int:
        self._inner.write(visible(s))
        return len(s)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        # for os.dup2 onto /dev/null after a broken pipe, say; not on Windows, where click
        # would take a console's descriptor and write to it directly, past this filter
        if sys.platform == "win32":
            raise io.UnsupportedOperation("fileno")
        return self._inner.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self):
        return getattr(self._inner, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self._inner, "errors", "strict")


@contextmanager
def safe_output():
    """Within the block, standard output and error print control characters visibly."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _VisibleText(saved[0]), _VisibleText(saved[1])
    try:
        yield
    finally:
        for wrapper in (sys.stdout, sys.stderr):
            try:
                wrapper.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = saved
