"""Broken plans: every problem reported at once, with file:line, in Vietnamese; exit 2;
no traceback; nothing written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from workflow.cli import main

GOOD = textwrap.dedent("""\
    year: 2024
    document:
      parent_body: UBND QUẬN BA ĐÌNH
      issuing_body: PHÒNG GIÁO DỤC VÀ ĐÀO TẠO
      symbol: KH-PGDĐT
      place: Ba Đình
      date: {day: 5, month: 2, year: 2024}
      title: Công tác phổ cập giáo dục năm 2024
    units:
      pgddt: {name: Phòng Giáo dục và Đào tạo, email: pgd@example.org}
      phuong-a: {name: UBND phường A}
    sections:
      - title: MỤC ĐÍCH
        content:
          - Một đoạn văn.
      - title: TỔ CHỨC THỰC HIỆN
        implementation: true
    implementation:
      - unit: pgddt
        content:
          - task: Nhập dữ liệu (từ ngày 05/9 đến ngày 30/9/2024).
            id: nhap
            deadline: từ ngày 05/9 đến ngày 30/9/2024
          - task: Báo cáo kết quả.
            id: bao-cao
            deadline: tháng 10/2024
            co_owners: [phuong-a]
    recipients: [Sở GDĐT]
    signer:
      lines: [TRƯỞNG PHÒNG]
      name: Nguyễn Văn A
    """)


def line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(keepends=True), start=1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


def run_build(tmp_path: Path, text: str | bytes, capsys) -> tuple[int, str, Path]:
    plan = tmp_path / "plan.yaml"
    if isinstance(text, bytes):
        plan.write_bytes(text)
    else:
        plan.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["build", str(plan), "-o", str(out)])
    err = capsys.readouterr().err
    return rc, err, out


def test_good_plan_builds(tmp_path, capsys):
    rc, err, out = run_build(tmp_path, GOOD, capsys)
    assert rc == 0, err
    assert (out / "plan.docx").is_file()
    assert (out / "manifest.json").is_file()


# (name, mutate(text) -> text, needle for the expected line (in the mutated text), message part)
CASES = [
    ("yaml-syntax", lambda t: t.replace("  place: Ba Đình", "  place: [Ba Đình"), None, "lỗi cú pháp YAML"),
    ("unknown-key", lambda t: t.replace("deadline: tháng 10/2024", "deadlin: tháng 10/2024"),
     "deadlin:", "khóa 'deadlin' không hợp lệ (có phải 'deadline'?)"),
    ("wrong-type", lambda t: t.replace("year: 2024\n", "year: hai nghìn\n", 1), "year: hai", "phải là số nguyên"),
    ("missing-field", lambda t: t.replace("  name: Nguyễn Văn A\n", ""), "signer:", "thiếu trường bắt buộc 'name'"),
    ("bad-deadline", lambda t: t.replace("deadline: tháng 10/2024", "deadline: trươc ngày 5/11"),
     "trươc ngày", 'không hiểu thời hạn "trươc ngày 5/11"'),
    ("unknown-unit", lambda t: t.replace("  - unit: pgddt", "  - unit: pgdt"), "unit: pgdt",
     "không có đơn vị 'pgdt' trong danh mục (có phải 'pgddt'?)"),
    ("unknown-co-owner", lambda t: t.replace("co_owners: [phuong-a]", "co_owners: [phuong-b]"),
     "co_owners", "không có đơn vị 'phuong-b'"),
    ("end-before-start", lambda t: t.replace("deadline: từ ngày 05/9 đến ngày 30/9/2024",
                                             "deadline: từ ngày 30/9 đến ngày 05/9/2024"),
     "deadline: từ ngày 30/9", "trước"),
    ("duplicate-id", lambda t: t.replace("id: bao-cao", "id: nhap  # trùng"), "# trùng",
     "mã nhiệm vụ 'nhap' bị trùng"),
    ("python-tag", lambda t: t.replace("place: Ba Đình", "place: !!python/object/apply:os.system [ls]"),
     "place:", "thẻ YAML"),
    ("duplicate-key", lambda t: t.replace("  place: Ba Đình\n", "  place: Ba Đình\n  place: Hà Nội\n"),
     "place: Hà Nội", "khóa 'place' bị lặp lại"),
    ("tab-indent", lambda t: t.replace("  symbol: KH-PGDĐT", "\tsymbol: KH-PGDĐT"), "\tsymbol", "Tab"),
    ("indent-too-deep", lambda t: t.replace("  symbol: KH-PGDĐT", "   symbol: KH-PGDĐT"), "   symbol",
     "dòng này thụt lề không thẳng cột với các khóa cùng cấp"),
    ("indent-too-shallow", lambda t: t.replace("  symbol: KH-PGDĐT", " symbol: KH-PGDĐT"), " symbol",
     "thụt lề sai"),
    ("colon-unquoted", lambda t: t.replace("- task: Báo cáo kết quả.", "- task: Báo cáo kết quả: tháng 10."),
     "kết quả: tháng", "chuỗi có dấu ':' cần đặt trong dấu nháy"),
    ("quote-in-quotes", lambda t: t.replace("title: Công tác phổ cập giáo dục năm 2024",
                                            "title: 'Công tác 'phổ cập' năm 2024'"),
     "title: 'Công", "dấu nháy đơn phải viết đôi ('')"),
    ("missing-dash", lambda t: t.replace("      - task: Báo cáo kết quả.", "        task: Báo cáo kết quả."),
     "  task: Báo cáo", "khóa 'task' bị lặp lại (thiếu dấu '- ' ở đầu một mục mới của danh sách?)"),
    ("blank-task", lambda t: t.replace("- task: Báo cáo kết quả.", "- task:"), "- task:\n",
     "'task' chưa có nội dung"),
    ("date-in-words", lambda t: t.replace("{day: 5, month: 2, year: 2024}", "ngày 5 tháng 2 năm 2024"),
     "date:", "không đọc được ngày 'ngày 5 tháng 2 năm 2024': viết 05/02/2024"),
    ("two-kinds", lambda t: t.replace("      - Một đoạn văn.", "      - {p: Một, bullet: Hai}"),
     "{p: Một", "một mục chỉ được có một trong các khóa p, bullet"),
    ("impossible-date", lambda t: t.replace("{day: 5, month: 2, year: 2024}", "{day: 30, month: 2, year: 2024}"),
     "date:", "ngày 30/2/2024 không có thật"),
    ("bad-email", lambda t: t.replace("pgd@example.org", "pgd(at)example.org"), "pgd(at)", "địa chỉ thư"),
    ("bad-sign-prefix", lambda t: t.replace("lines: [TRƯỞNG PHÒNG]", "lines: [K.T. TRƯỞNG PHÒNG]"),
     "lines:", "tiền tố 'K.T.' không hợp lệ"),
    ("task-outside-units", lambda t: t.replace("      - Một đoạn văn.", "      - task: Làm việc."),
     "task: Làm việc", "nhiệm vụ (task) chỉ đặt trong phần của một đơn vị"),
    ("missing-units-file", lambda t: t.replace("units:\n", "units_file: khong-co.yaml\nunits:\n"), None,
     "không tìm thấy tệp"),
    ("no-impl-section", lambda t: t.replace("    implementation: true\n", ""), "sections:",
     "không phần nào ghi 'implementation: true'"),
    ("not-a-mapping", lambda t: "- chỉ là một danh sách\n", None, "phải là một ánh xạ"),
    ("empty-title", lambda t: t.replace("title: Công tác phổ cập giáo dục năm 2024", 'title: ""'),
     'title: ""', "không được để trống"),
]


@pytest.mark.parametrize("name,mutate,needle,message", CASES, ids=[c[0] for c in CASES])
def test_broken_plan(tmp_path, capsys, name, mutate, needle, message):
    text = mutate(GOOD)
    assert text != GOOD
    rc, err, out = run_build(tmp_path, text, capsys)
    assert rc == 2, err
    assert "Traceback" not in err
    assert message in err, err
    plan = str(tmp_path / "plan.yaml")
    if needle is not None:
        assert f"{plan}:{line_of(text, needle)}:" in err, err
    else:
        assert re.search(re.escape(plan) + r"(:\d+)?", err) or "khong-co.yaml" in err, err
    assert not out.exists() or not any(out.iterdir()), "nothing may be written for a bad plan"


def test_date_written_as_people_write_it(tmp_path, capsys):
    from docx import Document

    text = GOOD.replace("{day: 5, month: 2, year: 2024}", "05/02/2024")
    rc, err, out = run_build(tmp_path, text, capsys)
    assert rc == 0, err
    header = Document(str(out / "plan.docx")).tables[0].cell(1, 1).text
    assert header == "Ba Đình, ngày 05 tháng 02 năm 2024"


def test_every_problem_reported_at_once(tmp_path, capsys):
    text = (GOOD.replace("deadline: tháng 10/2024", "deadline: sớm nhất có thể")
                .replace("  - unit: pgddt", "  - unit: pgdt")
                .replace("id: bao-cao", "idd: bao-cao"))
    rc, err, _ = run_build(tmp_path, text, capsys)
    assert rc == 2
    assert "không hiểu thời hạn" in err
    assert "không có đơn vị 'pgdt'" in err
    assert "khóa 'idd' không hợp lệ (có phải 'id'?)" in err
    assert "3 lỗi" in err


def test_alias_bomb_refused(tmp_path, capsys):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i-1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    rc, err, out = run_build(tmp_path, "\n".join(lines) + "\n", capsys)
    assert rc == 2
    assert "alias bomb" in err


def test_oversized_file_refused(tmp_path, capsys):
    big = GOOD + "# " + "x" * (3 * 1024 * 1024) + "\n"
    rc, err, _ = run_build(tmp_path, big, capsys)
    assert rc == 2
    assert "tệp quá lớn" in err


def test_not_utf8(tmp_path, capsys):
    rc, err, _ = run_build(tmp_path, GOOD.encode("utf-16"), capsys)
    assert rc == 2
    assert "UTF-8" in err


def test_missing_plan_file(tmp_path, capsys):
    rc = main(["check", str(tmp_path / "khong-co.yaml")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "không tìm thấy tệp" in err


def test_bad_template_leaves_previous_output(tmp_path, capsys):
    """A failing render must not replace or truncate an existing output."""
    rc, err, out = run_build(tmp_path, GOOD, capsys)
    assert rc == 0
    before = (out / "plan.docx").read_bytes()
    tpl_dir = tmp_path / "tpl"
    tpl_dir.mkdir()
    from docx import Document
    d = Document()
    d.add_paragraph("{{ doc.title }} {{ khong_co_bien.x }}")
    d.save(tpl_dir / "ke-hoach.docx")
    rc = main(["build", str(tmp_path / "plan.yaml"), "-o", str(out), "--templates", str(tpl_dir)])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    assert (out / "plan.docx").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_yaml_keys_stay_text(tmp_path):
    """YAML 1.1 reads a bare `on:` key as True; keys must stay as written."""
    from workflow.plan import yamlsource

    data, _ = yamlsource.loads("on: 1\nno: 2\n2024: 3\n", "t.yaml")
    assert data == {"on": 1, "no": 2, "2024": 3}


def test_status_file_with_bare_on_key(tmp_path):
    from workflow.plan.loader import load_plan
    from workflow.plan.status import load_status

    plan = tmp_path / "p.yaml"
    plan.write_text(GOOD, encoding="utf-8")
    status = tmp_path / "s.yaml"
    status.write_text("done:\n  - task: nhap\n    on: 2024-09-20\n", encoding="utf-8")
    st = load_status(status, load_plan(plan))
    assert st.is_done("nhap", "pgddt")
    assert not st.is_done("bao-cao", "pgddt")
    import datetime
    assert not st.is_done("nhap", "pgddt", by=datetime.date(2024, 9, 19))


def test_plan_copied_elsewhere_gives_one_error_at_units_file(tmp_path, capsys):
    """A units_file path that no longer resolves is one error at its own line, not one per
    unit the tasks name."""
    sample = Path(__file__).resolve().parents[1] / "config" / "plans" / "ba-dinh-2024.yaml"
    text = sample.read_text(encoding="utf-8")
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_text(text, encoding="utf-8")
    rc = main(["check", str(plan)])
    err = capsys.readouterr().err
    assert rc == 2
    lines = [x for x in err.splitlines() if x.startswith("lỗi:")]
    assert len(lines) == 1, err
    assert f"{plan}:{line_of(text, 'units_file:')}:" in lines[0]
    assert "không tìm thấy tệp danh mục đơn vị '../units/ba-dinh.yaml'" in lines[0]
    assert str(tmp_path.parent / "units" / "ba-dinh.yaml") in lines[0]  # normalised, no '..'


def test_misspelt_field_in_a_user_template_is_named_with_its_paragraph(tmp_path, capsys):
    from docx import Document

    plan = tmp_path / "plan.yaml"
    plan.write_text(GOOD, encoding="utf-8")
    tpl = tmp_path / "mau"
    tpl.mkdir()
    d = Document()
    d.add_paragraph("Tiêu đề: {{ doc.tieu_de }}")
    d.add_paragraph("Người ký: {{ signer.ten }}")
    d.save(tpl / "ke-hoach.docx")
    out = tmp_path / "out"
    rc = main(["build", str(plan), "-o", str(out), "--templates", str(tpl)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "“doc” không có trường “tieu_de”" in err and "«Tiêu đề: {{ doc.tieu_de }}»" in err
    assert "“signer” không có trường “ten”" in err
    assert not out.exists() or not any(out.iterdir())
