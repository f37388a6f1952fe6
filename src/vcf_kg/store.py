"""The store seam: where SPARQL runs. The embedded default is pyoxigraph, loaded from the release.

Every store answers ``query(text, bindings)`` with ``results.Results``; later stores (a persistent
pyoxigraph directory, a remote SPARQL endpoint) implement the same two methods.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from .errors import NotBuiltError, QueryError
from .prefixes import PREFIXES
from .results import GraphResult, Results, Term


class Store(Protocol):
    def query(self, text: str, bindings: dict[str, Term] | None = None) -> Results: ...

    def triple_count(self) -> int: ...


def to_term(node) -> Term:
    """A pyoxigraph term as a results.Term."""
    import pyoxigraph as ox

    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    return Term("literal", node.value, node.datatype.value if node.datatype else None, node.language)


_MEMO_LIMIT = 200_000  # distinct terms remembered while converting one answer


def _rows(solutions, variables: list[str]) -> list[dict[str, Term]]:
    """The solutions as rows of results.Term (one solution's values come in the order of ``variables``).
    This loop is most of the cost of a large answer, and a large answer repeats its terms (a body, a
    label, a scale point on every row): each distinct term is converted once and shared (Terms are
    immutable), which nearly halves the conversion of the landscape questions at 1e7."""
    memo: dict = {}
    rows = []
    for solution in solutions:
        row = {}
        for name, node in zip(variables, solution):
            if node is None:
                continue
            term = memo.get(node)
            if term is None:
                term = to_term(node)
                if len(memo) < _MEMO_LIMIT:
                    memo[node] = term
            row[name] = term
        rows.append(row)
    return rows


class EmbeddedStore:
    """pyoxigraph in memory, holding one release file (N-Triples by default)."""

    def __init__(self, release_file: Path | None = None, *, ntriples: bytes | None = None):
        import pyoxigraph as ox

        self._ox = ox
        self._store = ox.Store()
        self.source = release_file
        if ntriples is not None:
            self._store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        elif release_file is not None:
            if not release_file.exists():
                raise NotBuiltError(f"no built graph at {release_file}: run `vcf-kg build` first")
            fmt = ox.RdfFormat.from_extension(release_file.suffix.lstrip("."))
            self._store.load(path=str(release_file), format=fmt)

    def query(self, text: str, bindings: dict[str, Term] | None = None) -> Results | GraphResult:
        from .binding import bind_variables

        ox = self._ox
        try:
            answer = self._store.query(bind_variables(text, bindings), prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Results(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            return Results(variables=variables, rows=_rows(answer, variables))
        return GraphResult([(to_term(t.subject), to_term(t.predicate), to_term(t.object)) for t in answer])

    def construct(self, text: str):
        """Triples of a CONSTRUCT/DESCRIBE query, as pyoxigraph triples."""
        return list(self._store.query(text, prefixes=PREFIXES))

    def triple_count(self) -> int:
        return len(self._store)


# -- a persistent embedded store ---------------------------------------------------------------

class StoreError(NotBuiltError):
    """A persistent store is missing, out of step with the release, or cannot be opened."""


STORE_MANIFEST = "vcf-kg-store.json"  # beside RocksDB's own files: what was loaded, and when


@dataclass
class LoadedFile:
    path: str
    sha256: str
    triples: int  # triples the file added to the store (the store is a set: repeats add nothing)
    seconds: float

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else float("inf")


class PersistentStore(EmbeddedStore):
    """pyoxigraph on disk (RocksDB): filled once by `vcf-kg load`, reopened in milliseconds.

    Everything is merged into the default graph (an RDF merge: a triple in two files is one triple),
    so named queries see exactly what they see in the in-memory store. Queries open the store
    read-only, so several processes can query it while none writes.
    """

    def __init__(self, path: Path | str, *, writable: bool = False):
        import pyoxigraph as ox

        self._ox = ox
        self.path = Path(path)
        self.source = self.path
        manifest = self.path / STORE_MANIFEST
        if not writable and not manifest.exists():
            raise StoreError(f"no vcf-kg store at {self.path}: make one with `vcf-kg load --store {self.path}`")
        try:
            self._store = ox.Store(str(self.path)) if writable else ox.Store.read_only(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}"
                             + (" (is another `vcf-kg load` writing to it?)" if writable else "")) from None
        self.manifest = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}

    def triple_count(self) -> int:
        return len(self._store)

    def load_file(self, path: Path, on_read: Callable[[int], None] | None = None) -> LoadedFile:
        """Merge one RDF file (format from its extension; .gz is read compressed) into the store."""
        ox = self._ox
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"no file {path}")
        name = path.name[:-3] if path.name.endswith(".gz") else path.name
        suffix = Path(name).suffix.lstrip(".").lower()
        fmt = ox.RdfFormat.from_extension(suffix) or {"owl": ox.RdfFormat.RDF_XML}.get(suffix)
        if fmt is None:
            raise StoreError(f"{path}: unknown RDF format {suffix!r} (use .nt, .nq, .ttl, .trig, .rdf/.owl, .jsonld)")
        before = len(self._store)
        started = time.perf_counter()
        digest = hashlib.sha256()
        with open(path, "rb") as raw:
            counted = _CountingReader(raw, digest, on_read)
            data = gzip.GzipFile(fileobj=counted) if path.name.endswith(".gz") else counted
            try:
                # triples of quad formats stay in their graphs; queries read the default graph only
                self._store.bulk_load(input=data, format=fmt, base_iri=path.resolve().as_uri())
            except SyntaxError as exc:
                raise StoreError(f"{path}: not valid {suffix}: {exc} (the triples before the error were loaded; "
                                 "reload with --fresh)") from None
        self._store.flush()
        seconds = time.perf_counter() - started
        return LoadedFile(str(path.resolve()), digest.hexdigest(), len(self._store) - before, seconds)

    def write_manifest(self, manifest: dict) -> None:
        self.manifest = manifest
        target = self.path / STORE_MANIFEST
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)


class _CountingReader:
    """A binary file wrapper that reports bytes read (for a progress bar) and hashes them."""

    def __init__(self, raw, digest, on_read):
        self._raw, self._digest, self._on_read = raw, digest, on_read

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._digest.update(chunk)
        if self._on_read and chunk:
            self._on_read(len(chunk))
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def readable(self) -> bool:
        return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_store(store_path: Path, files: list[Path], *, release: Path | None, fresh: bool = False,
               on_file: Callable[[Path, int], Callable[[int], None] | None] | None = None,
               report: Callable[[str], None] = lambda _: None) -> list[LoadedFile]:
    """Merge the release (if given and not yet there) and ``files`` into the store at ``store_path``.

    A store holds one release: when the built release differs from the one merged before, the store
    has to be rebuilt (``fresh``), which reloads the release and every file loaded before into a new
    directory and swaps it in only when complete. ``on_file(path, size)`` may return a callback
    that receives byte counts as the file is read (for a progress bar).
    """
    store_path = Path(store_path)
    old = {}
    manifest_file = store_path / STORE_MANIFEST
    if manifest_file.exists():
        old = json.loads(manifest_file.read_text(encoding="utf-8"))
    elif store_path.exists() and any(store_path.iterdir()):
        raise StoreError(f"{store_path} exists and is not a vcf-kg store (no {STORE_MANIFEST}); choose another --store")
    release_sha = file_sha256(release) if release is not None else None
    held = (old.get("release") or {}).get("sha256")
    if release_sha and held and held != release_sha and not fresh:
        raise StoreError(f"the store at {store_path} holds an older release of the graph, which a merge cannot "
                         f"take out: rebuild it with `vcf-kg load --store {store_path} --fresh` (reloads the new "
                         f"release and the {len(old.get('files', []))} file(s) loaded before)")
    files = [Path(f) for f in files]
    for f in files:
        if not f.is_file():
            raise StoreError(f"no file {f}")
    if fresh:
        earlier = [Path(f["path"]) for f in old.get("files", [])]
        missing = [str(f) for f in earlier if not f.is_file()]
        if missing:
            raise StoreError("cannot rebuild the store: file(s) loaded before are gone: " + ", ".join(missing))
        given = {f.resolve() for f in files}
        files = [f for f in earlier if f.resolve() not in given] + files
        target = store_path.with_name(f".{store_path.name}.fresh-{os.getpid()}")
        if target.exists():
            shutil.rmtree(target)
        manifest: dict = {"format": 1, "release": None, "files": []}
    else:
        target = store_path
        manifest = old or {"format": 1, "release": None, "files": []}
    target.mkdir(parents=True, exist_ok=True)
    store = PersistentStore(target, writable=True)
    loaded = []
    try:
        todo = []
        if release is not None and (fresh or not held):
            todo.append((release, True))
        todo += [(f, False) for f in files]
        for path, is_release in todo:
            report(f"loading {path}" + (" (the release)" if is_release else ""))
            callback = on_file(path, path.stat().st_size) if on_file else None
            result = store.load_file(path, callback)
            loaded.append(result)
            record = {"path": result.path, "sha256": result.sha256, "triples": result.triples,
                      "seconds": round(result.seconds, 3), "loaded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            if is_release:
                manifest["release"] = record
            else:
                manifest["files"] = [f for f in manifest["files"] if f["path"] != result.path] + [record]
            manifest["triples"] = store.triple_count()
            store.write_manifest(manifest)
    except BaseException:
        if fresh:
            del store
            shutil.rmtree(target, ignore_errors=True)
        raise
    del store
    if fresh:
        retired = store_path.with_name(f".{store_path.name}.old-{os.getpid()}")
        if store_path.exists():
            os.replace(store_path, retired)
        os.replace(target, store_path)
        shutil.rmtree(retired, ignore_errors=True)
    return loaded
