"""workflow.documents.docxtemplate.Template renders what docxtpl renders, byte for byte, and
skips docxtpl's listing pass only when that pass has nothing to rewrite."""

from __future__ import annotations

import pytest
from calendar_helpers import SEED_PLAN
from docx import Document
from docxtpl import DocxTemplate

from workflow.documents.context import plan_context
from workflow.documents.docxtemplate import Template
from workflow.documents.jinja import jinja_env
from workflow.documents.templates import find_template
from workflow.plan.loader import load_plan


@pytest.fixture
def small_template(tmp_path):
    doc = Document()
    doc.add_paragraph("{{ a }}")
    doc.add_paragraph("Cố định và {{ b }}.")
    path = tmp_path / "t.docx"
    doc.save(path)
    return path


def _body(cls, template, ctx) -> str:
    tpl = cls(str(template))
    tpl.render(ctx, jinja_env=jinja_env(), autoescape=True)
    return tpl.docx.element.body.xml


@pytest.mark.parametrize("ctx", [
    {"a": "một dòng", "b": "A & B <c>"},
    {"a": "cột 1\tcột 2", "b": "dòng 1\ndòng 2"},
    {"a": "ngắt\ftrang", "b": "đoạn\amới"},
])
def test_same_xml_as_docxtpl(small_template, ctx):
    ours = _body(Template, small_template, ctx)
    assert ours == _body(DocxTemplate, small_template, ctx)
    if any(c in "".join(ctx.values()) for c in "\t\n\f\a"):
        # the listing pass ran: Word's own elements, not the raw characters
        assert "<w:tab/>" in ours or "<w:br" in ours or ours.count("<w:p>") + ours.count("<w:p ") > 2


def test_listing_pass_skipped_only_when_idle(small_template, monkeypatch):
    calls = []
    original = DocxTemplate.resolve_listing

    def counted(self, xml):
        calls.append(len(xml))
        return original(self, xml)
    monkeypatch.setattr(DocxTemplate, "resolve_listing", counted)
    _body(Template, small_template, {"a": "x", "b": "y"})
    assert calls == []
    _body(Template, small_template, {"a": "x\ny", "b": "y"})
    assert len(calls) == 1


def test_sample_plan_renders_as_docxtpl_does():
    lp = load_plan(SEED_PLAN)
    ctx = plan_context(lp)
    tpl = find_template("kehoach/ke-hoach.docx")
    assert _body(Template, tpl, ctx) == _body(DocxTemplate, tpl, ctx)
