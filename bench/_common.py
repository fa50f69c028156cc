"""Shared bits of the bench scripts: paths and a best-of-N timer."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
PLAN = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def best(fn, n: int = 7) -> float:
    """The fastest of ``n`` runs of ``fn()``, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
