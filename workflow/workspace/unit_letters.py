"""Each unit's copy of the triển khai letter, with its private link as a short address and
a QR code: written beside the build's outputs when ``web.public_url`` is set (a paper
letter needs an address the units can open).

The copy is the plan's triển khai công văn (the same wording, templates and signer),
addressed to that one unit, with one more paragraph before the closing: where the unit
follows its tasks, reports them done and subscribes to its calendar.
"""

from __future__ import annotations

from pathlib import Path

from ..documents.letter_drafts import owning_units, plan_letter, safe_name
from ..documents.letters import build_letter_docx
from ..documents.qr import add_qr
from ..plan.models import Block
from ..safeio import confined

FOLDER = "don-vi"


def letter_units(lp) -> list[str]:
    """The units the letter reaches: each owning unit, a group as each of its members."""

    out: list[str] = []
    for owner in owning_units(lp):
        for u in lp.members(owner):
            unit = lp.units.get(u)
            if unit is not None and not unit.members and u not in out:
                out.append(u)
    return out


def write_unit_letters(fu, name: str, *, template_dirs=()) -> list[Path]:
    """Write ``out/<plan>/don-vi/<plan>-cong-van-trien-khai-<unit>.docx`` for every unit the
    letter reaches; returns the paths ([] without ``web.public_url``)."""

    if not fu.public_url:
        return []
    lp = fu.plan(name)
    if not lp.plan.implementation:
        return []
    letter = plan_letter(lp, template_dirs=template_dirs)
    units = letter_units(lp)
    tokens = fu.store.ensure_links(fu.key(), name, units, "dựng công văn triển khai")
    out = fu.ws.out_dir(name) / FOLDER
    written = []
    for u in units:
        url = fu.unit_url(name, tokens[u])
        line = Block(p=(f"{lp.unit_name(u)} theo dõi các nhiệm vụ được giao, báo cáo kết quả thực hiện "
                        "và đăng ký lịch thời hạn tại trang riêng của đơn vị (quét mã QR hoặc mở địa "
                        "chỉ dưới đây; trang chỉ dành cho đơn vị, không cần đăng nhập):"))
        body = list(letter.body)
        at = max(len(body) - 1, 0)
        body[at:at] = [line, Block(p=url)]
        copy = letter.model_copy(update={"to": [u], "body": body})
        target = confined(out, f"{lp.path.stem}-cong-van-trien-khai-{safe_name(u)}.docx")
        build_letter_docx(copy, target, template_dirs=template_dirs, units=lp.units)
        add_qr(target, url)
        written.append(target)
    return written
