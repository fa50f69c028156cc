"""What a workspace does with its plans: build, list and zip outputs, lint them, compare
versions and draft the amendment letter, start a new plan, roll one over, import one.

Each function maps a workspace and plan name onto the project's own API (``build``,
``roll_plan``, ``import_plan``, ``diff_plans``, ``draft_amendment``, ``lint_docx``); the web
and the CLI call these, never the other way round.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..build import build
from ..documents.amendment import draft_amendment as draft
from ..documents.lint import lint_docx
from ..documents.templates import user_dirs
from ..errors import InputError, Problem
from ..importer.api import import_plan
from ..plan import yamlsource
from ..plan.diff import diff_plans
from ..plan.loader import load_plan
from ..plan.rollover import roll_plan
from ..plan.yamlsource import load
from ..safeio import write_bytes, write_text
from .folder import SAMPLE_PLAN, NotFound, Workspace, sample_dir
from .history import History, plan_lock
from .unit_letters import write_unit_letters

OUTPUT_KINDS = {".docx": "Văn bản Word", ".pdf": "PDF", ".ics": "Lịch"}


@dataclass(frozen=True)
class Output:
    rel: str          # path relative to the workspace (the download address)
    name: str
    kind: str         # Vietnamese label
    size: int


def build_plan(ws: Workspace, name: str, *, pdf: bool = False, followup=None):
    """Build plan ``name`` into ``out/<name>/``; returns the build result. With the
    workspace's ``followup`` and ``web.public_url`` set, each unit's copy of the triển khai
    letter (its link as an address and a QR code) is written into ``out/<name>/don-vi/``."""

    path = ws.plan_path(name)
    with plan_lock(ws, name):
        res = build(path, out_dir=ws.out_dir(name), pdf=pdf)
        if followup is not None and followup.public_url:

            letters = write_unit_letters(followup, name,
                                         template_dirs=user_dirs(res.plan.path, res.plan.plan.templates))
            res.outputs.extend(("cong-van-don-vi", p) for p in letters)
            res.notes.append(f"{len(letters)} công văn triển khai của từng đơn vị có mã QR tới trang "
                             "theo dõi của đơn vị (thư mục don-vi/).")
    return res


def outputs(ws: Workspace, name: str) -> list[Output]:
    """The files the last build of ``name`` left: documents first, then calendars."""
    out_dir = ws.out_dir(name)
    if not out_dir.is_dir():
        return []
    files = [p for p in sorted(out_dir.rglob("*"))
             if p.is_file() and not p.is_symlink() and p.suffix in OUTPUT_KINDS
             and not p.name.startswith(".")]
    files.sort(key=lambda p: (p.suffix == ".ics", p.suffix == ".pdf", p.stem != name, len(p.parts), p.name))
    return [Output(ws.display(p), p.name, OUTPUT_KINDS[p.suffix], p.stat().st_size) for p in files]


def zip_outputs(ws: Workspace, name: str) -> bytes:
    """Every output of ``name`` in one .zip (paths inside relative to ``out/<name>/``)."""
    out_dir = ws.out_dir(name)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for o in outputs(ws, name):
            p = ws.path(o.rel)
            z.write(p, p.relative_to(out_dir).as_posix())
    return buf.getvalue()


def lint_outputs(ws: Workspace, name: str) -> dict[str, list]:
    """``kehoach lint`` findings of each .docx output, by its workspace path."""

    return {o.rel: lint_docx(ws.path(o.rel)) for o in outputs(ws, name) if o.rel.endswith(".docx")}


def download_path(ws: Workspace, rel: str) -> Path:
    """A file under ``out/`` or ``plans/`` to send; :class:`NotFound` otherwise."""
    parts = Path(rel).parts
    if not parts or parts[0] not in ("out", "plans"):
        raise NotFound(Problem(file=rel[:80], message="chỉ tải được tệp trong out/ và plans/"))
    p = ws.path(*parts)
    if not p.is_file():
        raise NotFound(Problem(file=rel[:80], message="không có tệp này"))
    return p


# --- versions -----------------------------------------------------------------------------

def load_version(ws: Workspace, name: str, n: int | None):
    """Version ``n`` (None: the file as it is now) loaded as a plan at the plan's own path,
    so that its ``units_file`` resolves as it does for the file."""

    path = ws.plan_path(name)
    text = ws.read(name)[0] if n is None else History(ws, name).text(n)
    return load_plan(path, text=text)


def diff_versions(ws: Workspace, name: str, old: int, new: int | None):
    """``kehoach diff`` between two versions of a plan (``new`` None: the current file)."""

    return diff_plans(load_version(ws, name, old), load_version(ws, name, new))


def draft_amendment(ws: Workspace, name: str, old: int, new: int | None) -> Path:
    """The công văn "V/v điều chỉnh Kế hoạch …" for the changes from version ``old`` to
    ``new``, written into ``out/<name>/``. Raises :class:`InputError` when nothing changed."""

    d = diff_versions(ws, name, old, new)
    if not d.changes:
        raise InputError(Problem(file=f"plans/{name}.yaml", message=(
            "hai bản không khác nhau về nhiệm vụ: không có gì để điều chỉnh")))
    dirs = user_dirs(d.new.path, d.new.plan.templates)
    with plan_lock(ws, name):
        return draft(d, out_dir=ws.out_dir(name), template_dirs=dirs)


# --- new plans ----------------------------------------------------------------------------

def new_from_sample(ws: Workspace, *, year: int, name: str | None = None):
    """A new plan from the shipped sample, moved to ``year``; returns its name."""

    _year_ok(year)
    init_workspace_units(ws)
    target = ws.free_name(name or f"ke-hoach-{year}")
    src = sample_dir() / "plans" / f"{SAMPLE_PLAN}.yaml"
    dest = ws.path("plans", target + ".yaml")
    if year == 2024:
        text = src.read_text(encoding="utf-8")

        load_plan(dest, text=text)
        write_text(dest, text)
    else:
        # roll from a copy that sits in plans/, so that units_file resolves the same way
        copy = _sample_in(ws)
        try:
            roll_plan(copy, year=year, out=dest)
        finally:
            copy.unlink(missing_ok=True)
    History(ws, target).record(dest.read_text(encoding="utf-8"), "tạo từ kế hoạch mẫu")
    return target


def init_workspace_units(ws: Workspace) -> None:
    """The sample's units directory, copied in if the workspace lacks it."""

    target = ws.path("units", "ba-dinh.yaml")
    if not target.exists():
        write_bytes(target, (sample_dir() / "units" / "ba-dinh.yaml").read_bytes())


def _sample_in(ws: Workspace) -> Path:
    """The sample plan as a hidden file inside plans/ (rollover reads its units from there)."""

    p = ws.path("plans", f".mau-{SAMPLE_PLAN}.yaml")
    write_bytes(p, (sample_dir() / "plans" / f"{SAMPLE_PLAN}.yaml").read_bytes())
    return p


def roll_over(ws: Workspace, name: str, *, year: int | None = None):
    """``kehoach new --from`` plan ``name`` to ``year`` (default the next); returns
    (new name, RollResult)."""

    src = ws.plan_path(name)
    data, _ = load(src)
    old = data.get("year") if isinstance(data, dict) and isinstance(data.get("year"), int) else None
    year = year or ((old or 0) + 1)
    _year_ok(year)
    stem = name.replace(str(old), str(year)) if old and str(old) in name else f"{name}-{year}"
    target = ws.free_name(stem)
    res = roll_plan(src, year=year, out=ws.path("plans", target + ".yaml"))
    History(ws, target).record(res.target.read_text(encoding="utf-8"), f"chuyển từ {name} sang năm {year}")
    return target, res


def _year_ok(year: int) -> None:
    if not 2000 <= int(year) <= 2100:
        raise InputError(Problem(file="năm", field="year", message=f"năm {year} không hợp lệ (2000–2100)"))


@dataclass(frozen=True)
class Spot:
    """A ``# ?`` comment the importer left: what it says, where, and the field below it."""

    line: int
    comment: str
    field: str
    text: str   # the line below, as written


def import_upload(ws: Workspace, filename: str, data: bytes, kind: str):
    """Import an uploaded Kế hoạch (``kind`` "docx" or "txt", already checked by content)
    into a new plan; returns (name, ImportResult, spots). Nothing is kept on failure."""


    stem = re.sub(r"\.(docx|txt)$", "", Path(filename or "ke-hoach").name, flags=re.I)
    target = ws.free_name(_ascii(stem))
    with tempfile.TemporaryDirectory(prefix="kehoach-up-") as tmp:
        src = Path(tmp) / f"{target}.{kind}"
        src.write_bytes(data)
        res = import_plan(src, out=ws.path("plans", target + ".yaml"))
    text = ws.path("plans", target + ".yaml").read_text(encoding="utf-8")
    History(ws, target).record(text, f"nhập từ {Path(filename).name[:80]}")
    return target, res, review_spots(text)


def _ascii(s: str) -> str:

    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def review_spots(text: str) -> list[Spot]:
    """Each ``# ?`` line of an imported plan with the field path of the line it annotates."""

    try:
        data, pos = yamlsource.loads(text)
    except InputError:
        data, pos = None, None
    by_line: dict[int, tuple] = {}
    if pos is not None:
        for table in (pos.values, pos.keys):
            for path, (line, _col) in table.items():
                if path and (line not in by_line or len(path) > len(by_line[line])):
                    by_line[line] = path
    lines = text.splitlines()
    out = []
    for i, ln in enumerate(lines):
        s = ln.strip()
        if not s.startswith("# ?"):
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j].strip().startswith("#")):
            j += 1
        path = by_line.get(j + 1, ())
        out.append(Spot(i + 1, s[3:].strip(), yamlsource.format_path(path),
                        _shown(data, path) or (lines[j].strip() if j < len(lines) else "")))
    return out


def _shown(data, path) -> str:
    """What the field at ``path`` says, as a reader knows it (a unit by its name)."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if isinstance(node, dict):
        node = node.get("name") or node.get("task") or node.get("title") or ""
    return " ".join(str(node).split()) if isinstance(node, (str, int)) else ""
