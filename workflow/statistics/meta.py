"""The report's meta YAML: header, signer and the parts a computer cannot write.

See config/stats/ba-dinh-2024-meta.yaml. With ``--plan`` the header, recipients and signer
come from the plan instead; a meta file may still add the narrative parts.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import Field, PrivateAttr, model_validator

from ..errors import InputError, Problem, ProblemList
from ..plan import yamlsource
from ..plan.loader import validate_model
from ..plan.models import Document, Model, Signer


class Assessment(Model):
    strengths: list[str] = Field(default_factory=list, description="Ưu điểm")
    limits: list[str] = Field(default_factory=list, description="Tồn tại, hạn chế")
    causes: list[str] = Field(default_factory=list, description="Nguyên nhân")


class Target(Model):
    """A target to compare with: the share of units at a level, or an overall rate."""

    text: str = Field(..., min_length=1, description="Tên chỉ tiêu như in trong bảng")
    programme: str | None = Field(None, description="Mã chương trình (với level): tỷ lệ đơn vị đạt mức")
    level: int | None = Field(None, ge=1, description="Mức cần đạt")
    criterion: str | None = Field(None, description="Mã tiêu chí: tỷ lệ chung toàn đơn vị")
    target: float = Field(..., ge=0, le=100, description="Mục tiêu (%)")

    @model_validator(mode="after")
    def _one(self):
        if (self.criterion is None) == (self.programme is None):
            raise ValueError("mỗi chỉ tiêu cần đúng một trong: criterion, hoặc programme + level")
        if self.programme is not None and self.level is None:
            raise ValueError("chỉ tiêu theo chương trình cần level")
        return self


class Meta(Model):
    year: int = Field(..., ge=2000, le=2100, description="Năm báo cáo (thời điểm tháng 10)")
    criteria: str | None = Field(None, description="Bộ tiêu chí: nd20-2014 hoặc 2025")
    sample: bool = Field(False, description="Số liệu mẫu: ghi nhãn \"số liệu mẫu\" trong báo cáo")
    area: str = Field(..., min_length=1, description="Tên đơn vị báo cáo trong câu, ví dụ \"quận Ba Đình\"")
    unit_word: str = Field("xã", description="Cách gọi đơn vị cấp dưới: xã, phường, xã/phường")
    authority: str = Field("cấp có thẩm quyền", description="Nơi được đề nghị kiểm tra, công nhận")
    previous: str | None = Field(None, description="Tệp số liệu năm trước (đường dẫn tương đối với tệp này)")
    document: Document | None = Field(None, description="Phần đầu văn bản (như trong kế hoạch)")
    recipients: list[str] = Field(default_factory=list)
    archive: str = Field("VT.", description="Lưu: …")
    signer: Signer | None = None
    situation: list[str] = Field(default_factory=list, description="I. Đặc điểm tình hình")
    process: list[str] = Field(default_factory=list, description="II. Công tác chỉ đạo, triển khai")
    assessment: Assessment = Field(default_factory=Assessment, description="IV. Đánh giá chung")
    direction: list[str] = Field(default_factory=list, description="V. Phương hướng, giải pháp")
    proposals: list[str] = Field(default_factory=list, description="VI. Kiến nghị (thêm vào các kiến nghị gợi ý)")
    targets: list[Target] = Field(default_factory=list, description="Chỉ tiêu để so sánh")
    _pos: yamlsource.Positions | None = PrivateAttr(None)

    def check_targets(self, cs) -> None:
        """Each target must name a criterion or a programme level of ``cs``.

        Raises :class:`InputError` listing every bad one at its line and column."""
        problems = ProblemList()
        ids = [c.id for _, _, c in cs.criteria()]
        progs = {p.id: p for p in cs.programmes}
        pos = self._pos or yamlsource.Positions(file="meta")
        for i, t in enumerate(self.targets):
            if t.criterion and t.criterion not in ids:
                close = difflib.get_close_matches(t.criterion, ids, n=1)
                hint = f" (có phải '{close[0]}'?)" if close else f"; xem mã bằng: kehoach criteria show {cs.name}"
                problems.add(pos.problem(("targets", i, "criterion"),
                                         f"không có tiêu chí '{t.criterion}' trong bộ {cs.name}{hint}"))
            if t.programme and t.programme not in progs:
                problems.add(pos.problem(("targets", i, "programme"),
                                         f"không có chương trình '{t.programme}' trong bộ {cs.name} "
                                         f"(có: {', '.join(progs)})"))
            elif t.programme and t.level > progs[t.programme].top:
                problems.add(pos.problem(("targets", i, "level"),
                                         f"{progs[t.programme].short} chỉ có đến mức {progs[t.programme].top}"))
        problems.raise_if_errors()


def load_meta(path: str | Path) -> Meta:
    """Read a meta YAML; raises :class:`InputError` with every problem (file:line:col)."""
    path = Path(path)
    data, pos = yamlsource.load(path)
    if not isinstance(data, dict):
        raise InputError(Problem(file=str(path), line=1, message="tệp meta phải là một ánh xạ (khóa: giá trị)"))
    problems = ProblemList()
    meta = validate_model(Meta, data, pos, problems)
    problems.raise_if_errors()
    meta._pos = pos
    if meta.previous:
        meta.previous = str(path.parent / meta.previous)
        if not Path(meta.previous).is_file():
            raise InputError(pos.problem(("previous",), f"không tìm thấy tệp số liệu năm trước '{meta.previous}' "
                                         "(đường dẫn tính từ thư mục của tệp meta)"))
    return meta
