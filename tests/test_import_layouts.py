"""kehoach import on the layouts offices write (tests/import_corpus.py): task tables, lettered
and dashed unit headings, Word's list numbering, a mixed file; each as .txt and .docx, with
and without a units directory. Checked through to the calendar built from the imported plan
(import → YAML → load_plan → events → .ics parsed back by icalendar and ical)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import import_corpus as corpus
import pytest
from calendar_helpers import events_by_task, parse_both

from workflow.calendars.events import all_events, unit_events
from workflow.calendars.output import write_calendars
from workflow.cli import main
from workflow.importer.api import import_plan
from workflow.plan.loader import load_plan

NAMES = {  # what the corpus writes for each unit of its directory
    "ubnd-xa": {"UBND xã", "Ủy ban nhân dân xã"},
    "thcs-hoa-binh": {"Trường THCS Hòa Bình"},
    "th-hoa-binh": {"Trường Tiểu học Hòa Bình"},
    "mn-hoa-binh": {"Trường Mầm non Hòa Bình"},
}
SUMMARY = {  # the summary line of each layout's main layout
    "table": "bảng nhiệm vụ: 4 đơn vị, 6 dòng → 6 nhiệm vụ, 6 thời hạn",
    "letters": "đề mục đơn vị a), b): 4 đơn vị,",
    "dashes": "đề mục đơn vị gạch đầu dòng: 4 đơn vị,",
    "mixed": "bảng nhiệm vụ: 2 đơn vị, 3 dòng → 3 nhiệm vụ, 3 thời hạn",
}
CASES = [(layout, fmt) for layout in corpus.LAYOUTS for fmt in ("txt", "docx")]


def _import(tmp_path: Path, layout: str, fmt: str, units: bool):
    src = corpus.write(layout, fmt, tmp_path)
    directory = corpus.write_units(tmp_path) if units else None
    res = import_plan(src, out=tmp_path / "out" / "ke-hoach.yaml", units=directory)
    return res, load_plan(res.target)


def _days(events) -> dict[str, list]:
    out: dict[str, list] = {}
    for ev in events:
        out.setdefault(ev.task_id, []).append((ev.start, ev.last))
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("units", [True, False], ids=["units", "no-units"])
@pytest.mark.parametrize("layout,fmt", CASES)
def test_each_layout_gives_every_task_owner_co_owner_and_dated_period(tmp_path, layout, fmt, units):
    res, lp = _import(tmp_path, layout, fmt, units)
    want = corpus.expected(layout)
    assert (res.tasks, res.dated) == (6, 6), res.summary()
    assert len(lp.tasks) == 6
    for t, e in zip(lp.tasks, want):
        assert t.text.startswith(e.text), (t.text, e.text)
        if units:
            assert t.owner == e.owner_id, (t.text, t.owner)
            assert t.co_owners == e.co, (t.text, t.co_owners)
        else:
            assert lp.unit_name(t.owner) in NAMES[e.owner_id], (t.text, lp.unit_name(t.owner))
            assert len(t.co_owners) == len(e.co), (t.text, t.co_owners)
            assert all(lp.unit_name(c) in NAMES[x] for c, x in zip(t.co_owners, e.co)), (t.text, t.co_owners)
    # the calendar built from the imported plan has every deadline, on its days
    days = _days(all_events(lp))
    assert [days.get(t.id) for t in lp.tasks] == [sorted(e.days) for e in want]
    assert res.summary().count("\n") >= 1 and SUMMARY[layout] in res.summary(), res.summary()


@pytest.mark.parametrize("layout,fmt", [("table", "docx"), ("letters", "docx"), ("dashes", "txt"), ("mixed", "txt")])
def test_written_calendars_parse_back_with_every_period(tmp_path, layout, fmt):
    res, lp = _import(tmp_path, layout, fmt, True)
    out = write_calendars(lp, out_dir=tmp_path / "lich").paths
    cal, ical_cal = parse_both(Path(out["tat-ca"]).read_bytes())
    got = sorted((ev["DTSTART"].dt, ev["DTEND"].dt - timedelta(days=1)) for ev in cal.walk("VEVENT"))
    assert got == sorted(d for e in corpus.expected(layout) for d in e.days)
    assert len(ical_cal.events) == len(got)
    # a co-owner's own calendar has the task it helps with
    by_task = events_by_task(parse_both(Path(out["th-hoa-binh"]).read_bytes())[0])
    survey = next(t for t in lp.tasks if t.text.startswith(corpus.TASKS[1].text))
    assert survey.id in by_task and survey.owner == "thcs-hoa-binh"
    # once (its start mark and its deadline), though it helps with it through two names
    assert [e.task_id for e in unit_events(lp, "mn-hoa-binh")].count(survey.id) == 2


def test_units_directory_near_matches_are_proposed_and_marked(tmp_path):
    res, lp = _import(tmp_path, "table", "docx", True)
    text = res.target.read_text(encoding="utf-8")
    assert "units_file: [../don-vi.yaml]" in text or "- ../don-vi.yaml" in text
    assert "thcs-hoa-binh" not in lp.plan.units  # taken from the directory, not declared again
    flat = " ".join(ln.strip().lstrip("#").strip() for ln in text.splitlines())
    assert ('? văn bản ghi "Trường THCS Hòa Bình": đoán là "Trường Trung học cơ sở Hòa Bình" '
            '(mã thcs-hoa-binh) trong danh mục don-vi.yaml; kiểm tra') in " ".join(flat.split())
    # an exact name or short name is no question
    assert 'văn bản ghi "UBND xã"' not in flat and 'văn bản ghi "Trường Tiểu học Hòa Bình"' not in flat
    assert res.listed == 4 and res.units == 0


def test_a_unit_missing_from_the_directory_is_declared_and_marked(tmp_path):
    src = corpus.write("dashes", "txt", tmp_path)
    src.write_text(src.read_text(encoding="utf-8").replace("- Trường Mầm non Hòa Bình:", "- Hội Khuyến học xã:"),
                   encoding="utf-8")
    res = import_plan(src, out=tmp_path / "kh.yaml", units=corpus.write_units(tmp_path))
    lp = load_plan(res.target)
    assert lp.tasks[-1].owner == "hoi-khuyen-hoc-xa" and "hoi-khuyen-hoc-xa" in lp.plan.units
    assert "# ? không có trong danh mục don-vi.yaml" in res.target.read_text(encoding="utf-8")


def test_table_rows_not_tasks_are_kept_not_dropped(tmp_path):
    for fmt in ("txt", "docx"):
        (tmp_path / fmt).mkdir()
        res, _ = _import(tmp_path / fmt, "table", fmt, True)
        text = res.target.read_text(encoding="utf-8")
        assert f"# | Ghi chú: {corpus.NOTE}" in text, fmt
        assert f"# | nhóm trong bảng: {corpus.GROUP}" in text, fmt
        assert "bảng nhiệm vụ (" in text and "Nội dung công việc → nội dung" in text


def test_table_with_a_blank_owner_cell_takes_the_row_above_and_says_so(tmp_path):
    res, lp = _import(tmp_path, "table", "txt", False)
    entry = next(t for t in lp.tasks if t.text.startswith(corpus.TASKS[2].text))
    assert lp.unit_name(entry.owner) == "Trường THCS Hòa Bình"
    assert "ô đơn vị để trống, lấy đơn vị của hàng trên" in res.target.read_text(encoding="utf-8")


def test_a_unit_cell_merged_down_two_rows_owns_both_tasks_without_a_question(tmp_path):
    res, lp = _import(tmp_path, "table", "docx", True)
    owners = [t.owner for t in lp.tasks if t.text.startswith((corpus.TASKS[1].text, corpus.TASKS[2].text))]
    assert owners == ["thcs-hoa-binh"] * 2
    assert "ô đơn vị để trống" not in res.target.read_text(encoding="utf-8")  # a real merge, not a blank


def test_group_headings_of_the_letter_layout_are_kept(tmp_path):
    res, _ = _import(tmp_path, "letters", "docx", True)
    flat = " ".join(" ".join(ln.strip().lstrip("#").split()) for ln in res.target.read_text(encoding="utf-8").splitlines())
    assert 'đề mục "1. Cấp xã' in flat and 'đề mục "2. Cấp trường' in flat


def test_word_numbering_is_the_only_source_of_the_markers(tmp_path):
    """The letters .docx has no typed "1." / "a)" / "-": they come from numbering.xml."""
    from docx import Document

    src = corpus.write("letters", "docx", tmp_path)
    texts = [p.text for p in Document(str(src)).paragraphs]
    assert "Cấp xã" in texts and "Ủy ban nhân dân xã" in texts
    assert not any(t.startswith(("1.", "a)", "- ", "+ ")) for t in texts)
    res = import_plan(src, out=tmp_path / "kh.yaml")
    assert res.tasks == 6


def test_several_layouts_have_one_summary_line_each(tmp_path):
    res, _ = _import(tmp_path, "mixed", "docx", True)
    lines = res.summary().splitlines()
    assert any(x.strip().startswith("bảng nhiệm vụ: 2 đơn vị, 3 dòng → 3 nhiệm vụ, 3 thời hạn") for x in lines)
    assert any(x.strip().startswith("đề mục đơn vị đánh số: 3 đơn vị, 3 đoạn → 3 nhiệm vụ, 3 thời hạn")
               for x in lines), lines


def test_cli_import_with_units_prints_every_layout(tmp_path, capsys):
    src = corpus.write("table", "docx", tmp_path)
    rc = main(["import", str(src), "--units", str(corpus.write_units(tmp_path)), "-o", str(tmp_path / "kh.yaml")])
    out = capsys.readouterr().out
    assert rc == 0 and SUMMARY["table"] in out and "4 lấy từ danh mục" in out


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_old_doc_is_converted_through_libreoffice(tmp_path):
    exe = _soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) không có: không thử được tệp .doc")
    src = corpus.write("table", "docx", tmp_path)
    profile = tmp_path / "lo-profile"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path / "doc"), str(src)], check=True, capture_output=True, timeout=180)
    doc = tmp_path / "doc" / (src.stem + ".doc")
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    res = import_plan(doc, out=tmp_path / "kh.yaml", units=corpus.write_units(tmp_path))
    lp = load_plan(res.target)
    assert [(t.owner, t.co_owners) for t in lp.tasks] == [(e.owner_id, e.co) for e in corpus.expected("table")]
    assert [_days(all_events(lp)).get(t.id) for t in lp.tasks] == [sorted(e.days) for e in corpus.expected("table")]


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\xff\xff"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _encrypted_docx(tmp_path: Path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = corpus.write("letters", "docx", tmp_path)
    out = tmp_path / "enc.bin"
    with plain.open("rb") as f, out.open("wb") as g:
        OOXMLFile(f).encrypt("mat-khau", g)
    return out.read_bytes()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("name,make,fragment", [
    ("ke-hoach.pdf", lambda tmp: PDF, "tệp PDF chưa đọc được"),
    ("ke-hoach.docx", lambda tmp: PDF, "tệp PDF chưa đọc được"),       # the name lies: the bytes tell
    ("scan.png", lambda tmp: _png(), "tệp ảnh"),
    ("scan.docx", lambda tmp: _png(), "tệp ảnh"),
    ("mat-khau.docx", _encrypted_docx, "có mật khẩu"),
])
def test_pdf_image_and_encrypted_files_are_refused_with_exit_2(tmp_path, capsys, name, make, fragment):
    src = tmp_path / name
    src.write_bytes(make(tmp_path))
    rc = main(["import", str(src), "-o", str(tmp_path / "x.yaml")])
    err = capsys.readouterr().err
    assert rc == 2 and fragment in err and str(src) in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()


def test_missing_units_file_is_bad_input(tmp_path, capsys):
    src = corpus.write("table", "txt", tmp_path)
    rc = main(["import", str(src), "--units", str(tmp_path / "khong-co.yaml"), "-o", str(tmp_path / "x.yaml")])
    assert rc == 2 and "không tìm thấy tệp danh mục đơn vị" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


def _plan_txt(body: list[str]) -> str:
    return "\n".join([*corpus.HEAD, *body, *corpus.TAIL]) + "\n"


def test_a_table_under_a_unit_heading_belongs_to_that_unit(tmp_path):
    src = tmp_path / "kh.txt"
    src.write_text(_plan_txt(["II. TỔ CHỨC THỰC HIỆN", "1. Trường Tiểu học Hòa Bình",
                              "Nội dung\tThời gian", "Rà soát trẻ 6 tuổi\ttháng 8/2025",
                              "Báo cáo số liệu\tQuý III/2025"]), encoding="utf-8")
    lp = load_plan(import_plan(src).target)
    assert [(lp.unit_name(t.owner), t.phrases) for t in lp.tasks] == [
        ("Trường Tiểu học Hòa Bình", ("tháng 8/2025",)), ("Trường Tiểu học Hòa Bình", ("Quý III/2025",))]


def test_a_table_split_at_a_page_goes_on_without_its_header(tmp_path):
    from docx import Document

    doc = Document()
    for line in corpus.HEAD:
        doc.add_paragraph(line.replace("\t", " "))
    doc.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
    rows = [("Nội dung công việc", "Thời hạn", "Đơn vị thực hiện"), ("Rà soát trẻ 6 tuổi", "tháng 8/2025", "UBND xã")]
    for part in (rows, [("Báo cáo số liệu", "Quý III/2025", "UBND xã")]):
        t = doc.add_table(rows=len(part), cols=3)
        for r, values in enumerate(part):
            for c, v in enumerate(values):
                t.cell(r, c).text = v
        doc.add_paragraph("")  # Word keeps an empty paragraph between the two halves
    doc.add_paragraph("Bảng số liệu:")
    t = doc.add_table(rows=2, cols=3)  # same width, but after text: not the task table going on
    for c, (a, b) in enumerate((("Cấp học", "Tiểu học"), ("Mức độ", "Mức 3"), ("Tỷ lệ", "99,5%"))):
        t.cell(0, c).text, t.cell(1, c).text = a, b
    for line in corpus.TAIL:
        doc.add_paragraph(line)
    src = tmp_path / "kh.docx"
    doc.save(src)
    res = import_plan(src)
    lp = load_plan(res.target)
    assert [(t.text, t.owner) for t in lp.tasks] == [("Rà soát trẻ 6 tuổi (tháng 8/2025)", "ubnd-xa"),
                                                    ("Báo cáo số liệu (Quý III/2025)", "ubnd-xa")]
    assert "# | Cấp học | Mức độ | Tỷ lệ" in res.target.read_text(encoding="utf-8")


def test_bold_unit_lines_without_markers_head_their_tasks(tmp_path, capsys):
    from docx import Document

    doc = Document()
    for line in corpus.HEAD:
        doc.add_paragraph(line.replace("\t", " "))
    doc.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
    for unit, tasks in (("Ủy ban nhân dân xã", ["Kiện toàn Ban Chỉ đạo (tháng 01/2025)."]),
                        ("Trường Mầm non Hòa Bình:", ["Huy động trẻ ra lớp.", "Thời gian thực hiện: tháng 8/2025"])):
        doc.add_paragraph().add_run(unit).bold = True
        for x in tasks:
            doc.add_paragraph(x, style="List Bullet")
    for line in corpus.TAIL:
        doc.add_paragraph(line)
    src = tmp_path / "kh.docx"
    doc.save(src)
    rc = main(["import", str(src), "--units", str(corpus.write_units(tmp_path)), "--json"])
    import json

    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["tasks"] == 2 and out["dated"] == 2 and out["listed"] == 2
    assert out["layouts"] == [{"name": "đề mục đơn vị in đậm", "rows": 3, "units": 2, "tasks": 2, "dated": 2}]
    lp = load_plan(out["target"])
    assert [(t.owner, t.phrases) for t in lp.tasks] == [("ubnd-xa", ("tháng 01/2025",)), ("mn-hoa-binh", ("tháng 8/2025",))]
