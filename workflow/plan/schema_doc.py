"""The README's field table, generated from the plan model's descriptions.

``python -m workflow.plan.schema_doc`` prints it; a test checks the README holds the same.
"""

from __future__ import annotations

import typing
from pathlib import Path

from pydantic import BaseModel

from .models import Code, Plan


def _models(ann) -> list[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for a in typing.get_args(ann) for m in _models(a)]


def models() -> list[tuple[str, type[BaseModel]]]:
    """Every model reachable from Plan, breadth first, named by its first field path."""
    out: list[tuple[str, type[BaseModel]]] = [("(gốc)", Plan)]
    seen = {Plan}
    i = 0
    while i < len(out):
        where, model = out[i]
        i += 1
        for name, f in model.model_fields.items():
            for sub in _models(f.annotation):
                if sub not in seen:
                    seen.add(sub)
                    path = name if where == "(gốc)" else f"{where}.{name}"
                    if typing.get_origin(f.annotation) is dict:
                        path += ".<mã>"
                    elif typing.get_origin(f.annotation) is list:
                        path += "[]"
                    out.append((path, sub))
    return out


def _type_name(ann) -> str:
    if ann == Code:
        return "mã (a–z, 0–9, -)"
    origin = typing.get_origin(ann)
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(ann))
    if origin in (list,):
        return f"danh sách {_type_name(args[0])}" if args else "danh sách"
    if origin in (dict,):
        return f"ánh xạ mã → {_type_name(args[-1])}"
    if args and origin is not None:
        return " | ".join(_type_name(a) for a in args)
    names = {str: "chuỗi", int: "số nguyên", bool: "true/false"}
    if ann in names:
        return names[ann]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann.__name__
    return getattr(ann, "__name__", str(ann))


def field_table() -> str:
    lines = ["| Mục | Trường | Kiểu | Bắt buộc | Ý nghĩa |", "|---|---|---|---|---|"]
    for where, model in models():
        for name, f in model.model_fields.items():
            req = "có" if f.is_required() else ""
            desc = (f.description or "").replace("|", "\\|")
            # a top-level Annotated type reaches pydantic as its base type plus metadata
            ann = Code if f.annotation is str and list(f.metadata) == list(Code.__metadata__) \
                else f.annotation
            lines.append(f"| {where} | `{name}` | {_type_name(ann)} | {req} | {desc} |")
    return "\n".join(lines) + "\n"


def write_readme(path: str = "README.md") -> None:
    """Replace the table between the README's field markers."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    start = text.index("<!-- fields:start -->\n") + len("<!-- fields:start -->\n")
    end = text.index("<!-- fields:end -->")
    p.write_text(text[:start] + field_table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write"]:
        write_readme(*(sys.argv[2:3] or []))
    else:
        print(field_table(), end="")
