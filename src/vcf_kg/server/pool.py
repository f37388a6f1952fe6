"""A pool of query workers with a per-query timeout, and a result cache in front of it.

Each worker is a child process (``python -m vcf_kg.server.worker``) holding its own copy of the
store. A query takes an idle worker, or waits for one (at most ``max_pending`` queries wait; more
get 503). A query that runs past the timeout gets 504 and its worker is killed and replaced in the
background, so the other workers keep answering. A worker that dies (say, at its memory limit)
is replaced the same way.

The release does not change while the server runs, so answers are cached by query, bindings,
graphs and negotiated format, in a least-recently-used cache bounded in bytes.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .worker import _HEADER, pack

log = logging.getLogger("vcf_kg.serve")


class WorkerStartError(RuntimeError):
    pass


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    kind: str | None = None  # solutions | boolean | graph
    format: str | None = None  # the negotiated offer key (json, turtle, ...)
    message: str = ""


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process, info: dict):
        self.proc = proc
        self.info = info

    async def call(self, request: dict) -> Reply:
        self.proc.stdin.write(pack(request))
        await self.proc.stdin.drain()
        header = await self.proc.stdout.readexactly(_HEADER.size)
        head_len, body_len = _HEADER.unpack(header)
        data = await self.proc.stdout.readexactly(head_len + body_len)
        head = json.loads(data[:head_len])
        return Reply(head["status"], data[head_len:], head.get("kind"), head.get("format"), head.get("message", ""))

    def kill(self) -> None:
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass


class ResultCache:
    """Least-recently-used answers, bounded by the bytes of their bodies."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict = OrderedDict()

    def get(self, key):
        reply = self._entries.get(key)
        if reply is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return reply

    def put(self, key, reply: Reply) -> None:
        cost = len(reply.body) + 256
        if cost > self.max_bytes // 8 or key in self._entries:
            return
        self._entries[key] = reply
        self.size += cost
        while self.size > self.max_bytes:
            _, old = self._entries.popitem(last=False)
            self.size -= len(old.body) + 256


class WorkerPool:
    def __init__(self, worker_config: dict, size: int, timeout: float, max_pending: int, cache_bytes: int = 0):
        self.worker_config = worker_config
        self.size = size
        self.timeout = timeout
        self.max_pending = max_pending
        self.cache = ResultCache(cache_bytes) if cache_bytes > 0 else None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._closed = False
        self._respawns: set[asyncio.Task] = set()
        self.triples = 0
        self.network = ""
        self.timeouts = 0
        self.restarts = 0

    # -- lifecycle ----------------------------------------------------------
    async def _spawn(self) -> _Worker:
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[2])  # works from a source tree without installing too
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "vcf_kg.server.worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env)
        proc.stdin.write(pack(self.worker_config))
        await proc.stdin.drain()
        try:
            header = await asyncio.wait_for(proc.stdout.readexactly(_HEADER.size), 60)
            head_len, body_len = _HEADER.unpack(header)
            data = await proc.stdout.readexactly(head_len + body_len)
        except (asyncio.IncompleteReadError, asyncio.TimeoutError):
            proc.kill()
            await proc.wait()
            raise WorkerStartError(f"a query worker did not start (exit status {proc.returncode})") from None
        info = json.loads(data[:head_len])
        if not info.get("ready"):
            proc.kill()
            await proc.wait()
            raise WorkerStartError(f"a query worker could not load the graph: {info.get('message')}")
        self.triples = info["triples"]
        self.network = info["network"]
        return _Worker(proc, info)

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        failures = [w for w in workers if isinstance(w, BaseException)]
        for w in workers:
            if not isinstance(w, BaseException):
                self._all.add(w)
                self._idle.put_nowait(w)
        if failures:
            await self.close()
            raise failures[0]

    async def close(self) -> None:
        self._closed = True
        for task in list(self._respawns):
            task.cancel()
        for w in list(self._all):
            w.kill()
        for w in list(self._all):
            try:
                await asyncio.wait_for(w.proc.wait(), 5)
            except (asyncio.TimeoutError, ProcessLookupError):
                pass
        self._all.clear()

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker whose state is unknown (timed out, died, request cancelled); start another."""
        worker.kill()
        self._all.discard(worker)
        self.restarts += 1
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    async def _replace(self, dead: _Worker) -> None:
        try:
            await dead.proc.wait()
        except ProcessLookupError:
            pass
        delay = 0.1
        while not self._closed:
            try:
                worker = await self._spawn()
            except (WorkerStartError, OSError) as exc:
                log.error("vcf-kg serve: %s; retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
            self._idle.put_nowait(worker)
            return

    @property
    def alive(self) -> int:
        return len(self._all)

    # -- queries ------------------------------------------------------------
    async def run(self, request: dict) -> Reply:
        key = None
        if self.cache is not None:
            key = (request["query"], repr(request.get("bindings")), tuple(request.get("default_graphs") or ()),
                   tuple(request.get("named_graphs") or ()), (request["result_types"] or [None])[0],
                   (request["graph_types"] or [None])[0], request["max_bytes"])
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        reply = await self._execute(request)
        if key is not None and reply.status == 200:
            self.cache.put(key, reply)
        return reply

    async def _execute(self, request: dict) -> Reply:
        if self._waiting >= self.max_pending:
            return Reply(503, message=f"the server is busy ({self._waiting} queries waiting); try again shortly")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        self._waiting += 1
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except asyncio.TimeoutError:
            return Reply(503, message=f"no query worker became free within {self.timeout:g} s; try again shortly")
        finally:
            self._waiting -= 1
        if worker.proc.returncode is not None:  # died while idle
            self._retire(worker)
            return await self._execute(request)
        remaining = max(deadline - loop.time(), 0.05)
        try:
            reply = await asyncio.wait_for(worker.call(request), remaining)
        except asyncio.TimeoutError:
            self.timeouts += 1
            self._retire(worker)
            return Reply(504, message=f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                                      "narrow it (add a LIMIT, more specific patterns) and try again")
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            code = worker.proc.returncode
            self._retire(worker)
            return Reply(500, message="the query worker stopped while running this query "
                                      f"(exit status {code}; it may have hit its memory limit); a new one has started")
        except BaseException:  # cancelled (client gone, shutdown): the worker's state is unknown
            self._retire(worker)
            raise
        self._idle.put_nowait(worker)
        return reply
