"""Regenerate the shipped .docx templates: ``python -m workflow.documents.builders [DIR]``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..reproducible import fix_zip_times
from . import baocao, congvan, kehoach

TEMPLATES = {
    "kehoach/ke-hoach.docx": kehoach.build,
    "kehoach/cong-van.docx": congvan.build,
    "baocao/bao-cao-pcgd-xmc.docx": baocao.build,
}


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path("templates")
    for rel, build in TEMPLATES.items():
        out = root / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        build(out)
        fix_zip_times(out)  # an unchanged template keeps its bytes (and its git history)
        print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
