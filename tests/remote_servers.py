"""Start and stop the SPARQL servers the remote-store tests run against: Virtuoso (through
scripts/virtuoso.sh, which installs Debian's package if missing) and Oxigraph's own server.
Both listen on 127.0.0.1 only, on free ports, with their data in a temporary directory."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VIRTUOSO_SCRIPT = REPO / "scripts" / "virtuoso.sh"


class ServerUnavailable(Exception):
    """The server could not be installed or started here; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Virtuoso:
    directory: Path
    http_port: int
    user: str = "dba"
    password: str = "dba"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def endpoint(self) -> str:  # read-only, anonymous
        return self.base + "/sparql"

    @property
    def auth_endpoint(self) -> str:  # digest-authenticated, may write
        return self.base + "/sparql-auth"

    @property
    def gsp_endpoint(self) -> str:  # Graph Store Protocol, digest-authenticated
        return self.base + "/sparql-graph-crud-auth"

    def stop(self) -> None:
        subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "stop", str(self.directory)], capture_output=True,
                       text=True, timeout=120)

    def restart(self) -> None:
        """Stop and start again: resets Virtuoso's in-memory statistics and plans after new data."""
        done = subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "restart", str(self.directory)], capture_output=True,
                              text=True, timeout=300, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise ServerUnavailable("scripts/virtuoso.sh could not restart Virtuoso: " + done.stderr.strip())


def start_virtuoso(directory: Path) -> Virtuoso:
    """Install (if missing) and start a private Virtuoso; ServerUnavailable says why not."""
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    env = {**os.environ, "VIRTUOSO_HTTP_PORT": str(http_port), "VIRTUOSO_SQL_PORT": str(sql_port),
           "VIRTUOSO_DBA_PASSWORD": "dba", "VIRTUOSO_BUFFERS": "20000"}
    done = subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "start", str(directory)], capture_output=True,
                          text=True, env=env, timeout=900, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise ServerUnavailable("scripts/virtuoso.sh could not start Virtuoso: "
                                + (done.stderr.strip().splitlines() or ["(no message)"])[-1])
    return Virtuoso(directory, http_port)


@dataclass
class OxigraphServer:
    process: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + "/query"

    @property
    def gsp_endpoint(self) -> str:
        return self.base + "/store"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(directory: Path) -> OxigraphServer:
    binary = oxigraph_binary()
    if binary is None:
        raise ServerUnavailable("no `oxigraph` server binary: pip install oxigraph (the 'test' extra has it)")
    port = free_port()
    log = open(directory / "oxigraph.log", "wb")
    process = subprocess.Popen([binary, "serve", "--location", str(directory / "data"), "--bind", f"127.0.0.1:{port}"],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = OxigraphServer(process, port)
    deadline = time.monotonic() + 60
    while not _answers(server.endpoint + "?query=ASK%7B%7D"):
        if process.poll() is not None:
            raise ServerUnavailable(f"oxigraph serve exited ({process.returncode}); see {directory / 'oxigraph.log'}")
        if time.monotonic() > deadline:
            server.stop()
            raise ServerUnavailable("oxigraph serve did not answer within 60 s")
        time.sleep(0.1)
    return server
