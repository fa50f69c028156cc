"""The build manifest: what was generated from what (copier's answers file, for outputs).

Written next to the outputs as ``manifest.json``; later builds read it back (e.g. the
calendars keep their SEQUENCE numbers in it).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .jsontext import dumps
from .safeio import atomic_path, current_path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(current_path(path), "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def read(path: Path) -> dict:
    """The previous manifest, or {} when there is none or it is unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write(path: Path, *, inputs: list[Path], outputs: list[tuple[str, Path]],
          extra: dict | None = None, base: Path | None = None,
          digests: dict[Path, str] | None = None) -> dict:
    """Write the manifest atomically and return it. ``digests``: the SHA-256 of outputs the
    caller still holds in memory (path -> hex), so they are not read back."""
    def rel(p: Path) -> str:
        try:
            return str(Path(p).resolve().relative_to((base or Path.cwd()).resolve()))
        except ValueError:
            return str(Path(p).resolve())

    data = {
        "tool": "kehoach",
        "version": __version__,
        "generated_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "inputs": [{"path": rel(p), "sha256": sha256(p)} for p in inputs],
        "outputs": [{"kind": kind, "path": rel(p), "sha256": (digests or {}).get(p) or sha256(p)}
                    for kind, p in outputs],
    }
    if extra:
        data.update(extra)
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(dumps(data) + "\n", encoding="utf-8")
    return data
