"""Edit a plan's YAML text by field path, keeping everything the edit does not touch.

The web editor (and any other program) changes a plan through :func:`apply_edits`: a list
of :class:`Edit` addressed by the field paths the loader prints in its messages
(``implementation[0].content[3].deadline[0]``). The text is read with ruamel.yaml's
round-trip loader, so comments, key order, flow lists and folded strings survive, and the
result is then laid back onto the original text line by line (:func:`_rebase`): a line the
edit did not change is the original line, byte for byte, even where ruamel would have
re-wrapped it. Pure text in, text out; the caller validates the result with the normal
loader (``load_plan(path, text=…)``) before anything is written.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from ..errors import InputError, Problem
from .yamlsource import format_path

WIDTH = 100          # fold long strings as the shipped plans are folded
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Edit:
    """One change: ``set`` a value (None writes an empty value), ``unset`` a key, ``remove``
    or ``move`` (by ``value`` places, -1 up, +1 down) a list item, ``add-task`` to a unit
    part (``path`` is the part), ``add-part`` for unit ``value``."""

    op: str
    path: tuple
    value: object = None


def parse_path(text: str) -> tuple:
    """``"implementation[0].content[3].deadline[0]"`` → ``("implementation", 0, "content", 3,
    "deadline", 0)``; the inverse of :func:`~workflow.plan.yamlsource.format_path`.
    Raises :class:`ValueError` for anything else."""
    out: list = []
    pos = 0
    for m in _PART.finditer(text):
        gap = text[pos:m.start()]
        key = m.group(1) is not None
        # a key follows a "." (but the first one nothing); an index follows nothing
        if gap != ("." if key and out else ""):
            raise ValueError(text)
        out.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    if pos != len(text) or not out or not isinstance(out[0], str):
        raise ValueError(text)
    return tuple(out)


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096          # never re-wrap a line ruamel did not write
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load_rt(text: str, name: str = "<yaml>"):
    """The round-trip document of ``text``. Raises :class:`InputError` on a syntax error."""
    try:
        return _yaml().load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(Problem(file=name, line=mark.line + 1 if mark else None,
                                 message=f"lỗi cú pháp YAML: {getattr(e, 'problem', e)}")) from None


def dump_rt(doc) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def apply_edits(text: str, edits: list[Edit], *, name: str = "<yaml>") -> str:
    """``text`` with ``edits`` applied in order. Raises :class:`InputError` naming the field
    when a path does not exist or an edit does not fit the value there."""
    if not edits:
        return text
    doc = load_rt(text, name)
    before = dump_rt(doc)
    for e in edits:
        try:
            _apply(doc, e)
        except (KeyError, IndexError, TypeError, ValueError):
            raise InputError(Problem(file=name, field=format_path(e.path), message=(
                "không sửa được trường này (tệp đã đổi cấu trúc?); mở lại trang để tải bản mới"))) from None
    return _rebase(text, before, dump_rt(doc))


def _parent(doc, path: tuple):
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


def _apply(doc, e: Edit) -> None:
    if e.op == "set":
        parent, key = _parent(doc, e.path)
        if isinstance(parent, str) and key == 0 and len(e.path) > 1:
            # ``deadline: one phrase`` is the short form of a one-item list
            grand, key = _parent(doc, e.path[:-1])
            _set(grand, key, [e.value] if isinstance(e.value, str) else e.value)
            return
        _set(parent, key, e.value)
    elif e.op == "unset":
        parent, key = _parent(doc, e.path)
        if isinstance(parent, dict):
            parent.pop(key, None)
    elif e.op == "remove":
        parent, key = _parent(doc, e.path)
        del parent[key]
    elif e.op == "move":
        parent, key = _parent(doc, e.path)
        other = key + int(e.value)
        if not isinstance(parent, list) or not 0 <= other < len(parent):
            raise IndexError(other)
        parent[key], parent[other] = parent[other], parent[key]
    elif e.op == "add-task":
        part = _get(doc, e.path)
        content = part.setdefault("content", CommentedSeq())
        task = CommentedMap()
        task["task"] = ""
        task["id"] = new_task_id(doc, str(part.get("unit", "nv")))
        _append(content, task)
    elif e.op == "add-part":
        parts = doc.setdefault("implementation", CommentedSeq())
        part = CommentedMap()
        part["unit"] = str(e.value)
        task = CommentedMap()
        task["task"] = ""
        task["id"] = new_task_id(doc, str(e.value))
        part["content"] = CommentedSeq([task])
        _append(parts, part)
    else:
        raise ValueError(e.op)


def _append(seq, item: CommentedMap) -> None:
    """Append ``item``; the blank line (or comment) that followed the old last item now
    follows the new one, so the parts stay separated as they were."""
    if seq:
        holder, key = _last_slot(seq[-1])
        if holder is not None and key in holder.ca.items and len(holder.ca.items[key]) > 2:
            token = holder.ca.items[key][2]
            if token is not None:
                holder.ca.items[key][2] = None
                last = list(item)[-1]
                item.ca.items[last] = [None, None, token, None]
    seq.append(item)


def _last_slot(node):
    """The mapping and key whose trailing comment ends ``node`` (ruamel keeps a blank line
    after an item on the last scalar inside it)."""
    holder, key = None, None
    while isinstance(node, CommentedMap) and node:
        holder, key = node, list(node)[-1]
        node = node[key]
    return holder, key


def _get(doc, path: tuple):
    node = doc
    for part in path:
        node = node[part]
    return node


def _set(parent, key, value) -> None:
    old = parent.get(key) if isinstance(parent, dict) else parent[key]
    if isinstance(value, list):
        value = [str(v) for v in value]
        if len(value) == 1 and isinstance(old, str) and key == "deadline":
            parent[key] = _string(value[0], old, _indent_of(parent))
        elif isinstance(old, CommentedSeq):  # keep its flow or block style and comments
            old[:] = value
        else:
            seq = CommentedSeq(value)
            if key == "co_owners":
                seq.fa.set_flow_style()
            parent[key] = seq
        return
    if isinstance(value, str):
        value = _string(value, old, _indent_of(parent))
    parent[key] = value


def _indent_of(parent) -> int:
    lc = getattr(parent, "lc", None)
    return (lc.col or 0) + 2 if lc is not None and lc.col is not None else 8


def _string(text: str, old, indent: int):
    """The new text in the style the old one had: a folded string stays folded (wrapped at
    :data:`WIDTH`), and a long single-line text becomes folded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" in text.strip("\n"):
        return LiteralScalarString(text) if isinstance(old, LiteralScalarString) or "\n\n" in text \
            else _fold(" ".join(text.split()), indent)
    folded = isinstance(old, FoldedScalarString)
    if folded:
        return _fold(text.strip(), indent)
    # a one-line text stays on its line (a one-line diff) unless it grew very long; a new
    # long text is folded as the shipped plans are
    limit = 2 * WIDTH if isinstance(old, str) else WIDTH - indent - 10
    return _fold(text.strip(), indent) if len(text) > limit else text


def _fold(text: str, indent: int) -> FoldedScalarString:
    s = FoldedScalarString(text)
    limit = max(40, WIDTH - indent)
    folds, start = [], 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start, start + limit + 1)
        if cut <= start:
            cut = text.find(" ", start + limit)
            if cut < 0:
                break
        if text[cut - 1] == " " or cut + 1 < len(text) and text[cut + 1] == " ":
            break  # ruamel cannot fold at a double space
        folds.append(cut)
        start = cut + 1
    s.fold_pos = folds
    return s


def replace_phrase(text: str, old: str, new: str) -> str:
    """The task sentence with deadline phrase ``old`` replaced by ``new`` where it is written
    (the document prints the sentence, so a changed deadline must change there too); the
    sentence unchanged when ``old`` is not in it."""
    if not old.strip() or old not in text:
        return text
    return text.replace(old, new, 1)


def new_task_id(doc, unit: str) -> str:
    """A task id not yet used in the plan: ``<unit>-moi-<n>``."""
    used = set()
    for part in doc.get("implementation") or []:
        for b in (part.get("content") or []) if isinstance(part, dict) else []:
            if isinstance(b, dict) and b.get("id"):
                used.add(str(b["id"]))
    base = re.sub(r"[^a-z0-9-]+", "-", unit.lower()).strip("-") or "nv"
    n = 1
    while f"{base}-moi-{n}" in used:
        n += 1
    return f"{base}-moi-{n}"


def _rebase(original: str, before: str, after: str) -> str:
    """Lay the change ``before`` → ``after`` (two ruamel dumps) onto ``original``.

    When ruamel writes the original back unchanged (kehoach's own files), that is simply
    ``after``. Otherwise each changed hunk replaces the original lines it maps to; a hunk in
    a region ruamel reformatted (a re-wrapped flow list) takes that whole region."""
    if before == original:
        return after
    o = original.splitlines(keepends=True)
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    to_o: dict[int, int] = {}  # line of `before` -> line of `original`, where identical
    for tag, i1, _i2, j1, j2 in difflib.SequenceMatcher(None, o, a, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(j2 - j1):
                to_o[j1 + k] = i1 + k
    out: list[str] = []
    done = 0  # original lines consumed
    for tag, j1, j2, k1, k2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        lo = j1 - 1  # widen to the nearest mapped lines around the hunk
        while lo >= 0 and lo not in to_o:
            lo -= 1
        hi = j2
        while hi < len(a) and hi not in to_o:
            hi += 1
        o_lo = to_o[lo] + 1 if lo >= 0 else 0
        o_hi = to_o[hi] if hi < len(a) else len(o)
        if o_lo < done:  # overlaps the previous hunk's region: give up on precision
            return after
        out.extend(o[done:o_lo])
        out.extend(a[lo + 1:j1])  # unmapped lines before the hunk, as ruamel wrote them
        out.extend(b[k1:k2])
        out.extend(a[j2:hi])
        done = o_hi
    out.extend(o[done:])
    return "".join(out)
