"""Every sample document as a reader sees it: LibreOffice PDF, read page by page.

Built from the shipped samples (the Kế hoạch and its triển khai letter, the letters in
config/letters/, the Báo cáo from config/stats/), converted in one LibreOffice call, then
checked for what a chuyên viên checks before handing a document to a leader: its length, a
signature page that also holds the end of the body, no table row alone on a page, charts
beside their captions, the Báo cáo's annexes within six pages. Page images are written to
tests/_artifacts/pages/ (git-ignored) for a person to look at; the path is printed at the
end of the run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ARTIFACT_NOTES
from pdf_helpers import lone_rows, read_pdf, render_pages, signature_page

from workflow.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES_DIR = ROOT / "tests" / "_artifacts" / "pages"

# The most pages each sample may take (LibreOffice 7.4, Liberation Serif for Times New Roman).
BUDGET = {
    "ba-dinh-2024": 11,
    "ba-dinh-2024-cong-van-trien-khai": 2,
    "cat-hai-2024": 3,
    "kon-ray-2024": 4,
    "bao-cao-pcgd-xmc-2024": 10,
}
REPORT = "bao-cao-pcgd-xmc-2024"
ANNEX_PAGES = 6          # Phụ lục I–IV of the sample report


def _signers() -> dict[str, str]:
    from workflow.plan.letter import load_letter
    from workflow.plan.loader import load_plan
    from workflow.statistics.meta import load_meta

    plan = load_plan(ROOT / "config" / "plans" / "ba-dinh-2024.yaml").plan.signer.name
    out = {"ba-dinh-2024": plan, "ba-dinh-2024-cong-van-trien-khai": plan,
           REPORT: load_meta(ROOT / "config" / "stats" / "ba-dinh-2024-meta.yaml").signer.name}
    for f in sorted((ROOT / "config" / "letters").glob("*.yaml")):
        out[f.stem] = load_letter(f).letter.signer.name
    return out


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, request):
    """{name: PDF path} of every sample document, converted in one LibreOffice call."""
    from workflow.documents.pdf import soffice, to_pdf

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the page layout is not tested "
                    "(.ci/run installs it)")
    out = tmp_path_factory.mktemp("samples")
    assert main(["build", str(ROOT / "config" / "plans" / "ba-dinh-2024.yaml"), "-o", str(out / "plan")]) == 0
    for f in sorted((ROOT / "config" / "letters").glob("*.yaml")):
        assert main(["build", str(f), "-o", str(out / "letters")]) == 0
    assert main(["report", str(ROOT / "config" / "stats" / "ba-dinh-2024.csv"), "--meta",
                 str(ROOT / "config" / "stats" / "ba-dinh-2024-meta.yaml"), "-o", str(out / "report")]) == 0
    docs = sorted(p for p in out.rglob("*.docx"))
    assert {p.stem for p in docs} == set(BUDGET), [p.name for p in docs]
    converted = to_pdf(docs, out / "pdf")
    shutil.rmtree(PAGES_DIR, ignore_errors=True)
    for pdf in converted:
        render_pages(pdf, PAGES_DIR)
    request.config.stash[ARTIFACT_NOTES].append(f"Ảnh từng trang của các văn bản mẫu: {PAGES_DIR}")
    return {p.stem: p for p in converted}


@pytest.fixture(scope="module")
def pages(pdfs):
    return {name: read_pdf(path) for name, path in pdfs.items()}


def test_page_images_are_written_for_a_person_to_look_at(pdfs, pages):
    for name, pp in pages.items():
        images = sorted(PAGES_DIR.glob(f"{name}-[0-9][0-9].png"))
        assert len(images) == len(pp), name


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_page_count(pages, name):
    n = len(pages[name])
    assert n <= BUDGET[name], f"{name}: {n} trang, tối đa {BUDGET[name]}"


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_signature_page_holds_the_end_of_the_body(pages, name):
    """Nơi nhận and the signature on one page, under at least two lines of the body."""
    signer = _signers()[name]
    found = signature_page(pages[name], signer)
    assert found is not None, f"{name}: không thấy 'Nơi nhận:'"
    page, recipients, sig = found
    assert sig is not None, f"{name}: tên người ký ({signer}) không cùng trang {page.number + 1} với 'Nơi nhận:'"
    above = [ln for ln in page.body_lines if ln["bottom"] <= recipients["top"] + 0.5]
    assert len(above) >= 2, (f"{name}: trang {page.number + 1} chỉ có phần ký, không có đoạn cuối của "
                             f"văn bản ({[ln['text'] for ln in above]})")


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_no_table_row_alone_on_a_page(pages, name):
    assert lone_rows(pages[name]) == [], name


def test_report_annexes_fit_in_six_pages(pages):
    pp = pages[REPORT]
    first = next(p.number for p in pp if any(ln["text"].strip() == "Phụ lục I" for ln in p.lines))
    starts = [p.number for p in pp for ln in p.lines if ln["text"].strip().startswith("Phụ lục ")]
    assert len(starts) == 4, starts
    assert len(pp) - first <= ANNEX_PAGES, f"Phụ lục I–IV: {len(pp) - first} trang, tối đa {ANNEX_PAGES}"


def test_report_charts_stand_above_their_captions(pages):
    """Each 'Biểu đồ n.' caption is on the page of its chart, right under it."""
    captions = [(p, ln) for p in pages[REPORT] for ln in p.lines if ln["text"].startswith("Biểu đồ ")]
    assert [ln["text"].split(".")[0] for _, ln in captions] == [f"Biểu đồ {i}" for i in range(1, 5)]
    for page, ln in captions:
        above = [bottom for _, bottom in page.images if bottom <= ln["top"] + 1]
        assert above and ln["top"] - max(above) < 30, f"trang {page.number + 1}: {ln['text']} xa biểu đồ"
