"""A workspace: the folder a chuyên viên works in, laid out like the shipped ``config/``.

``plans/`` (the plan files), ``units/`` (units directories), ``status/``, ``stats/``,
``out/<plan>/`` (what a build wrote, one folder per plan) and ``.kehoach/`` (versions,
preview cache, accounts: the program's own state). Every path made from a name a user gave
(a plan, a version, a download) goes through :meth:`Workspace.path`, which refuses ``..``,
absolute paths and symbolic links that lead out of the folder.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from ..errors import InputError, Problem
from ..plan import yamlsource
from ..safeio import OutsideFolder, confined

SAMPLE_PLAN = "ba-dinh-2024"
# What a new workspace gets from the shipped sample (relative to the sample folder).
SAMPLE_FILES = ("plans/ba-dinh-2024.yaml", "units/ba-dinh.yaml", "status/ba-dinh-2024.yaml",
                "stats/ba-dinh-2024.csv", "stats/ba-dinh-2023.csv", "stats/ba-dinh-2024-meta.yaml")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")


class NotFound(InputError):
    """A plan, version or file the request named does not exist."""


def sample_dir() -> Path:
    """The shipped sample workspace (``config/`` of the checkout, packaged in the wheel)."""
    return Path(str(resources.files("workflow") / "_sample"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def init_workspace(root: str | Path) -> Path:
    """Copy the sample (Ba Đình 2024 plan, its units, status and figures) into ``root``.
    Raises :class:`InputError` when ``root`` already holds plans (nothing is overwritten)."""
    root = Path(root)
    if (root / "plans").is_dir() and any((root / "plans").glob("*.yaml")):
        raise InputError(Problem(file=str(root), message=(
            "thư mục đã có kế hoạch (plans/): không chép đè mẫu; mở thẳng thư mục này")))
    src = sample_dir()
    for rel in SAMPLE_FILES:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(src / rel, target)
    return root


def default_workspace(cwd: Path) -> Path | None:
    """The workspace ``kehoach web`` opens with no folder: ``./config`` in a checkout of
    kehoach, else the current folder if it has ``plans/``; None when neither."""
    for cand in (cwd / "config", cwd):
        if (cand / "plans").is_dir():
            return cand
    return None


@dataclass(frozen=True)
class PlanInfo:
    """One line of the plans page."""

    name: str                   # file stem, the plan's name in every URL
    year: int | None
    number: str                 # "" for a draft
    title: str
    state: str                  # "dự thảo" | "đã ban hành" | "có lỗi"
    last_build: datetime | None
    error: str = ""


class Workspace:
    """The folder at ``root``; raises :class:`InputError` if it has no ``plans/`` folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not (self.root / "plans").is_dir():
            raise InputError(Problem(file=str(root), message=(
                "không phải thư mục làm việc của kehoach (thiếu thư mục plans/); "
                "tạo thư mục mới có kế hoạch mẫu bằng: kehoach web THƯ_MỤC --init")))
        self.plans_dir = self.root / "plans"
        self.out_root = self.root / "out"
        self.state = self.root / ".kehoach"

    # --- paths ----------------------------------------------------------------------------

    def path(self, *parts: str) -> Path:
        """``root/parts…``, refused (:class:`NotFound`) outside the workspace."""
        for p in parts:
            if not p or "\x00" in p or Path(p).is_absolute() or ".." in Path(p).parts:
                raise NotFound(Problem(file=str(p)[:80], message="đường dẫn không hợp lệ"))
        try:
            return confined(self.root, *parts)
        except OutsideFolder:
            raise NotFound(Problem(file="/".join(parts)[:80], message=(
                "đường dẫn ra ngoài thư mục làm việc"))) from None

    def check_name(self, name: str) -> str:
        if not NAME.fullmatch(name or "") or ".." in name:
            raise NotFound(Problem(file=str(name)[:80], message=(
                "tên kế hoạch chỉ gồm chữ không dấu, số, dấu '-', '_' và '.'")))
        return name

    def plan_path(self, name: str) -> Path:
        """The plan file of ``name``; raises :class:`NotFound` if there is none."""
        p = self.path("plans", self.check_name(name) + ".yaml")
        if not p.is_file() or p.is_symlink() and not p.resolve().is_relative_to(self.root):
            raise NotFound(Problem(file=f"plans/{name}.yaml", message="không có kế hoạch này"))
        return p

    def display(self, path: Path) -> str:
        """``path`` relative to the workspace, as messages name it."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return Path(path).name

    def out_dir(self, name: str) -> Path:
        return self.path("out", self.check_name(name))

    def free_name(self, stem: str) -> str:
        """``stem`` made a valid plan name not yet used (``-2``, ``-3``… appended)."""
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "ke-hoach"
        stem = stem[:60]
        name, n = stem, 2
        while (self.plans_dir / f"{name}.yaml").exists():
            name, n = f"{stem}-{n}", n + 1
        return name

    # --- reading --------------------------------------------------------------------------

    def read(self, name: str) -> tuple[str, str]:
        """(text, sha256) of plan ``name``."""
        raw = self.plan_path(name).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(Problem(file=f"plans/{name}.yaml", message=(
                "tệp không phải UTF-8; hãy lưu lại với mã hóa UTF-8"))) from None
        return text, sha256_text(text)

    def plans(self) -> list[PlanInfo]:
        """Every plan file (``kind: ke-hoach``) of the workspace, by name."""

        out = []
        for p in sorted(self.plans_dir.glob("*.yaml")):
            name = p.stem
            if not NAME.fullmatch(name):
                continue
            try:
                data, _ = yamlsource.load(p, display=f"plans/{p.name}")
            except InputError as e:
                out.append(PlanInfo(name, None, "", "", "có lỗi", self.last_build(name),
                                    str(e.problems[0])))
                continue
            if not isinstance(data, dict) or data.get("kind", "ke-hoach") != "ke-hoach":
                continue
            doc = data.get("document") if isinstance(data.get("document"), dict) else {}
            number = str(doc.get("number") or "").strip()
            date = doc.get("date") if isinstance(doc.get("date"), dict) else {}
            issued = bool(number) and bool(date.get("day"))
            year = data.get("year") if isinstance(data.get("year"), int) else None
            out.append(PlanInfo(name, year, number, " ".join(str(doc.get("title") or "").split()),
                                "đã ban hành" if issued else "dự thảo", self.last_build(name)))
        return out

    def last_build(self, name: str) -> datetime | None:
        m = self.root / "out" / name / "manifest.json"
        try:
            return datetime.fromtimestamp(m.stat().st_mtime)
        except OSError:
            return None
