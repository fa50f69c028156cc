"""Every refusal of the web editor, at the HTTP level: CSRF, other sites, login, throttling,
uploads, paths out of the workspace, bad input (a Vietnamese page and a 4xx, nothing
written), Content-Security-Policy without inline script, and the --host rule."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.web_helpers import client, csrf_of, free_port, workspace

PLAN = "ba-dinh-2024"


@pytest.fixture
def ws(tmp_path):
    return workspace(tmp_path)


def snapshot(root: Path) -> dict:
    """Every file of the workspace but the program's own state (versions, sessions)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".kehoach" not in p.parts}


def token(c, url="/") -> str:
    return csrf_of(c.get(url).text)


def vietnamese_page(r, status: int) -> None:
    assert r.status_code == status, r.text[:500]
    assert "Traceback" not in r.text and "Internal Server Error" not in r.text
    assert re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", r.text.lower()), r.text[:300]


def post_routes(app):
    out = []
    for r in app.routes:
        if "POST" in (getattr(r, "methods", None) or ()):
            out.append(r.path.replace("{name}", PLAN))
    return out


def test_every_post_needs_the_csrf_token(ws):
    c = client(ws)
    t = token(c)
    routes = post_routes(c.app)
    assert len(routes) >= 10
    before = snapshot(ws)
    for path in routes:
        r = c.post(path, data={"op": "save", "base": "x", "draft": "year: 2024"})
        vietnamese_page(r, 403) if not path.startswith("/api/") else None
        assert r.status_code == 403, path
        r = c.post(path, data={"csrf": t[:-2] + "xx", "yaml": "x", "base": "x"})
        assert r.status_code == 403, path
    r = c.post("/api/thoi-han", json={"phrase": "tháng 3/2024", "year": 2024})
    assert r.status_code == 403
    assert snapshot(ws) == before


def test_a_form_posted_from_another_site_is_refused(ws):
    c = client(ws)
    t = token(c)
    r = c.post("/moi", data={"csrf": t, "year": "2025"}, headers={"origin": "http://evil.example"})
    vietnamese_page(r, 403)
    r = c.post("/api/thoi-han", json={"phrase": "tháng 3/2024", "year": 2024},
               headers={"x-csrf-token": t, "origin": "http://evil.example"})
    assert r.status_code == 403
    r = c.post("/api/thoi-han", json={"phrase": "tháng 3/2024", "year": 2024}, headers={"x-csrf-token": t})
    assert r.status_code == 200 and r.json()["dates"] == "→ 01/03/2024 – 31/03/2024"


def test_csp_and_no_inline_script_on_any_page(ws):
    c = client(ws)
    pages = ["/", "/nhap", f"/ke-hoach/{PLAN}", f"/ke-hoach/{PLAN}/yaml", f"/ke-hoach/{PLAN}/kiem-tra",
             f"/ke-hoach/{PLAN}/lich-su", f"/ke-hoach/{PLAN}/van-ban", f"/ke-hoach/{PLAN}/xem-truoc",
             f"/ke-hoach/{PLAN}/so-sanh?a=1", "/khong-co-trang-nay"]
    for url in pages:
        r = c.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "style-src 'self'" in csp
        assert r.headers["x-frame-options"] == "DENY"
        html = r.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url      # no inline script
        assert not re.search(r"\son[a-z]+\s*=", html), url                     # no on* handlers
        assert not re.search(r"\sstyle\s*=", html), url                        # no inline style


def test_login_required_once_accounts_exist(ws):
    from workflow.web.accounts import Accounts

    Accounts(ws / ".kehoach").add("lan", "mat-khau-dai")
    c = client(ws)
    r = c.get(f"/ke-hoach/{PLAN}")
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap?next=")
    assert c.get(f"/api/ke-hoach/{PLAN}/kiem-tra").status_code == 401
    assert c.get(f"/tep/plans/{PLAN}.yaml").status_code == 303
    t = token(c, "/dang-nhap")
    r = c.post("/dang-nhap", data={"csrf": t, "name": "lan", "password": "sai-mat-khau"})
    vietnamese_page(r, 401)
    r = c.post("/dang-nhap", data={"csrf": t, "name": "lan", "password": "mat-khau-dai", "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get(f"/ke-hoach/{PLAN}").status_code == 200
    r = c.post("/dang-xuat", data={"csrf": token(c)})
    assert r.status_code == 303
    assert c.get("/").status_code == 303


def test_login_attempts_are_throttled(ws):
    from workflow.web.accounts import Accounts

    Accounts(ws / ".kehoach").add("lan", "mat-khau-dai")
    c = client(ws)
    t = token(c, "/dang-nhap")
    for _ in range(5):
        assert c.post("/dang-nhap", data={"csrf": t, "name": "lan", "password": "x"}).status_code == 401
    r = c.post("/dang-nhap", data={"csrf": t, "name": "lan", "password": "mat-khau-dai"})
    vietnamese_page(r, 429)
    assert "Thử lại sau" in r.text


def test_accounts_refuse_weak_input(ws):
    from workflow.errors import InputError
    from workflow.web.accounts import Accounts

    a = Accounts(ws / ".kehoach")
    with pytest.raises(InputError):
        a.add("Lan Anh", "mat-khau-dai")
    with pytest.raises(InputError):
        a.add("lan", "ngan")
    a.add("lan", "mat-khau-dai")
    stored = (ws / ".kehoach" / "users.json").read_text()
    assert "mat-khau-dai" not in stored and "$argon2" in stored
    assert oct((ws / ".kehoach" / "users.json").stat().st_mode & 0o777) == "0o600"
    assert a.verify("lan", "mat-khau-dai") and not a.verify("lan", "x") and not a.verify("ai", "x")


def _upload(c, name: str, data: bytes, content_type="application/octet-stream"):
    return c.post("/nhap", data={"csrf": token(c, "/nhap")}, files={"file": (name, data, content_type)})


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,says", [
    ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "tệp .doc cũ"),
    ("ke-hoach.docx", b"%PDF-1.7\n" + b"x" * 100, "tệp PDF"),
    ("anh.docx", b"\x89PNG\r\n\x1a\n\0\0\0", "nhị phân"),
    ("ke-hoach.docx", _zip({"xl/workbook.xml": b"<x/>"}), "không có word/document.xml"),
    ("ke-hoach.docx", _zip({"word/document.xml": b"<w/>", "word/media/big.bin": b"\0" * (80 * 1024 * 1024)}),
     "bom nén"),
    ("ke-hoach.docx", b"PK\x03\x04 not really a zip", "bị hỏng"),
    ("ke-hoach.txt", "Kế hoạch".encode("cp1258", errors="ignore") + b"\xff\xfe\xfa", "UTF-8"),
    ("rong.txt", b"", "tệp rỗng"),
])
def test_uploads_are_checked_by_content(ws, name, data, says):
    c = client(ws)
    before = snapshot(ws)
    r = _upload(c, name, data)
    vietnamese_page(r, 422)
    assert says in r.text
    assert snapshot(ws) == before


def test_upload_size_limit(ws):
    from workflow.web.uploads import MAX_UPLOAD

    c = client(ws)
    before = snapshot(ws)
    r = _upload(c, "to.txt", b"a" * (MAX_UPLOAD + 1024 * 1024))
    vietnamese_page(r, 413)
    assert snapshot(ws) == before


def test_a_text_plan_imports(ws, tmp_path):
    from docx import Document

    from workflow.build import build

    res = build(ws / "plans" / f"{PLAN}.yaml", out_dir=tmp_path / "b")
    docx = next(p for k, p in res.outputs if k == "ke-hoach")
    doc = Document(docx)
    lines = ["\t".join(c.text for c in row.cells) for t in doc.tables[:1] for row in t.rows]
    lines += [p.text for p in doc.paragraphs]
    c = client(ws)
    r = _upload(c, "Kế hoạch 2024.txt", "\n".join(lines).encode("utf-8"), "text/plain")
    assert r.status_code == 200, r.text[:300]
    assert (ws / "plans" / "ke-hoach-2024.yaml").is_file()


def test_paths_stay_inside_the_workspace(ws, tmp_path):
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("bí mật")
    out = ws / "out" / PLAN
    out.mkdir(parents=True)
    (out / "lien-ket.docx").symlink_to(secret)
    (ws / "plans" / "ngoai.yaml").symlink_to(secret)
    c = client(ws)
    for url in ["/tep/out/%2E%2E/%2E%2E/bi-mat.txt", "/tep/%2Fetc%2Fpasswd", "/tep/out/../../bi-mat.txt",
                f"/tep/out/{PLAN}/lien-ket.docx", "/tep/units/ba-dinh.yaml", "/tep/.kehoach/web-secret",
                "/ke-hoach/..%2F..%2Fetc/yaml", "/ke-hoach/ngoai", "/ke-hoach/.kehoach",
                "/anh/../../x/page-001.png", "/anh/" + "a" * 64 + "/page-001.png",
                f"/ke-hoach/{PLAN}/xem-truoc?tep=../../bi-mat.txt", f"/ke-hoach/{PLAN}/so-sanh?a=99"]:
        r = c.get(url)
        assert r.status_code == 404, url
        assert "bí mật" not in r.text, url
    r = c.get(f"/tep/plans/{PLAN}.yaml")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")


def test_bad_input_gets_a_vietnamese_4xx_and_writes_nothing(ws):
    c = client(ws)
    t = token(c, f"/ke-hoach/{PLAN}")
    text = (ws / "plans" / f"{PLAN}.yaml").read_text(encoding="utf-8")
    sha = re.search(r'name="base" value="([0-9a-f]+)"', c.get(f"/ke-hoach/{PLAN}").text).group(1)
    before = snapshot(ws)
    cases = [
        c.post(f"/ke-hoach/{PLAN}/yaml", data={"csrf": t, "base": sha, "yaml": "year: [2024\n"}),
        c.post(f"/ke-hoach/{PLAN}/yaml", data={"csrf": t, "base": sha, "yaml": text.replace("year: 2024", "year: hai")}),
        c.post(f"/ke-hoach/{PLAN}", data={"csrf": t, "base": sha, "draft": "a: [1\n", "op": "save"}),
        c.post(f"/ke-hoach/{PLAN}", data={"csrf": t, "base": sha, "draft": text, "op": "remove:year"}),
        c.post(f"/ke-hoach/{PLAN}", data={"csrf": t, "base": sha, "draft": text, "op": "up:implementation[99]"}),
        c.post(f"/ke-hoach/{PLAN}", data={"csrf": t}),
        c.post(f"/ke-hoach/{PLAN}/khoi-phuc", data={"csrf": t, "n": "abc", "base": sha}),
        c.post(f"/ke-hoach/{PLAN}/dieu-chinh", data={"csrf": t, "a": "1"}),
        c.post("/moi", data={"csrf": t, "year": "1800"}),
        c.post(f"/ke-hoach/{PLAN}/chuyen-nam", data={"csrf": t, "year": "3000"}),
        c.get(f"/ke-hoach/{PLAN}/so-sanh"),
        c.get("/khong-co"),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
        vietnamese_page(r, r.status_code)
    assert "year" in cases[1].text and 'role="alert"' in cases[1].text
    assert c.put("/").status_code == 405
    for body in (b"{", b'{"phrase": "x", "year": "hai"}', b'{"phrase": "x", "year": 1500}'):
        r = c.post("/api/thoi-han", content=body, headers={"x-csrf-token": t, "content-type": "application/json"})
        assert r.status_code == 400 and "error" in r.json()
    assert snapshot(ws) == before


def test_host_other_than_localhost_needs_accounts(ws):
    from workflow.cli import main

    assert main(["web", str(ws), "--host", "0.0.0.0", "--no-browser"]) == 2


def test_with_accounts_another_host_starts_and_asks_for_login(ws):
    from workflow.web.accounts import Accounts

    Accounts(ws / ".kehoach").add("lan", "mat-khau-dai")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "workflow", "web", str(ws), "--host", "0.0.0.0",
                             "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)  # traffic to this machine only
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode() if proc.poll() is not None else "no start") from None
                time.sleep(0.1)
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")
    finally:
        proc.terminate()
        proc.wait(10)
