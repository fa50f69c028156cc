"""Word is stricter than LibreOffice about OOXML child order: check every template and every
document `kehoach build` writes for the sample plan."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from ooxml_order import W, order_problems

from workflow.build import build_plan

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").rglob("*.docx"))


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_shipped_templates_in_schema_order(path):
    assert order_problems(path) == []


def test_built_documents_in_schema_order(tmp_path):
    res = build_plan(ROOT / "config" / "plans" / "ba-dinh-2024.yaml", out_dir=tmp_path)
    docs = [p for _, p in res.outputs if p.suffix == ".docx"]
    assert docs
    for p in docs:
        assert order_problems(p) == [], p.name


def test_checker_catches_misordered_children(tmp_path):
    """The order check itself must be able to fail: swap jc before spacing in one pPr."""
    src = TEMPLATES[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                root = etree.fromstring(data)
                for ppr in root.iter(W + "pPr"):
                    jc, spacing = ppr.find(W + "jc"), ppr.find(W + "spacing")
                    if jc is not None and spacing is not None:
                        ppr.remove(jc)
                        spacing.addprevious(jc)
                        break
                data = etree.tostring(root)
            zout.writestr(item, data)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(buf.getvalue())
    assert any("spacing after jc" in p for p in order_problems(bad))
