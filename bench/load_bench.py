"""Load benchmark: our server (`vcf-kg serve`) against Oxigraph's own server, same data, same run.

    .venv/bin/pip install oxigraph            # Oxigraph's CLI and server (the `bench` extra)
    .venv/bin/python bench/load_bench.py      # after `vcf-kg build`

Both servers hold dist/vcf-kg.nt in memory: ours with its default settings (and once more with the
result cache off), Oxigraph's as `oxigraph serve` (in-memory store) loaded with the same file by a
Graph Store Protocol POST before the clock starts.
Concurrent clients (asyncio, HTTP/1.1 keep-alive connections, one request in flight each) send
every named competency question as plain SPARQL (prologue declared, parameters written in as
terms), round-robin, by GET (POST past 4 KiB) with Accept: application/sparql-results+json, for a fixed
time after a warm-up. Reported: throughput, p50/p99 latency, errors (non-200 or a transport error),
the servers' resident memory (all their processes) at start, peak and end, and ours/Oxigraph.
Servers and clients share the machine, so figures are for comparing, in one run, on one machine.
Traffic goes to 127.0.0.1 only; every loop is bounded in time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vcf_kg.namespaces import sparql_prologue  # noqa: E402
from vcf_kg.paths import project_paths  # noqa: E402
from vcf_kg.queries import Catalogue  # noqa: E402
from vcf_kg.release import release_file  # noqa: E402


# -- the workload ---------------------------------------------------------------
def workload(paths) -> list[tuple[str, str]]:
    """(name, standalone SPARQL) for every competency question, parameters bound to their defaults."""
    from vcf_kg.remote import bind_variables

    out = []
    for q in Catalogue(paths.queries).competency_questions():
        out.append((q.name, sparql_prologue() + bind_variables(q.text, q.bindings())))
    return out


# -- a small HTTP/1.1 keep-alive client ---------------------------------------------------
async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, chunked, close = None, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and "close" in value.lower():
            close = True
    size = 0
    if chunked:
        while True:
            n = int((await reader.readline()).split(b";")[0], 16)
            if n == 0:
                await reader.readline()
                break
            size += len(await reader.readexactly(n + 2)) - 2
    elif length is not None:
        size = len(await reader.readexactly(length))
    if close:
        raise ConnectionResetError("server closed the connection")
    return status, size


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    bytes: int = 0


async def _client(host: str, port: int, requests: list[bytes], start: int, stop_at: float, measure_from: float,
                  sample: Sample) -> None:
    reader = writer = None
    i = start
    loop = asyncio.get_running_loop()
    while loop.time() < stop_at:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
        request = requests[i % len(requests)]
        i += 1
        began = time.perf_counter()
        try:
            writer.write(request)
            status, size = await asyncio.wait_for(_read_response(reader), 30)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError,
                RuntimeError):  # uvloop: RuntimeError when writing to a transport the server has closed
            writer.close()
            reader = writer = None
            if loop.time() >= measure_from:
                sample.errors += 1
            continue
        if loop.time() >= measure_from:
            sample.latencies.append(time.perf_counter() - began)
            sample.statuses[status] = sample.statuses.get(status, 0) + 1
            sample.bytes += size
            if status != 200:
                sample.errors += 1
    if writer is not None:
        writer.close()


async def _load(host, port, requests, concurrency, duration, warmup) -> tuple[Sample, float]:
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup
    stop_at = measure_from + duration
    sample = Sample()
    await asyncio.gather(*(_client(host, port, requests, k * 7, stop_at, measure_from, sample)
                           for k in range(concurrency)))
    return sample, duration


GET_LIMIT = 4096  # longer queries go by POST, as a client must: Oxigraph refuses request heads over 8 KiB


def http_requests(host: str, port: int, queries: list[tuple[str, str]], path: str = "/sparql") -> list[bytes]:
    """One request per query: GET with the query in the URL, or POST application/sparql-query when that
    URL would pass GET_LIMIT (the landscape questions, with their long VALUES, do)."""
    out = []
    for _, text in queries:
        target = f"{path}?" + urllib.parse.urlencode({"query": text})
        if len(target) <= GET_LIMIT:
            out.append((f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        "Accept: application/sparql-results+json\r\nUser-Agent: vcf-kg-bench\r\n\r\n").encode())
        else:
            body = text.encode("utf-8")
            out.append((f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        "Accept: application/sparql-results+json\r\nUser-Agent: vcf-kg-bench\r\n"
                        "Content-Type: application/sparql-query\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
    return out


# -- the servers ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


def triple_count(endpoint: str) -> int:
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    request = urllib.request.Request(f"{endpoint}?{query}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


class MemoryWatch:
    def __init__(self, pid: int):
        self.pid, self.samples, self._stop = pid, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.25):
            self.samples.append(tree_rss(self.pid))

    def __enter__(self):
        self.samples.append(tree_rss(self.pid))
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.samples.append(tree_rss(self.pid))


class OurServer:
    path = "/sparql"

    def __init__(self, cache: bool, src: Path = ROOT / "src", extra: tuple[str, ...] = ()):
        self.cache, self.src, self.extra = cache, src, extra  # src: another checkout's src/ (the "before" code)

    def __enter__(self):
        self.port = free_port()
        args = [sys.executable, "-m", "vcf_kg.cli", "serve", "--port", str(self.port), "--dist",
                str(project_paths().dist), *self.extra]
        if not self.cache:
            args += ["--cache-bytes", "0"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "PYTHONPATH": str(self.src), "VCF_KG_HOME": str(ROOT)})
        wait_until_up(f"http://127.0.0.1:{self.port}/sparql?query=ASK%7B%7D")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(15)


class OxigraphServer:
    path = "/query"

    def __init__(self, nt: Path):
        self.nt = nt
        self.binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        if not self.binary:
            raise SystemExit("Oxigraph's server is not installed: .venv/bin/pip install oxigraph")

    def __enter__(self):
        # in memory, like ours (an on-disk RocksDB store would be slower on the heavier queries)
        self.port = free_port()
        self.proc = subprocess.Popen([self.binary, "serve", "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{self.port}"
        wait_until_up(f"{base}/query?query=ASK%7B%7D")
        load = urllib.request.Request(f"{base}/store?default", data=self.nt.read_bytes(), method="POST",
                                      headers={"Content-Type": "application/n-triples"})
        with urllib.request.urlopen(load, timeout=60) as r:
            assert r.status in (200, 201, 204), r.status
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(15)

    def version(self) -> str:
        out = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return out.stdout.strip()


# -- attacks (issue 13): each bounded in count and time, to 127.0.0.1 only --------------------------------
BOMB = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} # {}"  # a cartesian product to count
ORDINARY = "SELECT ?l WHERE {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }} LIMIT {}"


def process_rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _post_query(port: int, path: str, text: str, timeout: float = 60, source: str = "127.0.0.1") -> tuple[int, float]:
    """(status, seconds) of one POST application/sparql-query; status 0 for a transport error."""
    from http.client import HTTPConnection

    began = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("POST", path, body=text.encode(), headers={"Content-Type": "application/sparql-query",
                                                                 "Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - began
    except OSError:
        return 0, time.perf_counter() - began
    finally:
        conn.close()


def attack_memory(server, count: int = 400, size: int = 1_000_000) -> dict:
    """Fault 1: distinct 1 MB queries (`ASK {} # padding`); the main process's memory before and after."""
    from concurrent.futures import ThreadPoolExecutor

    before = process_rss(server.proc.pid)
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda i: _post_query(server.port, server.path, f"ASK {{}} # {i} " + "x" * size)[0],
                                 range(count)))
    time.sleep(1)
    return {"queries": count, "ok": statuses.count(200), "rss_before_mb": before / 2**20,
            "rss_after_mb": process_rss(server.proc.pid) / 2**20}


def attack_bombs(server, bombs: int = 3, probes: int = 5) -> dict:
    """Fault 2: `bombs` cartesian-product counts at once (from 127.0.0.2), then ordinary queries, never seen
    before, one after the other: their latencies."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(bombs + 1) as pool:
        running = [pool.submit(_post_query, server.port, server.path, BOMB.format(i), 30, "127.0.0.2")
                   for i in range(bombs)]
        time.sleep(0.5)
        latencies = [_post_query(server.port, server.path, ORDINARY.format(1000 + i), 30) for i in range(probes)]
        if isinstance(server, OxigraphServer):  # it has no query timeout: the bombs would run for minutes
            server.proc.kill()
        bomb_statuses = [f.result()[0] for f in running]
    return {"bombs": bombs, "bomb_statuses": bomb_statuses, "probe_statuses": [s for s, _ in latencies],
            "probe_max_s": max(t for _, t in latencies), "probe_median_s": statistics.median(t for _, t in latencies)}


def attack_slowloris(server, connections: int = 1100, seconds: float = 12) -> dict:
    """Fault 3: connections (from 127.0.0.3) that send a request head one byte at a time; meanwhile an
    ordinary client asks once a second. How many attackers the server closed, how the ordinary client fared."""
    head = f"GET {server.path}?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {'a' * 200}\r\n".encode()
    socks, refused = [], 0
    for _ in range(connections):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.bind(("127.0.0.3", 0))
            s.connect_ex(("127.0.0.1", server.port))
            socks.append(s)
        except OSError:
            refused += 1
            s.close()
    probes, closed, began, sent = [], set(), time.monotonic(), 0
    while time.monotonic() - began < seconds:
        for k, s in enumerate(socks):
            if k in closed:
                continue
            try:
                s.send(head[sent % len(head):sent % len(head) + 1])
                if s.recv(1 << 16) == b"":
                    closed.add(k)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(k)
        sent += 1
        probes.append(_post_query(server.port, server.path, ORDINARY.format(2000 + sent), 5))
        time.sleep(max(0.0, 1 - (time.monotonic() - began) % 1))
    for s in socks:
        s.close()
    return {"connections": connections, "closed_by_server": len(closed), "refused": refused,
            "probe_ok": sum(1 for st, _ in probes if st == 200), "probes": len(probes),
            "probe_max_s": max(t for _, t in probes)}


def attack_long_get(server, size: int = 100_000) -> dict:
    """Fault 4: a GET query string of `size` bytes: the status and whether the answer says to POST."""
    from http.client import HTTPConnection

    conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", f"{server.path}?query=ASK%7B%7D%23" + "x" * size)
        response = conn.getresponse()
        return {"bytes": size, "status": response.status, "says_post": b"POST" in response.read()}
    except OSError as exc:
        return {"bytes": size, "status": f"error: {exc}", "says_post": False}
    finally:
        conn.close()


def run_attacks(servers: list[tuple[str, object]]) -> list[dict]:
    rows = []
    for name, server in servers:
        for attack in (attack_long_get, attack_memory, attack_bombs, attack_slowloris):
            with server:
                row = {"server": name, "attack": attack.__name__.removeprefix("attack_"), **attack(server)}
            rows.append(row)
            print(f"  {name:22} {json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items() if k != 'server'})}",
                  flush=True)
    return rows


# -- one measured run ----------------------------------------------------------------------
def measure(name: str, server, queries, concurrency, duration, warmup) -> dict:
    with server:
        endpoint = f"http://127.0.0.1:{server.port}" + ("/query" if isinstance(server, OxigraphServer) else "/sparql")
        triples = triple_count(endpoint)
        with MemoryWatch(server.proc.pid) as memory:
            requests = http_requests("127.0.0.1", server.port, queries, server.path)
            sample, seconds = _run(_load("127.0.0.1", server.port, requests, concurrency, duration, warmup))
    lat = sorted(sample.latencies)
    return {
        "server": name,
        "triples": triples,
        "requests": len(lat),
        "throughput": len(lat) / seconds,
        "p50_ms": 1000 * statistics.median(lat) if lat else float("nan"),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else float("nan"),
        "errors": sample.errors,
        "statuses": sample.statuses,
        "rss_start_mb": memory.samples[0] / 2**20,
        "rss_peak_mb": max(memory.samples) / 2**20,
        "rss_end_mb": memory.samples[-1] / 2**20,
    }


def _run(coro):
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per server and round")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent clients (connections)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (ours, Oxigraph, ...)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--attacks", action="store_true",
                        help="instead of the load runs, send issue 13's attacks (long GET, 1 MB queries, query "
                             "bombs, slow-loris) to each server and report how it fared")
    parser.add_argument("--before-src", type=Path,
                        help="also measure the server from this src/ directory (e.g. `git archive` of an older "
                             "commit), as 'vcf-kg (before)'")
    parser.add_argument("--skip", type=lambda text: set(text.split(",")), default=set(),
                        help="servers to leave out, by name as printed, comma-separated (e.g. 'vcf-kg' for the "
                             "cached one); Oxigraph's is always measured")
    args = parser.parse_args(argv)

    paths = project_paths()
    nt = release_file(paths.dist, "nt")
    if not nt.exists():
        raise SystemExit(f"no built graph at {nt}: run `vcf-kg build` first")
    queries = workload(paths)
    oxigraph = OxigraphServer(nt)
    print(f"{len(queries)} named queries, {args.concurrency} clients, {args.duration:g} s per run after "
          f"{args.warmup:g} s warm-up, {args.rounds} rounds; {os.cpu_count()} CPUs, {platform.python_version()}, "
          f"{oxigraph.version()}", flush=True)

    if args.attacks:
        servers = [("vcf-kg", OurServer(cache=True)), ("oxigraph", oxigraph)]
        if args.before_src:
            servers.insert(0, ("vcf-kg (before)", OurServer(cache=True, src=args.before_src)))
        rows = run_attacks(servers)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        return 0

    contenders = [("vcf-kg", OurServer(cache=True)), ("vcf-kg (no cache)", OurServer(cache=False)),
                  ("oxigraph", oxigraph)]
    if args.before_src:
        contenders.insert(2, ("before (no cache)", OurServer(cache=False, src=args.before_src)))
    if args.skip:
        contenders = [c for c in contenders if c[0] not in args.skip or c[0] == "oxigraph"]
    runs = []
    for r in range(args.rounds):
        for name, server in contenders:
            result = measure(name, server, queries, args.concurrency, args.duration, args.warmup)
            result["round"] = r + 1
            runs.append(result)
            print(f"  round {r + 1}  {name:18} {result['triples']} triples  {result['throughput']:8.0f} req/s  "
                  f"p50 {result['p50_ms']:6.2f} ms  "
                  f"p99 {result['p99_ms']:6.2f} ms  errors {result['errors']}  RSS {result['rss_start_mb']:.0f}"
                  f"→{result['rss_peak_mb']:.0f}→{result['rss_end_mb']:.0f} MB", flush=True)

    def mean(name, key):
        values = [r[key] for r in runs if r["server"] == name]
        return sum(values) / len(values)

    summary = {name: {k: mean(name, k) for k in ("throughput", "p50_ms", "p99_ms", "errors", "rss_peak_mb")}
               for name, _ in contenders}
    base = summary["oxigraph"]["throughput"]
    print("\nmean over rounds:")
    print(f"  {'server':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'peak RSS MB':>12} {'ours/oxigraph':>14}")
    for name, s in summary.items():
        ratio = s["throughput"] / base if base else float("nan")
        print(f"  {name:18} {s['throughput']:8.0f} {s['p50_ms']:8.2f} {s['p99_ms']:8.2f} {s['errors']:7.0f} "
              f"{s['rss_peak_mb']:12.0f} {ratio:13.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary}, indent=2))
    if len({r["triples"] for r in runs}) > 1:
        print("the servers did not hold the same number of triples: the comparison is void", file=sys.stderr)
        return 1
    failed = any(r["errors"] for r in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
