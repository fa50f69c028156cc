"""Editing a plan's YAML by field path (workflow.plan.edit), the phrase reading the editor
shows while typing (workflow.plan.checks.read_deadline), and the workspace under the web
editor: versions, conflict-checked saving, restore, import review spots."""

from __future__ import annotations

import difflib
import re

import pytest
import yaml

from tests.web_helpers import workspace
from workflow.errors import InputError
from workflow.plan.checks import plan_warnings, read_deadline
from workflow.plan.edit import Edit, apply_edits, parse_path, replace_phrase
from workflow.plan.loader import load_plan
from workflow.plan.yamlsource import format_path

PLAN = "ba-dinh-2024"


@pytest.fixture
def ws_root(tmp_path):
    return workspace(tmp_path)


@pytest.fixture
def sample(ws_root):
    p = ws_root / "plans" / f"{PLAN}.yaml"
    return p, p.read_text(encoding="utf-8")


def changed_lines(a: str, b: str) -> list[str]:
    return [ln for ln in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


@pytest.mark.parametrize("text", ["year", "document.date.day", "implementation[0].content[3].deadline[0]",
                                  "units.p-kim-ma.email[1]", "sections[2].content[10].content[0]"])
def test_parse_path_is_the_inverse_of_format_path(text):
    assert format_path(parse_path(text)) == text


@pytest.mark.parametrize("bad", ["", "[0]", "a..b", "a[x]", "a.[0]", "a]", ".a", "a[0]b"])
def test_parse_path_refuses_anything_else(bad):
    with pytest.raises(ValueError):
        parse_path(bad)


def test_a_changed_phrase_changes_two_lines_and_keeps_every_comment(sample):
    path, text = sample
    task = ("implementation", 0, "content", 5)
    new = apply_edits(text, [
        Edit("set", task + ("task",), replace_phrase(
            "Nhập dữ liệu (01 lần) vào phần mềm hệ thống của Bộ (Từ ngày 05/9 đến ngày 30/9/2024).",
            "Từ ngày 05/9 đến ngày 30/9/2024", "Từ ngày 09/9 đến ngày 30/9/2024")),
        Edit("set", task + ("deadline", 0), "Từ ngày 09/9 đến ngày 30/9/2024")])
    assert changed_lines(text, new) == [
        "-      - task: Nhập dữ liệu (01 lần) vào phần mềm hệ thống của Bộ (Từ ngày 05/9 đến ngày 30/9/2024).",
        "+      - task: Nhập dữ liệu (01 lần) vào phần mềm hệ thống của Bộ (Từ ngày 09/9 đến ngày 30/9/2024).",
        "-        deadline: Từ ngày 05/9 đến ngày 30/9/2024  # đổi hạn: sửa cả cụm trong câu task ở trên",
        "+        deadline: Từ ngày 09/9 đến ngày 30/9/2024  # đổi hạn: sửa cả cụm trong câu task ở trên",
    ]
    lp = load_plan(path, text=new)
    assert lp.tasks[5].phrases == ("Từ ngày 09/9 đến ngày 30/9/2024",)
    def comments(t):
        return [ln[ln.index("#"):] for ln in t.splitlines() if "#" in ln]
    assert comments(text) == comments(new)


def test_a_long_folded_text_stays_folded(sample):
    path, text = sample
    long = ("Xây dựng dự thảo kế hoạch và tham mưu với UBND quận ban hành kế hoạch về công tác phổ cập "
            "giáo dục mầm non cho trẻ 5 tuổi, phổ cập giáo dục tiểu học, phổ cập giáo dục trung học cơ "
            "sở và xóa mù chữ năm 2024 (tháng 3/2024).")
    new = apply_edits(text, [Edit("set", ("implementation", 0, "content", 0, "task"), long),
                             Edit("set", ("implementation", 0, "content", 0, "deadline"), ["tháng 3/2024"])])
    diff = changed_lines(text, new)
    assert diff == ["-          sở và xóa mù chữ năm 2024 (tháng 2/2024).", "+          sở và xóa mù chữ năm 2024 (tháng 3/2024).",
                    "-        deadline: tháng 2/2024", "+        deadline: tháng 3/2024"]
    assert yaml.safe_load(new)["implementation"][0]["content"][0]["task"] == long


def test_structure_edits(sample):
    path, text = sample
    data0 = yaml.safe_load(text)
    new = apply_edits(text, [
        Edit("add-task", ("implementation", 1)),
        Edit("move", ("implementation", 2), 1),
        Edit("remove", ("implementation", 0, "content", 10)),
        Edit("set", ("implementation", 0, "content", 1, "co_owners"), ["ubnd-quan", "pnv"]),
        Edit("unset", ("implementation", 1, "content", 0, "ongoing")),
        Edit("add-part", (), "pyt"),
    ])
    data = yaml.safe_load(new)
    impl = data["implementation"]
    assert impl[1]["content"][2] == {"task": "", "id": "pkhtc-moi-1"}
    assert [p["unit"] for p in impl[2:4]] == [data0["implementation"][3]["unit"], data0["implementation"][2]["unit"]]
    assert len(impl[0]["content"]) == len(data0["implementation"][0]["content"]) - 1
    assert "co_owners: [ubnd-quan, pnv]" in new                      # a flow list stays a flow list
    assert "ongoing" not in impl[1]["content"][0]
    assert impl[-1] == {"unit": "pyt", "content": [{"task": "", "id": "pyt-moi-1"}]}
    with pytest.raises(InputError) as e:
        load_plan(path, text=new)
    assert {p.field for p in e.value.problems} == {"implementation[1].content[2]", "implementation[12].content[0]"}


def test_a_path_that_is_not_there_is_a_problem_at_its_field(sample):
    _, text = sample
    for e in (Edit("set", ("implementation", 40, "unit"), "x"), Edit("move", ("implementation", 0), -1),
              Edit("remove", ("signer", "lines", 9))):
        with pytest.raises(InputError) as err:
            apply_edits(text, [e])
        assert err.value.problems[0].field == format_path(e.path)


def test_lines_ruamel_would_rewrap_are_kept_in_a_file_of_another_style(ws_root):
    units = ws_root / "units" / "ba-dinh.yaml"
    text = units.read_text(encoding="utf-8")
    assert "members: [p-cong-vi, p-dien-bien" in text and "\n              p-ngoc-khanh" in text
    new = apply_edits(text, [Edit("set", ("units", "pgddt", "short"), "Phòng GD&ĐT")])
    assert changed_lines(text, new) == ["-    short: Phòng GDĐT", "+    short: Phòng GD&ĐT"]


def test_replace_phrase():
    assert replace_phrase("Làm việc A (tháng 3/2024).", "tháng 3/2024", "tháng 4/2024") == "Làm việc A (tháng 4/2024)."
    assert replace_phrase("Làm việc A.", "tháng 3/2024", "tháng 4/2024") == "Làm việc A."


def test_read_deadline_says_what_check_says(sample):
    path, text = sample
    r = read_deadline("Từ ngày 07/9 đến ngày 30/9/2024", 2024)
    assert r.dates == "→ 07/09/2024 – 30/09/2024" and r.error is None
    assert r.warnings == ("bắt đầu 07/09/2024 ('Từ ngày 07/9 đến ngày 30/9/2024') rơi vào thứ Bảy",)
    new = text.replace("Từ ngày 05/9 đến ngày 30/9/2024", "Từ ngày 07/9 đến ngày 30/9/2024")
    check = [w for w in plan_warnings(load_plan(path, text=new)) if w.field == "implementation[0].content[5].deadline[0]"]
    assert [w.message for w in check] == list(r.warnings)
    assert read_deadline("ngày 02/9/2024", 2024).warnings == ("ngày 02/09/2024 ('ngày 02/9/2024') rơi vào ngày lễ: Quốc khánh",)
    assert "ngoài năm kế hoạch 2024" in read_deadline("tháng 1/2025", 2024).warnings[0]
    bad = read_deadline("trươc ngày 5/11", 2024)
    assert bad.dates == "" and bad.error.startswith('không hiểu thời hạn "trươc ngày 5/11"')
    assert read_deadline("  ", 2024).to_json() == {"phrase": "  ", "dates": "", "warnings": [], "error": None}


def test_save_keeps_versions_and_refuses_a_newer_file(ws_root):
    from workflow.workspace import Conflict, History, Workspace, restore, save

    ws = Workspace(ws_root)
    text, sha = ws.read(PLAN)
    v = save(ws, PLAN, text.replace("archive: VT, PGDĐT", "archive: VT"), base_sha=sha, user="lan")
    assert v.n == 2 and [x.note for x in History(ws, PLAN).list()] == ["bản có sẵn khi mở lần đầu", "lưu từ trình duyệt"]
    with pytest.raises(Conflict) as c:
        save(ws, PLAN, text.replace("archive: VT, PGDĐT", "archive: PGDĐT"), base_sha=sha)
    assert "archive: VT\n" in c.value.current_text and "archive: PGDĐT\n" in c.value.mine
    current = ws.read(PLAN)
    with pytest.raises(InputError):
        save(ws, PLAN, text.replace("year: 2024", "year: hai"), base_sha=current[1])
    assert ws.read(PLAN) == current                                       # nothing written
    # edited outside the browser: kept as a version before it is replaced
    (ws_root / "plans" / f"{PLAN}.yaml").write_text(current[0] + "# sửa tay\n", encoding="utf-8")
    restore(ws, PLAN, 1, base_sha=ws.read(PLAN)[1])
    assert ws.read(PLAN)[0] == text
    notes = [x.note for x in History(ws, PLAN).list()]
    assert notes[-2:] == ["bản đã sửa ngoài trình duyệt", "khôi phục bản 1"]


def test_workspace_refuses_names_out_of_it(ws_root):
    from workflow.workspace import NotFound, Workspace

    ws = Workspace(ws_root)
    for name in ("../x", "/etc/passwd", ".kehoach", "a/b", "", "x\x00"):
        with pytest.raises(NotFound):
            ws.plan_path(name)
    with pytest.raises(InputError):
        Workspace(ws_root / "plans")


def test_review_spots_name_the_field_below_each_question():
    from workflow.workspace.actions import review_spots

    text = ("year: 2024\nunits:\n  # ? nhóm đơn vị theo văn bản: thêm mã thành viên\n"
            "  ubnd-14-phuong:\n    name: Ủy ban nhân dân 14 phường\n")
    spots = review_spots(text)
    assert [(s.line, s.field, s.text) for s in spots] == [(3, "units.ubnd-14-phuong", "Ủy ban nhân dân 14 phường")]
    assert re.match("nhóm đơn vị", spots[0].comment)
