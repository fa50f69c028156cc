"""Shared bits of the bench scripts: paths, timers, whole-process runs, verdicts, plans.

Every bench times what a user runs — a whole ``kehoach …`` process — against a whole bare
process doing the same work the most direct way, the two alternated run by run and compared
by their medians (the machine is shared: alternating spreads any disturbance over both).
kehoach's own disk cache (templates checked, compiled) lives in a folder private to the
bench: warmed once, as on a user's machine after the first run; the bare baselines have no
cache of their own to warm. Pieces are also timed in process, for the record.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
PLAN = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
PY = sys.executable
KEHOACH = [PY, "-m", "workflow"]

# One cache folder for every kehoach process a bench starts (not the user's own), set for
# this process too (the pieces timed in process use it).
def workdir(prefix: str) -> Path:
    """A temporary folder, removed when the bench ends."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


CACHE = workdir("kehoach-bench-cache-")
os.environ["KEHOACH_CACHE_DIR"] = str(CACHE)
os.environ.pop("KEHOACH_NO_CACHE", None)
ENV = dict(os.environ)

_failed: list[str] = []


def best(fn, n: int = 7) -> float:
    """The fastest of ``n`` runs of ``fn()``, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def median(fn, n: int = 7) -> float:
    """The median of ``n`` runs of ``fn()``, in seconds."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def copy_config(folder: Path) -> Path:
    """A copy of config/ (plans, units, letters, stats) under ``folder``: the benches edit
    and build there, never in the checkout. Returns the copied sample plan."""
    shutil.copytree(ROOT / "config", folder / "config")
    return folder / "config" / "plans" / PLAN.name


def no_cache() -> None:
    """Empty kehoach's in-process caches (parsed files, templates checked, phrases read) and
    turn its disk cache off: a baseline timed in this process reads everything afresh."""
    os.environ["KEHOACH_NO_CACHE"] = "1"
    from workflow.documents import preflight
    from workflow.plan import yamlsource
    from workflow.plan.timephrase import read as phrase_read

    yamlsource._CACHE.clear()
    preflight.findings.cache_clear()
    phrase_read._read.cache_clear()


def with_cache() -> None:
    os.environ.pop("KEHOACH_NO_CACHE", None)


def median_cold(fn, n: int = 7) -> float:
    """:func:`median` of ``fn`` with kehoach's caches emptied before each run (see
    :func:`no_cache`); they are on again afterwards."""
    def run():
        no_cache()
        fn()
    try:
        return median(run, n)
    finally:
        with_cache()


def run(argv: list[str], *, cwd: Path = ROOT, env: dict | None = None, stdout=None,
        codes: tuple[int, ...] = (0,)) -> float:
    """Run one process to its end (its exit code one of ``codes``); its wall time in seconds."""
    t = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, env=env or ENV, stdin=subprocess.DEVNULL,
                       stdout=stdout if stdout is not None else subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if p.returncode not in codes:
        raise SystemExit(f"{' '.join(map(str, argv[:6]))} …: exit {p.returncode}\n"
                         f"{p.stderr.decode(errors='replace')[-800:]}")
    return took


def alternated(cmds: dict[str, list[str]], *, n: int = 9, cwd: Path = ROOT,
               before: Callable[[str], None] | None = None,
               envs: dict[str, dict] | None = None,
               codes: dict[str, tuple[int, ...]] | None = None) -> dict[str, float]:
    """Run each command ``n`` times, one of each in turn; the median wall time of each.

    ``before(name)`` runs (untimed) before each run, e.g. to remove the last outputs;
    ``codes``: the exit codes a command may end with, besides 0 (e.g. 1: findings).
    """
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(n):
        for name, argv in cmds.items():
            if before:
                before(name)
            times[name].append(run(argv, cwd=cwd, env=(envs or {}).get(name),
                                   codes=(codes or {}).get(name, (0,))))
    return {k: statistics.median(v) for k, v in times.items()}


def verdict(what: str, value: float, target: float, *, unit: str = "×", higher: bool = False) -> bool:
    """Print ``what``: value against its target and OK/VƯỢT; remember a miss for :func:`done`."""
    ok = value >= target if higher else value <= target
    sign = "≥" if higher else "≤"
    shown = f"{value:.2f}{unit}" if unit == "×" else f"{value:,.0f} {unit}" if value >= 100 else f"{value:.2f} {unit}"
    goal = f"{target:.2f}{unit}" if unit == "×" else f"{target:,.2f} {unit}"
    print(f"  => {what}: {shown} (mục tiêu {sign} {goal}) {'OK' if ok else 'VƯỢT'}")
    if not ok:
        _failed.append(what)
    return ok


def done() -> int:
    """Exit code of a bench: 1 when a target was missed."""
    if _failed:
        print(f"VƯỢT mục tiêu: {', '.join(_failed)}")
        return 1
    return 0


def ms(t: float) -> str:
    return f"{t * 1000:7.0f} ms"


def bare_render_argv(template: Path, context: dict, target: Path, folder: Path) -> list[str]:
    """A bare process that renders ``template`` with ``context`` through docxtpl and saves
    it: the context written to JSON beforehand, read back, rendered, saved — nothing else."""
    ctx = folder / f"ctx-{target.stem}.json"
    ctx.write_text(json.dumps(context, ensure_ascii=False), encoding="utf-8")
    code = ("import json\nfrom docxtpl import DocxTemplate\n"
            f"ctx = json.load(open({str(ctx)!r}, encoding='utf-8'))\n"
            f"t = DocxTemplate({str(template)!r})\n"
            "t.render(ctx, autoescape=True)\n"
            f"t.save({str(target)!r})\n")
    return [PY, "-c", code]


def warm_cache(argv: list[str], *, cwd: Path = ROOT) -> None:
    """One untimed run so kehoach's disk cache holds what a user's second run finds."""
    run(argv, cwd=cwd)


def big_plan(folder: Path, tasks: int) -> Path:
    """A plan with ``tasks`` dated tasks, made from the sample plan: its units and prose,
    its task list repeated (new ids, summaries and days) until there are ``tasks``."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    units = (PLAN.parent / data["units_file"]).resolve()
    (folder / "units.yaml").write_text(units.read_text(encoding="utf-8"), encoding="utf-8")
    data["units_file"] = "units.yaml"
    parts = data["implementation"]
    proto = [(i, b) for i, part in enumerate(parts) for b in part["content"]
             if isinstance(b, dict) and "task" in b]
    for part in parts:
        part["content"] = [b for b in part["content"] if not (isinstance(b, dict) and "task" in b)]
    for k in range(tasks):
        i, b = proto[k % len(proto)]
        day, month = 1 + k % 28, 1 + (k // 28) % 12
        copy = {**b, "id": f"{b['id']}-{k}", "summary": f"{b.get('summary', 'Nhiệm vụ')} ({k + 1})"}
        copy.pop("ongoing", None)
        phrase = f"trước ngày {day:02d}/{month:02d}/{data['year']}"
        copy["deadline"] = phrase
        copy["task"] = f"{b['task'].rstrip('.')} ({phrase})."
        parts[i]["content"].append(copy)
    path = folder / f"ke-hoach-{tasks}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")
    return path
