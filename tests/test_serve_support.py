"""Helpers shared by the tests of `vcf-kg serve` (this module holds no tests).

Each test module starts its own server with ``server_fixture(...)`` (a child process on a free
port of 127.0.0.1, serving the session's build, stopped at the end of the module) and talks to it with ``http(...)``, a thin
http.client wrapper that returns status, headers and body whatever the status.
"""
from __future__ import annotations

from http.client import HTTPConnection
import urllib.parse
from dataclasses import dataclass

import pytest


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def http(base: str, path: str, *, method: str = "GET", headers: dict[str, str] | None = None,
         body: bytes | str | None = None, params: dict | None = None, timeout: float = 30) -> Answer:
    url = urllib.parse.urlsplit(base)
    if params:
        path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
    conn = HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body=body.encode("utf-8") if isinstance(body, str) else body,
                     headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def server_fixture(**options):
    """A module-scoped fixture: a running server on the session's build (options as `vcf-kg serve`
    flags), as its base URL."""

    @pytest.fixture(scope="module")
    def server(built, paths):
        from vcf_kg.serve import background

        with background(dist=str(paths.dist), **options) as url:
            yield url

    return server


CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by scripts/setup.sh (Playwright downloads no browser)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, for the page tests (import this fixture into a test module)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run scripts/setup.sh (it installs Debian's chromium)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser page that must make no request beyond the server and log no error (checked after the
    test); ``page.console_errors`` holds the errors seen so far."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    outside, errors = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()
    assert outside == [], "the page made requests beyond the server (CDN assets?)"
    assert errors == []


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection and answers 500: a SERVICE target that
    must stay unused. Yields (its URL, the list of requests it received)."""
    import socket
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.1)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                seen.append(conn.recv(1000))
                conn.sendall(b"HTTP/1.1 500 No\r\nContent-Length: 0\r\n\r\n")
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", seen
    stop.set()
    thread.join()
    sock.close()
