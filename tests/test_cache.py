"""kehoach's disk cache (workflow/cache.py): entries keyed by content, whole or absent,
never trusted when damaged; the template checks and compiled templates kept in it give the
same answers as made afresh."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import docx
import pytest

from workflow import cache
from workflow.documents import preflight
from workflow.documents.preflight_render import check_template


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(where))
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    return where


def test_an_entry_is_read_back_by_its_key_only(cache_dir):
    name = cache.key("thử", b"\x00bytes", [1, 2])
    assert name != cache.key("thử", b"\x00bytes", [1, 3])
    assert cache.get_json("k", name) is None
    cache.put_json("k", name, {"giá trị": [1, "hai"]})
    assert cache.get_json("k", name) == {"giá trị": [1, "hai"]}
    # an entry renamed (or a digest collision in the file name) is not someone else's answer
    other = cache.key("khác")
    (cache_dir / "k" / f"{name}.json").rename(cache_dir / "k" / f"{other}.json")
    assert cache.get_json("k", other) is None


def test_a_folder_removed_while_running_is_made_again(cache_dir):
    """folder() remembers the folders it made (a web server asks thousands of times), but
    one removed meanwhile (a user clearing the cache) is made again, and entries work."""
    import shutil

    assert cache.folder("k") == cache_dir / "k" and (cache_dir / "k").is_dir()
    shutil.rmtree(cache_dir)
    assert cache.folder("k") == cache_dir / "k" and (cache_dir / "k").is_dir()
    cache.put_json("k", cache.key("x"), 1)
    assert cache.get_json("k", cache.key("x")) == 1


@pytest.mark.parametrize("damage", [b"", b'{"key": "', b"\xff\xfe", b"[1, 2]", b'{"key": 1}'])
def test_a_damaged_entry_is_ignored_and_made_again(cache_dir, damage):
    name = cache.key("x")
    cache.put_json("k", name, [1])
    (cache_dir / "k" / f"{name}.json").write_bytes(damage)
    assert cache.get_json("k", name) is None
    cache.put_json("k", name, [2])
    assert cache.get_json("k", name) == [2]


def test_no_cache_when_turned_off_or_unwritable(tmp_path, monkeypatch):
    monkeypatch.setenv("KEHOACH_NO_CACHE", "1")
    assert cache.folder("k") is None
    monkeypatch.delenv("KEHOACH_NO_CACHE")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(blocker))
    assert cache.folder("k") is None
    cache.put_json("k", cache.key("x"), 1)  # silently nothing
    assert cache.get_json("k", cache.key("x")) is None


def test_the_folder_is_private(cache_dir):
    assert cache.folder("k").stat().st_mode & 0o077 == 0


def test_processes_writing_one_entry_at_once_never_show_half_of_it(cache_dir):
    """Four writers and a reader on one entry: the reader sees it whole or not at all."""
    name = cache.key("shared")
    value = {"rows": ["dòng " * 50] * 400}  # ~100 KB: a write takes more than one syscall
    code = textwrap.dedent(f"""
        import sys
        from workflow import cache
        value = {value!r}
        for _ in range(40):
            cache.put_json("k", {name!r}, value)
    """)
    writers = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
    seen = set()
    while any(w.poll() is None for w in writers):
        got = cache.get_json("k", name)
        seen.add("whole" if got == value else "none" if got is None else "other")
    assert all(w.wait() == 0 for w in writers)
    assert "other" not in seen and cache.get_json("k", name) == value
    assert not [p for p in (cache_dir / "k").iterdir() if p.suffix == ".tmp"]


def _template(path, paragraphs):
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(str(path))
    return path


def test_template_checks_come_back_from_the_cache_and_survive_its_damage(cache_dir, tmp_path):
    path = _template(tmp_path / "t.docx", ["Tên: {{ na", "me }} hết", "{{ x }"])
    first = check_template(path, known={"name"})
    assert first and all(p.file == str(path) for p in first)
    [entry] = (cache_dir / "preflight").glob("*.json")
    preflight.findings.cache_clear()
    assert check_template(path, known={"name"}) == first  # read from disk
    preflight.findings.cache_clear()
    entry.write_text(json.dumps({"key": entry.stem, "value": [["split", {"bad": 1}]]}))
    assert check_template(path, known={"name"}) == first  # not trusted: checked again
    preflight.findings.cache_clear()
    _template(path, ["{{ name }}"])  # the same file, other content: another key
    assert check_template(path, known={"name"}) == []


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(cache_dir):
    from workflow.documents.jinja import jinja_env

    assert jinja_env().from_string("{{ a }} & {{ b | so }}").render(a="x<", b=12880) == "x&lt; & 12.880"
    kept = list((cache_dir / "jinja").iterdir())
    assert len(kept) == 1
    kept[0].write_bytes(b"garbage")
    assert jinja_env().from_string("{{ a }} & {{ b | so }}").render(a="y&", b=1) == "y&amp; & 1"
    # the same text under other settings (no autoescape) is compiled for those settings
    from workflow.documents.jinja import sandboxed_env

    assert sandboxed_env(autoescape=False).from_string("{{ a }} &").render(a="<") == "< &"
    assert jinja_env().from_string("{{ a }} &").render(a="<") == "&lt; &"


def test_a_plan_loaded_again_comes_from_the_cache_without_building_a_validator(cache_dir, tmp_path):
    """The second process finds the file parsed and its data validated: it imports neither
    PyYAML nor builds a pydantic validator, and gets the same plan."""
    import shutil

    from calendar_helpers import SEED_PLAN

    shutil.copytree(SEED_PLAN.parent.parent, tmp_path / "config")
    plan = tmp_path / "config" / "plans" / SEED_PLAN.name
    code = textwrap.dedent(f"""
        import json, sys
        from workflow.plan.loader import load_plan
        from workflow.plan.models import Plan
        lp = load_plan({str(plan)!r})
        print(json.dumps({{"yaml": "yaml" in sys.modules, "built": Plan.__pydantic_complete__,
                           "tasks": [t.id for t in lp.tasks], "units": sorted(lp.units),
                           "title": lp.plan.document.title}}))
    """)

    def run():
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    first, second = run(), run()
    assert first["yaml"] and first["built"]
    assert not second["yaml"] and not second["built"]
    assert {k: second[k] for k in ("tasks", "units", "title")} == {k: first[k] for k in ("tasks", "units", "title")}
    for entry in (cache_dir / "valid").iterdir():  # damaged: validated again, same answer
        entry.write_bytes(entry.read_bytes()[:40])
    third = run()
    assert third["built"] and third["tasks"] == first["tasks"]


def test_validated_data_is_keyed_by_its_values_and_their_types(cache_dir):
    """A YAML date and the string of the same date, 1 and "1", are different data."""
    from datetime import date

    from workflow.errors import ProblemList
    from workflow.plan.loader import validate_model
    from workflow.plan.models import DocDate, Unit
    from workflow.plan.yamlsource import Positions

    pos, problems = Positions(file="x.yaml"), ProblemList()
    assert validate_model(DocDate, date(2024, 2, 5), pos, problems).day == 5
    assert validate_model(DocDate, "\x00date:2024-02-05", pos, problems) is None
    assert validate_model(DocDate, date(2024, 2, 5), pos, problems).as_date() == date(2024, 2, 5)
    u = validate_model(Unit, {"name": "Trường A", "email": "a@x.example.org"}, pos, problems)
    assert u.email == ["a@x.example.org"]
    assert validate_model(Unit, {"name": "Trường A", "email": "không-phải-thư"}, pos, problems) is None
    assert [p.field for p in problems.errors] == ["", "email"]
