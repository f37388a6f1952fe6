"""A pool of query workers with a per-query timeout, and a result cache in front of it.

Each worker is a child process (``python -m vcf_kg.server.worker``) holding its own copy of the
store. A query takes an idle worker; when none is idle, it may queue on a busy worker behind a query
that started less than ``pipeline_after`` ago (at most ``pipeline`` queries per worker, so a worker
goes from one query to the next without waiting for the server), or it waits for a place (at most
``max_pending`` queries wait; more get 503). Each worker's replies are read by a task of its own, in
the order its queries were sent. Waiting queries are served client by client in turn (by client address), so one client's
burst does not hold up the others. A query's timeout starts when it starts running, not while it
waits: one that runs past it gets 504 and its worker is killed and replaced in the background, so
the other workers keep answering. A worker that dies (say, at its memory limit) is replaced the same
way; one found dead before it answered (killed while idle) is replaced and the query retried once.

**Long queries do not block short ones.** A query still running after ``slow_after`` seconds becomes
a *long* query: its worker leaves the pool and a spare (a worker started ahead, kept out of the pool)
takes its place at once, and a new spare starts; so ``size`` workers always serve new queries, however
many long ones run, and a waiting query of a client with no long query running is served first. At most ``max_long`` long queries run
at once, and at most ``max_long_per_client`` from one client address; a query that would pass either
limit is stopped when it turns long (503 with Retry-After), so it costs its worker ``slow_after``
seconds at most. A long query's worker runs at the lowest CPU priority (nice 19), so short queries and
new workers come first, and stops when the query ends.

The release does not change while the server runs, so answers are cached by query, bindings,
graphs and negotiated format, in a least-recently-used cache whose byte budget bounds everything
it holds: keys are fixed-size digests of the request (never the query text), and each entry is charged
its body plus a fixed overhead. Only successful answers (200) are cached.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import signal
import sys
from collections import OrderedDict, deque
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
    retry_after: int | None = None  # seconds, for a 503


class _WorkerDied(Exception):
    """The worker's process ended while this query was on it."""


class _Rescued(Exception):
    """The query was waiting on a worker that left the pool before running it: run it elsewhere."""


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process, info: dict):
        self.proc = proc
        self.info = info
        self.dead = False  # set as soon as the process is seen to exit
        self.closing = False  # left the pool (running a long query): takes no more queries, stops after it
        self.jobs: deque[_Job] = deque()  # queries sent to it, in order; the first is running

    def send(self, request: dict) -> None:
        self.proc.stdin.write(pack(request))  # the pipe and the transport's buffer queue it; no drain needed

    async def read_reply(self) -> Reply:
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
    """Least-recently-used answers, bounded in bytes by everything an entry holds.

    The key is a 16-byte digest of the request (``key``), so a long query text costs the cache
    nothing; each entry is charged its body plus ``ENTRY_OVERHEAD`` (the digest, the Reply object,
    the dictionary's node), so ``size`` never exceeds ``max_bytes``.
    """

    ENTRY_OVERHEAD = 512

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[bytes, Reply] = OrderedDict()

    @staticmethod
    def key(request: dict) -> bytes:
        digest = hashlib.blake2b(request["query"].encode("utf-8", "surrogatepass"), digest_size=16)
        digest.update(repr((request.get("bindings"), request.get("default_graphs"), request.get("named_graphs"),
                            request.get("base_iri"),
                            (request["result_types"] or [None])[0], (request["graph_types"] or [None])[0],
                            request["max_bytes"])).encode("utf-8", "surrogatepass"))
        return digest.digest()

    def cost(self, reply: Reply) -> int:
        return len(reply.body) + self.ENTRY_OVERHEAD

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> Reply | None:
        reply = self._entries.get(key)
        if reply is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return reply

    def put(self, key: bytes, reply: Reply) -> None:
        if reply.status != 200:  # an error says nothing lasting about the query (a busy server, a timeout)
            return
        cost = self.cost(reply)
        if cost > self.max_bytes // 8 or key in self._entries:
            return
        self._entries[key] = reply
        self.size += cost
        while self.size > self.max_bytes:
            _, old = self._entries.popitem(last=False)
            self.size -= self.cost(old)


class _Job:
    """A query sent to a worker: whose it is, when it started running, whether it has turned long."""

    __slots__ = ("worker", "client", "long", "stopped", "timer", "started", "begun", "reply")

    def __init__(self, worker: _Worker, client: str, loop: asyncio.AbstractEventLoop):
        self.worker, self.client = worker, client
        self.long = self.stopped = False
        self.timer: asyncio.TimerHandle | None = None
        self.started: float | None = None  # loop time it began running (None while queued behind another)
        self.begun: asyncio.Future = loop.create_future()  # done when it runs; _Rescued if it never will here
        self.reply: asyncio.Future = loop.create_future()


class WorkerPool:
    def __init__(self, worker_config: dict, size: int, timeout: float, max_pending: int, cache_bytes: int = 0,
                 slow_after: float = 0.5, max_long: int | None = None, max_long_per_client: int = 2, spares: int = 1,
                 pipeline: int = 3):
        self.worker_config = worker_config
        self.size = size
        self.timeout = timeout
        self.max_pending = max_pending
        self.slow_after = slow_after
        self.max_long = max_long if max_long is not None else size
        self.max_long_per_client = max_long_per_client
        self.pipeline = pipeline  # queries a busy worker may hold, the running one included
        self.pipeline_after = 0.05  # ... but only behind a query that started less than this ago
        self.spares = spares  # started workers kept out of the pool, to take a long query's place at once
        self._spares: list[_Worker] = []
        self.cache = ResultCache(cache_bytes) if cache_bytes > 0 else None
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiters: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()  # client -> its waiting queries
        self._waiting = 0
        self._starting = 0  # workers being spawned for the pool
        self._long: set[_Job] = set()
        self._long_by_client: dict[str, int] = {}
        self._closed = False
        self._tasks: set[asyncio.Task] = set()
        self.triples = 0
        self.network = ""
        self.timeouts = 0
        self.restarts = 0
        self.stopped_long = 0

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
        worker = _Worker(proc, info)
        self._background(self._read(worker))
        return worker

    async def _read(self, worker: _Worker) -> None:
        """A worker's replies, in the order its queries were sent; at its end, what was on it fails or is
        rescued, and it is replaced."""
        try:
            while True:
                reply = await worker.read_reply()
                job = worker.jobs.popleft()
                self._end(job)
                if not job.reply.done():
                    job.reply.set_result(reply)
                if worker.closing:  # a long query's worker: it stops now
                    self._stop(worker)
                    return
                if worker.jobs:
                    self._begin(worker.jobs[0])
                    self._dispatch()
                else:
                    self._release(worker)
        except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            worker.dead = True
            self._stop(worker)

    def _background(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size + self.spares)),
                                       return_exceptions=True)
        failures = [w for w in workers if isinstance(w, BaseException)]
        for w in workers:
            if not isinstance(w, BaseException):
                self._all.add(w)
                (self._idle if len(self._idle) < self.size else self._spares).append(w)
        if failures:
            await self.close()
            raise failures[0]

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for w in list(self._all):
            w.kill()
        for w in list(self._all):
            try:
                await asyncio.wait_for(w.proc.wait(), 5)
            except (asyncio.TimeoutError, ProcessLookupError):
                pass
        self._all.clear()

    def _serving(self) -> int:
        """Workers serving new queries (idle or running a short one)."""
        return len(self._all) - len(self._long) - len(self._spares)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker whose state is unknown (timed out, died, request cancelled); start another
        if the pool is short of one."""
        worker.kill()
        if worker in self._all:
            self._all.discard(worker)
            self.restarts += 1
        self._refill()

    def _refill(self) -> None:
        """Bring the pool back to ``size`` serving workers (a spare first) and ``spares`` spares."""
        while self._spares and self._serving() < self.size:
            self._release(self._spares.pop())
        while not self._closed and len(self._all) - len(self._long) + self._starting < self.size + self.spares:
            self._starting += 1
            self._background(self._replace())

    async def _replace(self) -> None:
        delay = 0.1
        try:
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
                serving = self._serving()
                self._all.add(worker)
                if serving < self.size:
                    self._release(worker)
                else:
                    self._spares.append(worker)
                return
        finally:
            self._starting -= 1

    @property
    def alive(self) -> int:
        return len(self._all)

    # -- handing out workers ---------------------------------------------------
    def _capped(self, client: str) -> bool:
        return self._long_by_client.get(client, 0) >= self.max_long_per_client

    def _stop(self, worker: _Worker) -> None:
        """Take a worker out for good: kill it, fail or rescue the queries on it, start another."""
        worker.kill()
        for holder in (self._idle, self._spares):
            if worker in holder:
                holder.remove(worker)
        jobs, worker.jobs = list(worker.jobs), deque()
        for job in jobs:
            self._end(job)
            if job.started is None:
                if not job.begun.done():
                    job.begun.set_exception(_Rescued())
            elif not job.reply.done():
                job.reply.set_exception(_WorkerDied())
        if worker in self._all:
            self._retire(worker)

    def _release(self, worker: _Worker) -> None:
        """A worker is free: keep it idle, and hand out idle workers to waiting queries."""
        self._idle.append(worker)
        self._dispatch()

    def _can_queue(self, worker: _Worker) -> bool:
        """May a query wait on this busy worker, behind the ones it has? Only behind queries that have just
        started (a query that has run PIPELINE_AFTER seconds may be a long one)."""
        return (not worker.closing and not worker.dead and 0 < len(worker.jobs) < self.pipeline
                and worker.jobs[0].started is not None
                and asyncio.get_running_loop().time() - worker.jobs[0].started < self.pipeline_after)

    def _queue_target(self) -> _Worker | None:
        best = None
        for worker in self._all:
            if self._can_queue(worker) and (best is None or len(worker.jobs) < len(best.jobs)):
                best = worker
        return best

    def _dispatch(self) -> None:
        """Give free places (idle workers, then room in a busy worker's queue) to waiting queries, client by
        client in turn. Clients with no long query running come first, then those under their limit; a
        client running its limit of long queries never takes the last idle worker, which stays for the others."""
        while self._waiters:
            client = next(iter(self._waiters))
            if self._long_by_client:
                client = next((c for c in self._waiters if c not in self._long_by_client), client)
            if self._idle:
                if self._long_by_client and self._capped(client) and len(self._idle) < 2:
                    client = next((c for c in self._waiters if not self._capped(c)), None)
                    if client is None:
                        return
                worker = self._idle.pop()
            else:
                worker = self._queue_target() if self.pipeline > 1 else None
                if worker is None:
                    return
            queue = self._waiters[client]
            waiter = queue.popleft()
            if queue:
                self._waiters.move_to_end(client)
            else:
                del self._waiters[client]
            if waiter.done():
                if not worker.jobs:
                    self._idle.append(worker)
                continue
            waiter.set_result(worker)

    async def _acquire(self, client: str) -> _Worker:
        waiter = asyncio.get_running_loop().create_future()
        queue = self._waiters.get(client)
        if queue is None:
            queue = self._waiters[client] = deque()
        queue.append(waiter)
        try:
            return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                worker = waiter.result()  # handed a place just as we gave up: pass it on
                if not worker.jobs:
                    self._release(worker)
                else:
                    self._dispatch()
            elif waiter in queue:
                queue.remove(waiter)
                if not queue and self._waiters.get(client) is queue:
                    del self._waiters[client]
            raise

    # -- queries ------------------------------------------------------------
    async def run(self, request: dict, client: str = "") -> Reply:
        key = None
        if self.cache is not None:
            key = ResultCache.key(request)
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        reply = await self._execute(request, client)
        if key is not None:
            self.cache.put(key, reply)
        return reply

    async def _place(self, client: str) -> _Worker | Reply:
        """An idle worker, or room behind a query that has just started, or a wait for either."""
        if self._idle and (len(self._idle) > 1 or not self._long_by_client or not self._capped(client)):
            return self._idle.pop()
        if not self._waiters and self.pipeline > 1:
            worker = self._queue_target()
            if worker is not None:
                return worker
        if self._waiting >= self.max_pending:
            return Reply(503, message=f"the server is busy ({self._waiting} queries waiting); try again shortly",
                         retry_after=1)
        self._waiting += 1
        try:
            return await asyncio.wait_for(self._acquire(client), self.timeout)
        except asyncio.TimeoutError:
            return Reply(503, message=f"no query worker became free within {self.timeout:g} s; try again shortly",
                         retry_after=max(1, round(self.timeout)))
        finally:
            self._waiting -= 1

    async def _execute(self, request: dict, client: str, retries: int = 0) -> Reply:
        worker = await self._place(client)
        if isinstance(worker, Reply):
            return worker
        if worker.dead or worker.proc.returncode is not None:  # died while idle
            self._stop(worker)
            return await self._execute(request, client, retries)
        job = _Job(worker, client, asyncio.get_running_loop())
        worker.jobs.append(job)
        try:
            worker.send(request)
        except (ConnectionError, RuntimeError):
            self._stop(worker)
            return await self._execute(request, client, retries)
        if len(worker.jobs) == 1:
            self._begin(job)
        try:
            await job.begun
        except _Rescued:  # its worker left the pool before running it
            return await self._execute(request, client, retries)
        except BaseException:
            self._stop(worker)
            raise
        try:
            reply = await asyncio.wait_for(job.reply, self.timeout)  # the timeout counts from the query's start
        except asyncio.TimeoutError:
            self.timeouts += 1
            self._stop(worker)
            return Reply(504, message=f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                                      "narrow it (add a LIMIT, more specific patterns) and try again")
        except _WorkerDied:
            if job.stopped:
                return self._stopped_reply(job)
            try:
                code = await asyncio.wait_for(worker.proc.wait(), 2)
            except asyncio.TimeoutError:
                code = None
            if code in (-signal.SIGKILL, -signal.SIGTERM) and retries < self.size + self.spares:
                # killed from outside (by an administrator, the OOM killer; most likely while idle, not yet
                # noticed): the query is read-only, so it runs again on another worker
                return await self._execute(request, client, retries + 1)
            return Reply(500, message="the query worker stopped while running this query "
                                      f"(exit status {code}; it may have hit its memory limit); a new one has started")
        except BaseException:  # cancelled (client gone, shutdown): the worker's state is unknown
            self._stop(worker)
            raise
        return reply

    def _stopped_reply(self, job: _Job) -> Reply:
        mine = job.client and self._long_by_client.get(job.client, 0) >= self.max_long_per_client
        why = (f"you already have {self.max_long_per_client} long-running quer"
               f"{'y' if self.max_long_per_client == 1 else 'ies'} on this server" if mine
               else f"the server is already running its limit of {self.max_long} long queries")
        return Reply(503, message=f"the query was stopped after {self.slow_after:g} s because {why}; "
                                  "try again when they have finished", retry_after=max(1, round(self.timeout)))

    def _begin(self, job: _Job) -> None:
        loop = asyncio.get_running_loop()
        job.started = loop.time()
        job.timer = loop.call_later(self.slow_after, self._turned_long, job)
        if not job.begun.done():
            job.begun.set_result(None)

    def _turned_long(self, job: _Job) -> None:
        """The query has run past slow_after: its worker leaves the pool (a spare takes its place, the
        queries waiting behind it go elsewhere), or, past the limits, the query is stopped."""
        job.timer = None
        worker = job.worker
        if len(self._long) >= self.max_long or self._long_by_client.get(job.client, 0) >= self.max_long_per_client:
            job.stopped = True
            self.stopped_long += 1
            self._stop(worker)  # its reply fails with _WorkerDied; _execute answers 503
            return
        job.long = True
        worker.closing = True
        try:  # the short queries (and the new workers) come first for the CPU too
            os.setpriority(os.PRIO_PROCESS, worker.proc.pid, 19)
        except (OSError, AttributeError):
            pass
        self._long.add(job)
        self._long_by_client[job.client] = self._long_by_client.get(job.client, 0) + 1
        waiting, worker.jobs = list(worker.jobs)[1:], deque([job])
        for other in waiting:
            if not other.begun.done():
                other.begun.set_exception(_Rescued())
        self._refill()

    def _end(self, job: _Job) -> None:
        """A query is over (answered, failed or rescued): its timer and long-query bookkeeping go."""
        if job.timer is not None:
            job.timer.cancel()
            job.timer = None
        if job.long:
            job.long = False
            self._long.discard(job)
            left = self._long_by_client[job.client] - 1
            if left:
                self._long_by_client[job.client] = left
            else:
                del self._long_by_client[job.client]
            self._dispatch()  # its client may take the last idle worker again
