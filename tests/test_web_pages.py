"""The web editor's pages at the HTTP level: the same problems as `kehoach check`, at the
same field paths; every editable field named by its path; the amendment letter from a
diff of two versions; next year's plan; a new plan from the sample."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from docx import Document

from tests.web_helpers import client, csrf_of, workspace

PLAN = "ba-dinh-2024"


@pytest.fixture
def ws(tmp_path):
    return workspace(tmp_path)


def test_check_shows_what_the_cli_prints(ws):
    plan = ws / "plans" / f"{PLAN}.yaml"
    cli = subprocess.run([sys.executable, "-m", "workflow", "check", str(plan), "--json"],
                         capture_output=True, text=True, check=True)
    expected = [(w["field"], w["line"], w["message"]) for w in json.loads(cli.stdout)["warnings"]]
    assert expected
    c = client(ws)
    got = c.get(f"/api/ke-hoach/{PLAN}/kiem-tra").json()
    assert [(w["field"], w["line"], w["message"]) for w in got["warnings"]] == expected
    html = c.get(f"/ke-hoach/{PLAN}").text
    from markupsafe import escape

    for field, _line, message in expected:   # beside its field, and in the list linking to it
        assert f'role="alert" class="warn" data-path="{field}">Cảnh báo: {escape(message)}</p>' in html
        assert f'data-path="{field}">' in html.split('class="problem-list"')[1].split("</section>")[0]


def test_errors_at_the_paths_the_loader_prints(ws):
    plan = ws / "plans" / f"{PLAN}.yaml"
    text = plan.read_text(encoding="utf-8").replace("deadline: tháng 10/2024\n", "deadline: trươc ngày 5/11\n", 1)
    c = client(ws)
    page = c.get(f"/ke-hoach/{PLAN}/yaml").text
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    r = c.post(f"/ke-hoach/{PLAN}/yaml", data={"csrf": csrf_of(page), "base": base, "yaml": text})
    assert r.status_code == 422
    assert 'data-path="implementation[0].content[6].deadline[0]"' in r.text
    assert "không hiểu thời hạn" in r.text


def test_every_editable_field_carries_its_path(ws):
    html = client(ws).get(f"/ke-hoach/{PLAN}").text
    form = html.split('id="editor"')[1].split("</form>")[0]
    fields = re.findall(r"<(input|textarea|select)\b([^>]*)>", form)
    assert len(fields) > 500
    for tag, attrs in fields:
        if 'type="hidden"' in attrs or 'name="new_unit"' in attrs:
            continue
        assert "data-path=" in attrs, (tag, attrs[:120])
    assert 'data-path="implementation[0].content[3].deadline[0]"' in form
    assert 'data-path="document.title"' in form and 'data-path="signer.name"' in form


def _save_deadline(c, phrase: str):
    page = c.get(f"/ke-hoach/{PLAN}").text
    form = {"csrf": csrf_of(page), "_editor": "1", "op": "save"}
    form["base"] = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    form["draft"] = re.search(r'name="draft" value="([^"]*)"', page, re.S).group(1)
    import html as h

    form["draft"] = h.unescape(form["draft"])
    data = [(k, v) for k, v in form.items()]
    # the form as the browser sends it: every field with its value
    for m in re.finditer(r'<input (?![^>]*type="(?:hidden|checkbox)")[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data.append((h.unescape(m.group(1)), h.unescape(m.group(2))))
    for m in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data.append((h.unescape(m.group(1)), h.unescape(m.group(2))))
    for m in re.finditer(r'<input type="checkbox" [^>]*name="([^"]+)" value="([^"]+)"[^>]* checked', page):
        data.append((h.unescape(m.group(1)), h.unescape(m.group(2))))
    for m in re.finditer(r'<select [^>]*name="(implementation\[\d+\]\.unit)".*?<option value="([^"]+)" selected', page, re.S):
        data.append((m.group(1), m.group(2)))
    key = "implementation[0].content[5].deadline"
    body: dict[str, list[str]] = {}
    for k, v in data:
        body.setdefault(k, []).append(phrase if k == key and v.startswith("Từ ngày 05/9") else v)
    return c.post(f"/ke-hoach/{PLAN}", data=body)


def test_amendment_letter_from_two_versions(ws):
    c = client(ws)
    r = _save_deadline(c, "Từ ngày 09/9 đến ngày 30/9/2024")
    assert r.status_code == 303, r.text[:500]
    diff = c.get(f"/ke-hoach/{PLAN}/so-sanh?a=1&b=2").text
    assert "1 nhiệm vụ thay đổi" in diff and "Từ ngày 09/9 đến ngày 30/9/2024" in diff
    r = c.post(f"/ke-hoach/{PLAN}/dieu-chinh", data={"csrf": csrf_of(diff), "a": "1", "b": "2"})
    assert r.status_code == 303
    letter = ws / "out" / PLAN / f"{PLAN}-cong-van-dieu-chinh.docx"
    text = "\n".join(p.text for p in Document(letter).paragraphs)
    assert "điều chỉnh" in text and "Từ ngày 09/9 đến ngày 30/9/2024" in text
    assert "Phòng Giáo dục và Đào tạo quận" in text
    assert f"out/{PLAN}/{PLAN}-cong-van-dieu-chinh.docx" in c.get(f"/ke-hoach/{PLAN}/van-ban").text


def test_rollover_and_new_plan(ws):
    c = client(ws)
    t = csrf_of(c.get("/").text)
    r = c.post(f"/ke-hoach/{PLAN}/chuyen-nam", data={"csrf": t})
    assert r.status_code == 200 and "ba-dinh-2025" in r.text and "Giữ nguyên, cần xem lại" in r.text
    assert "year: 2025" in (ws / "plans" / "ba-dinh-2025.yaml").read_text(encoding="utf-8")
    r = c.post("/moi", data={"csrf": t, "year": "2026", "name": "quan-2026"})
    assert r.status_code == 303 and r.headers["location"].startswith("/ke-hoach/quan-2026")
    text = (ws / "plans" / "quan-2026.yaml").read_text(encoding="utf-8")
    assert "year: 2026" in text and "tháng 2/2026" in text
    assert not list((ws / "plans").glob(".*"))   # no helper copy left behind
    plans = c.get("/").text
    assert plans.count("dự thảo") >= 3 and "Chuyển sang năm 2027" in plans
