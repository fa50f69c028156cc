"""docxtpl's DocxTemplate, minus a pass that changes nothing in kehoach's documents.

After rendering, docxtpl rewrites every paragraph, run and text element by regular
expressions to turn a tab, newline, "\\a" or "\\f" inside a text into Word's own elements
(its "listing" feature). kehoach's texts rarely hold one, yet that pass was a quarter of the
time to render a 2,000-task Kế hoạch (83 of 311 ms). :class:`Template` first searches the
rendered XML once for such a character inside a text element; only when there is one does
docxtpl's pass run, so the output is the same byte for byte either way.
"""

from __future__ import annotations

import re

from docxtpl import DocxTemplate

# a text element whose content holds one of the characters docxtpl's listing pass rewrites
# (the content of <w:t> has no "<": markup inside it is escaped)
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")


class Template(DocxTemplate):
    """A :class:`docxtpl.DocxTemplate` that skips the listing pass when it has nothing to do."""

    def resolve_listing(self, xml: str) -> str:
        if _LISTING.search(xml) is None:
            return xml
        return super().resolve_listing(xml)
