"""The fast lane: requests already seen to be quick run again in the server's own process, in threads.

A worker process per query makes every query stoppable (pyoxigraph cannot interrupt one), at the price of
a hand-over to another process and back for every query: most of the server's cost on small queries.
A request (query, bindings, dataset, base IRI, negotiated format) that a worker answered within
``fast_under`` seconds will be as quick again, since the release does not change while the server runs
and the same request is the same computation. So its later runs skip the hand-over: they run on the
server's own copy of the store, in one of ``threads`` threads (pyoxigraph releases the GIL while it
evaluates a query and serialises its answer into bytes, so the threads use every core while the event
loop keeps reading requests).

What the lane keeps is only *that* a request is quick: a 16-byte digest per request, at most
``max_known`` of them, least recently used first out. It never keeps an answer: with the result cache
off, every query is evaluated every time. A query new to the server, or one that took longer, always
runs on a worker with its timeout, and a query that fails is never learnt. The lane runs at most
``threads * QUEUE_PER_THREAD`` queries at once; past that the pool's workers take them, so a burst
cannot queue without bound in the server's process.
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from .worker import Worker


class FastLane:
    QUEUE_PER_THREAD = 64  # queries per thread the lane accepts at once (running or waiting for the thread)

    def __init__(self, worker_config: dict, threads: int, fast_under: float, max_known: int = 50_000):
        self.worker_config = worker_config
        self.threads = threads
        self.fast_under = fast_under
        self.max_known = max_known
        self._known: OrderedDict[bytes, None] = OrderedDict()
        self._running = 0
        self._executor: ThreadPoolExecutor | None = None
        self._engine: Worker | None = None
        self.runs = 0  # queries answered here

    async def start(self) -> None:
        """Load the server's own copy of the store (off the event loop)."""
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="vcf-kg-fast-lane")
        self._engine = await asyncio.get_running_loop().run_in_executor(self._executor, Worker, self.worker_config)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def __len__(self) -> int:
        return len(self._known)

    def takes(self, key: bytes) -> bool:
        """Will the lane run this request now (known to be quick, and the lane has room)?"""
        if self._engine is None or key not in self._known:
            return False
        self._known.move_to_end(key)
        return self._running < self.threads * self.QUEUE_PER_THREAD

    def learn(self, key: bytes, seconds: float | None, status: int) -> None:
        """A worker answered this request: remember it if it succeeded within ``fast_under``."""
        if status != 200 or seconds is None or seconds > self.fast_under or key in self._known:
            return
        self._known[key] = None
        while len(self._known) > self.max_known:
            self._known.popitem(last=False)

    async def run(self, request: dict) -> tuple[dict, bytes]:
        """(reply head, body), as a worker would answer."""
        self._running += 1
        try:
            head, body = await asyncio.get_running_loop().run_in_executor(
                self._executor, self._engine.run, request, True)
        finally:
            self._running -= 1
        self.runs += 1
        return head, body
