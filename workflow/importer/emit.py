"""Write plan data as YAML a person can read and edit, with comments.

PyYAML cannot write comments, so the text is produced here: keys in the schema's order,
long prose as folded block scalars (``>-``) wrapped at ~100 columns, short lists of ids in
flow style, and ``# …`` lines above any field the importer was unsure of. The caller checks
that the text loads back to exactly the data (:func:`dump` does it itself).
"""

from __future__ import annotations

import json
import re

import yaml

WIDTH = 100
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def dump(data: dict, comments: dict[tuple, list[str]] | None = None,
         header: list[str] | None = None) -> str:
    """YAML text for ``data`` with ``comments`` (field path -> lines) placed above each field.

    Raises AssertionError if the text would not load back to ``data`` (a bug, not bad input).
    """
    comments = comments or {}
    out: list[str] = [f"# {h}" if h else "#" for h in (header or [])]
    _mapping(data, (), 0, out, comments)
    text = "\n".join(out) + "\n"
    back = yaml.load(text, Loader=_LOADER)
    if back != data:
        raise AssertionError("YAML writer produced text that does not load back to the data")
    return text


def _comment(path: tuple, indent: int, out: list[str], comments) -> None:
    for c in comments.get(path, ()):
        for line in _wrap(c, WIDTH - indent - 2):
            out.append(" " * indent + "# " + line)


def _mapping(d: dict, path: tuple, indent: int, out: list[str], comments, first_prefix: str | None = None) -> None:
    pad = " " * indent
    for n, (k, v) in enumerate(d.items()):
        p = path + (k,)
        lead = pad if (first_prefix is None or n > 0) else first_prefix
        if n > 0 or first_prefix is None:
            _comment(p, indent, out, comments)
        _entry(f"{lead}{k}:", v, p, indent, out, comments)


def _entry(prefix: str, v, path: tuple, indent: int, out: list[str], comments) -> None:
    """Write ``prefix`` (``key:`` or ``- key:``) followed by the value ``v``."""
    if isinstance(v, dict):
        if not v:
            out.append(f"{prefix} {{}}")
        elif all(isinstance(x, (int, bool)) or x is None for x in v.values()) and len(v) <= 4:
            out.append(f"{prefix} {{" + ", ".join(f"{k}: {_atom(x)}" for k, x in v.items()) + "}")
        else:
            out.append(prefix)
            _mapping(v, path, indent + 2, out, comments)
    elif isinstance(v, list):
        if not v:
            out.append(f"{prefix} []")
        elif all(isinstance(x, str) and _ID.match(x) for x in v) and len(prefix) + sum(len(x) + 2 for x in v) < WIDTH:
            out.append(f"{prefix} [" + ", ".join(v) + "]")
        else:
            out.append(prefix)
            _sequence(v, path, indent + 2, out, comments)
    else:
        _scalar(prefix, v, indent + 2, out)


def _sequence(items: list, path: tuple, indent: int, out: list[str], comments) -> None:
    pad = " " * indent
    for i, v in enumerate(items):
        p = path + (i,)
        _comment(p, indent, out, comments)
        if isinstance(v, dict) and v:
            first = next(iter(v))
            _comment(p + (first,), indent, out, comments)
            _mapping(v, p, indent + 2, out, comments, first_prefix=pad + "- ")
        elif isinstance(v, list) and v:
            out.append(pad + "-")
            _sequence(v, p, indent + 2, out, comments)
        else:
            _scalar(pad + "-", v, indent + 2, out)


def _atom(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _plain_ok(s: str) -> bool:
    if not s or s != s.strip() or "\n" in s:
        return False
    try:
        return yaml.load(f"k: {s}", Loader=_LOADER) == {"k": s} and yaml.load(f"- {s}", Loader=_LOADER) == [s]
    except yaml.YAMLError:
        return False


def _scalar(prefix: str, v, indent: int, out: list[str]) -> None:
    if v is None:
        out.append(prefix)
        return
    if not isinstance(v, str):
        out.append(f"{prefix} {_atom(v)}")
        return
    folded_ok = "\n" not in v and v == " ".join(v.split())
    if folded_ok and len(prefix) + 1 + len(v) > WIDTH:
        one = None  # too long for one line: no need to work out its one-line form
    else:
        one = v if _plain_ok(v) else json.dumps(v, ensure_ascii=False)
    if one is not None and (len(prefix) + 1 + len(one) <= WIDTH or not folded_ok):
        out.append(f"{prefix} {one}")
        return
    out.append(f"{prefix} >-")
    for line in _wrap(v, WIDTH - indent):
        out.append(" " * indent + line)


def _wrap(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines or [""]
