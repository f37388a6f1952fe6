"""A query worker: a process that holds the store and runs one query at a time.

pyoxigraph cannot interrupt a running query, so queries run here, in a process the server can kill
when one overruns its time. The worker talks to the server over its standard input and output in
frames (``pack``/``read_frame``): an 8-byte header (two big-endian lengths), a JSON head, a body.

The first frame configures the worker (release file, prefixes, limits); it answers with a ready
frame. Each request frame names a query, its parameters (RDF terms) and the media types the client accepts
for each kind of answer; the reply carries the chosen media type and the serialised answer, or an
HTTP status and a message. Only pyoxigraph is imported here, so a worker starts in a few tens of ms.

Unless federation is allowed, the worker first moves into a network namespace of its own, so a
SERVICE clause that got past the guard still cannot reach any host; and an address-space limit
bounds what a pathological query can allocate.
"""
from __future__ import annotations

import json
import os
import signal
import struct
import sys

_HEADER = struct.Struct(">II")


# -- frames ---------------------------------------------------------------
def pack(head: dict, body: bytes = b"") -> bytes:
    encoded = json.dumps(head, separators=(",", ":")).encode("utf-8")
    return _HEADER.pack(len(encoded), len(body)) + encoded + body


def _read_exactly(source, n: int) -> bytes | None:
    """n bytes from a file descriptor or a binary file; None at end of input."""
    if not isinstance(source, int):
        data = source.read(n)
        return data if len(data) == n else None
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(source, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(source) -> tuple[dict, bytes] | None:
    """The next frame from a file descriptor or a (buffered) binary file; None at end of input."""
    header = _read_exactly(source, _HEADER.size)
    if header is None:
        return None
    head_len, body_len = _HEADER.unpack(header)
    data = _read_exactly(source, head_len + body_len) if head_len + body_len else b""
    if data is None:
        return None
    return json.loads(data[:head_len]), data[head_len:]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# -- sandboxing -------------------------------------------------------------
def isolate_network() -> str:
    """Move this process into an empty network namespace (no interfaces, so no connections).

    Needs root, or unprivileged user namespaces; returns how it went, for the server's log.
    """
    import ctypes

    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newnet) == 0:
            return "isolated"
        if libc.unshare(clone_newuser | clone_newnet) == 0:
            return "isolated"
        return f"not isolated ({os.strerror(ctypes.get_errno())})"
    except (OSError, AttributeError) as exc:  # no libc.unshare (not Linux)
        return f"not isolated ({exc})"


def limit_memory(max_bytes: int) -> None:
    if max_bytes <= 0:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ImportError, ValueError, OSError):
        pass


# -- queries ----------------------------------------------------------------
class ResultTooLarge(Exception):
    pass


class _LimitedBuffer:
    """A binary file that refuses to grow past a limit (serialisers write into it)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []
        self.overflowed = False

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            self.overflowed = True
            raise ResultTooLarge()
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)


class Worker:
    def __init__(self, config: dict):
        import pyoxigraph as ox

        self.ox = ox
        self.prefixes: dict[str, str] = config["prefixes"]
        self.serialisation_prefixes: dict[str, str] = config.get("serialisation_prefixes", self.prefixes)
        self.store = ox.Store()
        release = config["release"]
        self.store.load(path=release, format=ox.RdfFormat.from_extension(release.rsplit(".", 1)[-1]))
        self.result_formats = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
        self.graph_formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                              "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}
        # warm up before saying ready (imports, the parser, a first scan), so that a worker that has just
        # taken a long query's place answers its first query as fast as the others
        self.run({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "result_types": ["json"], "graph_types": [],
                  "max_bytes": 1 << 20})

    def run(self, request: dict) -> tuple[dict, bytes]:
        from ..binding import bind_variables
        from ..errors import QueryError
        from ..prefixes import unknown_prefix_message
        from ..results import Term

        ox = self.ox
        try:
            # parameters are written into the query as RDF terms (binding.py), as every store binds them
            bindings = {name: Term(*spec) for name, spec in (request.get("bindings") or {}).items()}
            query = bind_variables(request["query"], bindings)
            options = {}
            if request.get("base_iri"):  # relative IRIs in the query resolve against the endpoint's URL
                options["base_iri"] = request["base_iri"]
            default_graphs, named_graphs = request.get("default_graphs") or [], request.get("named_graphs") or []
            if default_graphs or named_graphs:
                # SPARQL 1.1 Protocol 2.1.4: a dataset given in the request replaces the service's default
                # dataset whole; the part not given (default graph or named graphs) is empty
                options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
                options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        except (ValueError, TypeError, QueryError) as exc:
            return {"status": 400, "message": f"not a valid IRI or term: {exc}"}, b""
        try:
            answer = self.store.query(query, prefixes=self.prefixes, **options)
        except SyntaxError as exc:
            return {"status": 400, "message": f"malformed query: {unknown_prefix_message(query) or exc}"}, b""
        except (OSError, ValueError, RuntimeError) as exc:
            return {"status": 500, "message": f"the query failed: {exc}"}, b""

        if isinstance(answer, ox.QueryTriples):
            kind, offers, formats = "graph", request["graph_types"], self.graph_formats
        else:
            kind = "boolean" if isinstance(answer, ox.QueryBoolean) else "solutions"
            offers, formats = request["result_types"], self.result_formats
        if not offers:
            return {"status": 406, "kind": kind, "message": ""}, b""
        key = offers[0]
        buffer = _LimitedBuffer(request["max_bytes"])
        try:
            if kind == "graph":
                ox.serialize(answer, buffer, formats[key], prefixes=self.serialisation_prefixes)
            else:
                answer.serialize(buffer, formats[key])
        except BaseException as exc:  # noqa: BLE001 - pyoxigraph may wrap our ResultTooLarge
            if buffer.overflowed:
                return {"status": 413, "message": f"the result is larger than {request['max_bytes']} bytes; "
                                                  "narrow the query or add a LIMIT"}, b""
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return {"status": 500, "message": f"the query failed while producing results: {exc}"}, b""
        return {"status": 200, "kind": kind, "format": key}, buffer.getvalue()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops us
    frames_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)  # one read() usually brings a whole frame
    frames_out = os.dup(1)
    os.dup2(2, 1)  # anything printed by accident goes to stderr, never into the frame stream
    first = read_frame(frames_in)
    if first is None:
        return
    config, _ = first
    network = "allowed" if config.get("allow_network") else isolate_network()
    limit_memory(int(config.get("memory_bytes") or 0))
    try:
        worker = Worker(config)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which reports it to the user
        _write_all(frames_out, pack({"ready": False, "message": f"{type(exc).__name__}: {exc}"}))
        return
    _write_all(frames_out, pack({"ready": True, "triples": len(worker.store), "network": network, "pid": os.getpid()}))
    while True:
        frame = read_frame(frames_in)
        if frame is None:
            return
        request, _ = frame
        try:
            head, body = worker.run(request)
        except MemoryError:
            head, body = {"status": 503, "message": "the query needed more memory than a worker may use"}, b""
        _write_all(frames_out, pack(head, body))


if __name__ == "__main__":
    sys.exit(main())
