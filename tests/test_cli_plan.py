"""`kehoach when`, `kehoach check`, help and exit codes, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workflow.cli import main

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"


def test_when_json(capsys):
    rc = main(["when", "Từ ngày 05/9 đến ngày 30/9/2024", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert data == {"text": "Từ ngày 05/9 đến ngày 30/9/2024",
                    "periods": [{"start": "2024-09-05", "end": "2024-09-30"}],
                    "recurrence": None, "ongoing": False}


def test_when_yearly_uses_year_option(capsys):
    rc = main(["when", "trước ngày 03/10 hàng năm", "--year", "2025", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert data["recurrence"] == "yearly"
    assert data["periods"] == [{"start": None, "end": "2025-10-02"}]


def test_when_text_output(capsys):
    rc = main(["when", "trước ngày 05/11/2024"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "04/11/2024" in out


def test_when_unreadable_lists_forms(capsys):
    rc = main(["when", "sớm nhất có thể"])
    err = capsys.readouterr().err
    assert rc == 2
    assert 'không hiểu thời hạn "sớm nhất có thể"' in err
    assert "tháng 2/2024" in err and "Quý" in err.replace("quý", "Quý")
    assert "Traceback" not in err


def test_check_sample_plan_ok_with_warnings(capsys):
    rc = main(["check", str(PLAN), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert data["tasks"] >= 40
    messages = [w["message"] for w in data["warnings"]]
    # 20/10/2024 is a Sunday; "trước tháng 9/2024" ends on Saturday 31/8/2024
    assert any("20/10/2024" in m and "Chủ nhật" in m for m in messages)
    assert any("31/08/2024" in m and "thứ Bảy" in m for m in messages)


def test_check_strict_exit_1_on_warnings(capsys):
    assert main(["check", str(PLAN), "--strict"]) == 1


def test_check_warns_holiday_out_of_year_and_no_deadline(tmp_path, capsys):
    from test_plan_errors import GOOD

    text = (GOOD.replace("deadline: tháng 10/2024", "deadline: trước ngày 03/9/2024")  # 2/9 Quốc khánh
                .replace("deadline: từ ngày 05/9 đến ngày 30/9/2024", "deadline: ngày 15/01/2025")
                .replace("      - Một đoạn văn.", "      - Một đoạn văn."))
    text = text.replace("      - task: Báo cáo kết quả.", "      - task: Không hạn.\n        id: khong-han\n      - task: Báo cáo kết quả.")
    assert "khong-han" in text
    plan = tmp_path / "p.yaml"
    plan.write_text(text, encoding="utf-8")
    rc = main(["check", str(plan), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    msgs = " | ".join(w["message"] for w in data["warnings"])
    assert "02/09/2024" in msgs and "ngày lễ" in msgs
    assert "ngoài năm kế hoạch 2024" in msgs
    assert "không có thời hạn" in msgs


def test_check_warns_tet(tmp_path, capsys):
    from test_plan_errors import GOOD

    # Tết Nguyên đán 2024: 10/02/2024 is mùng 1
    plan = tmp_path / "p.yaml"
    plan.write_text(GOOD.replace("deadline: tháng 10/2024", "deadline: ngày 12/02/2024"), encoding="utf-8")
    main(["check", str(plan), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert any("12/02/2024" in w["message"] and "ngày lễ" in w["message"] for w in data["warnings"])


def test_usage_error_exit_2(capsys):
    assert main(["build"]) == 2
    assert main(["khong-co-lenh"]) == 2


def test_help_lists_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in ("when", "check", "build"):
        assert cmd in out


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "workflow", "when", "tháng 2/2024", "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["periods"] == [{"start": "2024-02-01", "end": "2024-02-29"}]


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from workflow.cli import main; "
            "rc = main(['--help']); "
            "heavy = [m for m in ('pydantic', 'docx', 'docxtpl', 'icalendar', 'matplotlib', 'yagmail', 'apscheduler', 'holidays') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.skipif(not __import__("shutil").which("soffice"),
                    reason="LibreOffice (soffice) is not installed: PDF export not tested")
def test_build_pdf(tmp_path, capsys):
    rc = main(["build", str(PLAN), "-o", str(tmp_path), "--pdf"])
    capsys.readouterr()
    assert rc == 0
    pdf = tmp_path / "ba-dinh-2024.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert any(o["kind"] == "pdf" for o in manifest["outputs"])


def test_pdf_without_libreoffice_says_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    rc = main(["build", str(PLAN), "-o", str(tmp_path / "o"), "--pdf"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "libreoffice-writer-nogui" in err


@pytest.mark.parametrize("argv,expected", [
    (["build"], "thiếu tham số TỆP.yaml"),
    (["buil"], "không có lệnh 'buil'"),
    (["when", "x", "--year", "abc"], "không phải số nguyên"),
    (["when", "--yearx", "3"], "có phải '--year'?"),
])
def test_usage_errors_in_vietnamese(capsys, argv, expected):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "--help" in err


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["when", "-h"]])
def test_help_screens_are_vietnamese(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Cách dùng: kehoach" in out and "Tùy chọn:" in out
    assert "Xem hướng dẫn này rồi thoát." in out
    for english in ("Usage:", "Options:", "Show this message", "[OPTIONS]", "INTEGER"):
        assert english not in out


@pytest.mark.parametrize("argv", [
    ["when"], ["check"], ["build"], ["agenda"], ["calendar", "publish"], ["overdue"],
    ["remind", "plan"], ["remind", "sync"], ["remind", "run-due"], ["remind", "log"],
    ["import"], ["diff"], ["criteria", "show"], ["evaluate"], ["report", "build"],
    ["lint"], ["template", "check"]])
def test_argument_names_in_help_are_vietnamese(capsys, argv):
    assert main([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    for english in ("PLAN", "PHRASE", "FILES", "SOURCE", "DATA", "NAME", "OLD", "RANGE"):
        assert english not in out, english


def test_out_dir_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    rc = main(["build", str(PLAN), "-o", str(afile / "x")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Traceback" not in err
    assert "trùng tên" in err or "không" in err


def test_calendar_into_a_build_folder_keeps_the_build_manifest(tmp_path, capsys):
    assert main(["build", str(PLAN), "-o", str(tmp_path)]) == 0
    before = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert main(["calendar", str(PLAN), "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    after = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert after == before
    assert (tmp_path / "lich.json").is_file()


def test_check_warns_when_only_deadline_was_changed(tmp_path, capsys):
    """Changing `deadline:` but not the phrase in the sentence prints two deadlines."""
    text = PLAN.read_text(encoding="utf-8").replace(
        "deadline: Từ ngày 05/9 đến ngày 30/9/2024", "deadline: Từ ngày 10/9 đến ngày 30/9/2024")
    text = text.replace("../units/ba-dinh.yaml", str(ROOT / "config" / "units" / "ba-dinh.yaml"))
    plan = tmp_path / "p.yaml"
    plan.write_text(text, encoding="utf-8")
    assert main(["check", str(plan), "--json"]) == 0
    msgs = [w["message"] for w in json.loads(capsys.readouterr().out)["warnings"]]
    hits = [m for m in msgs if "hai thời hạn" in m]
    assert len(hits) == 1 and "Từ ngày 05/9 đến ngày 30/9/2024" in hits[0]
    # the unchanged sample has no such warning
    assert main(["check", str(PLAN), "--json"]) == 0
    assert not [w for w in json.loads(capsys.readouterr().out)["warnings"] if "hai thời hạn" in w["message"]]


def test_one_day_deadline_on_a_sunday_warns_once(tmp_path, capsys):
    from test_plan_errors import GOOD

    plan = tmp_path / "p.yaml"
    plan.write_text(GOOD.replace("deadline: tháng 10/2024", "deadline: ngày 03/11/2024"), encoding="utf-8")
    main(["check", str(plan), "--json"])
    msgs = [w["message"] for w in json.loads(capsys.readouterr().out)["warnings"] if "03/11/2024" in w["message"]]
    assert len(msgs) == 1 and "Chủ nhật" in msgs[0]


@pytest.mark.parametrize("args", [["remind", "plan"], ["agenda"]])  # outputs longer than a pipe holds
def test_a_reader_that_stops_early_is_no_failure(args):
    """`kehoach … | head -1`: the closed pipe ends the command quietly, exit 0."""
    plan = Path(__file__).resolve().parent.parent / "config" / "plans" / "ba-dinh-2024.yaml"
    extra = ["--from", "2024-01-01", "--to", "2024-12-31"] if args == ["agenda"] else []
    cmd = [sys.executable, "-c", "import sys; from workflow.cli import main; sys.exit(main())",
           *args, str(plan), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away after one line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err and "lỗi" not in err, err
