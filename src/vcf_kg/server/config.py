"""Server settings: one frozen dataclass, filled from the CLI's options."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ServeConfig:
    release: Path  # dist/vcf-kg.nt: the graph every worker loads
    void: Path  # dist/void.ttl: the dataset description
    queries: Path  # queries/: the named queries
    timeout: float = 10.0  # seconds a query may run before its worker is killed
    workers: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))
    max_body_bytes: int = 1 << 20  # request bodies (and query strings) larger than this get 413 (414)
    max_result_bytes: int = 32 << 20  # serialised results larger than this get 413
    max_pending: int = 256  # queries waiting for a worker before the server answers 503
    max_inflight_bytes: int = 64 << 20  # request bodies held at once (being read or answered); past it, 503
    max_connections: int = 1000  # open connections in all; past it, a new one gets 503
    worker_memory_bytes: int = 2 << 30  # address-space limit of each worker (RLIMIT_AS); 0 = none
    cache_bytes: int = 32 << 20  # result cache (the release is immutable while serving); 0 = off
    long_after: float = 0.5  # a query still running after this many seconds is long: it gives up its place
    max_long: int | None = None  # long queries running at once (default: as many as workers); more are stopped
    max_long_per_client: int = 2  # long queries one client address may run at once
    head_timeout: float = 5.0  # seconds a connection may take to send its request head
    max_connections_per_client: int = 128  # open connections one client address may hold
    allow_federation: bool = False  # let SERVICE reach other endpoints (trusted local use only)
    cors_origin: str = "*"

    def __post_init__(self):
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        if self.long_after <= 0 or self.head_timeout <= 0:
            raise ValueError("long_after and head_timeout must be positive")
