"""The built seed-001 Kế hoạch, reopened with python-docx and read as a person would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx_helpers import full_text, missing_in_order, normalise, seed_text

from workflow.build import build_plan
from workflow.cli import main

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "config" / "plans" / "ba-dinh-2024.yaml"
TNR = "Times New Roman"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    res = build_plan(PLAN, out_dir=out)
    path = dict((k, p) for k, p in res.outputs)["ke-hoach"]
    return res, path


def seed_body() -> str:
    return seed_text("001")


def test_every_seed_sentence_in_order(built):
    _, path = built
    missing = missing_in_order(seed_body(), full_text(path))
    assert missing == [], f"{len(missing)} sentences of seed 001 missing or out of order: {missing[:5]}"


def test_oracle_catches_a_dropped_sentence(built):
    """The seed comparison itself must be able to fail."""
    _, path = built
    text = full_text(path).replace("Duy trì và nâng cao các tiêu chí", "Giữ các tiêu chí")
    assert missing_in_order(seed_body(), text)


@pytest.mark.parametrize("right,wrong", [
    ("II. NỘI DUNG", "III. NỘI DUNG"),                      # a wrong section number
    ("3. Lập kế hoạch thực hiện", "13. Lập kế hoạch thực hiện"),  # a wrong item number
    ("5. Phòng Nội vụ", "6. Phòng Nội vụ"),
    ("- Lưu: VT, PGDĐT.", "- Lưu: VT."),
    ("giải quyết./.", "giải quyết."),
])
def test_oracle_catches_a_changed_number_or_ending(built, right, wrong):
    _, path = built
    text = normalise(full_text(path))
    assert right in text
    assert missing_in_order(seed_body(), text.replace(right, wrong, 1))


def test_page_a4_and_margins(built):
    _, path = built
    doc = Document(str(path))
    for s in doc.sections:
        assert abs(s.page_width - Mm(210)) < Mm(1) and abs(s.page_height - Mm(297)) < Mm(1)
        tol = Mm(0.1)  # Word stores twips: 15 mm is 850 twips = 14.99 mm
        assert Mm(20) - tol <= s.top_margin <= Mm(25) + tol
        assert Mm(20) - tol <= s.bottom_margin <= Mm(25) + tol
        assert Mm(30) - tol <= s.left_margin <= Mm(35) + tol
        assert Mm(15) - tol <= s.right_margin <= Mm(20) + tol


def _slots(el) -> dict:
    f = el.find(qn("w:rFonts")) if el is not None else None
    if f is None:
        return {}
    return {k: f.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "cs", "eastAsia") if f.get(qn(f"w:{k}"))}


def test_times_new_roman_on_all_four_slots(built):
    _, path = built
    doc = Document(str(path))
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert _slots(rpr_default) == {k: TNR for k in ("ascii", "hAnsi", "cs", "eastAsia")}
    assert rpr_default.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    theme_attrs = [a for el in doc.element.iter(qn("w:rFonts")) for a in el.attrib if "Theme" in a or "theme" in a]
    assert not theme_attrs, "theme fonts would override Times New Roman"
    # every explicit font anywhere (styles and body) is Times New Roman
    for root in (styles, doc.element):
        for f in root.iter(qn("w:rFonts")):
            for k in ("ascii", "hAnsi", "cs", "eastAsia"):
                v = f.get(qn(f"w:{k}"))
                assert v in (None, TNR), f"{k}={v}"


def _cell_paras(path):
    doc = Document(str(path))
    return doc, doc.tables[0]


def _effective(par, run, attr):
    """Run value, else the paragraph style chain's value."""
    v = getattr(run.font, attr)
    style = par.style
    while v is None and style is not None:
        v = getattr(style.font, attr)
        style = style.base_style
    return v


def test_header_texts_and_format(built):
    _, path = built
    doc, t = _cell_paras(path)
    left = [p for p in t.cell(0, 0).paragraphs if p.text.strip()]
    right = [p for p in t.cell(0, 1).paragraphs if p.text.strip()]
    assert [p.text for p in left] == ["UBND QUẬN BA ĐÌNH", "BAN CHỈ ĐẠO PCGD, XMC"]
    assert not _effective(left[0], left[0].runs[0], "bold")
    assert _effective(left[1], left[1].runs[0], "bold")
    assert [p.text for p in right] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(_effective(p, p.runs[0], "bold") for p in right)
    qh, tn = (_effective(p, p.runs[0], "size").pt for p in right)
    assert 12 <= qh <= 13 and 13 <= tn <= 14 and tn == qh + 1
    number = t.cell(1, 0).paragraphs[0]
    assert normalise(number.text) == "Số: /KH-BCĐ"
    date = t.cell(1, 1).paragraphs[0]
    assert normalise(date.text) == "Ba Đình, ngày tháng 02 năm 2024"
    assert _effective(date, date.runs[0], "italic")
    assert 13 <= _effective(date, date.runs[0], "size").pt <= 14
    # the rules under the issuing body and the motto: 2 pt paragraphs with a bottom border
    rules = [p for p in t._tbl.iter(qn("w:p")) if p.find(qn("w:pPr")) is not None
             and p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None]
    assert len(rules) == 2


def test_title_and_subject(built):
    _, path = built
    doc = Document(str(path))
    paras = [p for p in doc.paragraphs if p.text.strip()]
    assert paras[0].text == "KẾ HOẠCH"
    assert paras[1].text.startswith("Công tác phổ cập giáo dục mầm non cho trẻ 5 tuổi")
    for p in paras[:2]:
        assert _effective(p, p.runs[0], "bold")
        assert p.alignment == 1 or p.style.paragraph_format.alignment == 1  # centred


def test_basis_italic_body_justified(built):
    _, path = built
    doc = Document(str(path))
    basis = [p for p in doc.paragraphs if p.text.startswith(("Căn cứ", "Thực hiện Kế hoạch"))]
    assert len(basis) == 2
    assert all(_effective(p, p.runs[0], "italic") for p in basis)
    body = next(p for p in doc.paragraphs if p.text.startswith("Tiếp tục chỉ đạo triển khai"))
    fmt = body.style.paragraph_format
    assert fmt.alignment == 3  # justify
    assert Mm(10) <= fmt.first_line_indent <= Mm(12.7) + 1


@pytest.mark.parametrize("day,month,expected", [
    (5, 2, "ngày 05 tháng 02 năm 2024"), (12, 3, "ngày 12 tháng 3 năm 2024"),
    (1, 1, "ngày 01 tháng 01 năm 2024"), (30, 12, "ngày 30 tháng 12 năm 2024"),
    (None, 2, "ngày tháng 02 năm 2024"), (None, 10, "ngày tháng 10 năm 2024"),
])
def test_date_zero_rule(tmp_path, day, month, expected):
    text = PLAN.read_text(encoding="utf-8").replace(
        "date: {day: null, month: 2, year: 2024}", f"date: {{day: {day if day else 'null'}, month: {month}, year: 2024}}")
    plan = tmp_path / "ba-dinh-2024.yaml"
    plan.write_text(text.replace("../units/ba-dinh.yaml", str(PLAN.parent.parent / "units" / "ba-dinh.yaml")),
                    encoding="utf-8")
    res = build_plan(plan, out_dir=tmp_path / "o")
    doc = Document(str(res.outputs[0][1]))
    assert normalise(doc.tables[0].cell(1, 1).text) == f"Ba Đình, {expected}"


def test_recipients_and_signer(built):
    _, path = built
    doc = Document(str(path))
    closing = doc.tables[1]
    left = [p.text for p in closing.cell(0, 0).paragraphs if p.text.strip()]
    assert left[0] == "Nơi nhận:"
    assert left[1] == "- Sở GDĐT Hà Nội;"
    assert left[-1] == "- Lưu: VT, PGDĐT."
    assert len(left) == 9
    title = closing.cell(0, 0).paragraphs[0]
    assert _effective(title, title.runs[0], "bold") and _effective(title, title.runs[0], "italic")
    entry = closing.cell(0, 0).paragraphs[1]
    assert _effective(entry, entry.runs[0], "size").pt == 11
    right = [p for p in closing.cell(0, 1).paragraphs if p.text.strip()]
    assert [p.text for p in right] == ["TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND QUẬN", "Phạm Thị Diễm"]
    assert all(_effective(p, p.runs[0], "bold") for p in right)


def test_page_numbers_from_page_two(built):
    _, path = built
    doc = Document(str(path))
    sec = doc.sections[0]
    assert sec.different_first_page_header_footer
    assert not sec.first_page_header.is_linked_to_previous
    assert sec.first_page_header._element.xpath("string(.)").strip() == ""
    instr = "".join(sec.header._element.xpath(".//w:instrText/text()"))
    assert "PAGE" in instr
    assert sec.header.paragraphs[0].alignment == 1


def test_schedule_annex_sorted_with_ongoing_last(built):
    _, path = built
    doc = Document(str(path))
    annex = doc.tables[2]
    header = [c.text for c in annex.rows[0].cells]
    assert header == ["Thời gian", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp"]
    rows = [[c.text for c in r.cells] for r in annex.rows[1:]]
    assert rows[0][0] == "Tháng 2/2024"
    whens = [r[0] for r in rows]
    first_ongoing = whens.index("Thường xuyên")
    assert all(w == "Thường xuyên" for w in whens[first_ongoing:])
    assert any("05/9 đến ngày 30/9/2024" in w for w in whens[:first_ongoing])
    assert "Phụ lục" in full_text(path)


def test_no_leftover_tags_or_none(built):
    _, path = built
    text = full_text(path)
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert not re.search(r"\bNone\b", text)


def test_manifest_lists_inputs_and_outputs(built):
    res, path = built
    data = json.loads(res.manifest_path.read_text(encoding="utf-8"))
    assert data["tool"] == "kehoach"
    inputs = {Path(i["path"]).name for i in data["inputs"]}
    assert {"ba-dinh-2024.yaml", "ba-dinh.yaml"} <= inputs
    assert all(len(i["sha256"]) == 64 for i in data["inputs"])
    assert any(Path(o["path"]).name == path.name for o in data["outputs"])


def test_manifest_names_the_template(built):
    """An edited template changes the output: a rebuild must see it among the inputs."""
    res, _ = built
    data = json.loads(res.manifest_path.read_text(encoding="utf-8"))
    tpl = [i for i in data["inputs"] if Path(i["path"]).name == "ke-hoach.docx"]
    assert len(tpl) == 1 and len(tpl[0]["sha256"]) == 64


def test_same_plan_same_bytes(tmp_path):
    """An unchanged plan rebuilds to the same .docx bytes, so the manifest's hash says
    'unchanged' (python-docx stamps zip members with the time of saving)."""
    import zipfile

    a = build_plan(PLAN, out_dir=tmp_path / "a").outputs[0][1]
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.testzip() is None
    b = build_plan(PLAN, out_dir=tmp_path / "b").outputs[0][1]
    assert a.read_bytes() == b.read_bytes()
    Document(str(a))  # still a valid document


SPECIAL = "A & B < C > D \"E\" 'F'"


def test_special_characters_survive_every_field(tmp_path):
    from test_plan_errors import GOOD

    text = (GOOD.replace("UBND QUẬN BA ĐÌNH", "UBND & <QUẬN>")
                .replace("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "PHÒNG \"GD\" & 'ĐT'")
                .replace("place: Ba Đình", f"place: '{SPECIAL.replace(chr(39), chr(39) * 2)}'")
                .replace("title: Công tác phổ cập giáo dục năm 2024", f"title: '{SPECIAL.replace(chr(39), chr(39) * 2)} tiêu đề'")
                .replace("Một đoạn văn.", "'Đoạn <b>đậm</b> & \"trích\"'")
                .replace("Báo cáo kết quả.", "'Báo cáo A & B <C> (tháng 10/2024)'")
                .replace("recipients: [Sở GDĐT]", "recipients: ['Sở <GD> & \"ĐT\"']")
                .replace("name: Nguyễn Văn A", "name: 'Nguyễn <Văn> & A'")
                .replace("TRƯỞNG PHÒNG]", "TRƯỞNG PHÒNG & BAN]"))
    plan = tmp_path / "p.yaml"
    plan.write_text(text, encoding="utf-8")
    res = build_plan(plan, out_dir=tmp_path / "o")
    got = normalise(full_text(res.outputs[0][1]))
    for expected in ["UBND & <QUẬN>", "PHÒNG \"GD\" & 'ĐT'", f"{SPECIAL}, ngày 05 tháng 02 năm 2024",
                     f"{SPECIAL} tiêu đề", "Đoạn <b>đậm</b> & \"trích\"", "- Báo cáo A & B <C> (tháng 10/2024)",
                     "- Sở <GD> & \"ĐT\";", "Nguyễn <Văn> & A", "TRƯỞNG PHÒNG & BAN"]:
        assert expected in got, expected


def test_cli_build_prints_outputs(tmp_path, capsys):
    rc = main(["build", str(PLAN), "-o", str(tmp_path), "--json"])
    out = capsys.readouterr().out
    assert rc == 0
    data = json.loads(out)
    assert any(o["kind"] == "ke-hoach" for o in data["outputs"])
    assert Path(data["manifest"]).is_file()


def test_user_template_wins(tmp_path):
    from docx import Document as D
    user = tmp_path / "mau"
    user.mkdir()
    d = D()
    d.add_paragraph("MẪU RIÊNG {{ doc.title }}")
    d.save(user / "ke-hoach.docx")
    res = build_plan(PLAN, out_dir=tmp_path / "o", templates=user)
    assert full_text(res.outputs[0][1]).startswith("MẪU RIÊNG Công tác phổ cập")


def test_shipped_template_matches_its_builder(tmp_path):
    """templates/kehoach/ke-hoach.docx is what builders/kehoach.py makes (same document XML)."""
    from workflow.documents.builders import kehoach

    fresh = tmp_path / "k.docx"
    kehoach.build(fresh)
    shipped = ROOT / "templates" / "kehoach" / "ke-hoach.docx"
    a = Document(str(fresh)).element.xml
    b = Document(str(shipped)).element.xml
    assert a == b, "run: python -m workflow.documents.builders templates"


def test_outputs_readable_by_others(tmp_path):
    """Outputs are shared in the office: not the private 0600 of a temp file."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        res = build_plan(PLAN, out_dir=tmp_path / "o")
        for _, p in res.outputs + [("manifest", res.manifest_path)]:
            assert stat.S_IMODE(p.stat().st_mode) == 0o644, p.name
        kh = res.outputs[0][1]
        kh.chmod(0o664)  # a mode the user chose is kept on rebuild
        build_plan(PLAN, out_dir=tmp_path / "o")
        assert stat.S_IMODE(kh.stat().st_mode) == 0o664
    finally:
        os.umask(old)


def test_failing_later_stage_leaves_previous_outputs_untouched(tmp_path, capsys):
    """A build is all or nothing: when the công văn stage fails on a user's template, the
    Kế hoạch and calendars written earlier in the same build are not kept either."""
    out = tmp_path / "out"
    first = build_plan(PLAN, out_dir=out)
    before = {p: p.read_bytes() for _, p in first.outputs}
    manifest_before = (out / "manifest.json").read_bytes()
    user = tmp_path / "mau"
    user.mkdir()
    kh = Document(str(ROOT / "templates" / "kehoach" / "ke-hoach.docx"))
    kh.add_paragraph("Bản sửa của phòng")  # a real change to the Kế hoạch output
    kh.save(user / "ke-hoach.docx")
    bad = Document()
    bad.add_paragraph("{{ doc.khong_co }}")
    bad.save(user / "cong-van.docx")
    rc = main(["build", str(PLAN), "-o", str(out), "--templates", str(user)])
    err = capsys.readouterr().err
    assert rc == 2 and "khong_co" in err
    assert {p: p.read_bytes() for p in before} == before
    assert (out / "manifest.json").read_bytes() == manifest_before
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
