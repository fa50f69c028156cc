"""Reading a LibreOffice PDF the way a reader turns its pages (pdfplumber text positions,
pypdfium2 page images), for the visual tests.

Positions are PDF points from the top of the page. The page number sits in the top margin
(ND30: 20 mm = 57 pt), so text above ``BODY_TOP`` is the page number, not body text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BODY_TOP = 50.0          # pt; the top margin is 20 mm (56.7 pt), the page number sits in it
EDGE = 30.0              # pt; a table "ends the page" when no text follows it closer than this


@dataclass
class Fragment:
    """The part of one bordered table that lies on one page."""

    page: int                       # 0-based
    top: float
    bottom: float
    rows: list[tuple[str, ...]]     # cell texts, merged cells as ""


@dataclass
class Page:
    number: int                     # 0-based
    height: float
    lines: list[dict]               # pdfplumber text lines: text, top, bottom, x0, x1
    tables: list[Fragment] = field(default_factory=list)
    images: list[tuple[float, float]] = field(default_factory=list)   # (top, bottom)

    @property
    def body_lines(self) -> list[dict]:
        return [ln for ln in self.lines if ln["top"] >= BODY_TOP]

    def find(self, text: str) -> dict | None:
        return next((ln for ln in self.lines if text in ln["text"]), None)


def read_pdf(path: Path) -> list[Page]:
    import pdfplumber

    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for i, p in enumerate(pdf.pages):
            page = Page(i, float(p.height), p.extract_text_lines())
            for t in p.find_tables():
                rows = [tuple(" ".join((c or "").split()) for c in r) for r in t.extract()]
                page.tables.append(Fragment(i, float(t.bbox[1]), float(t.bbox[3]), rows))
            page.tables.sort(key=lambda f: f.top)
            page.images = sorted((float(im["top"]), float(im["bottom"])) for im in p.images)
            pages.append(page)
    return pages


def render_pages(pdf: Path, out_dir: Path, *, scale: float = 1.4) -> list[Path]:
    """Write <stem>-NN.png for each page of ``pdf`` into ``out_dir``; returns the files."""
    import pypdfium2 as pdfium

    out_dir.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(pdf))
    files = []
    try:
        for i in range(len(doc)):
            target = out_dir / f"{pdf.stem}-{i + 1:02d}.png"
            doc[i].render(scale=scale).to_pil().save(target)
            files.append(target)
    finally:
        doc.close()
    return files


def _nothing_below(page: Page, frag: Fragment) -> bool:
    return not any(ln["top"] > frag.bottom + 1 for ln in page.body_lines) and \
        not any(t.top > frag.bottom + 1 for t in page.tables) and \
        not any(top > frag.bottom + 1 for top, _ in page.images)


def _nothing_above(page: Page, frag: Fragment) -> bool:
    return not any(ln["bottom"] < frag.top - 1 for ln in page.body_lines) and \
        not any(t.bottom < frag.top - 1 for t in page.tables) and \
        not any(bottom < frag.top - 1 for _, bottom in page.images)


def split_tables(pages: list[Page]) -> list[list[Fragment]]:
    """Bordered tables that run over a page break, each as its fragments in page order: a
    fragment ending its page continued by one that opens the next page."""
    chains: list[list[Fragment]] = []
    for a, b in zip(pages, pages[1:]):
        if not a.tables or not b.tables:
            continue
        last, first = a.tables[-1], b.tables[0]
        if _nothing_below(a, last) and _nothing_above(b, first):
            if chains and chains[-1][-1] is last:
                chains[-1].append(first)
            else:
                chains.append([last, first])
    return chains


def header_rows(chain: list[Fragment]) -> int:
    """How many rows repeat at the top of each continuation (the table's header rows)."""
    first = chain[0].rows
    n = 0
    for k in range(1, len(first)):
        if all(f.rows[:k] == first[:k] for f in chain[1:]):
            n = k
        else:
            break
    return n


def lone_rows(pages: list[Page]) -> list[str]:
    """Page breaks that leave a single body row of a table on one side: 'trang 5: 1 dòng
    ("4 | Tỷ lệ …")'. Repeated header rows do not count as body rows."""
    found = []
    for chain in split_tables(pages):
        n_head = header_rows(chain)
        for frag in chain:
            body = frag.rows[n_head:]
            if len(body) == 1:
                found.append(f"trang {frag.page + 1}: 1 dòng (\"{' | '.join(body[0])[:60]}\")")
    return found


def signature_page(pages: list[Page], signer: str) -> tuple[Page, dict, dict] | None:
    """The page with 'Nơi nhận:' and the signer's name below it (first such page)."""
    for page in pages:
        recipients = page.find("Nơi nhận")
        if recipients is None:
            continue
        name = next((ln for ln in page.lines if signer in ln["text"] and ln["top"] > recipients["top"]), None)
        return page, recipients, name
    return None


def lines_above(page: Page, y: float) -> list[str]:
    """Body text lines of ``page`` that end above ``y`` (page number excluded)."""
    return [ln["text"] for ln in page.body_lines if ln["bottom"] <= y + 0.5]
