"""A real kehoach web server for the tests: a temporary copy of the sample workspace served
by uvicorn on 127.0.0.1, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "out" / "screenshots" / "web"
CHROMIUM = "/usr/bin/chromium"


@contextmanager
def chromium():
    """Debian's chromium, driven by Playwright from PyPI (a test fails, not skips, when it is
    missing: .ci/run installs it)."""
    from playwright.sync_api import sync_playwright  # only the browser tests load Playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workspace(tmp: Path) -> Path:
    """A fresh copy of the shipped sample workspace (never the repository's config/)."""
    from workflow.workspace import init_workspace

    return init_workspace(tmp / "ws")


@contextmanager
def serve(root: Path, *, port: int | None = None, access_log: bool = False, **app_options):
    """uvicorn serving ``root`` on a free 127.0.0.1 port (or ``port``); yields the base
    URL. ``app_options`` go to ``create_app`` (``now=``, ``local_url=``…)."""
    import uvicorn

    from workflow.web.app import create_app

    port = port or free_port()
    app_options.setdefault("local_url", f"http://127.0.0.1:{port}")
    config = uvicorn.Config(create_app(root, **app_options), host="127.0.0.1", port=port,
                            log_level="info" if access_log else "warning", access_log=access_log)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def client(root: Path):
    """Starlette's in-process client for HTTP-level tests."""
    from starlette.testclient import TestClient

    from workflow.web.app import create_app

    return TestClient(create_app(root), raise_server_exceptions=False, follow_redirects=False)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "page has no CSRF token"
    return m.group(1)


def shot(page, name: str) -> Path:
    """Save a screenshot of ``page`` (the viewport, 1366×768) for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(p))
    return p
