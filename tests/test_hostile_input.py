"""No traceback for any input: YAML nested far too deep, and a disk that fills during build."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from workflow.cli import main

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
TOO_DEEP = "quá nhiều tầng lồng nhau"


def _check(path: Path, capsys) -> tuple[int, str]:
    rc = main(["check", str(path)])
    return rc, capsys.readouterr().err


@pytest.mark.parametrize("depth", [65, 100, 400, 500, 800, 999, 1000, 2000])
def test_deep_flow_lists_refused_at_their_line(tmp_path, capsys, depth):
    plan = tmp_path / "plan.yaml"
    plan.write_text("year: 2024\nx: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    rc, err = _check(plan, capsys)
    assert rc == 2
    assert err.startswith(f"lỗi: {plan}:2:") and TOO_DEEP in err, err
    assert err.count("\n") == 1, err


@pytest.mark.parametrize("depth", [70, 400, 1000])
def test_deep_block_mappings_refused_at_their_line(tmp_path, capsys, depth):
    plan = tmp_path / "plan.yaml"
    plan.write_text("year: 2024\n" + "".join("  " * i + "k:\n" for i in range(depth)),
                    encoding="utf-8")
    rc, err = _check(plan, capsys)
    assert rc == 2 and TOO_DEEP in err, err
    line = int(err.split(":")[2])
    assert 60 < line <= depth + 1, err  # where the nesting passed the limit, not line 1


def test_an_alias_inside_itself_is_refused(tmp_path, capsys):
    plan = tmp_path / "plan.yaml"
    plan.write_text("year: 2024\nx: &a [*a]\n", encoding="utf-8")
    rc, err = _check(plan, capsys)
    assert rc == 2 and err.startswith(f"lỗi: {plan}:2:") and TOO_DEEP in err, err


def test_deep_but_reasonable_content_still_builds(tmp_path, capsys):
    """Thirty items inside each other (sixty YAML levels) is allowed, and builds."""
    text = PLAN.read_text(encoding="utf-8").replace(
        "../units/ba-dinh.yaml", str(ROOT / "config" / "units" / "ba-dinh.yaml"))
    anchor = "sections:\n"
    assert text.count(anchor) == 1
    nested, ind = "", "  "
    for i in range(30):
        nested += f"{ind}- item: Mục lồng {i}\n{ind}  content:\n"
        ind += "    "
    nested += f"{ind}- Đoạn trong cùng.\n"
    head, tail = text.split(anchor)
    tail = tail.replace("  - title:", "  - title: PHẦN LỒNG NHAU\n    content:\n"
                        + "\n".join("    " + ln for ln in nested.splitlines()) + "\n  - title:", 1)
    plan = tmp_path / "plan.yaml"
    plan.write_text(head + anchor + tail, encoding="utf-8")
    rc = main(["build", str(plan), "-o", str(tmp_path / "out")])
    assert rc == 0, capsys.readouterr().err
    from docx_helpers import full_text

    assert "Đoạn trong cùng." in full_text(tmp_path / "out" / "plan.docx")


# --- a disk that fills ---------------------------------------------------------------------

def _build(out: Path, fsize: int | None = None) -> subprocess.CompletedProcess:
    """`kehoach build` of the sample plan in a process that may write no file larger than
    ``fsize`` bytes: the kernel's RLIMIT_FSIZE, a real EFBIG (Python ignores SIGXFSZ) at
    the write that crosses it, as a full disk gives ENOSPC."""
    def limit():
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "workflow", "build", str(PLAN), "-o", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, preexec_fn=limit,
                          timeout=300)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "out"
    first = _build(out)
    assert first.returncode == 0, first.stderr
    return out, _snapshot(out)


@pytest.mark.parametrize("stage", ["first-output", "largest-output"])
def test_full_disk_during_build_one_message_nothing_changed(built, stage):
    out, before = built
    # the largest file a rebuild writes anew (an unchanged calendar's .ics is kept as it is)
    largest = max(len(b) for name, b in before.items() if not name.endswith(".ics"))
    fsize = 1000 if stage == "first-output" else largest - 1
    run = _build(out, fsize)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lỗi: "), run.stderr
    assert "vượt quá kích thước" in lines[0] and str(out) in lines[0], run.stderr
    assert "Exception ignored" not in run.stderr and "Traceback" not in run.stderr
    # all or nothing: the previous build is intact, and no temp file is left behind
    assert _snapshot(out) == before
