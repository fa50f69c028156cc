"""The shape of the house: layers point one way, no import cycles, no private names shared.

The import graph is read by grimp (every import, function-level ones included)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workflow"

# Lower layers must not import the higher ones (``commands`` and ``web`` sit on top).
LAYERS = [
    ("workflow.errors", "workflow.safeio", "workflow.dates", "workflow.cache", "workflow.jsontext"),
    ("workflow.plan",),
    ("workflow.documents", "workflow.calendars", "workflow.reminders", "workflow.statistics",
     "workflow.importer", "workflow.progress"),
    ("workflow.build", "workflow.overdue", "workflow.workspace"),
    ("workflow.commands", "workflow.web", "workflow.cli"),
]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("workflow", exclude_type_checking_imports=True)


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    mods = sorted(graph.modules)
    adj = {m: sorted(set(graph.find_modules_directly_imported_by(m)) & set(mods)) for m in mods}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in adj[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for m in mods:
        if m not in index:
            visit(m)
    return out


def test_no_import_cycles(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    """The check above can fail: a package whose two modules import each other."""
    pkg = tmp_path / "kreis"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("kreis")) == [["kreis.a", "kreis.b"]]


def _layer(module: str) -> int | None:
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def test_layers_point_one_way(graph):
    wrong = []
    for m in sorted(graph.modules):
        lm = _layer(m)
        for dep in graph.find_modules_directly_imported_by(m):
            ld = _layer(dep)
            if lm is not None and ld is not None and ld > lm:
                wrong.append(f"{m} -> {dep}")
    assert wrong == []


def test_commands_never_import_the_cli_module(graph):
    users = set(graph.find_modules_that_directly_import("workflow.cli"))
    assert users == {"workflow.__main__"}  # `python -m workflow` is the CLI itself


def _own_private_imports() -> list[str]:
    found = []
    for f in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("workflow")):
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__"):
                        found.append(f"{f.relative_to(PACKAGE.parent)}:{node.lineno}: {a.name}")
    return found


def test_no_private_name_is_imported_across_modules():
    assert _own_private_imports() == []


def test_progress_reads_only_the_plan_model(graph):
    """The progress store sits beside reminders and statistics: it may read the plan model,
    errors and safeio, never the stages beside it or above."""
    allowed = ("workflow.plan", "workflow.errors", "workflow.safeio", "workflow.progress")
    wrong = [f"{m} -> {d}" for m in sorted(graph.modules) if m.startswith("workflow.progress")
             for d in graph.find_modules_directly_imported_by(m)
             if d.startswith("workflow.") and not d.startswith(allowed)]
    assert wrong == []


# commands/*_cmds.py may say it once for the whole module, in a comment line of its own
COMMAND_MODULE_NOTE = "imports what it uses inside its body"


def _uncommented_function_imports(package: Path = PACKAGE) -> list[str]:
    """Every import inside a function with no comment on its line or on the line above it
    (for a run of import lines, above the first): why it is not at the top."""
    found = []
    for f in sorted(package.rglob("*.py")):
        rel = f.relative_to(package.parent).as_posix()
        text = f.read_text(encoding="utf-8")
        lines = text.splitlines()
        if (rel.startswith("workflow/commands/") and rel.endswith("_cmds.py")
                and any(ln.startswith("#") and COMMAND_MODULE_NOTE in ln for ln in lines)):
            continue
        seen = set()
        for fn in ast.walk(ast.parse(text)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.lineno in seen:
                    continue
                seen.add(node.lineno)
                i = node.lineno - 1
                if "#" in lines[i] or _commented_above(lines, i):
                    continue
                found.append(f"{rel}:{node.lineno}: {lines[i].strip()}")
    return found


def _commented_above(lines: list[str], i: int) -> bool:
    """The line above is a comment, or an import line (of the same run) that is commented."""
    j = i - 1
    while j >= 0:
        above = lines[j].strip()
        if above.startswith("#"):
            return True
        if not above.startswith(("import ", "from ")) or "#" in above:
            return "#" in above
        j -= 1
    return False


def test_every_function_level_import_says_why():
    """An import inside a function keeps start-up fast (a heavy library loaded only by the
    command that uses it) or breaks a cycle: a comment says which, or it goes to the top."""
    assert _uncommented_function_imports() == []


def test_the_comment_check_finds_a_bare_function_import(tmp_path):
    pkg = tmp_path / "workflow"
    (pkg / "commands").mkdir(parents=True)
    (pkg / "a.py").write_text("def f():\n    import json\n\n\ndef g():\n    # why\n    import json\n"
                              "    import csv\n\n\ndef h():\n    import re  # why\n")
    (pkg / "commands" / "x_cmds.py").write_text("def c():\n    import json\n")
    (pkg / "commands" / "y_cmds.py").write_text(f"# Each command {COMMAND_MODULE_NOTE}.\n"
                                                "def c():\n    import json\n")
    assert _uncommented_function_imports(pkg) == [
        "workflow/a.py:2: import json", "workflow/commands/x_cmds.py:2: import json"]
