"""Reading a built .docx back the way a reader sees it (python-docx), for the tests."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

# The seeds (real documents, the tests' oracle) travel with the tests.
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed_path(prefix: str) -> Path:
    """Path of a seed document: tests/fixtures/seeds/<prefix>_*.txt."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        raise FileNotFoundError(f"seed {prefix} not found in {SEEDS}")
    return found[0]


def seed_text(prefix: str) -> str:
    """The text of a seed document."""
    return seed_path(prefix).read_text(encoding="utf-8")


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """Split normalised text at sentence-like punctuation; keeps the punctuation."""
    parts = re.split(r"(?<=[.;:?!])\s+", normalise(text))
    return [p for p in parts if p]


def block_items(doc):
    """Paragraphs and tables of the body, in document order."""
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            yield "p", child
        elif child.tag == qn("w:tbl"):
            yield "t", child


def full_text(path: Path) -> str:
    """All visible text of the body (tables included, in order), one line a paragraph."""
    doc = Document(str(path))
    lines = []
    for p in doc.element.body.iter(qn("w:p")):
        lines.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(lines)


def missing_in_order(expected_text: str, actual_text: str) -> list[str]:
    """Sentences of ``expected_text`` not found in ``actual_text`` in the same order.

    A sentence counts only where it stands between spaces (or the ends of the text), so
    "II." is not found inside "III." nor "3." inside "13.".
    """
    actual = normalise(actual_text)
    pos, missing = 0, []
    for s in sentences(expected_text):
        i = _find_whole(actual, s, pos)
        if i < 0:
            missing.append(s)
        else:
            pos = i + len(s)
    return missing


def _find_whole(text: str, part: str, start: int) -> int:
    i = text.find(part, start)
    while i >= 0:
        end = i + len(part)
        if (i == 0 or text[i - 1] == " ") and (end == len(text) or text[end] == " "):
            return i
        i = text.find(part, i + 1)
    return -1
