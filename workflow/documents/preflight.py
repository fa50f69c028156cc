"""Template safety: find what breaks a .docx template a user edited in Word, before docxtpl
renders it, and say where — the paragraph's own text — instead of a Jinja traceback.

What docxtpl 0.20 really does (tested in tests/test_lint_preflight.py):
- a tag split across runs of ONE paragraph is joined again: fine, not reported;
- a tag split across paragraphs is joined by deleting everything between its halves: the
  paragraphs silently merge (across table cells the row loses a cell): reported as an error;
- curly quotes inside a tag are turned back into straight ones: reported as a warning;
- a ``{%p …%}`` tag replaces its whole paragraph (``{%tr …%}`` its whole row), so any
  other text there is silently lost: reported as an error;
- unbalanced ``{{ }}`` / ``{% %}``, a missing ``endif``/``endfor``, an unknown filter and a
  name the context does not have fail at render time: reported as errors;
- a misspelt field of a known name (``{{ doc.tieu_de }}``) fails only when rendered with the
  real data: with a context, the tags are rendered against it (nothing is saved) and each
  failure is reported at the tag's paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import docx
from docx.oxml.ns import qn

from .. import cache
from ..errors import InputError, Problem
from . import vnformat
from .jinja import jinja_env

CURLY = "“”‘’„‚"
OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
# docxtpl's own prefixes: {%p if %}, {%tr for %}, {%tc %}, {%r %}, {{r x }}, {{p x }}
DOCXTPL_PREFIX = re.compile(r"^(\{[{%#])(tr|tc|p|r)\s")
BLOCKING = {"split", "p-text", "syntax", "unbalanced"}
NOT_DOCX = ("không phải tệp .docx của Word (có thể là .doc cũ hoặc tệp hỏng): mở bằng Word "
            "rồi lưu lại dạng .docx")


@dataclass
class Par:
    label: str   # "đoạn 3", "bảng 1, hàng 2, ô 1", "đầu trang, đoạn 1"
    raw: str     # concatenated w:t text, as docxtpl sees it
    row: object  # the enclosing w:tr element, if any


@dataclass
class Tag:
    text: str     # the whole tag, halves joined
    first: int    # index of the paragraph it starts in
    last: int     # index of the paragraph it ends in


def syntax_problems(path: str | Path, *, known: set[str] | None = None) -> tuple[list[Problem], bool]:
    """(problems, renderable) of a .docx template without its data: split tags, curly quotes,
    unbalanced tags, Jinja syntax, unknown filters and (with ``known``) unknown top-level
    names. ``renderable`` is False when the tags cannot be rendered at all. Raises
    :class:`InputError` only when ``path`` is not a readable .docx."""
    found = findings(str(path), stamp(path), frozenset(known) if known is not None else None)
    return [p for _, p in found], not any(kind in ("syntax", "unbalanced", "split") for kind, _ in found)


def blocking_problems(path: str | Path, known: set[str] | None = None) -> list[Problem]:
    """The findings that would make docxtpl fail or silently damage the output."""
    found = findings(str(path), stamp(path), frozenset(known) if known is not None else None)
    return [p for kind, p in found if kind in BLOCKING and p.severity == "error"]


def stamp(path) -> tuple:
    st = Path(path).stat()
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def findings(path: str, stamp: tuple, known: frozenset | None) -> tuple:
    """((kind, Problem), …) of the template at ``path``; kept in memory by the file's
    stamp, and on disk (:mod:`workflow.cache`) by its bytes, so a template is read with
    python-docx and checked once, not by every process that renders it."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raw = None  # paragraphs() says what is wrong with it
    name = cache.key("preflight", path, raw, sorted(known) if known is not None else None) if raw else None
    hit = cache.get_json("preflight", name) if name else None
    if isinstance(hit, list):
        try:
            return tuple((kind, Problem(**p)) for kind, p in hit)
        except TypeError:
            pass  # another shape: made again below
    out = _findings(path, known)
    if name:
        cache.put_json("preflight", name, [[kind, p.to_json()] for kind, p in out])
    return out


def _findings(path: str, known: frozenset | None) -> tuple:
    pars = paragraphs(path)
    out: list[tuple[str, Problem]] = []

    def add(kind: str, i: int, msg: str, severity: str = "error") -> None:
        out.append((kind, problem(path, pars[i], msg, severity)))

    tags = scan(pars, add)
    for tag in tags:
        inner = tag.text[2:-2]
        if any(q in inner for q in CURLY):
            add("curly", tag.first, f"dấu nháy cong trong thẻ {short_tag(tag.text)}: Word đã tự đổi "
                                    "nháy thẳng thành nháy cong; hãy gõ lại bằng \" hoặc '", "warning")
        if tag.first != tag.last:
            where = "các ô của bảng" if pars[tag.first].row is not None else "các đoạn"
            add("split", tag.first, f"thẻ {short_tag(tag.text)} bị tách sang {pars[tag.last].label}: "
                                    f"khi dựng, {where} sẽ bị gộp làm một; hãy gõ lại cả thẻ "
                                    "trong cùng một đoạn")
    _check_paragraph_tags(pars, tags, add)
    _check_jinja(pars, tags, known, add)
    return tuple(out)


def problem(path: str, par: Par, msg: str, severity: str = "error") -> Problem:
    text = " ".join(par.raw.split())
    if len(text) > 120:
        text = text[:119] + "…"
    return Problem(file=path, field=par.label, severity=severity,
                   message=f"{msg} — trong đoạn: «{text}»")


def short_tag(tag: str) -> str:
    t = " ".join(tag.split())
    return "“" + (t if len(t) <= 50 else t[:49] + "…") + "”"


def paragraphs(path: str) -> list[Par]:
    try:
        d = docx.Document(path)
    except Exception:
        raise InputError(Problem(file=path, message=NOT_DOCX)) from None
    pars: list[Par] = []
    body = d.element.body
    p_i = t_i = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            pars.append(Par(f"đoạn {p_i + 1}", _raw(child), None))
            p_i += 1
        elif child.tag == qn("w:tbl"):
            for r_i, tr in enumerate(child.iter(qn("w:tr"))):
                for c_i, tc in enumerate(tr.findall(qn("w:tc"))):
                    for p in tc.iter(qn("w:p")):
                        pars.append(Par(f"bảng {t_i + 1}, hàng {r_i + 1}, ô {c_i + 1}", _raw(p), tr))
            t_i += 1
    seen = set()
    for rel in d.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in ("header", "footer") and rel.target_ref not in seen:
            seen.add(rel.target_ref)
            name = "đầu trang" if kind == "header" else "chân trang"
            for k, p in enumerate(rel.target_part.element.iter(qn("w:p"))):
                pars.append(Par(f"{name} ({rel.target_ref}), đoạn {k + 1}", _raw(p), None))
    return pars


def _raw(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def scan(pars: list[Par], add) -> list[Tag]:
    """Find tags in reading order; a tag may continue into later paragraphs."""
    text = "\n".join(p.raw for p in pars)
    starts = [0]
    for p in pars:
        starts.append(starts[-1] + len(p.raw) + 1)

    def par_at(pos: int) -> int:
        lo, hi = 0, len(pars) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    tags: list[Tag] = []
    opener = re.compile(r"\{[{%#]")
    pos = 0
    while True:
        m = opener.search(text, pos)
        close_stray = re.compile(r"%\}|\}\}|#\}").search(text, pos, m.start() if m else len(text))
        if close_stray:
            add("unbalanced", par_at(close_stray.start()),
                f"“{close_stray.group(0)}” thừa: không có thẻ mở tương ứng")
        if not m:
            break
        closer = OPENERS[m.group(0)]
        end = text.find(closer, m.end())
        nxt = opener.search(text, m.end())
        if end < 0 or (nxt and nxt.start() < end):
            add("unbalanced", par_at(m.start()),
                f"thẻ “{m.group(0)}” không có “{closer}” đóng lại")
            pos = m.end()
            continue
        raw = text[m.start():end + 2]
        tags.append(Tag(raw.replace("\n", ""), par_at(m.start()), par_at(end)))
        pos = end + 2
    return tags


def _check_paragraph_tags(pars: list[Par], tags: list[Tag], add) -> None:
    """{%p …%} replaces its paragraph and {%tr …%} its row: other text there is lost."""
    by_par: dict[int, list[Tag]] = {}
    for t in tags:
        by_par.setdefault(t.first, []).append(t)
    for i, ts in by_par.items():
        for t in ts:
            m = DOCXTPL_PREFIX.match(t.text)
            if not m or m.group(2) not in ("p", "tr"):
                continue
            if m.group(2) == "p":
                rest = pars[i].raw
                for other in ts:
                    rest = rest.replace(other.text, "")
                if rest.strip():
                    add("p-text", i, f"thẻ {short_tag(t.text)} thay cả đoạn khi dựng nên chữ "
                                     f"“{rest.strip()[:40]}” cùng đoạn sẽ mất; đặt thẻ ở đoạn riêng")
            else:
                row = pars[i].row
                rest = "".join(p.raw for p in pars if p.row is row and p.row is not None)
                for other in tags:
                    if pars[other.first].row is row:
                        rest = rest.replace(other.text, "")
                if rest.strip():
                    add("p-text", i, f"thẻ {short_tag(t.text)} thay cả hàng bảng khi dựng nên chữ "
                                     f"“{rest.strip()[:40]}” trong hàng sẽ mất; đặt thẻ ở hàng riêng")


def jinja_text(tag: str) -> str:
    t = DOCXTPL_PREFIX.sub(r"\1 ", tag)
    for q, s in (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("‚", "'")):
        t = t.replace(q, s)
    return t


def _check_jinja(pars: list[Par], tags: list[Tag], known, add) -> None:
    # jinja2 (~15 ms): only when a template's tags are checked, not for its paragraphs
    from jinja2 import TemplateSyntaxError, meta
    from jinja2.exceptions import TemplateAssertionError

    if _check_blocks(tags, add):
        return
    lines = [""] * len(pars)
    for t in tags:
        lines[t.first] += jinja_text(t.text)
    source = "\n".join(lines)
    env = jinja_env()
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as e:
        add("syntax", _line_par(e.lineno, pars), f"lỗi cú pháp của thẻ: {_vn_jinja(e.message)}")
        return
    try:
        env.compile(source)
    except (TemplateSyntaxError, TemplateAssertionError) as e:
        add("syntax", _line_par(e.lineno, pars), f"thẻ không dùng được: {_vn_jinja(e.message)}")
        return
    if known is None:
        return
    unknown = meta.find_undeclared_variables(ast) - set(known) - set(env.globals)
    for name in sorted(unknown):
        pat = re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")
        i = next((t.first for t in tags if pat.search(jinja_text(t.text)[2:-2])), 0)
        add("unknown", i, f"biến “{name}” không có trong dữ liệu của văn bản "
                          f"(có: {', '.join(sorted(known)) or 'không có biến nào'})")


BLOCK_OPEN = {"if": "endif", "for": "endfor", "with": "endwith", "macro": "endmacro",
              "call": "endcall", "filter": "endfilter", "block": "endblock", "raw": "endraw",
              "set": "endset", "autoescape": "endautoescape"}
BLOCK_MIDDLE = {"elif": ("if",), "else": ("if", "for")}


def _check_blocks(tags: list[Tag], add) -> bool:
    """if/endif, for/endfor… pairing, reported at the paragraph of the opening tag.

    Returns True when something was reported (Jinja's own message would only name the end).
    """
    stack: list[tuple[str, Tag]] = []
    found = False
    for t in tags:
        if not t.text.startswith("{%"):
            continue
        words = jinja_text(t.text)[2:-2].strip().lstrip("-+").split()
        kw = words[0] if words else ""
        if kw == "set" and "=" in t.text:
            continue  # {% set x = … %} opens no block
        if kw in BLOCK_OPEN:
            stack.append((kw, t))
        elif kw in BLOCK_MIDDLE:
            if not stack or stack[-1][0] not in BLOCK_MIDDLE[kw]:
                add("syntax", t.first, f"thẻ “{{% {kw} %}}” không nằm trong khối "
                                       f"“{{% {BLOCK_MIDDLE[kw][0]} %}}” nào")
                found = True
        elif kw.startswith("end"):
            if stack and BLOCK_OPEN[stack[-1][0]] == kw:
                stack.pop()
            else:
                want = f"“{{% {BLOCK_OPEN[stack[-1][0]]} %}}”" if stack else "không có khối nào mở"
                add("syntax", t.first, f"thẻ “{{% {kw} %}}” không khớp (đang cần {want})")
                found = True
                if stack and kw in BLOCK_OPEN.values():
                    stack.pop()
    for kw, t in stack:
        add("syntax", t.first, f"khối {short_tag(t.text)} mở ở đây chưa có “{{% {BLOCK_OPEN[kw]} %}}” đóng lại")
        found = True
    return found


# Jinja's names for the tokens it expected or met, as the user typed them.
_TOKENS = {"end of print statement": "“}}”", "end of statement block": "“%}”",
           "end of comment": "“#}”", "begin of print statement": "“{{”",
           "begin of statement block": "“{%”", "end of template": "chỗ hết mẫu",
           "name": "một tên", "integer": "một số", "float": "một số", "string": "một chuỗi chữ"}
_JINJA_VN = [
    (r"No filter named '([^']+)'", lambda g: f"không có bộ lọc “{g[0]}” (bộ lọc riêng của "
                                             f"kehoach: {', '.join(sorted(_filters()))})"),
    (r"No test named '([^']+)'", lambda g: f"không có phép thử “{g[0]}” sau “is” (dùng được: "
                                           "defined, none, number, string…)"),
    (r"expected token 'end of (print statement|statement block)', got '([^']+)'",
     lambda g: f"sau tên còn {_tok(g[1])}: thiếu dấu “.” hoặc “|” giữa hai tên, hay thừa chữ; "
               f"thẻ phải kết thúc ngay bằng {_tok('end of ' + g[0])}"),
    (r"expected token 'name', got '([^']+)'",
     lambda g: f"cần một tên (tên biến, hay tên bộ lọc sau “|”) nhưng gặp {_tok(g[0])}"),
    (r"expected token 'in', got '([^']+)'",
     lambda g: f"vòng lặp viết “{{% for x in danh_sach %}}”: cần từ “in” nhưng gặp {_tok(g[0])}"),
    (r"expected token '([^']+)', got '([^']+)'", lambda g: f"cần {_tok(g[0])} nhưng gặp {_tok(g[1])}"),
    (r"unexpected '([^']+)', expected '([^']+)'", lambda g: f"thiếu {_tok(g[1])} trước {_tok(g[0])}"),
    (r"unexpected 'end of (print statement|statement block)'",
     lambda g: f"thẻ kết thúc {_tok('end of ' + g[0])} quá sớm: thiếu phần sau dấu (sau “+”, “==”, "
               "“and”…)"),
    (r"unexpected '}'", lambda g: "dấu “}” không đúng chỗ: thẻ “{{ … }}” đóng bằng hai dấu “}}”, "
                                  "thẻ “{% … %}” bằng “%}”"),
    (r"unexpected '([^']+)'", lambda g: f"{_tok(g[0])} không đúng chỗ"),
    (r"unexpected char '([\"'])'", lambda g: f"dấu nháy {g[0]} mở một chuỗi chữ nhưng không có "
                                              "dấu nháy đóng"),
    (r"unexpected char '(.)'", lambda g: f"ký tự “{g[0]}” không dùng được trong thẻ"),
    (r"Expected an expression, got '([^']+)'",
     lambda g: f"thẻ trống hoặc thiếu tên, giá trị (gặp {_tok(g[0])} khi còn chờ một tên)"),
    (r"tag name expected", lambda g: "thẻ “{% %}” trống: thiếu lệnh (if, for, endif…)"),
    (r"Encountered unknown tag '([^']+)'",
     lambda g: f"không có lệnh “{g[0]}”: trong “{{% … %}}” chỉ dùng if, elif, else, endif, for, "
               f"endfor, set…; muốn in giá trị thì viết “{{{{ {g[0]} }}}}”"),
    (r"expected name or number", lambda g: "sau dấu “.” phải là tên một trường"),
    (r"(?i)unexpected end of template.*innermost block that needs to be closed is '([^']+)'",
     lambda g: f"khối “{{% {g[0]} %}}” chưa được đóng"),
    (r"(?i)unexpected end of template", lambda g: "thẻ chưa được đóng (thiếu “}}” hoặc “%}”)"),
]


def _tok(name: str) -> str:
    return _TOKENS.get(name, f"“{name}”")


def _vn_jinja(message: str | None) -> str:
    """Jinja's English message said in Vietnamese (the common cases; others kept as they are)."""
    m = message or ""
    for pattern, say in _JINJA_VN:
        found = re.match(pattern, m)
        if found:
            return say(found.groups())
    return f"lỗi cú pháp khác (thông báo gốc: {m})"


def _filters() -> set[str]:
    return set(vnformat.FILTERS)


def _line_par(lineno: int | None, pars: list[Par]) -> int:
    if not lineno:
        return 0
    return min(max(lineno - 1, 0), len(pars) - 1)


def explain_failure(path: str | Path, known: set[str], error) -> list[Problem]:
    """Why rendering ``path`` failed with the Jinja ``error``, paragraph by paragraph.

    The preflight errors first; failing those, a missing attribute (``doc.titel``) is
    located in the tags that use it. Empty when nothing can be pinned to a paragraph.
    """
    found = [p for p in syntax_problems(path, known=known)[0] if p.severity == "error"]
    if found:
        return found
    m = re.search(r"has no attribute '([^']+)'", getattr(error, "message", None) or str(error))
    if not m:
        return []
    pars = paragraphs(str(path))
    attr = re.compile(r"\.\s*" + re.escape(m.group(1)) + r"(?!\w)|\[\s*['\"]"
                      + re.escape(m.group(1)) + r"['\"]\s*\]")
    out = []
    for tag in scan(pars, lambda *a, **k: None):
        if attr.search(jinja_text(tag.text)):
            text = " ".join(pars[tag.first].raw.split())[:120]
            out.append(Problem(file=str(path), field=pars[tag.first].label, message=(
                f"thẻ {short_tag(tag.text)} dùng “{m.group(1)}”, một trường không có trong dữ liệu "
                f"— trong đoạn: «{text}»")))
    return out
