"""A real kehoach web server for the tests: a temporary copy of the sample workspace served
by uvicorn on 127.0.0.1, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "out" / "screenshots" / "web"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workspace(tmp: Path) -> Path:
    """A fresh copy of the shipped sample workspace (never the repository's config/)."""
    from workflow.workspace import init_workspace

    return init_workspace(tmp / "ws")


@contextmanager
def serve(root: Path):
    """uvicorn serving ``root`` on a free 127.0.0.1 port; yields the base URL."""
    import uvicorn

    from workflow.web.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning",
                            access_log=False)
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
