"""Serve the graph over HTTP: a SPARQL 1.1 endpoint, resolvable IRIs and a query page.

>>> from vcf_kg.serve import serve
>>> serve(host="127.0.0.1", port=8000)          # what `vcf-kg serve` runs; blocks until Ctrl-C

>>> from vcf_kg.serve import background          # for tests and benchmarks: a server in a child process
>>> with background(timeout=2) as url:
...     urllib.request.urlopen(url + "sparql?query=ASK{}")

The pieces are in ``vcf_kg.server`` (see its docstring); docs/serving.md describes the HTTP interface.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import subprocess
import sys
import threading
import time

from .errors import NotBuiltError, VcfKgError
from .paths import ProjectPaths, project_paths

READY_LINE = re.compile(r"serving \d+ triples at (http://\S+/)")


def make_config(paths: ProjectPaths | None = None, **options):
    """A ServeConfig for the project's release; options are ServeConfig fields (timeout, workers, ...)."""
    from .release import release_file
    from .server.config import ServeConfig

    paths = paths or project_paths()
    release = release_file(paths.dist, "nt")
    if not release.exists():
        raise NotBuiltError(f"no built graph at {release}: run `vcf-kg build` first")
    return ServeConfig(release=release, void=paths.dist / "void.ttl", queries=paths.queries,
                       **{k: v for k, v in options.items() if v is not None})


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
        hint = "; pick another with --port" if exc.errno == errno.EADDRINUSE else ""
        raise VcfKgError(f"cannot listen on {host}:{port}: {reason}{hint}") from None
    sock.set_inheritable(False)
    return sock


def serve(host: str = "127.0.0.1", port: int = 8000, *, paths: ProjectPaths | None = None, access_log: bool = False,
          announce=None, **options) -> None:
    """Run the server until interrupted. ``announce`` gets one line once it answers (default: stderr)."""
    import logging

    import uvicorn

    from .server.app import create_app

    config = make_config(paths, **options)
    sock = _listen(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    url = f"http://{shown_host}:{bound_port}/"
    say = announce or (lambda line: print(line, file=sys.stderr, flush=True))

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app(config)
    server_state = app.state.server

    def ready() -> None:
        pool = server_state.pool
        say(f"vcf-kg: serving {pool.triples} triples at {url} (SPARQL endpoint {url}sparql; "
            f"{pool.alive} workers, {config.timeout:g} s query timeout, SERVICE "
            f"{'allowed' if config.allow_federation else 'refused'}, worker network {pool.network}). Ctrl-C stops it.")

    app.state.on_ready = ready
    _raise_file_limit()
    uv_config = uvicorn.Config(
        app, loop=_best("uvloop", "auto"), http=_http_protocol(config), lifespan="on",
        log_level="warning", access_log=access_log, server_header=False, timeout_keep_alive=5,
        timeout_graceful_shutdown=3, h11_max_incomplete_event_size=64 << 10)
    uvicorn.Server(uv_config).run(sockets=[sock])


def _http_protocol(config):
    """httptools with our connection limits (server/connections.py); h11 where httptools is missing (it then
    has its own head-size limit, but no head deadline nor per-client cap)."""
    import importlib.util

    if not importlib.util.find_spec("httptools"):
        return "h11"
    from .server.connections import ConnectionLimits, protocol_class

    return protocol_class(ConnectionLimits(head_timeout=config.head_timeout,
                                           max_per_client=config.max_connections_per_client,
                                           max_connections=config.max_connections))


def _raise_file_limit() -> None:
    """Let the server hold as many connections as the system allows (the soft limit is often 1024)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
    except (ImportError, ValueError, OSError):
        pass


def _best(module: str, fallback: str) -> str:
    import importlib.util

    return module if importlib.util.find_spec(module) else fallback


class ServerURL(str):
    """The base URL of a server started by ``background``; ``.pid`` is its main process."""

    def __new__(cls, url: str, pid: int):
        self = super().__new__(cls, url)
        self.pid = pid
        return self


@contextlib.contextmanager
def background(*, host: str = "127.0.0.1", port: int = 0, start_timeout: float = 60.0, env: dict | None = None,
               **options):
    """Start `vcf-kg serve` in a child process on a free port; yield its base URL (a ``ServerURL``, whose
    ``pid`` is the server's process); stop it on exit.

    ``options`` become CLI flags (timeout=2 -> --timeout 2; allow_federation=True -> --allow-federation).
    """
    args = [sys.executable, "-m", "vcf_kg.cli", "serve", "--host", host, "--port", str(port)]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value not in (None, False):
            args += [flag, str(value)]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})}, text=True, encoding="utf-8", errors="replace")
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def drain() -> None:  # keep reading stderr so the server never blocks on a full pipe
        for line in proc.stderr:
            lines.append(line)
            match = READY_LINE.search(line)
            if match and not found.is_set():
                url.append(match.group(1))
                found.set()
        found.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not found.wait(0.05):
            if time.monotonic() > deadline:
                break
        if not url:
            raise RuntimeError(f"vcf-kg serve did not start (exit status {proc.poll()}):\n{''.join(lines)}")
        yield ServerURL(url[0], proc.pid)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        reader.join(5)


__all__ = ["serve", "background", "make_config"]
