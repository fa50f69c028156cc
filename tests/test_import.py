"""kehoach import: seed 001 (text) and a .docx kehoach generated, into the YAML plan format."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from docx_helpers import seed_path
from import_helpers import SEED_001, docx_text, printed, seed_sentences

from workflow.build import build_plan
from workflow.cli import main
from workflow.errors import InputError
from workflow.importer.api import import_plan
from workflow.plan.loader import load_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"

# Hand-made from reading seed 001: each unit part of "IV. TỔ CHỨC THỰC HIỆN" (as its heading
# names it) and, per task in order, the deadline phrases written in the sentence.
SEED_EXPECTED = [
    ("Phòng Giáo dục và Đào tạo quận", [
        ["tháng 2/2024"], ["tháng 3/2024"], ["tháng 3/2024 và tháng 8/2024"],
        ["từ tháng 5 đến tháng 8/2024"], ["Quý II-III/2024", "trước tháng 9/2024"],
        ["Từ ngày 05/9 đến ngày 30/9/2024"], ["tháng 10/2024"], ["tháng 10/2024"],
        ["tháng 11/2024", "trước ngày 05/11/2024"], ["cuối tháng 12/2024"]]),
    ("Phòng Kế hoạch Tài chính quận", [[], []]),
    ("Phòng Văn hoá và Thông tin quận", [[]]),
    ("Chi cục Thống kê quận", [[]]),
    ("Phòng Nội vụ quận", [["đến hết năm 2024"], []]),
    ("Phòng Y tế, Trung tâm Y tế quận", [[], []]),
    ("Hội Khuyến học quận", [[]]),
    ("Ủy ban nhân dân 14 phường", [[], [], [], [], [], [
        "từ tháng 5/2024 đến tháng 8/2024", "từ ngày 05/9/2024 đến ngày 30/9/2024", "vào tháng 10/2024"]]),
    ("Các trường Mầm non, Tiểu học trên địa bàn quận", [
        [], ["từ tháng 02/2024"], ["từ tháng 5/2024 đến tháng 8/2024"], [],
        ["từ ngày 01/9 đến ngày 30/9/2024"], [], []]),
    ("Các trường Trung học cơ sở trên địa bàn quận", [
        ["tháng 02/2024"], [], [], ["từ tháng 6/2024", "từ tháng 7/2024"], ["từ 1-2 lần/quý"],
        ["từ ngày 01/10 đến ngày 20/10/2024"]]),
    ("Các trường trung học phổ thông trên địa bàn quận, Trung tâm GDNN-GDTX quận", [[], [], [], []]),
    ("Các trường nghề trên địa bàn", [[]]),
]


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory):
    d = tmp_path_factory.mktemp("seed")
    src = d / "ke-hoach-2024.txt"
    shutil.copy(SEED_001, src)
    res = import_plan(src)
    return res, load_plan(res.target)


def test_seed_units_tasks_and_phrases_match_the_hand_made_expectation(seed_import):
    res, lp = seed_import
    got = []
    for i, part in enumerate(lp.plan.implementation):
        phrases = [list(t.phrases) for t in lp.tasks if t.path[:2] == ("implementation", i)]
        got.append((lp.unit_name(part.unit), phrases))
    assert got == SEED_EXPECTED
    # "có thời hạn" counts as `kehoach check` does: "từ 1-2 lần/quý" is a rhythm, not a date
    assert (res.parts, res.tasks, res.dated) == (12, 43, sum(t.dated for t in lp.tasks)) == (12, 43, 18)
    assert "12 đơn vị chủ trì" in res.summary() and "43 nhiệm vụ (18 có thời hạn)" in res.summary()


def test_seed_header_basis_closing_and_signer(seed_import):
    _, lp = seed_import
    p = lp.plan
    doc = p.document
    assert (doc.number, doc.symbol, doc.place) == (None, "KH-BCĐ", "Ba Đình")
    assert (doc.date.day, doc.date.month, doc.date.year, p.year) == (None, 2, 2024, 2024)
    assert doc.title.startswith("Công tác phổ cập giáo dục mầm non") and doc.title.endswith("quận năm 2024")
    # the seed lost its header bodies: guessed from the intro, and marked
    assert doc.issuer_name == "Ban Chỉ đạo phổ cập giáo dục, xóa mù chữ quận Ba Đình"
    assert [b[:20] for b in p.basis] == ["Căn cứ Nghị định số ", "Thực hiện Kế hoạch s"]
    assert p.intro[0].endswith("cụ thể như sau:")
    assert [s.title for s in p.sections] == ["MỤC ĐÍCH, YÊU CẦU", "NỘI DUNG CÔNG TÁC PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ",
                                             "GIẢI PHÁP THỰC HIỆN", "TỔ CHỨC THỰC HIỆN"]
    assert [b.kind for b in p.sections[0].content] == ["heading", "heading"]
    item5 = p.sections[2].content[4]
    assert item5.kind == "item" and [c.kind for c in item5.content] == ["bullet"] * 4
    # the line the copy broke ("Tự đánh giá từ" / "tháng 6/2024; …") is one sentence again
    assert "Tự đánh giá từ tháng 6/2024; tập hợp" in item5.content[3].bullet
    assert p.closing[0].startswith("Trên đây là Kế hoạch") and p.closing[0].endswith("giải quyết./.")
    assert p.recipients[0] == "Sở GDĐT Hà Nội" and p.recipients[-1] == "Các trường học, CSGD trên địa bàn quận"
    assert len(p.recipients) == 7 and p.archive == "VT, PGDĐT"
    assert (p.signer.lines, p.signer.name) == (["TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND QUẬN"], "Phạm Thị Diễm")
    notes = [(b.label, b.note[:20]) for part in p.implementation for b in part.content if b.kind == "note"]
    assert notes == [("Kinh phí:", "Chi theo nguồn chươn")] * 2
    assert lp.plan.implementation[0].heading.endswith("- Thường trực công tác phổ cập giáo dục, xóa mù chữ")


def test_seed_groups_and_unit_ids(seed_import):
    res, lp = seed_import
    ids = {u.name: uid for uid, u in lp.units.items()}
    wards = lp.units[ids["Ủy ban nhân dân 14 phường"]]
    assert wards.kind == "nhom"
    health = lp.units[ids["Phòng Y tế, Trung tâm Y tế quận"]]
    assert [lp.unit_name(m) for m in health.members] == ["Phòng Y tế quận", "Trung tâm Y tế quận"]
    assert lp.units[ids["Các trường Mầm non, Tiểu học trên địa bàn quận"]].kind == "nhom-truong"
    for uid in lp.units:
        assert uid.isascii() and uid == uid.lower() and " " not in uid
    text = res.target.read_text(encoding="utf-8")
    # what the importer guessed is marked, never silent
    assert "# ? nhóm đơn vị theo văn bản (\"Ủy ban nhân dân 14 phường\")" in text
    assert "# ? văn bản không ghi cơ quan ban hành ở phần đầu" in text
    comments = " ".join(ln.strip()[1:].strip() for ln in text.splitlines() if ln.strip().startswith("#"))
    assert "được ghi là thường xuyên (ongoing: true); nếu có hạn" in comments


def test_seed_yaml_is_readable_and_loads_back_as_written(seed_import):
    res, _ = seed_import
    text = res.target.read_text(encoding="utf-8")
    assert "task: >-\n" in text                      # long prose as folded blocks
    assert all(len(line) <= 110 for line in text.splitlines())
    data = yaml.safe_load(text)
    assert data["implementation"][0]["content"][0]["deadline"] == "tháng 2/2024"
    assert data["document"]["date"] == {"day": None, "month": 2, "year": 2024}


def test_seed_import_then_build_prints_every_sentence_of_the_seed(seed_import, tmp_path):
    res, _ = seed_import
    out = build_plan(res.target, out_dir=tmp_path / "out")
    docx = next(p for k, p in out.outputs if k == "ke-hoach")
    text = docx_text(docx)
    sentences = seed_sentences(SEED_001.read_text(encoding="utf-8"))
    assert len(sentences) > 150
    missing = [s for s in sentences if s not in text]
    assert missing == [], missing


def test_generated_docx_imports_back_to_the_same_plan(tmp_path):
    built = build_plan(SAMPLE, out_dir=tmp_path / "out")
    docx = next(p for k, p in built.outputs if k == "ke-hoach")
    res = import_plan(docx, out=tmp_path / "back.yaml")
    src, back = printed(load_plan(SAMPLE)), printed(load_plan(res.target))
    for key in src:
        assert back[key] == src[key], key
    assert (res.parts, res.tasks) == (12, 43)


def test_generated_docx_round_trip_detects_a_changed_plan(tmp_path):
    """The comparison can fail: change one deadline in the source and it no longer matches."""
    text = SAMPLE.read_text(encoding="utf-8").replace("deadline: cuối tháng 12/2024", "deadline: đầu tháng 12/2024")
    changed = tmp_path / "plans" / "changed.yaml"
    changed.parent.mkdir()
    changed.write_text(text.replace("units_file: ../units/ba-dinh.yaml",
                                    f"units_file: {ROOT / 'config/units/ba-dinh.yaml'}"), encoding="utf-8")
    built = build_plan(SAMPLE, out_dir=tmp_path / "out")
    docx = next(p for k, p in built.outputs if k == "ke-hoach")
    res = import_plan(docx, out=tmp_path / "back.yaml")
    assert printed(load_plan(changed))["parts"] != printed(load_plan(res.target))["parts"]


def test_existing_output_is_not_overwritten_without_force(tmp_path):
    src = tmp_path / "kh.txt"
    shutil.copy(SEED_001, src)
    target = tmp_path / "kh.yaml"
    target.write_text("# của tôi\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_plan(src)
    assert "--force" in str(e.value)
    assert target.read_text(encoding="utf-8") == "# của tôi\n"
    import_plan(src, force=True)
    assert load_plan(target).plan.year == 2024


def test_cli_import_prints_the_summary(tmp_path, capsys):
    src = tmp_path / "kh.txt"
    shutil.copy(SEED_001, src)
    rc = main(["import", str(src), "-o", str(tmp_path / "out.yaml")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "12 đơn vị chủ trì" in out and "43 nhiệm vụ (18 có thời hạn)" in out and "# ?" in out


@pytest.mark.parametrize("name,content,fragment", [
    ("missing.docx", None, "không tìm thấy tệp"),
    ("broken.docx", b"not a zip", "không mở được tệp Word"),
    ("old.doc", b"\xd0\xcf\x11\xe0", "--convert-to docx"),
    ("latin.txt", "Kế hoạch".encode("cp1258", errors="replace") + b"\xff\xfe\xfa", "không phải UTF-8"),
])
def test_bad_sources_exit_2_with_a_vietnamese_message(tmp_path, capsys, name, content, fragment):
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    rc = main(["import", str(src), "-o", str(tmp_path / "x.yaml")])
    err = capsys.readouterr().err
    assert rc == 2
    assert fragment in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()


def test_plain_text_without_header_still_loads_and_marks_the_blanks(tmp_path):
    src = tmp_path / "short.txt"
    src.write_text("KẾ HOẠCH\nRà soát phổ cập năm 2025\n\nI. TỔ CHỨC THỰC HIỆN\n\n"
                   "1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo Sở (trước ngày 05/11/2025).\n", encoding="utf-8")
    res = import_plan(src, year=2025)
    lp = load_plan(res.target)
    assert [t.phrases for t in lp.tasks] == [("trước ngày 05/11/2025",)]
    assert lp.tasks[0].readings[0].periods[0].end == date(2025, 11, 4)
    text = res.target.read_text(encoding="utf-8")
    for marked in ("không thấy dòng \"Số: …/…\"", "không thấy họ tên người ký", "không thấy căn cứ"):
        assert marked in text


def test_hand_made_word_plan_with_automatic_numbering(tmp_path):
    """A plan typed in Word: list numbering and bullets come from Word's numbering, not the text."""
    from docx import Document

    d = Document()
    for t in ("UBND QUẬN BA ĐÌNH", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Số: 12/KH-PGDĐT",
              "Ba Đình, ngày 05 tháng 3 năm 2025", "KẾ HOẠCH", "Rà soát phổ cập năm 2025",
              "Căn cứ Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ.", "I. TỔ CHỨC THỰC HIỆN"):
        d.add_paragraph(t)
    d.add_paragraph("Phòng Giáo dục và Đào tạo", style="List Number")
    d.add_paragraph("Báo cáo Sở & UBND quận (trước ngày 05/11/2025).", style="List Bullet")
    d.add_paragraph("Hội Khuyến học quận", style="List Number")
    d.add_paragraph("Vận động học sinh ra lớp (quý II/2025).", style="List Bullet")
    for t in ("Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TRƯỞNG PHÒNG", "Nguyễn Văn A"):
        d.add_paragraph(t)
    src = tmp_path / "kh.docx"
    d.save(src)
    res = import_plan(src)
    lp = load_plan(res.target)
    doc = lp.plan.document
    assert (doc.parent_body, doc.issuing_body) == ("UBND QUẬN BA ĐÌNH", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")
    assert (doc.number, doc.symbol, doc.place, doc.date.day, doc.date.month, doc.date.year) == (
        "12", "KH-PGDĐT", "Ba Đình", 5, 3, 2025)
    assert [lp.unit_name(p.unit) for p in lp.plan.implementation] == ["Phòng Giáo dục và Đào tạo", "Hội Khuyến học quận"]
    assert [(t.text, t.phrases) for t in lp.tasks] == [
        ("Báo cáo Sở & UBND quận (trước ngày 05/11/2025).", ("trước ngày 05/11/2025",)),
        ("Vận động học sinh ra lớp (quý II/2025).", ("quý II/2025",))]
    assert (lp.plan.recipients, lp.plan.archive, lp.plan.signer.lines, lp.plan.signer.name) == (
        ["Như trên"], "VT", ["TRƯỞNG PHÒNG"], "Nguyễn Văn A")
    assert "# ? đoán: dòng trên là cơ quan chủ quản" in res.target.read_text(encoding="utf-8")
    assert "&" in docx_text(next(p for k, p in build_plan(res.target, out_dir=tmp_path / "o").outputs
                                 if k == "ke-hoach"))


def test_a_cong_van_is_refused_with_a_reason(tmp_path, capsys):
    src = tmp_path / "cv.txt"
    shutil.copy(seed_path("003"), src)
    rc = main(["import", str(src)])
    assert rc == 2
    assert "là công văn" in capsys.readouterr().err
    assert not (tmp_path / "cv.yaml").exists()


def _yaml_words(path: Path) -> str:
    """The YAML text with comment marks and line breaks removed: what a reader finds in it."""
    lines = [ln.strip().lstrip("#").strip().removeprefix("? ").removeprefix("| ")
             for ln in path.read_text(encoding="utf-8").splitlines()]
    return " ".join(" ".join(lines).split())


def _office_word_plan(path: Path, *, header: str) -> None:
    """A Kế hoạch typed in Word the way an office does it: the header as a two-column table or as
    lines split by tabs, bold headings, automatic numbering and bullets, soft line breaks, a table
    in the body, the Nơi nhận / signature table, and an annex after the signature."""
    from docx import Document

    d = Document()

    def para(text="", *, bold=None, italic=None, style=None, br=None):
        p = d.add_paragraph(style=style)
        r = p.add_run(text)
        r.bold, r.italic = bold, italic
        if br:  # a soft line break (Shift+Enter) inside the paragraph
            r.add_break()
            p.add_run(br).bold = bold
        return p

    if header == "table":
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).paragraphs[0].add_run("UBND QUẬN HOÀN KIẾM")
        p = t.cell(0, 0).add_paragraph()
        p.add_run("BAN CHỈ ĐẠO PHỔ CẬP GIÁO DỤC,").bold = True
        p.add_run().add_break()
        p.add_run("XÓA MÙ CHỮ").bold = True
        t.cell(0, 1).paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
        t.cell(0, 1).add_paragraph().add_run("Độc lập - Tự do - Hạnh phúc").bold = True
        t.cell(1, 0).paragraphs[0].add_run("Số:       /KH-BCĐ")
        t.cell(1, 1).paragraphs[0].add_run("Hoàn Kiếm, ngày      tháng 01 năm 2025").italic = True
    else:  # tabs: the left piece plain and the right one bold on the first line
        p = d.add_paragraph()
        p.add_run("UBND QUẬN HOÀN KIẾM\t")
        p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
        para("BAN CHỈ ĐẠO PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ\tĐộc lập - Tự do - Hạnh phúc", bold=True)
        p = d.add_paragraph()
        p.add_run("Số:       /KH-BCĐ\t")
        p.add_run("Hoàn Kiếm, ngày      tháng 01 năm 2025").italic = True
    para("KẾ HOẠCH", bold=True)
    para("Phổ cập giáo dục, xóa mù chữ", bold=True, br="trên địa bàn quận năm 2025")
    para("Căn cứ Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ về phổ cập giáo dục;", italic=True)
    para("Ban Chỉ đạo PCGD, XMC quận xây dựng Kế hoạch năm 2025 như sau:")
    para("I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    para("Mục đích", bold=True, style="List Number")
    para("Duy trì vững chắc kết quả phổ cập giáo dục năm 2024.", style="List Bullet")
    para("Chỉ tiêu cụ thể như bảng sau:")
    t = d.add_table(rows=2, cols=3)
    for c, (a, b) in enumerate((("Cấp học", "Tiểu học"), ("Mức độ", "Mức 3"), ("Tỷ lệ", "99,5%"))):
        t.cell(0, c).text, t.cell(1, c).text = a, b
    para("Các phường phấn đấu đạt chỉ tiêu trên.")
    para("II. TỔ CHỨC THỰC HIỆN", bold=True)
    para("Phòng Giáo dục và Đào tạo", bold=True, style="List Number")
    para("Tham mưu kiện toàn Ban Chỉ đạo (tháng 02/2025).", style="List Bullet")
    para("Tổ chức tập huấn nghiệp vụ cho cán bộ phường", style="List Bullet", br="(từ ngày 10/3 đến ngày 20/3/2025).")
    para("Theo dõi, đôn đốc các phường thực hiện.", style="List Bullet")
    para("Ủy ban nhân dân 18 phường", bold=True, style="List Number")
    para("Kiểm tra hồ sơ phổ cập của phường (cuối tháng 9/2025).", style="List Bullet")
    para("Trên đây là Kế hoạch phổ cập giáo dục, xóa mù chữ năm 2025 của Ban Chỉ đạo quận./.")
    t = d.add_table(rows=1, cols=2)
    r = t.cell(0, 0).paragraphs[0].add_run("Nơi nhận:")
    r.bold = r.italic = True
    for x in ("- UBND quận (để b/c);", "- 18 phường;", "- Lưu: VT, PGDĐT."):
        t.cell(0, 0).add_paragraph(x)
    t.cell(0, 1).paragraphs[0].add_run("TM. BAN CHỈ ĐẠO").bold = True
    for x in ("TRƯỞNG BAN", "", "Trần Văn Bình"):
        t.cell(0, 1).add_paragraph().add_run(x).bold = True
    para("PHỤ LỤC", bold=True)
    para("Danh sách tổ công tác", bold=True)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Họ và tên", "Nhiệm vụ"
    t.cell(1, 0).text, t.cell(1, 1).text = "Lê Thị Hoa", "Tổ trưởng"
    d.save(path)


@pytest.mark.parametrize("header", ["table", "tabs"])
def test_office_word_plan_header_body_table_and_annex(tmp_path, header):
    src = tmp_path / "kh.docx"
    _office_word_plan(src, header=header)
    res = import_plan(src)
    lp = load_plan(res.target)
    doc = lp.plan.document
    assert (doc.parent_body, doc.issuing_body) == ("UBND QUẬN HOÀN KIẾM", "BAN CHỈ ĐẠO PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ")
    assert (doc.number, doc.symbol, doc.place, doc.date.day, doc.date.month, lp.year) == (
        None, "KH-BCĐ", "Hoàn Kiếm", None, 1, 2025)
    assert doc.title == "Phổ cập giáo dục, xóa mù chữ trên địa bàn quận năm 2025"
    # the table in section I neither ends the sections nor is lost
    assert [s.title for s in lp.plan.sections] == ["MỤC ĐÍCH, YÊU CẦU", "TỔ CHỨC THỰC HIỆN"]
    assert [lp.unit_name(p.unit) for p in lp.plan.implementation] == [
        "Phòng Giáo dục và Đào tạo", "Ủy ban nhân dân 18 phường"]
    assert [t.phrases for t in lp.tasks] == [("tháng 02/2025",), ("từ ngày 10/3 đến ngày 20/3/2025",), (),
                                             ("cuối tháng 9/2025",)]
    assert lp.tasks[1].text == "Tổ chức tập huấn nghiệp vụ cho cán bộ phường (từ ngày 10/3 đến ngày 20/3/2025)."
    assert (res.tasks, res.dated) == (4, 3)
    assert lp.plan.closing[-1].endswith("Ban Chỉ đạo quận./.")
    assert (lp.plan.recipients, lp.plan.archive) == (["UBND quận (để b/c)", "18 phường"], "VT, PGDĐT")
    assert (lp.plan.signer.lines, lp.plan.signer.name) == (["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"], "Trần Văn Bình")
    text = res.target.read_text(encoding="utf-8")
    assert "# | Cấp học | Mức độ | Tỷ lệ" in text and "# | Tiểu học | Mức 3 | 99,5%" in text
    assert "# ? phần sau chữ ký" in text and "# | Lê Thị Hoa | Tổ trưởng" in text
    # nothing typed in the document is missing from the YAML (values or kept comments)
    from docx import Document

    words = _yaml_words(res.target)
    original = Document(str(src))
    texts = [p.text for p in original.paragraphs]
    texts += [c.text for t in original.tables for row in t.rows for c in row.cells]
    pieces = [" ".join(x.split()) for t in texts for x in t.replace("\n", "\t").split("\t")]
    made_by_the_format = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: /KH-BCĐ",
                          "Hoàn Kiếm, ngày tháng 01 năm 2025", "KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU",
                          "II. TỔ CHỨC THỰC HIỆN", "Nơi nhận:", "- Lưu: VT, PGDĐT."}  # fields and numbering
    missing = [x for x in pieces if x and x not in words and x.lstrip("- ").rstrip(";.") not in words
               and x not in made_by_the_format]
    assert missing == [], missing


def test_text_plan_with_a_tabbed_header_and_tabbed_bullets(tmp_path):
    src = tmp_path / "kh.txt"
    src.write_text("UBND QUẬN HOÀN KIẾM\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                   "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO\tĐộc lập - Tự do - Hạnh phúc\n"
                   "Số: 15/KH-PGDĐT\tHoàn Kiếm, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\nRà soát phổ cập\n\n"
                   "Căn cứ Nghị định số 20/2014/NĐ-CP;\n\nI. TỔ CHỨC THỰC HIỆN\n1.\tPhòng Giáo dục và Đào tạo\n"
                   "-\tBáo cáo Sở (trước ngày 05/11/2025).\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
                   "TRƯỞNG PHÒNG\nNguyễn Văn A\n", encoding="utf-8")
    lp = load_plan(import_plan(src).target)
    doc = lp.plan.document
    assert (doc.parent_body, doc.issuing_body, doc.number, doc.symbol, doc.place) == (
        "UBND QUẬN HOÀN KIẾM", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "15", "KH-PGDĐT", "Hoàn Kiếm")
    assert (doc.date.day, doc.date.month, lp.year) == (5, 3, 2025)
    assert [(lp.unit_name(t.owner), t.phrases) for t in lp.tasks] == [
        ("Phòng Giáo dục và Đào tạo", ("trước ngày 05/11/2025",))]


def test_year_missing_from_the_document_comes_from_the_title_and_is_marked(tmp_path):
    src = tmp_path / "kh.txt"
    src.write_text("KẾ HOẠCH\nPhổ cập giáo dục năm 2026\n\nI. TỔ CHỨC THỰC HIỆN\n1. Phòng Giáo dục và Đào tạo\n"
                   "- Báo cáo Sở (tháng 10).\n", encoding="utf-8")
    res = import_plan(src)
    lp = load_plan(res.target)
    assert lp.year == 2026 and lp.tasks[0].readings[0].periods[0].start == date(2026, 10, 1)
    assert "# ? văn bản không ghi năm ban hành: lấy năm 2026 trong trích yếu" in res.target.read_text(encoding="utf-8")


def test_a_range_written_without_tu_is_one_deadline(tmp_path):
    src = tmp_path / "kh.txt"
    src.write_text("KẾ HOẠCH\nPhổ cập giáo dục năm 2025\n\nI. TỔ CHỨC THỰC HIỆN\n1. Phòng Giáo dục và Đào tạo\n"
                   "- Điều tra (tháng 6 đến tháng 8/2025).\n- Tập huấn (tháng 3/2025; tháng 8/2025).\n",
                   encoding="utf-8")
    res = import_plan(src)
    tasks = load_plan(res.target).tasks
    assert [t.phrases for t in tasks] == [("tháng 6 đến tháng 8/2025",), ("tháng 3/2025; tháng 8/2025",)]
    assert [(p.start, p.end) for p in tasks[0].readings[0].periods] == [(date(2025, 6, 1), date(2025, 8, 31))]
    assert "có lẽ là một khoảng thời gian" not in res.target.read_text(encoding="utf-8")
