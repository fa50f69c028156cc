"""Template safety: a template edited "by hand" in Word (split tags, curly quotes, unknown
names) is reported paragraph by paragraph, and a build with it fails cleanly (exit 2,
nothing written) instead of a Jinja traceback or a silently damaged document."""

from __future__ import annotations

import shutil

import docx
import pytest
from docxtpl import DocxTemplate
from lint_helpers import PLAN, ROOT, find_par

from workflow.cli import main
from workflow.documents.jinja import jinja_env
from workflow.documents.preflight import blocking_problems
from workflow.documents.preflight_render import check_template
from workflow.documents.render import render_docx
from workflow.documents.template_data import context_names
from workflow.errors import InputError

SHIPPED = ROOT / "templates" / "kehoach" / "ke-hoach.docx"


def _doc(path, paragraphs):
    """A small template: each item is a list of runs of one paragraph."""
    d = docx.Document()
    for runs in paragraphs:
        p = d.add_paragraph()
        for r in runs:
            p.add_run(r)
    d.save(str(path))
    return path


def _render(path, ctx):
    t = DocxTemplate(str(path))
    t.render(ctx, jinja_env=jinja_env(), autoescape=True)
    out = path.with_name(path.stem + ".out.docx")
    t.save(str(out))
    return [p.text for p in docx.Document(str(out)).paragraphs]


# --- what docxtpl really handles (the reason for each report) --------------------------

def test_docxtpl_joins_a_tag_split_across_runs_of_one_paragraph(tmp_path):
    path = _doc(tmp_path / "t.docx", [["Tên: {", "{ na", "me }", "} hết"]])
    assert _render(path, {"name": "Lan"}) == ["Tên: Lan hết"]
    assert check_template(path, known={"name"}) == []


def test_docxtpl_merges_paragraphs_when_a_tag_is_split_across_them(tmp_path):
    path = _doc(tmp_path / "t.docx", [["Tên: {{ na"], ["me }} hết"], ["đoạn ba"]])
    assert _render(path, {"name": "Lan"}) == ["Tên: Lan hết", "đoạn ba"]  # 3 paragraphs -> 2
    [p] = check_template(path, known={"name"})
    assert p.severity == "error" and p.field == "đoạn 1"
    assert "đoạn 2" in p.message and "«Tên: {{ na»" in p.message


def test_a_tag_split_across_table_cells_is_reported(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    t.cell(0, 0).paragraphs[0].add_run("A {{ na")
    t.cell(0, 1).paragraphs[0].add_run("me }} B")
    path = tmp_path / "t.docx"
    d.save(str(path))
    [p] = check_template(path)
    assert p.field == "bảng 1, hàng 1, ô 1" and "ô của bảng" in p.message


def test_text_beside_a_paragraph_tag_would_be_lost(tmp_path):
    path = _doc(tmp_path / "t.docx", [["Trước {%p if ok %}"], ["giữa"], ["{%p endif %}"]])
    assert _render(path, {"ok": True}) == ["giữa"]  # "Trước" silently gone
    [p] = check_template(path)
    assert "“Trước”" in p.message and p.severity == "error"


def test_curly_quotes_are_reported_as_a_warning(tmp_path):
    path = _doc(tmp_path / "t.docx", [["{% if name == “Lan” %}có{% endif %}"]])
    assert _render(path, {"name": "Lan"}) == ["có"]  # docxtpl straightens them itself
    [p] = check_template(path, known={"name"})
    assert p.severity == "warning" and "nháy cong" in p.message
    assert blocking_problems(path, {"name"}) == []


@pytest.mark.parametrize("paragraphs,words", [
    ([["{{ name }"]], "không có “}}”"),
    ([["{{ name"], ["x"]], "không có “}}”"),
    ([["tên }}"]], "thừa"),
    ([["{% if ok %}"], ["x"]], "chưa có “{% endif %}”"),
    ([["{% for r in rows %}"], ["{% endif %}"]], "không khớp"),
    ([["{{ name | khong_co }}"]], "khong_co"),
    ([["{{ name + }}"]], "cú pháp"),
])
def test_broken_tags_are_reported_at_their_paragraph(paragraphs, words, tmp_path):
    path = _doc(tmp_path / "t.docx", paragraphs)
    found = check_template(path, known={"name", "ok", "rows"})
    assert found and all(p.severity == "error" for p in found)
    assert any(words in p.message for p in found), [str(p) for p in found]
    assert all("trong đoạn: «" in p.message for p in found)


def test_unknown_variables_only_with_known_names(tmp_path):
    path = _doc(tmp_path / "t.docx", [["Kính gửi {{ nguoi_nhan }}"],
                                      ["{% for r in rows %}{{ r.x }}{% endfor %}"]])
    assert check_template(path) == []
    [p] = check_template(path, known={"rows"})
    assert "“nguoi_nhan”" in p.message and p.field == "đoạn 1"


# --- the shipped template, edited "by hand" ---------------------------------------------

@pytest.fixture()
def hand_edited(tmp_path):
    """The shipped ke-hoach.docx as a user might leave it after editing in Word."""
    d = docx.Document(str(SHIPPED))
    # 1. the title tag split over two paragraphs (Enter pressed inside the tag)
    p = find_par(d, "{{ doc.title }}")
    p.runs[0].text = "{{ doc."
    nxt = p.insert_paragraph_before("")
    p._p.addprevious(nxt._p)  # keep order: "{{ doc." then "title }}"
    p._p.addnext(nxt._p)
    nxt.add_run("title }}")
    # 2. Word's autocorrect turned the quotes curly
    q = find_par(d, '{%p if b.kind == "h1" %}')
    q.runs[0].text = "{%p if b.kind == “h1” %}"
    # 3. a name the plan does not have
    find_par(d, "{{ signer.name }}").runs[0].text = "{{ signer.name }} {{ nguoi_ky }}"
    folder = tmp_path / "mau"
    folder.mkdir()
    path = folder / "ke-hoach.docx"
    d.save(str(path))
    return path


def test_shipped_templates_are_clean():
    for tpl in sorted((ROOT / "templates").rglob("*.docx")):
        assert check_template(tpl) == [], tpl
    assert check_template(SHIPPED, known=context_names(PLAN)) == []


def test_hand_edited_template_findings(hand_edited):
    found = check_template(hand_edited, known=context_names(PLAN))
    msgs = [str(p) for p in found]
    assert len(found) == 3, msgs
    split, curly, unknown = (next(p for p in found if key in p.message)
                             for key in ("bị tách", "nháy cong", "nguoi_ky"))
    assert "«{{ doc.»" in split.message and split.severity == "error"
    assert "b.kind == “h1”" in curly.message and curly.severity == "warning"
    assert "{{ signer.name }} {{ nguoi_ky }}" in unknown.message
    assert unknown.field.startswith("bảng 2")  # the signature cell of the closing table


def test_build_with_the_hand_edited_template_exits_2_and_writes_nothing(hand_edited, tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["build", str(PLAN), "--templates", str(hand_edited.parent), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Traceback" not in err and "bị tách" in err and "«{{ doc.»" in err
    assert not (out / "ba-dinh-2024.docx").exists()


def test_render_failure_reports_the_paragraph_instead_of_jinja(tmp_path):
    """An unknown name fails only at render time: the error names its paragraph."""
    tpl = _doc(tmp_path / "t.docx", [["Xin chào"], ["Kính gửi {{ nguoi_nhan }}"]])
    target = tmp_path / "out.docx"
    with pytest.raises(InputError) as e:
        render_docx(tpl, {"doc": {}}, target)
    [p] = e.value.problems
    assert p.field == "đoạn 2" and "nguoi_nhan" in p.message and "«Kính gửi {{ nguoi_nhan }}»" in p.message
    assert not target.exists()


def test_template_check_cli(hand_edited, tmp_path, capsys):
    assert main(["template", "check", str(SHIPPED), "--plan", str(PLAN)]) == 0
    capsys.readouterr()
    assert main(["template", "check", str(hand_edited), "--plan", str(PLAN)]) == 1
    out = capsys.readouterr().out
    assert out.count("trong đoạn") == 3
    assert main(["template", "check", str(tmp_path / "khong-co.docx")]) == 2
    bad = tmp_path / "x.docx"
    bad.write_text("không phải docx")
    assert main(["template", "check", str(bad)]) == 2


def test_preflight_result_follows_edits(tmp_path):
    """Results are cached by file stamp: an edited template is checked again."""
    path = _doc(tmp_path / "t.docx", [["{{ name }}"]])
    assert check_template(path, known={"name"}) == []
    shutil.copyfile(_doc(tmp_path / "u.docx", [["{{ name }"], ["và thêm đoạn"]]), path)
    assert check_template(path, known={"name"}) != []


def test_a_misspelt_field_is_pinned_to_its_paragraph(tmp_path):
    """doc.titel: the top-level name exists, so only rendering fails; the error still names
    the paragraph that uses it."""
    d = docx.Document(str(SHIPPED))
    find_par(d, "{{ doc.title }}").runs[0].text = "{{ doc.titel }}"
    folder = tmp_path / "mau"
    folder.mkdir()
    d.save(str(folder / "ke-hoach.docx"))
    assert check_template(folder / "ke-hoach.docx", known=context_names(PLAN)) == []
    out = tmp_path / "out"
    with pytest.raises(InputError) as e:
        from workflow.build import build_plan

        build_plan(PLAN, out_dir=out, templates=folder)
    [p] = e.value.problems
    assert p.field == "đoạn 2" and "“titel”" in p.message and "«{{ doc.titel }}»" in p.message
    assert not (out / "ba-dinh-2024.docx").exists()


# --- template check --plan renders against the plan's real data ---------------------------

def _shipped_with(tmp_path, old, new, name="ke-hoach.docx", src=SHIPPED):
    d = docx.Document(str(src))
    find_par(d, old).runs[0].text = new
    folder = tmp_path / "mau"
    folder.mkdir(exist_ok=True)
    d.save(str(folder / name))
    return folder / name


def test_template_check_with_plan_finds_a_misspelt_field(tmp_path, capsys):
    """{{ doc.tieu_de }}: "doc" exists, so the names alone look fine; rendering against the
    plan's data finds it, with the paragraph, before `kehoach build` fails on it."""
    path = _shipped_with(tmp_path, "{{ doc.title }}", "{{ doc.tieu_de }}")
    assert main(["template", "check", str(path), "--plan", str(PLAN)]) == 1
    out = capsys.readouterr().out
    assert "tieu_de" in out and "«{{ doc.tieu_de }}»" in out and "đoạn 2" in out
    assert "không có trường" in out and "title" in out  # what the fields are called
    assert "has no attribute" not in out and "dict object" not in out


def test_a_misspelt_field_inside_a_loop_is_found_with_a_suggestion(tmp_path):
    path = _doc(tmp_path / "t.docx", [["{%p for b in body %}"], ["{{ b.txet }}"], ["{%p endfor %}"],
                                      ["{{ doc.title }} {{ doc.titel }}"]])
    found = check_template(path, context={"body": [{"text": "a"}, {"text": "b"}],
                                          "doc": {"title": "T", "date_text": "d"}})
    assert [p.field for p in found] == ["đoạn 2", "đoạn 4"], [str(p) for p in found]
    assert "“b” không có trường “txet”" in found[0].message and "“text”" in found[0].message
    assert "«{{ b.txet }}»" in found[0].message
    assert "“doc” không có trường “titel”" in found[1].message and "“title”" in found[1].message
    assert all(p.severity == "error" for p in found)


def test_template_check_of_the_cong_van_template_uses_the_letter_data(tmp_path, capsys):
    """With a plan, the công văn template is checked against the letter `kehoach build` drafts
    from that plan (to_inline, to_list, annex…), not against the Kế hoạch's data."""
    cong_van = ROOT / "templates" / "kehoach" / "cong-van.docx"
    assert main(["template", "check", str(cong_van), "--plan", str(PLAN)]) == 0
    capsys.readouterr()
    path = _shipped_with(tmp_path, "V/v {{ doc.subject }}", "V/v {{ doc.trich_yeu }}",
                         "cong-van.docx", cong_van)
    assert main(["template", "check", str(path), "--plan", str(PLAN)]) == 1
    assert "trich_yeu" in capsys.readouterr().out


@pytest.mark.parametrize("tag,words", [
    ("{{ name x }}", "“x”"),
    ("{% foo %}", "“foo”"),
    ("{{ a(1 }}", "“)”"),
    ("{{ a[1 }}", "“]”"),
    ("{{ }}", "trống"),
    ("{% %}", "trống"),
    ("{{ a ! b }}", "“!”"),
    ("{{ name + }}", "“}}”"),
    ("{{ a | }}", "bộ lọc"),
    ("{{ a is khongco }}", "“khongco”"),
    ('{{ "abc }}', "nháy"),
    ("{% for in rows %}{% endfor %}", "“in”"),
    ("{% if name b %}có{% endif %}", "“b”"),
    ("{{ a. }}", "dấu “.”"),
])
def test_jinja_syntax_errors_are_explained_in_vietnamese(tag, words, tmp_path):
    path = _doc(tmp_path / "t.docx", [["Mở đầu"], [f"Chữ {tag} chữ"]])
    [p] = check_template(path, known={"name", "a", "rows"})
    assert p.field == "đoạn 2" and f"«Chữ {tag} chữ»" in p.message
    assert words in p.message, p.message
    english = ("expected", "unexpected", "token", "Jinja", "Encountered", "statement", "named",
               "char ", "tag name", "template")
    assert not any(w in p.message for w in english), p.message
