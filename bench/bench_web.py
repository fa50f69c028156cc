"""kehoach web against a real uvicorn on 127.0.0.1, serving a temporary copy of the sample
workspace: editor page, phrase reading, check, build (no PDF), 20 concurrent clients, and
the server's resident memory. Requests go to this machine only; every loop is bounded in
count and time.

Targets (issue 13): editor p95 ≤ 100 ms; phrase ≤ 30 ms; check ≤ 150 ms; build ≤ 1 s;
20 clients 0 errors and p95 ≤ 300 ms; RSS ≤ 200 MB. Issue 14: 200 units' pages and calendar
feeds (by their private links) fetched concurrently, 20 at a time: 0 errors, p95 ≤ 300 ms.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
import psutil
from _common import ENV, ROOT

PLAN = "ba-dinh-2024"
WALL = 120  # seconds: the whole bench stops by then, whatever happens


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def timed(fn, n: int, started: float) -> list[float]:
    out = []
    for _ in range(n):
        if time.monotonic() - started > WALL:
            break
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def units_at_once(base: str, started: float, n: int = 200, at_once: int = 20):
    """``n`` requests spread over every unit's page and calendar feed (by its private link,
    as a clerk or a phone's calendar opens it), ``at_once`` in flight; (latencies, errors)."""
    from concurrent.futures import ThreadPoolExecutor

    c = httpx.Client(base_url=base, timeout=10)
    office = c.get(f"/ke-hoach/{PLAN}/theo-doi").text
    pages = re.findall(r'href="https?://[^/"]+(/dv/[a-z2-7]+/\d{4})"', office)
    if not pages:
        raise SystemExit("no unit links on the follow-up page")
    feeds = []   # each unit's feed, as its page names it (found before the clock starts)
    for p in pages:
        m = re.search(r'<code class="url">https?://[^/<]+([^<]+)</code>', c.get(p).text)
        feeds.append(m.group(1).replace("&amp;", "&"))
    c.get(feeds[0]).raise_for_status()  # warm-up: the plan's calendars are built once, then kept
    jobs = [(("page", pages[i // 2 % len(pages)]) if i % 2 == 0 else ("feed", feeds[i // 2 % len(feeds)]))
            for i in range(n)]
    local = threading.local()
    lat: list[float] = []
    errs: list[str] = []
    lock = threading.Lock()

    def one(job):
        kind, url = job
        if time.monotonic() - started > WALL:
            return
        cc = getattr(local, "c", None) or httpx.Client(base_url=base, timeout=10)
        local.c = cc
        t = time.perf_counter()
        try:
            r = cc.get(url)
            want = b"BEGIN:VCALENDAR" if kind == "feed" else b"<h1>"
            ok, why = r.status_code == 200 and want in r.content, r.status_code
        except httpx.HTTPError as e:
            ok, why = False, repr(e)
        dt = time.perf_counter() - t
        with lock:
            lat.append(dt)
            if not ok:
                errs.append(f"{kind} {why}")

    with ThreadPoolExecutor(max_workers=at_once) as pool:
        list(pool.map(one, jobs))
    return lat, errs


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from workflow.workspace import init_workspace

    started = time.monotonic()
    tmp = tempfile.TemporaryDirectory(prefix="kehoach-bench-web-")
    root = init_workspace(Path(tmp.name) / "ws")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "workflow", "web", str(root), "--port", str(port),
                               "--no-browser"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    failed = False
    try:
        c = httpx.Client(base_url=base, timeout=10)
        while True:
            try:
                c.get("/")
                break
            except httpx.TransportError:
                if time.monotonic() - started > 20 or server.poll() is not None:
                    raise SystemExit("server did not start: " + server.stderr.read().decode()[-500:]) from None
                time.sleep(0.1)
        page = c.get(f"/ke-hoach/{PLAN}").text                     # warm-up (imports, caches)
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        headers = {"x-csrf-token": csrf}

        editor = timed(lambda: c.get(f"/ke-hoach/{PLAN}").raise_for_status(), 40, started)
        phrases = ["Từ ngày 07/9 đến ngày 30/9/2024", "trước ngày 05/11/2024", "Quý II-III/2024", "tháng 10/2024"]
        phrase = timed(lambda: c.post("/api/thoi-han", json={"phrase": phrases[0], "year": 2024},
                                      headers=headers).raise_for_status(), 60, started)
        check = timed(lambda: c.get(f"/api/ke-hoach/{PLAN}/kiem-tra").raise_for_status(), 20, started)
        def run_build():  # the POST that builds (it answers 303 to the page listing the files)
            r = c.post(f"/ke-hoach/{PLAN}/van-ban", data={"csrf": csrf})
            if r.status_code != 303 or "msg=" not in r.headers.get("location", ""):
                raise SystemExit(f"build failed: {r.status_code}")

        build = timed(run_build, 5, started)

        # 20 clients at once, each its own session, mixing the pages a user meets
        lat: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(k: int):
            with httpx.Client(base_url=base, timeout=10) as cc:
                try:
                    html = cc.get(f"/ke-hoach/{PLAN}").text
                    tok = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
                except Exception as e:  # noqa: BLE001 - counted, not raised
                    with lock:
                        errors.append(repr(e))
                    return
                urls = [("GET", f"/ke-hoach/{PLAN}"), ("POST", "/api/thoi-han"), ("GET", "/"),
                        ("GET", f"/api/ke-hoach/{PLAN}/kiem-tra"), ("GET", f"/ke-hoach/{PLAN}/lich-su")]
                for i in range(10):
                    if time.monotonic() - started > WALL:
                        return
                    method, url = urls[(i + k) % len(urls)]
                    t = time.perf_counter()
                    try:
                        if method == "POST":
                            r = cc.post(url, json={"phrase": phrases[i % 4], "year": 2024},
                                        headers={"x-csrf-token": tok})
                        else:
                            r = cc.get(url)
                        ok = r.status_code == 200
                    except httpx.HTTPError as e:
                        ok, r = False, e
                    with lock:
                        lat.append(time.perf_counter() - t)
                        if not ok:
                            errors.append(str(getattr(r, "status_code", r)))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WALL)
        unit_lat, unit_errors = units_at_once(base, started)
        rss = psutil.Process(server.pid).memory_info().rss / 1024 / 1024

        rows = [
            ("editor page (sample plan), p95", p95(editor) * 1000, "ms", 100),
            ("phrase reading, p95", p95(phrase) * 1000, "ms", 30),
            ("check (JSON), p95", p95(check) * 1000, "ms", 150),
            ("build without PDF, best", min(build) * 1000, "ms", 1000),
            (f"20 clients × 10 requests ({len(lat)} done, {len(errors)} errors), p95", p95(lat) * 1000, "ms", 300),
            (f"200 unit pages and feeds, 20 at a time ({len(unit_lat)} done, {len(unit_errors)} errors), p95",
             p95(unit_lat) * 1000 if unit_lat else 1e9, "ms", 300),
            ("server RSS after the run", rss, "MB", 200),
        ]
        for name, value, unit, target in rows:
            flag = "OK" if value <= target else "VƯỢT"
            print(f"{name:<62} {value:8.1f} {unit}  (mục tiêu ≤ {target} {unit}) {flag}")
            failed |= value > target
        if errors or unit_errors:
            print("errors:", (errors + unit_errors)[:5])
            failed = True
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
