"""The Báo cáo laid out as published reports are: annex tables as the official forms (units as
rows, indicators as columns, merged header cells, landscape where wide), the signature kept
with the end of the body, small tables kept whole, and charts readable on paper (serif text
≥ 10 pt as printed, axis from 0 %, labelled thresholds, values on the bars, a legend, a
"Biểu đồ n." caption the text refers to). Read back with python-docx and matplotlib."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from stats_helpers import META, unit, write_csv

from workflow.cli import main


@pytest.fixture
def report(tmp_path):
    """The report of three wards (Phường Ba misses THCS mức 3: 370/400 = 92,50 %)."""
    rows = [unit("Phường Một"), unit("Phường Hai"),
            unit("Phường Ba", thcs_tong=400, thcs_tot_nghiep=370)]
    data = write_csv(tmp_path / "d.csv", rows, notes=["Số liệu mẫu"])
    prev = write_csv(tmp_path / "p.csv", [unit("Phường Một"), unit("Phường Hai"), unit("Phường Ba")])
    meta = tmp_path / "meta.yaml"
    meta.write_text(META, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(data), "--meta", str(meta), "--previous", str(prev), "-o", str(out)]) == 0
    return data, out / "bao-cao-pcgd-xmc-2024.docx"


def _annex_tables(doc):
    """The annex tables (those whose first cell is 'TT' and which have a 'Mức đạt' column)."""
    return [t for t in doc.tables if t.rows[0].cells[0].text == "TT" and t.rows[0].cells[-1].text == "Mức đạt"]


def _vmerge(row, col: int) -> str | None:
    """The w:vMerge of the cell at grid column ``col`` of ``row`` as written (python-docx's
    row.cells hands back the cell a vertical merge starts from)."""
    tcs = [tc for tc in row._tr.tc_lst for _ in range(tc.grid_span)]
    tcpr = tcs[col].tcPr
    el = None if tcpr is None else tcpr.find(qn("w:vMerge"))
    return None if el is None else (el.get(qn("w:val")) or "continue")


def test_annexes_have_units_as_rows_and_indicators_as_columns(report):
    _, docx = report
    doc = Document(str(docx))
    annexes = _annex_tables(doc)
    assert len(annexes) == 4
    thcs = annexes[2]
    heads = [tuple(c.text for c in row.cells) for row in thcs.rows[:3]]
    # one group per cohort; under it "Phải phổ cập" and each indicator with its count and rate
    assert heads[0][2] == "Thanh thiếu niên 15–18 tuổi"
    assert heads[1][2:7] == ("Phải phổ cập", "Tốt nghiệp THCS", "Tốt nghiệp THCS",
                             "Đang học THPT, GDTX cấp THPT hoặc GDNN", "Đang học THPT, GDTX cấp THPT hoặc GDNN")
    assert heads[2][3:7] == ("Số lượng", "Tỷ lệ (%)", "Số lượng", "Tỷ lệ (%)")
    # TT, Đơn vị and Mức đạt are one cell down the three header rows (no empty boxes)
    for col in (0, 1, -1):
        assert [_vmerge(thcs.rows[r], col) for r in range(3)] == ["restart", "continue", "continue"]
    assert [_vmerge(thcs.rows[r], 2) for r in range(3)] == [None, "restart", "continue"]
    body = [tuple(c.text for c in row.cells) for row in thcs.rows[3:]]
    assert body == [
        ("1", "Phường Một", "400", "400", "100,00", "400", "100,00", "Mức độ 3"),
        ("2", "Phường Hai", "400", "400", "100,00", "400", "100,00", "Mức độ 3"),
        ("3", "Phường Ba", "400", "370", "92,50", "400", "100,00", "Mức độ 2"),
        ("", "Tổng cộng", "1.200", "1.170", "97,50", "1.200", "100,00", "Mức độ 2"),
    ]
    # the long indicator names are written once, in the header, not on every row
    text = "\n".join(c.text for row in thcs.rows[3:] for c in row.cells)
    assert "Tỷ lệ thanh niên" not in text and "tốt nghiệp" not in text.lower()
    # header rows repeat on every page, no row breaks across pages
    for i, row in enumerate(thcs.rows):
        trpr = row._tr.trPr
        assert trpr is not None and trpr.find(qn("w:cantSplit")) is not None
        assert (trpr.find(qn("w:tblHeader")) is not None) is (i < 3)


def _section_of(doc):
    """Paragraph text -> index of the section it is in."""
    out, sec = {}, 0
    for p in doc.paragraphs:
        out.setdefault(p.text, sec)
        ppr = p._p.pPr
        if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
            sec += 1
    return out


def test_a_wide_annex_is_landscape_and_the_others_portrait(report):
    _, docx = report
    doc = Document(str(docx))
    orient = [s.orientation for s in doc.sections]
    where = _section_of(doc)
    by_annex = {r: orient[where[f"Phụ lục {r}"]] for r in ("I", "II", "III", "IV")}
    assert orient[0] == WD_ORIENT.PORTRAIT and where["Phụ lục I"] == 0
    assert by_annex == {"I": WD_ORIENT.PORTRAIT, "II": WD_ORIENT.LANDSCAPE,
                        "III": WD_ORIENT.PORTRAIT, "IV": WD_ORIENT.PORTRAIT}
    landscape = doc.sections[where["Phụ lục II"]]
    assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
    # the TH annex fills the landscape width; a portrait annex the portrait width
    annexes = _annex_tables(doc)
    widths = [sum(int(g.get(qn("w:w"))) for g in t._tbl.tblGrid.findall(qn("w:gridCol"))) / 56.7 for t in annexes]
    assert [round(w) for w in widths] == [165, 252, 165, 165]
    # every annex page is numbered (the first page of a new section too)
    for s in doc.sections[1:]:
        assert not s.different_first_page_header_footer


def test_signature_is_kept_with_the_last_paragraph_and_small_tables_stay_whole(report):
    _, docx = report
    doc = Document(str(docx))
    body = list(doc.element.body.iterchildren())
    closing = next(i for i, el in enumerate(body) if el.tag == qn("w:tbl") and "Nơi nhận:" in "".join(
        t.text or "" for t in el.iter(qn("w:t"))))
    last = body[closing - 1]
    assert "".join(t.text or "" for t in last.iter(qn("w:t"))).startswith("Trên đây là báo cáo")
    from docx.text.paragraph import Paragraph

    para = Paragraph(last, doc._body)
    fmt = para.paragraph_format
    style = para.style.paragraph_format
    assert (fmt.keep_with_next or style.keep_with_next) and (fmt.keep_together or style.keep_together)
    compare = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    for row in compare.rows[:-1]:       # every row but the last keeps with the next: one block
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)


def test_rates_are_rounded_half_up_and_the_rule_is_stated_once(report):
    _, docx = report
    doc = Document(str(docx))
    paras = [p.text for p in doc.paragraphs]
    compare = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    assert [c.text for c in compare.rows[1].cells][2:4] == ["100,00%", "66,67%"]     # 2/3, not 66,66
    line = next(p for p in paras if "PCGD THCS mức độ 3" in p and p.startswith("- Quận Mẫu"))
    assert "do có 2/3 (66,67%) phường đạt chuẩn PCGD THCS mức độ 3, yêu cầu 100% (" in line
    assert "ít nhất 100%" not in "\n".join(paras)
    notes = [p for p in paras if "làm tròn" in p]
    assert len(notes) == 1 and "hai chữ số thập phân" in notes[0] and "89,996%" in notes[0]
    assert "cắt (không làm tròn lên)" not in "\n".join(paras)


def _png_inches(blob: bytes) -> float:
    from PIL import Image

    im = Image.open(io.BytesIO(blob))
    return im.width / im.info["dpi"][0]


def test_charts_are_readable_on_paper(report):
    """Text ≥ 10 pt as printed (figure size vs inserted width), a serif font with Vietnamese
    glyphs, value axes from 0 %, thresholds written beside their lines, each value on its
    bar, a legend; captions 'Biểu đồ n.' under the charts, referenced in the text."""
    from matplotlib import font_manager
    from matplotlib.text import Text

    from workflow.statistics.api import evaluate_file
    from workflow.statistics.charts import programme_figures

    data, docx = report
    doc = Document(str(docx))
    shapes = doc.inline_shapes
    assert len(shapes) == 4
    ev = evaluate_file(data)
    for n, (shape, p) in enumerate(zip(shapes, ev.criteria.programmes), start=1):
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        scale = shape.width.inches / _png_inches(blob)
        (fig,) = programme_figures(ev, p)             # three wards: one figure each
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        smallest = min(t.get_fontsize() for t in texts) * scale
        assert smallest >= 10, f"{p.short}: chữ nhỏ nhất {smallest:.1f} pt khi in"
        for t in texts:
            path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
            assert "Serif" in path, (t.get_text(), path)
        words = [t.get_text() for t in texts]
        value_axes = [ax for ax in fig.axes if ax.patches]
        assert value_axes and all(ax.get_xlim()[0] == 0 for ax in value_axes)
        thresholds = {f"{int(c.threshold)}%" for lv in p.levels for c in lv.criteria}
        assert all(any(w.endswith(t) or f"{t})" in w for w in words) for t in thresholds), (thresholds, words)
        assert fig.legends or any(ax.get_legend() for ax in fig.axes)
        if p.id == "thcs":
            assert "92,50" in words and words.count("100,00") >= 5    # each bar carries its value
        # the caption right under the chart, and the text pointing at it
        pic_para = next(i for i, q in enumerate(doc.paragraphs)
                        if q._p.xpath(".//a:blip") and q._p.xpath(".//a:blip")[0].get(qn("r:embed"))
                        == shape._inline.graphic.graphicData.pic.blipFill.blip.embed)
        caption = doc.paragraphs[pic_para + 1].text
        assert caption.startswith(f"Biểu đồ {n}. ") and p.name in caption.lower()
        assert any(f"(Biểu đồ {n})" in q.text for q in doc.paragraphs[:pic_para])
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_a_users_template_from_before_still_gets_its_annex_rows(tmp_path):
    """A restyled copy of the old template (annex rows as a docxtpl loop over a.rows, a unit
    per indicator) keeps working: the rows are still there for it, rounded the new way."""
    from docx.enum.text import WD_BREAK

    from workflow.documents.builders.common import new_document, para, tag

    doc = new_document()
    tag(doc, "for a in annexes")
    para(doc, "", "KH Control").add_run().add_break(WD_BREAK.PAGE)
    para(doc, "Phụ lục {{ a.roman }}", "KH Annex Title")
    t = doc.add_table(rows=4, cols=3)
    for cell, text in zip(t.rows[0].cells, ("Đơn vị", "Chỉ tiêu", "Tỷ lệ (%)")):
        cell.text = text
    t.rows[1].cells[0].text = "{%tr for r in a.rows %}"
    for cell, text in zip(t.rows[2].cells, ("{{ r.unit }}", "{{ r.what }}", "{{ r.rate }}")):
        cell.text = text
    t.rows[3].cells[0].text = "{%tr endfor %}"
    para(doc, "{{ a.legend }}", "KH Annex Note")
    tag(doc, "endfor")
    user = tmp_path / "mau"
    user.mkdir()
    doc.save(str(user / "bao-cao-pcgd-xmc.docx"))
    data = write_csv(tmp_path / "d.csv", [unit("Phường Một"), unit("Phường Ba", thcs_tong=14, thcs_tot_nghiep=13,
                                                                            thcs_dang_hoc=14)])
    meta = tmp_path / "meta.yaml"
    meta.write_text(META, encoding="utf-8")
    assert main(["report", str(data), "--meta", str(meta), "--templates", str(user), "-o", str(tmp_path / "o"),
                 "--no-charts"]) == 0
    out = Document(str(tmp_path / "o" / "bao-cao-pcgd-xmc-2024.docx"))
    thcs = out.tables[2]
    rows = [[c.text for c in r.cells] for r in thcs.rows[1:]]
    assert ["Phường Ba", "Tỷ lệ thanh niên, thiếu niên từ 15 đến 18 tuổi tốt nghiệp trung học cơ sở",
            "92,86"] in rows
    assert any("làm tròn đến hai chữ số thập phân" in p.text for p in out.paragraphs)


def test_a_chart_taller_than_a_page_is_split_and_many_units_get_none(tmp_path, capsys):
    """40 wards: the primary chart's two rows of panels would overflow a page, so each row
    is a chart of its own (numbered, cited together); every chart fits the text height."""
    from workflow.statistics.api import evaluate_file
    from workflow.statistics.charts import PAGE_MM, programme_figures

    rows = [unit(f"Phường {i:02d}") for i in range(40)]
    data = write_csv(tmp_path / "d.csv", rows)
    ev = evaluate_file(data)
    figs = {p.id: programme_figures(ev, p) for p in ev.criteria.programmes}
    assert [len(f) for f in figs.values()] == [1, 2, 1, 1]
    for f in (f for fs in figs.values() for f in fs):
        assert f.get_size_inches()[1] * 25.4 <= PAGE_MM + 0.01
    meta = tmp_path / "meta.yaml"
    meta.write_text(META, encoding="utf-8")
    assert main(["report", str(data), "--meta", str(meta), "-o", str(tmp_path / "o")]) == 0
    doc = Document(str(tmp_path / "o" / "bao-cao-pcgd-xmc-2024.docx"))
    paras = [p.text for p in doc.paragraphs]
    assert len(doc.inline_shapes) == 5
    assert any(p.startswith("- Kết quả của từng phường (Biểu đồ 2, 3): ") for p in paras)
    captions = [p for p in paras if p.startswith("Biểu đồ ")]
    assert [c.split(".")[0] for c in captions] == [f"Biểu đồ {i}" for i in range(1, 6)]
    assert captions[1].endswith("(1/2)") and captions[2].endswith("(2/2)")
    # beyond 45 units a bar each is not readable on a page: no charts, and the user is told
    data = write_csv(tmp_path / "d.csv", [unit(f"Phường {i:02d}") for i in range(46)])
    capsys.readouterr()
    assert main(["report", str(data), "--meta", str(meta), "-o", str(tmp_path / "o2")]) == 0
    assert "Không vẽ biểu đồ vì có hơn 45 đơn vị" in capsys.readouterr().out
    assert len(Document(str(tmp_path / "o2" / "bao-cao-pcgd-xmc-2024.docx")).inline_shapes) == 0


def test_two_units_get_charts_whose_labels_fit(tmp_path):
    """Few units: the bars still leave room for the axis and the threshold labels above
    them (matplotlib would otherwise give up the layout and say so)."""
    import warnings

    from workflow.statistics.api import evaluate_file
    from workflow.statistics.charts import programme_figures

    data = write_csv(tmp_path / "d.csv", [unit("Phường Một"), unit("Phường Hai")])
    ev = evaluate_file(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Tight layout not applied" is a UserWarning
        figs = [f for p in ev.criteria.programmes for f in programme_figures(ev, p)]
    assert figs
