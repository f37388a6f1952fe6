"""Remote SPARQL 1.1 stores: query any endpoint (through SPARQLWrapper) and publish the release to one.

``RemoteStore`` is the third implementation of the store seam (``store.Store``): the same named
queries, the same ``Results``. What differs from the embedded store, and is handled here:

- prefixes: named queries use the project's prefixes without declaring them; a remote store gets
  ``namespaces.sparql_prologue()`` in front of the text.
- parameters: pyoxigraph binds them as RDF terms (SEP-0007 substitution). A remote store has no such
  API, so ``bind_variables`` substitutes each bound variable by the term's own SPARQL syntax
  (``Term.n3()``, escaped; IRIs checked), token by token: never a raw user string in the text.
- the dataset: ``graph`` makes one named graph the default graph (``default-graph-uri``). Virtuoso
  without it also answers from its own system graphs.
- transport: GET, or a URL-encoded POST for long queries. Never ``application/sparql-query`` POST,
  which Virtuoso 7.2 can leave hanging.
- incomplete answers: Virtuoso answers 200 with partial results when a query hits its time limit
  (``X-SQL-State``/``X-SQL-Message`` headers) or its ``ResultSetMaxRows`` cap (``X-SPARQL-MaxRows``);
  both raise ``PartialResultsError`` instead of passing for a complete answer.

``publish`` replaces a named graph with the release in a way readers never see half of: the data
goes into a temporary graph (Graph Store Protocol PUT, or SPARQL Update INSERT DATA in chunks), its
triple count is checked, then one ``MOVE`` replaces the target graph, whose count is checked again.
"""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import QueryError, VcfKgError
from .prefixes import sparql_prologue
from .binding import _IRI_FORBIDDEN, bind_variables
from .results import XSD_STRING, GraphResult, Results, Term

Report = Callable[[str], None]

#: GET up to this many characters of URL, URL-encoded POST beyond (servers cap URL length at 4-8 KB).
MAX_GET_URL = 4000


class RemoteStoreError(VcfKgError):
    """A remote SPARQL endpoint could not be reached, refused a request, or answered wrongly."""


class PartialResultsError(RemoteStoreError):
    """The endpoint answered, but says (or shows) that the answer is incomplete."""


@dataclass(frozen=True)
class Auth:
    """HTTP credentials for an endpoint. Virtuoso's /sparql-auth wants ``digest``."""

    user: str
    password: str
    scheme: str = "digest"  # 'basic' | 'digest'

    def __post_init__(self):
        if self.scheme not in ("basic", "digest"):
            raise RemoteStoreError(f"unknown authentication scheme {self.scheme!r} (basic or digest)")


# -- binding parameters in query text ----------------------------------------------------------

def _term_from_json(binding: dict) -> Term:
    try:
        return Term.from_json(binding)
    except ValueError as exc:
        raise RemoteStoreError(f"the endpoint returned {exc}") from None


def results_from_json(data: dict) -> Results:
    """Results from SPARQL 1.1 Query Results JSON."""
    if "boolean" in data:
        return Results(boolean=bool(data["boolean"]))
    try:
        variables = list(data["head"]["vars"])
        bindings = data["results"]["bindings"]
    except (KeyError, TypeError):
        raise RemoteStoreError("the endpoint's answer is not SPARQL Query Results JSON") from None
    rows = [{v: _term_from_json(b[v]) for v in variables if v in b} for b in bindings]
    return Results(variables=variables, rows=rows)


def check_complete(headers: dict[str, str], rows: int | None, endpoint: str) -> None:
    """Raise PartialResultsError when the response headers say the answer is incomplete."""
    lower = {k.lower(): v for k, v in headers.items()}
    state = lower.get("x-sql-state")
    if state:
        message = lower.get("x-sql-message", "").strip()
        elapsed = lower.get("x-exec-milliseconds")
        raise PartialResultsError(
            f"{endpoint} returned an incomplete answer (X-SQL-State {state}"
            + (f", after {elapsed} ms" if elapsed else "") + f"): {message or 'no message'}. "
            "The query hit the server's time limit (Virtuoso: MaxQueryExecutionTime in virtuoso.ini, "
            "or the 'timeout' request parameter); narrow the query or raise the limit.")
    cap = lower.get("x-sparql-maxrows")
    if cap is not None and (rows is None or rows >= int(cap or 0)):
        raise PartialResultsError(
            f"{endpoint} cut the answer at its row limit ({cap} rows, X-SPARQL-MaxRows): the answer may be "
            "incomplete. Raise ResultSetMaxRows in virtuoso.ini's [SPARQL] section, or add LIMIT/OFFSET.")


# -- the store ---------------------------------------------------------------------------------

def _sparqlwrapper():
    try:
        import SPARQLWrapper
    except ImportError:  # pragma: no cover - a declared dependency
        raise RemoteStoreError("remote stores need SPARQLWrapper: pip install SPARQLWrapper") from None
    return SPARQLWrapper


def _http_error_text(exc: Exception) -> str:
    body = ""
    text = str(exc)
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read().decode("utf-8", "replace")
        except Exception:
            body = ""
        text = f"HTTP {exc.code} {exc.reason}"
    body = " ".join(body.split())
    return text + (f": {body[:400]}" if body else "")


class RemoteStore:
    """A SPARQL 1.1 endpoint behind the store seam.

    ``graph``: a named graph to use as the default graph (``default-graph-uri``). ``auth``: HTTP
    credentials. ``method``: 'auto' (GET, POST for long queries), 'GET' or 'POST' (URL-encoded).
    ``params``: extra request parameters (e.g. Virtuoso's ``timeout`` in ms).
    """

    def __init__(self, endpoint: str, *, graph: str | None = None, auth: Auth | None = None,
                 method: str = "auto", timeout: float = 120.0, params: dict[str, str] | None = None):
        parsed = urllib.parse.urlparse(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise RemoteStoreError(f"--endpoint {endpoint!r} is not an http(s) URL")
        if graph is not None and (not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", graph) or _IRI_FORBIDDEN.search(graph)):
            raise RemoteStoreError(f"--graph {graph!r} is not an absolute IRI")
        if method.upper() not in ("AUTO", "GET", "POST"):
            raise RemoteStoreError(f"unknown HTTP method {method!r} (auto, GET or POST)")
        self.endpoint = endpoint
        self.graph = graph
        self.auth = auth
        self.method = method.upper()
        self.timeout = timeout
        self.params = dict(params or {})
        self.server: str | None = None  # the Server header of the last answer
        self.last_headers: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, graph={self.graph!r})"

    @property
    def is_virtuoso(self) -> bool:
        return bool(self.server and "virtuoso" in self.server.lower())

    def _wrapper(self, text: str, graph: bool = False):
        sw_mod = _sparqlwrapper()
        sw = sw_mod.SPARQLWrapper(self.endpoint, returnFormat=sw_mod.N3 if graph else sw_mod.JSON,
                                  agent="vcf-kg (SPARQLWrapper)")
        sw.setTimeout(int(max(1, self.timeout)))
        if self.auth:
            sw.setHTTPAuth(sw_mod.DIGEST if self.auth.scheme == "digest" else sw_mod.BASIC)
            sw.setCredentials(self.auth.user, self.auth.password)
        if self.graph:
            sw.addParameter("default-graph-uri", self.graph)
        for key, value in self.params.items():
            sw.addParameter(key, value)
        sw.setQuery(text)
        length = len(self.endpoint) + len(urllib.parse.quote(text)) + 200
        use_post = self.method == "POST" or (self.method == "AUTO" and length > MAX_GET_URL)
        # POST is URL-encoded (query=...): Virtuoso 7.2 can hang on application/sparql-query bodies
        sw.setMethod(sw_mod.POST if use_post else sw_mod.GET)
        sw.setRequestMethod(sw_mod.URLENCODED)
        return sw

    def _request(self, text: str, graph: bool = False) -> tuple[dict | bytes, dict[str, str]]:
        """The answer (SPARQL results JSON; for ``graph``, the Turtle of a CONSTRUCT/DESCRIBE) and its headers."""
        from SPARQLWrapper import SPARQLExceptions as E

        sw = self._wrapper(text, graph)
        try:
            answer = sw.query()
            headers = dict(answer.info())
            data = answer.convert()
        except E.Unauthorized:
            raise RemoteStoreError(f"{self.endpoint} wants credentials (HTTP 401): give --user and --password"
                                   + (" (they were refused)" if self.auth else "")) from None
        except E.EndPointNotFound:
            raise RemoteStoreError(f"no SPARQL endpoint at {self.endpoint} (HTTP 404)") from None
        except E.QueryBadFormed as exc:
            raise QueryError(f"{self.endpoint} rejected the query as malformed: {_short(exc)}") from None
        except E.SPARQLWrapperException as exc:
            raise RemoteStoreError(f"{self.endpoint} failed: {_short(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise RemoteStoreError(f"{self.endpoint} answered {_http_error_text(exc)}") from None
        except urllib.error.URLError as exc:
            raise RemoteStoreError(f"cannot reach {self.endpoint}: {exc.reason}") from None
        except (TimeoutError, OSError) as exc:
            raise RemoteStoreError(f"{self.endpoint} did not answer within {self.timeout:g}s ({exc})") from None
        except ValueError as exc:  # JSON decoding
            raise RemoteStoreError(f"{self.endpoint} did not answer with SPARQL results JSON: {exc}") from None
        self.server = headers.get("Server") or headers.get("server") or self.server
        self.last_headers = headers
        if graph:
            if not isinstance(data, bytes):
                raise RemoteStoreError(f"{self.endpoint} did not answer a graph query with RDF")
            return data, headers
        if not isinstance(data, dict):
            raise RemoteStoreError(f"{self.endpoint} did not answer with SPARQL results JSON")
        return data, headers

    def _graph(self, text: str) -> GraphResult:
        """A CONSTRUCT or DESCRIBE answer (Turtle, which N-Triples also is) as a GraphResult."""
        import pyoxigraph as ox

        from .store import to_term

        data, headers = self._request(text, graph=True)
        media = (headers.get("Content-Type") or headers.get("content-type") or "text/turtle").split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
        try:
            triples = ox.parse(data, format=fmt)
            return GraphResult([(to_term(t.subject), to_term(t.predicate), to_term(t.object)) for t in triples])
        except SyntaxError as exc:
            raise RemoteStoreError(f"{self.endpoint} answered a graph query with {media} that does not parse: {exc}") from None

    def query(self, text: str, bindings: dict[str, Term] | None = None) -> Results | GraphResult:
        # Whole-line comments (a named query's '#+' header) are dropped: SPARQLWrapper sniffs the query type from
        # the text, comments included, and took a header mentioning "copy" or "add" for an update.
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        full = sparql_prologue() + bind_variables(text, bindings)
        if self._wrapper(full).queryType in ("CONSTRUCT", "DESCRIBE"):
            return self._graph(full)
        data, headers = self._request(full)
        results = results_from_json(data)
        check_complete(headers, None if results.boolean is not None else len(results.rows), self.endpoint)
        return results

    def triple_count(self) -> int:
        """Triples in the store's default graph (the named graph given as ``graph``)."""
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        return int(rows[0]["n"].value) if rows else 0

    def graph_triple_count(self, graph: str) -> int:
        """Triples in one named graph, whatever the default graph is."""
        term = Term("uri", graph)
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": term}).rows
        return int(rows[0]["n"].value) if rows else 0


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:600]


# -- publishing --------------------------------------------------------------------------------

@dataclass
class PublishResult:
    endpoint: str
    graph: str
    triples: int
    seconds: float
    method: str
    notes: list[str] = field(default_factory=list)


VIRTUOSO_RESTART_NOTE = (
    "this is Virtuoso: after loading vocabulary it has not seen since it started, Virtuoso 7.2 can answer "
    "property-path queries wrongly (rows missing) until it is restarted (upstream issues #929/#1023) — "
    "restart it now (scripts/virtuoso.sh restart DIR for the project's own server)")


def default_update_endpoint(endpoint: str) -> str:
    """Where updates go when not given: the query endpoint itself (Virtuoso's /sparql-auth, Fuseki's
    dataset URL), except an Oxigraph-/Fuseki-style '.../query' becomes '.../update'."""
    parsed = urllib.parse.urlparse(endpoint)
    if parsed.path.endswith("/query"):
        return urllib.parse.urlunparse(parsed._replace(path=parsed.path[: -len("query")] + "update"))
    return endpoint


class _Updater:
    """SPARQL Update and Graph Store Protocol requests (URL-encoded form posts, plain PUT)."""

    def __init__(self, update_endpoint: str, auth: Auth | None, timeout: float):
        self.update_endpoint = update_endpoint
        self.auth = auth
        self.timeout = timeout
        handlers = []
        if auth:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, update_endpoint, auth.user, auth.password)
            self._passwords = passwords
            handler = (urllib.request.HTTPDigestAuthHandler if auth.scheme == "digest"
                       else urllib.request.HTTPBasicAuthHandler)(passwords)
            handlers.append(handler)
        else:
            self._passwords = None
        self._opener = urllib.request.build_opener(*handlers)

    def _send(self, request: urllib.request.Request, what: str) -> None:
        if self._passwords is not None:
            self._passwords.add_password(None, request.full_url, self.auth.user, self.auth.password)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = _http_error_text(exc)
            hint = ""
            if exc.code in (401, 403):
                hint = " — give --user/--password with write access"
            elif "virtuoso" in (exc.headers.get("Server") or "").lower() and (
                    "permission" in detail.lower() or "SR186" in detail):
                hint = (" — Virtuoso's /sparql is read-only for anonymous users: publish to /sparql-auth "
                        "(digest, --user dba) or grant SPARQL_UPDATE")
            raise RemoteStoreError(f"{what} failed at {request.full_url.split('?')[0]}: {detail}{hint}") from None
        except urllib.error.URLError as exc:
            raise RemoteStoreError(f"{what}: cannot reach {request.full_url.split('?')[0]}: {exc.reason}") from None
        except (TimeoutError, OSError) as exc:
            raise RemoteStoreError(f"{what}: no answer within {self.timeout:g}s ({exc})") from None

    def update(self, text: str, what: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        request = urllib.request.Request(self.update_endpoint, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "User-Agent": "vcf-kg"})
        self._send(request, what)

    def put_graph(self, gsp_endpoint: str, graph: str, lines: list[str], what: str) -> None:
        """PUT the first part, POST (add) the rest. Parts stay small when authenticating: a digest
        challenge (401) comes before the server reads the body, and a big body then breaks the pipe."""
        key = "graph-uri" if "graph-crud" in gsp_endpoint else "graph"  # Virtuoso's name for it
        url = gsp_endpoint + ("&" if "?" in gsp_endpoint else "?") + urllib.parse.urlencode({key: graph})
        limit = 48_000 if self.auth else 8_000_000
        parts, part, size = [], [], 0
        for line in lines:
            if part and size + len(line) > limit:
                parts.append(part)
                part, size = [], 0
            part.append(line)
            size += len(line.encode("utf-8")) + 1
        parts.append(part)
        for number, part in enumerate(parts):
            body = ("\n".join(part) + "\n").encode("utf-8")
            request = urllib.request.Request(url, data=body, method="PUT" if number == 0 else "POST", headers={
                "Content-Type": "application/n-triples", "User-Agent": "vcf-kg"})
            self._send(request, f"{what} (part {number + 1} of {len(parts)})")


def _ntriples_chunks(lines: list[str], size: int) -> Iterable[str]:
    for start in range(0, len(lines), size):
        yield "\n".join(lines[start:start + size])


def read_ntriples(path: Path) -> list[str]:
    """The release's N-Triples lines (blank nodes refused: a chunked upload would split them)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    if any("_:" in line and re.search(r"(^|\s)_:", line) for line in lines):
        raise RemoteStoreError(f"{path} has blank nodes, which a chunked upload would split: skolemise them first")
    return lines


def publish(ntriples_file: Path, endpoint: str, graph: str, *, update_endpoint: str | None = None,
            gsp_endpoint: str | None = None, auth: Auth | None = None, chunk: int = 500,
            timeout: float = 300.0, report: Report = lambda _: None) -> PublishResult:
    """Replace named graph ``graph`` at ``endpoint`` with the triples of ``ntriples_file``.

    The triples go to a temporary graph first (Graph Store Protocol PUT + POSTs when ``gsp_endpoint``
    is given, else SPARQL Update INSERT DATA in chunks of ``chunk`` triples), are counted there, then ``MOVE`` replaces the
    target in one update; the target's count is checked last. On failure the temporary graph is
    dropped and the target is left as it was.
    """
    import pyoxigraph as ox

    started = time.perf_counter()
    reader = RemoteStore(endpoint, auth=auth, timeout=timeout)  # validates the endpoint URL
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", graph) or _IRI_FORBIDDEN.search(graph):
        raise RemoteStoreError(f"--graph {graph!r} is not an absolute IRI")
    if not ntriples_file.exists():
        from .errors import NotBuiltError

        raise NotBuiltError(f"no built graph at {ntriples_file}: run `vcf-kg build` first")
    local = ox.Store()
    local.bulk_load(path=str(ntriples_file), format=ox.RdfFormat.N_TRIPLES)
    expected = len(local)
    updater = _Updater(update_endpoint or default_update_endpoint(endpoint), auth, timeout)
    temporary = f"urn:vcf-kg:publish:{uuid.uuid4()}"
    method = "gsp" if gsp_endpoint else "update"
    try:
        if gsp_endpoint:
            report(f"uploading {expected} triples to a temporary graph ({gsp_endpoint}, Graph Store Protocol PUT)")
            updater.put_graph(gsp_endpoint, temporary, read_ntriples(ntriples_file), "the Graph Store upload")
        else:
            lines = read_ntriples(ntriples_file)
            report(f"uploading {expected} triples to a temporary graph ({updater.update_endpoint}, "
                   f"SPARQL Update in chunks of {chunk})")
            for number, part in enumerate(_ntriples_chunks(lines, chunk), start=1):
                updater.update(f"INSERT DATA {{ GRAPH <{temporary}> {{\n{part}\n}} }}",
                               f"uploading chunk {number}")
        got = reader.graph_triple_count(temporary)
        if got != expected:
            raise RemoteStoreError(f"the temporary graph holds {got} triples, the release {expected}: "
                                   f"{graph} was not touched")
        report(f"replacing <{graph}> (MOVE from the temporary graph)")
        updater.update(f"MOVE <{temporary}> TO <{graph}>", f"replacing <{graph}>")
    except BaseException:
        try:
            updater.update(f"DROP SILENT GRAPH <{temporary}>", "dropping the temporary graph")
        except RemoteStoreError:
            pass
        raise
    final = reader.graph_triple_count(graph)
    if final != expected:
        raise RemoteStoreError(f"after publishing, <{graph}> at {endpoint} holds {final} triples, "
                               f"the release {expected}")
    notes = [VIRTUOSO_RESTART_NOTE] if reader.is_virtuoso else []
    return PublishResult(endpoint, graph, final, time.perf_counter() - started, method, notes)


# -- comparing answers across stores -----------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_NUMERIC_TYPES = _INTEGER_TYPES | {_XSD + "decimal", _XSD + "float", _XSD + "double"}


def group_concat_separators(text: str) -> dict[str, str]:
    """{variable: separator} for every ``(GROUP_CONCAT(...) AS ?v)`` of a query."""
    out = {}
    for match in re.finditer(r"GROUP_CONCAT\s*\(", text, re.I):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            if text[i] in "\"'":  # skip a string
                quote, i = text[i], i + 1
                while i < len(text) and text[i] != quote:
                    i += 2 if text[i] == "\\" else 1
            elif text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
            i += 1
        inner = text[match.end():i - 1]
        sep = re.search(r"separator\s*=\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')", inner, re.I)
        # also (COALESCE(GROUP_CONCAT(...), "") AS ?v): the empty list as "" in every store
        name = re.match(r"\s*(?:,\s*(?:\"\"|'')\s*\))?\s*AS\s+[?$](\w+)", text[i:], re.I)
        if name:
            out[name.group(1)] = sep.group(1)[1:-1] if sep else " "
    return out


def comparable_term(term: Term, separator: str | None = None):
    """A term as readers compare it across stores: numbers by value (xsd:integer = xsd:int =
    xsd:nonNegativeInteger), GROUP_CONCAT values as the multiset of their parts (the SPARQL
    spec leaves their order to the engine), blank-node labels ignored."""
    if term.kind == "uri":
        return ("uri", term.value)
    if term.kind == "bnode":
        return ("bnode",)
    if separator is not None:
        return ("parts", tuple(sorted(term.value.split(separator))))
    if term.datatype in _NUMERIC_TYPES:
        from decimal import Decimal, InvalidOperation

        try:
            return ("number", Decimal(term.value).normalize())
        except InvalidOperation:
            return ("literal", term.value, term.datatype)
    if term.datatype == _XSD + "boolean":
        return ("boolean", term.value in ("true", "1"))
    if term.lang:
        return ("literal", term.value, term.lang.lower())
    return ("literal", term.value, None if term.datatype == XSD_STRING else term.datatype)


def comparable_answer(results: Results, text: str, *, ordered: bool = False):
    """An answer in a form two stores' answers can be compared with ``==``.

    SELECT: the variables and the rows (a multiset, or a list when ``ordered``); ASK: the boolean.
    """
    if results.boolean is not None:
        return ("ask", results.boolean)
    separators = group_concat_separators(text)
    rows = [tuple(sorted((v, comparable_term(t, separators.get(v))) for v, t in row.items()))
            for row in results.rows]
    return ("select", tuple(results.variables), tuple(rows) if ordered else tuple(sorted(rows, key=repr)))
