"""Small plans and .ics readers for the calendar tests (no shared conftest)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

SEED_PLAN = Path(__file__).resolve().parent.parent / "config" / "plans" / "ba-dinh-2024.yaml"

SMALL_PLAN = """\
year: 2024
document:
  parent_body: UBND PHƯỜNG THỬ
  issuing_body: BAN CHỈ ĐẠO PCGD, XMC
  issuer_name: Ban Chỉ đạo PCGD, XMC phường Thử
  symbol: KH-BCĐ
  number: "12"
  place: Thử
  date: {{day: 5, month: 2, year: 2024}}
  title: Công tác PCGD, XMC năm 2024 & các việc liên quan
units:
  vp: {{name: Văn phòng phường, short: Văn phòng, email: vp@thu.example.org}}
  truong-a: {{name: Trường Tiểu học A, short: Trường A}}
  truong-b: {{name: Trường THCS B, short: Trường B}}
  cac-truong: {{name: Các trường, kind: nhom, members: [truong-a, truong-b]}}
  hoi: {{name: Hội Khuyến học phường, short: Hội KH}}
sections:
  - title: TỔ CHỨC THỰC HIỆN
    implementation: true
{calendar}implementation:
  - unit: vp
    content:
{vp_tasks}
  - unit: cac-truong
    content:
{school_tasks}
  - unit: hoi
    content:
      - task: Vận động học sinh ra lớp.
        id: hoi-van-dong
        ongoing: true
signer:
  lines: [TRƯỞNG BAN]
  name: Nguyễn Văn A
"""

VP_TASKS = [
    """\
      - task: Nhập dữ liệu vào phần mềm (từ ngày 05/9 đến ngày 30/9/2024).
        id: nhap-du-lieu
        summary: Nhập dữ liệu vào phần mềm
        deadline: từ ngày 05/9 đến ngày 30/9/2024
        co_owners: [cac-truong]""",
    """\
      - task: Đề nghị kiểm tra công nhận (trước ngày 05/11/2024).
        id: de-nghi
        summary: Đề nghị kiểm tra công nhận
        deadline: trước ngày 05/11/2024""",
    """\
      - task: Báo cáo số liệu (trước ngày 03/10 hằng năm).
        id: bao-cao-nam
        summary: Báo cáo số liệu năm
        deadline: trước ngày 03/10 hằng năm""",
]

SCHOOL_TASKS = [
    """\
      - task: Tự kiểm tra (1-2 lần/quý).
        id: tu-kiem-tra
        summary: Tự kiểm tra
        deadline: 1-2 lần/quý""",
    """\
      - task: Điều tra bổ sung (từ tháng 6/2024).
        id: dieu-tra
        summary: Điều tra bổ sung
        deadline: từ tháng 6/2024""",
]


def write_plan(folder: Path, *, vp_tasks=None, school_tasks=None, calendar: str = "",
               name: str = "ke-hoach.yaml") -> Path:
    """Write the small plan into ``folder``; task lists are YAML snippets (see VP_TASKS)."""
    folder.mkdir(parents=True, exist_ok=True)
    cal = textwrap.indent(textwrap.dedent(calendar).strip(), "  ") if calendar else ""
    text = SMALL_PLAN.format(
        vp_tasks="\n".join(VP_TASKS if vp_tasks is None else vp_tasks),
        school_tasks="\n".join(SCHOOL_TASKS if school_tasks is None else school_tasks),
        calendar=f"calendar:\n{cal}\n" if cal else "")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def copy_seed(folder: Path) -> Path:
    """The sample plan and its units file, copied (same relative layout) under ``folder``."""
    (folder / "plans").mkdir(parents=True, exist_ok=True)
    (folder / "units").mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_PLAN, folder / "plans" / SEED_PLAN.name)
    shutil.copy(SEED_PLAN.parent.parent / "units" / "ba-dinh.yaml", folder / "units" / "ba-dinh.yaml")
    return folder / "plans" / SEED_PLAN.name


def parse_both(data: bytes):
    """(icalendar Calendar, ical Calendar): two independent parsers must both accept it."""
    from ical.calendar_stream import IcsCalendarStream
    from icalendar import Calendar

    return Calendar.from_ical(data), IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def events_by_task(cal) -> dict[str, list]:
    """icalendar VEVENTs grouped by the task id written in their DESCRIPTION."""
    out: dict[str, list] = {}
    for ev in cal.walk("VEVENT"):
        m = re.search(r"Mã nhiệm vụ: (\S+)", str(ev["DESCRIPTION"]))
        out.setdefault(m.group(1), []).append(ev)
    return out


def normalize_ics(data: bytes) -> str:
    """Unfolded lines; components sorted by their text; DTSTAMP values masked (khal-style)."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    lines = [re.sub(r"^DTSTAMP:.*", "DTSTAMP:<stamp>", ln) for ln in text.splitlines()]
    head, events, cur, depth = [], [], [], 0
    for ln in lines:
        if ln == "BEGIN:VEVENT":
            depth, cur = 1, [ln]
        elif depth:
            cur.append(ln)
            if ln == "END:VEVENT":
                depth = 0
                events.append(_sort_props(cur))
        else:
            head.append(ln)
    body = "\n".join(sorted("\n".join(e) for e in events))
    return "\n".join(head[:-1]) + "\n" + body + "\n" + head[-1] + "\n"


def _sort_props(block: list[str]) -> list[str]:
    """Sort a VEVENT's own properties; keep VALARM blocks (sorted) at the end."""
    props, alarms, cur = [], [], None
    for ln in block[1:-1]:
        if ln == "BEGIN:VALARM":
            cur = [ln]
        elif cur is not None:
            cur.append(ln)
            if ln == "END:VALARM":
                alarms.append("\n".join(cur))
                cur = None
        else:
            props.append(ln)
    return [block[0], *sorted(props), *sorted(alarms), block[-1]]
