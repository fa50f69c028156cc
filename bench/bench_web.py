"""kehoach web against a real uvicorn on 127.0.0.1, serving a temporary copy of the sample
workspace: editor page, phrase reading, check, build (no PDF), 20 concurrent clients, and
the server's resident memory. Requests go to this machine only; every loop is bounded in
count and time.

Targets (issue 13): editor p95 ≤ 100 ms; phrase ≤ 30 ms; check ≤ 150 ms; build ≤ 1 s;
20 clients 0 errors and p95 ≤ 300 ms; RSS ≤ 200 MB.
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
        rss = psutil.Process(server.pid).memory_info().rss / 1024 / 1024

        rows = [
            ("editor page (sample plan), p95", p95(editor) * 1000, "ms", 100),
            ("phrase reading, p95", p95(phrase) * 1000, "ms", 30),
            ("check (JSON), p95", p95(check) * 1000, "ms", 150),
            ("build without PDF, best", min(build) * 1000, "ms", 1000),
            (f"20 clients × 10 requests ({len(lat)} done, {len(errors)} errors), p95", p95(lat) * 1000, "ms", 300),
            ("server RSS after the run", rss, "MB", 200),
        ]
        for name, value, unit, target in rows:
            flag = "OK" if value <= target else "VƯỢT"
            print(f"{name:<62} {value:8.1f} {unit}  (mục tiêu ≤ {target} {unit}) {flag}")
            failed |= value > target
        if errors:
            print("errors:", errors[:5])
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
