"""The Starlette application: routes, the SPARQL endpoint, named queries, errors and CORS.

Routes (docs/serving.md has the full story):

    /                      the query page (named-query picker, editor, results table, downloads)
    /sparql                SPARQL 1.1 Protocol (GET, POST); without a query: the service description
    /queries               the named queries (JSON); /queries/NAME runs one, parameters bound as RDF terms
    /landscape             the evidence landscape: bodies x interventions and a timeline, coloured by direction
    /id/… /claim/… /source/… /inferred/… /rule/…   linked-data resources
    /ontology              the ontology;  /dataset and /.well-known/void: the dataset description
    /release/VERSION/FILE  the release files the dataset description lists
    /context.jsonld        the JSON-LD context (stable IRI https://w3id.org/vcf-kg/context.jsonld)
    /static/…              the page's scripts and styles (YASGUI vendored; no CDN)
"""
from __future__ import annotations

import contextlib
import functools
import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import QueryError
from ..namespaces import DATASET, PREFIXES, SERIALISATION_PREFIXES
from ..prefixes import prefix_declarations
from . import guard, pages
from .landscape import LandscapePage
from .config import ServeConfig
from .conneg import (BY_KEY, GRAPH_OFFERS, HTML_OFFER, RESULT_OFFERS, NotAcceptable, describe, known_format,
                     negotiate)
from .linked_data import LinkedData
from .pool import WorkerPool
from .publishing import context_route
from .protocol import READ_ONLY, HttpError, Params, content_type, decode_params, format_param, sparql_request

WEB = Path(__file__).resolve().parent.parent / "web"
RESERVED_PARAMS = frozenset({"format", "output"})
SERVICE_REFUSED = ("SERVICE (federated query) is disabled on this endpoint: a public endpoint must not make requests "
                   "on a client's behalf. For trusted local use, start the server with --allow-federation")
log = logging.getLogger("vcf_kg.serve")


@functools.lru_cache(maxsize=512)
def _ranked(accept: str | None, fmt: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if fmt and not known_format(fmt):
        raise NotAcceptable(f"unknown format {fmt!r}; results come as {describe(RESULT_OFFERS)}, "
                            f"graphs as {describe(GRAPH_OFFERS)} (or the short names json, xml, csv, tsv, ttl, nt, "
                            "rdfxml, jsonld)")
    return (tuple(o.key for o in negotiate(accept, RESULT_OFFERS, fmt)),
            tuple(o.key for o in negotiate(accept, GRAPH_OFFERS, fmt)))


def _error(status: int, message: str, headers: dict[str, str] | None = None, html: bool = False) -> Response:
    if html:
        return HTMLResponse(pages.error_page(status, message), status, headers=headers)
    return PlainTextResponse(message.rstrip("\n") + "\n", status, headers=headers)


class Server:
    """Everything a request needs: the settings, the worker pool, the catalogue of named queries."""

    def __init__(self, config: ServeConfig):
        from ..queries import Catalogue

        self.config = config
        self.catalogue = Catalogue(config.queries)
        self.pool = WorkerPool(
            {"release": str(config.release), "prefixes": PREFIXES, "serialisation_prefixes": SERIALISATION_PREFIXES,
             "allow_network": config.allow_federation, "memory_bytes": config.worker_memory_bytes},
            size=config.workers, timeout=config.timeout, max_pending=config.max_pending, cache_bytes=config.cache_bytes,
            slow_after=config.long_after, max_long=config.max_long, max_long_per_client=config.max_long_per_client)
        self.body_bytes = 0  # request bodies being read or answered (bounded by config.max_inflight_bytes)
        self.linked_data = LinkedData(self.pool, self.catalogue, config.void, config.release.parent,
                                      config.max_result_bytes)

    # -- request reading ------------------------------------------------------
    def _url_params(self, request: Request) -> Params:
        return self.url_params(request.scope.get("query_string", b""))

    def url_params(self, raw: bytes) -> Params:
        if len(raw) > self.config.max_body_bytes:
            raise HttpError(414, f"the URL's query string is longer than {self.config.max_body_bytes} bytes; "
                                 "POST long queries instead")
        return decode_params(raw)

    async def _body(self, request: Request) -> bytes:
        limit = self.config.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise HttpError(400, "the Content-Length header is not a number")
            if int(declared) > limit:
                raise HttpError(413, f"the request body ({declared} bytes) is larger than the {limit}-byte limit",
                                {"Connection": "close"})
        chunks, size = [], 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                self.body_bytes += len(chunk)
                if size > limit:
                    raise HttpError(413, f"the request body is larger than the {limit}-byte limit",
                                    {"Connection": "close"})
                if self.body_bytes > self.config.max_inflight_bytes:
                    raise HttpError(503, "the server is reading as many request bodies as it takes; try again shortly",
                                    {"Connection": "close", "Retry-After": "1"})
                chunks.append(chunk)
        except BaseException:
            self.body_bytes -= size
            raise
        request.state.body_bytes = size  # given back when the answer is sent (_wrap)
        return b"".join(chunks)

    # -- queries --------------------------------------------------------------
    async def run_query(self, request: Request, text: str, *, bindings: dict | None = None, fmt: str | None = None,
                        default_graphs=(), named_graphs=(), base_iri: str | None = None) -> Response:
        body, media_type = await self.answer(text, request.headers.get("accept"), bindings=bindings, fmt=fmt,
                                             default_graphs=default_graphs, named_graphs=named_graphs,
                                             base_iri=base_iri, client=_client(request.scope))
        return Response(body, media_type=media_type, headers={"Vary": "Accept"})

    async def answer(self, text: str, accept: str | None, *, bindings: dict | None = None, fmt: str | None = None,
                     default_graphs=(), named_graphs=(), base_iri: str | None = None,
                     client: str = "") -> tuple[bytes, str]:
        """Check a query against the read-only policy, run it on a worker: (body, Content-Type)."""
        shape = guard.inspect(text)
        if shape.is_update:
            raise HttpError(403, f"{shape.form} is SPARQL Update; {READ_ONLY}")
        if shape.uses_service and not self.config.allow_federation:
            raise HttpError(403, SERVICE_REFUSED)
        if shape.nesting > guard.MAX_NESTING:
            raise HttpError(400, f"the query nests brackets {shape.nesting} deep; at most {guard.MAX_NESTING} are accepted")
        result_types, graph_types = _ranked(accept, fmt)
        reply = await self.pool.run({
            "query": text, "bindings": bindings, "default_graphs": list(default_graphs),
            "named_graphs": list(named_graphs), "result_types": result_types, "graph_types": graph_types,
            "max_bytes": self.config.max_result_bytes, "base_iri": base_iri}, client)
        if reply.status == 406:
            offers = GRAPH_OFFERS if reply.kind == "graph" else RESULT_OFFERS
            asked = f"format={fmt}" if fmt else f"Accept: {accept}"
            what = "a graph (CONSTRUCT/DESCRIBE)" if reply.kind == "graph" else "a result table (SELECT/ASK)"
            raise HttpError(406, f"this query gives {what}, which is available as {describe(offers)}; "
                                 f"the request asked for {asked}")
        if reply.status != 200:
            raise HttpError(reply.status, reply.message,
                            {"Retry-After": str(reply.retry_after)} if reply.retry_after else None)
        return reply.body, BY_KEY[reply.format].content_type

    async def sparql(self, request: Request) -> Response:
        url_params = self._url_params(request)
        if request.method == "POST":
            media, charset = content_type(request.headers.get("content-type"))
            body = await self._body(request)
            req = sparql_request("POST", url_params, media, charset, body)
        else:
            req = sparql_request("GET", url_params)
        if req.query is None:
            return self.service_description(request, req.fmt)
        return await self.run_query(request, req.query, fmt=req.fmt, default_graphs=req.default_graphs,
                                    named_graphs=req.named_graphs, base_iri=endpoint_url(request.scope))

    def service_description(self, request: Request, fmt: str | None) -> Response:
        import pyoxigraph as ox

        offers = negotiate(request.headers.get("accept"), GRAPH_OFFERS + (HTML_OFFER,), fmt)
        if not offers:
            raise NotAcceptable(f"the service description is available as {describe(GRAPH_OFFERS)}")
        if offers[0] is HTML_OFFER:
            return RedirectResponse("/", 303)
        base = str(request.base_url)
        endpoint = base + "sparql"
        formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                   "Turtle", "N-Triples", "RDF_XML", "JSON-LD")
        feature = " ; sd:feature sd:BasicFederatedQuery" if self.config.allow_federation else ""
        refused = "no SPARQL Update, no LOAD" + ("" if self.config.allow_federation else ", no SERVICE")
        comment = (f"vcf-kg: read-only ({refused}); queries stop after {self.config.timeout:g} s. "
                   f"Named queries: {base}queries")
        turtle = f"""
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat {", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats)} ;
  sd:defaultDataset <{DATASET}> {feature} ;
  {prefix_declarations()} ;
  rdfs:comment "{comment}"@en .
<{DATASET}> a sd:Dataset, void:Dataset ;
  sd:defaultGraph [ a sd:Graph ; void:triples {self.pool.triples} ] ;
  void:sparqlEndpoint <{endpoint}> ;
  rdfs:seeAlso <{base}.well-known/void> .
"""
        fmt_map = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
                   "jsonld": ox.RdfFormat.JSON_LD}
        triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
        prefixes = {"sd": "http://www.w3.org/ns/sparql-service-description#", "void": "http://rdfs.org/ns/void#",
                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "sh": "http://www.w3.org/ns/shacl#"}
        body = ox.serialize(triples, format=fmt_map[offers[0].key], prefixes=prefixes)
        return Response(body, media_type=offers[0].content_type, headers={"Vary": "Accept"})

    # -- named queries ------------------------------------------------------------
    async def list_queries(self, request: Request) -> Response:
        out = []
        for q in self.catalogue.queries.values():
            out.append({"name": q.name, "kind": q.path.parent.name, "title": q.title, "question": q.question,
                        "summary": q.summary,
                        "params": [{"name": p.name, "kind": p.kind, "default": p.default} for p in q.params],
                        "url": f"/queries/{q.name}", "text": q.text})
        return JSONResponse({"prefixes": PREFIXES, "queries": out})

    async def named_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        q = self.catalogue.queries.get(name)
        if q is None:
            raise HttpError(404, f"no named query {name!r}; GET /queries lists them")
        params = self._url_params(request)
        if request.method == "POST":
            media, charset = content_type(request.headers.get("content-type"))
            if media != "application/x-www-form-urlencoded":
                raise HttpError(415, "POST a named query's parameters as application/x-www-form-urlencoded")
            params = params.extend(decode_params(await self._body(request), charset, "form body"))
        given: dict[str, str] = {}
        for key, value in params.items:
            if key in RESERVED_PARAMS:
                continue
            if key in given:
                raise HttpError(400, f"parameter {key!r} was given more than once")
            given[key] = value
        try:
            bindings = q.bindings(given)
        except QueryError as exc:
            raise HttpError(400, str(exc).replace("--param ", "parameter ")) from None
        spec = {k: [t.kind, t.value, t.datatype, t.lang] for k, t in bindings.items()}
        return await self.run_query(request, q.text, bindings=spec or None, fmt=format_param(params))

    # -- pages ------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8")


def _client(scope) -> str:
    """The client's address (behind a proxy, uvicorn has put X-Forwarded-For's there)."""
    client = scope.get("client")
    return client[0] if client else ""


def endpoint_url(scope) -> str:
    """This endpoint's URL as the client addressed it: the base IRI of the queries it receives (SPARQL 1.1
    Protocol: a relative IRI such as <s> in `CONSTRUCT { <s> <p> 1 } WHERE {}` resolves against it)."""
    host = None
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1")
            break
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}/sparql"


def _wrap(handler, html_errors: bool = False):
    """Turn HttpError / NotAcceptable into clean answers (plain text, or HTML for a browser page)."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except HttpError as exc:
            wants_html = html_errors and "text/html" in (request.headers.get("accept") or "")
            return _error(exc.status, exc.message, exc.headers, wants_html)
        except NotAcceptable as exc:
            return _error(406, str(exc))
        except Exception:  # noqa: BLE001 - a bug must not take the server down; it is logged in full
            log.exception("vcf-kg serve: unexpected error on %s %s", request.method, request.url.path)
            return _error(500, "internal server error (logged on the server)")
        finally:
            request.app.state.server.body_bytes -= getattr(request.state, "body_bytes", 0)

    return endpoint


def _fast_path(server: Server, app):
    """GET and POST /sparql straight to the worker pool, past Starlette's routing and middleware.

    The commonest requests, and the ones a load benchmark sends; everything else (HEAD, CORS preflight,
    every other route) goes to the Starlette app. The answer is the same either way
    (tests/test_serve_fast_path.py sends the same requests both ways); this one only costs less per request.
    """
    cors = server.config.cors_origin.encode("latin-1")

    async def asgi(scope, receive, send):
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in ("GET", "POST"):
            return await app(scope, receive, send)
        accept, media_header, origin = None, None, None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"content-type":
                media_header = value.decode("latin-1")
            elif name == b"origin":
                origin = value
        allow_origin = origin is not None and (cors == b"*" or origin == cors)
        request = None
        try:
            url_params = server.url_params(scope["query_string"])
            if scope["method"] == "POST":
                media, charset = content_type(media_header)
                request = Request(scope, receive)
                req = sparql_request("POST", url_params, media, charset, await server._body(request))
            else:
                req = sparql_request("GET", url_params)
            if req.query is None:  # the service description (a GET with no query; a POST always has one or is a 400)
                return await app(scope, receive, send)
            body, media_type = await server.answer(req.query, accept, fmt=req.fmt, default_graphs=req.default_graphs,
                                                   named_graphs=req.named_graphs, base_iri=endpoint_url(scope),
                                                   client=_client(scope))
            status, headers = 200, [(b"content-type", media_type.encode("latin-1")), (b"vary", b"Accept, Origin")]
        except (HttpError, NotAcceptable) as exc:
            status = exc.status if isinstance(exc, HttpError) else 406
            body = (str(exc).rstrip("\n") + "\n").encode("utf-8")
            headers = [(b"content-type", b"text/plain; charset=utf-8")]
            headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in getattr(exc, "headers", {}).items()]
        except Exception:  # noqa: BLE001 - as in _wrap: logged, answered, the server goes on
            log.exception("vcf-kg serve: unexpected error on %s /sparql", scope["method"])
            status, body = 500, b"internal server error (logged on the server)\n"
            headers = [(b"content-type", b"text/plain; charset=utf-8")]
        finally:
            if request is not None:
                server.body_bytes -= getattr(request.state, "body_bytes", 0)
        headers.append((b"content-length", str(len(body)).encode("latin-1")))
        if status != 200:
            headers.append((b"vary", b"Origin"))  # as Starlette's CORS middleware says on every answer
        if allow_origin:
            headers.append((b"access-control-allow-origin", cors))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return asgi


def create_app(config: ServeConfig):
    server = Server(config)
    ld = server.linked_data

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await server.pool.start()
        on_ready = getattr(app.state, "on_ready", None)
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            await server.pool.close()

    resource_paths = ("id", "claim", "source", "inferred", "rule")
    routes = [
        Route("/", _wrap(server.index), methods=["GET", "HEAD"]),
        Route("/sparql", _wrap(server.sparql), methods=["GET", "POST", "HEAD"]),
        Route("/queries", _wrap(server.list_queries), methods=["GET", "HEAD"]),
        Route("/queries/{name}", _wrap(server.named_query), methods=["GET", "POST", "HEAD"]),
        Route("/landscape", _wrap(LandscapePage(server.pool, server.catalogue, config.max_result_bytes).page, True),
              methods=["GET", "HEAD"]),
        *(Route(f"/{p}/{{rest:path}}", _wrap(ld.resource, True), methods=["GET", "HEAD"]) for p in resource_paths),
        Route("/ontology", _wrap(ld.ontology, True), methods=["GET", "HEAD"]),
        Route("/ontology/{version}", _wrap(ld.ontology, True), methods=["GET", "HEAD"]),
        Route("/dataset", _wrap(ld.dataset, True), methods=["GET", "HEAD"]),
        Route("/.well-known/void", _wrap(ld.dataset, True), methods=["GET", "HEAD"]),
        Route("/release/{version}/{name}", _wrap(ld.release_file), methods=["GET", "HEAD"]),
        Route("/context.jsonld", _wrap(context_route(config.release.parent)), methods=["GET", "HEAD"]),
        Route("/search", _wrap(ld.search, True), methods=["GET", "HEAD"]),  # label search (linked_data.py)
        Mount("/static", StaticFiles(directory=WEB), name="static"),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=[config.cors_origin], allow_methods=["GET", "POST", "HEAD"],
                             allow_headers=["*"], max_age=86400)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.server = server
    fast = _fast_path(server, app)
    fast.state = app.state  # serve() and the tests reach the Server and on_ready through app.state
    fast.routes_app = app  # the same app without the fast path (the tests compare the two)
    return fast
