"""Linked data: every IRI of the graph resolves on the server, by content negotiation.

``/id/...``, ``/claim/...``, ``/source/...``, ``/inferred/...`` and ``/rule/...`` are the paths of
the IRIs under https://w3id.org/vcf-kg/; each answers with an HTML page for a browser (label,
definition, types, every statement in and out, the quotes behind it) or with its statements in
Turtle, JSON-LD, N-Triples or RDF/XML. ``/ontology`` serves the ontology (its hash IRIs are anchors
of the HTML page); ``/dataset`` and ``/.well-known/void`` the VoID/DCAT description, which names
this server's SPARQL endpoint; ``/release/VERSION/FILE`` the release files it lists.
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from ..namespaces import BASE, DATASET, ONTOLOGY_IRI, SERIALISATION_PREFIXES
from . import pages
from .conneg import HTML_OFFER, RESOURCE_OFFERS, NotAcceptable, describe, negotiate
from ..store import to_term as _node
from .pages import Node, link, rows
from .pool import WorkerPool
from .protocol import HttpError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
VCF_NS = str(ONTOLOGY_IRI) + "#"
QUOTE_PROPERTIES = (VCF_NS + "quote", VCF_NS + "sentenceText")
VOID_NS = "http://rdfs.org/ns/void#"
DCTERMS_VERSION = "http://purl.org/dc/terms/hasVersion"
DCAT_MEDIA_TYPE = "http://www.w3.org/ns/dcat#mediaType"
DCAT_DOWNLOAD = "http://www.w3.org/ns/dcat#downloadURL"

_EXISTS = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }"
_DESCRIBE = "CONSTRUCT { ?this ?p ?o . ?s ?q ?this } WHERE { { ?this ?p ?o } UNION { ?s ?q ?this } }"
_OUT = """SELECT ?this ?p ?o (SAMPLE(?pl) AS ?pLabel) (SAMPLE(?ol) AS ?oLabel) WHERE {
  ?this ?p ?o . OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?o rdfs:label ?ol }
} GROUP BY ?this ?p ?o ORDER BY ?p ?o"""
_IN = """SELECT ?this ?s ?p (SAMPLE(?sl) AS ?sLabel) (SAMPLE(?pl) AS ?pLabel) WHERE {
  ?s ?p ?this . OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?p rdfs:label ?pl }
} GROUP BY ?this ?s ?p ORDER BY ?p ?s LIMIT 2000"""
_ONTOLOGY_FILTER = f"FILTER (?term = <{ONTOLOGY_IRI}> || STRSTARTS(STR(?term), STR(vcf:)))"
_ONTOLOGY_GRAPH = f"CONSTRUCT {{ ?term ?p ?o }} WHERE {{ ?term ?p ?o . {_ONTOLOGY_FILTER} }}"
_ONTOLOGY_ROWS = f"""SELECT ?term ?p ?o (SAMPLE(?pl) AS ?pLabel) (SAMPLE(?ol) AS ?oLabel) WHERE {{
  ?term ?p ?o . {_ONTOLOGY_FILTER} OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?o rdfs:label ?ol }}
}} GROUP BY ?term ?p ?o ORDER BY ?term ?p ?o"""


def _pick(values: list[Node]) -> Node | None:
    """The English (or untagged) value if there is one."""
    for v in values:
        if v.lang in (None, "", "en"):
            return v
    return values[0] if values else None


class LinkedData:
    def __init__(self, pool: WorkerPool, catalogue, void_file: Path, release_dir: Path, max_result_bytes: int):
        import pyoxigraph as ox

        self.ox = ox
        self.pool = pool
        self.catalogue = catalogue
        self.release_dir = release_dir
        self.max_result_bytes = max_result_bytes
        self.void_triples = list(ox.parse(path=str(void_file), format=ox.RdfFormat.TURTLE)) if void_file.exists() else []
        self.version = next((t.object.value for t in self.void_triples
                             if t.subject.value == str(DATASET) and t.predicate.value == DCTERMS_VERSION), None)

    # -- helpers ------------------------------------------------------------
    def _negotiate(self, request: Request):
        fmt = request.query_params.get("format")
        offers = negotiate(request.headers.get("accept"), RESOURCE_OFFERS, fmt)
        if not offers:
            raise NotAcceptable(f"this resource is available as {describe(RESOURCE_OFFERS)}")
        return offers[0]

    async def _call(self, query: str, iri: str | None, *, graph: str | None = None, kind: str = "json") -> bytes:
        """Run one of the page queries, with ?this bound to ``iri`` (as an RDF term, never pasted)."""
        reply = await self.pool.run({
            "query": query, "bindings": {"this": ["uri", iri, None, None]} if iri else None,
            "result_types": [] if graph else [kind], "graph_types": [graph] if graph else [],
            "max_bytes": self.max_result_bytes})
        if reply.status != 200:
            raise HttpError(reply.status, reply.message or "the page's query failed")
        return reply.body

    async def _select(self, query: str, iri: str | None) -> list[dict[str, Node]]:
        return rows(json.loads(await self._call(query, iri)))

    def _graph_response(self, body: bytes, offer, vary: bool = True) -> Response:
        headers = {"Vary": "Accept"} if vary else {}
        return Response(body, media_type=offer.content_type, headers=headers)

    # -- entities -----------------------------------------------------------
    async def resource(self, request: Request) -> Response:
        path = request.url.path
        iri = BASE + path.lstrip("/")
        offer = self._negotiate(request)
        exists = json.loads(await self._call(_EXISTS, iri)).get("boolean")
        if not exists:
            raise HttpError(404, f"<{iri}> is not in the graph")
        if offer is not HTML_OFFER:
            return self._graph_response(await self._call(_DESCRIBE, iri, graph=offer.key), offer)
        out = await self._select(_OUT, iri)
        incoming = await self._select(_IN, iri)
        provenance = []
        explain = self.catalogue.queries.get("explain-term-statements")
        if explain is not None and any(p.name == "term" for p in explain.params):
            reply = await self.pool.run({
                "query": explain.text, "bindings": {"term": ["uri", iri, None, None]},
                "result_types": ["json"], "graph_types": [], "max_bytes": self.max_result_bytes})
            if reply.status == 200:
                provenance = rows(json.loads(reply.body))
        html = self._entity_page(iri, path, out, incoming, provenance)
        return HTMLResponse(html, headers={"Vary": "Accept", "Link": pages.alternates_header(path)})

    def _entity_page(self, iri, path, out, incoming, provenance) -> str:
        by_p: dict[str, list[Node]] = {}
        for r in out:
            by_p.setdefault(r["p"].value, []).append(r["o"])
        label = _pick(by_p.get(RDFS_LABEL, []))
        title = label.value if label else pages.shorten(iri)
        parts = [f"<h1>{escape(title)}</h1>", f'<p class="iri"><code>{escape(iri)}</code></p>', pages.format_links(path)]
        definition = _pick(by_p.get(SKOS_DEFINITION, []))
        if definition:
            parts.append(f'<p class="definition">{escape(definition.value)}</p>')
        types = [r for r in out if r["p"].value == RDF_TYPE]
        if types:
            parts.append('<p class="types">A ' + ", ".join(link(r["o"], r.get("oLabel")) for r in types) + "</p>")
        for prop in QUOTE_PROPERTIES:
            for q in by_p.get(prop, []):
                parts.append(f'<blockquote class="quote">{escape(q.value)}</blockquote>')
        parts.append("<h2>Statements</h2>")
        parts.append(pages.statement_table(
            [(link(r["p"], r.get("pLabel")), link(r["o"], r.get("oLabel"))) for r in out], ("property", "value")))
        parts.append("<h2>Referenced by</h2>")
        parts.append(pages.statement_table(
            [(link(r["s"], r.get("sLabel")), link(r["p"], r.get("pLabel"))) for r in incoming], ("subject", "property")))
        if provenance:
            parts.append("<h2>Provenance</h2>")
            parts.append('<ol class="provenance">' + "".join(self._provenance_item(r) for r in provenance) + "</ol>")
        return pages.layout(title, "\n".join(parts),
                            head="\n".join(f'<link rel="alternate" type="{m}" href="{escape(path)}?format={k}">'
                                           for k, _, m in pages.FORMAT_LINKS))

    @staticmethod
    def _provenance_item(r: dict[str, Node]) -> str:
        def text(name):
            return escape(r[name].value) if r.get(name) else ""

        fact = f'{text("subjectLabel")} <span class="predicate">{text("predicateLabel")}</span> {text("objectLabel")}'
        if r.get("quote"):
            cite = f'sentence {text("sentence")} of <cite>{text("sourceLabel")}</cite>'
            extra = f' · modality: {text("modality")}' if r.get("modality") else ""
            if text("qualifiers"):  # "" when the claim has none
                extra += f' · “{text("qualifiers")}”'
            return (f'<li><p class="fact">{fact} — {link(r["statement"], "claim")}</p>'
                    f'<blockquote class="quote">{text("quote")}</blockquote><p class="cite">{cite}{extra}</p></li>')
        basis = f' from claims {text("basis")}' if r.get("basis") else ""
        return (f'<li><p class="fact">{fact} — {link(r["statement"], "inferred")}</p>'
                f'<p class="cite">derived by {link(r["rule"]) if r.get("rule") else "a rule"}{basis}</p></li>')

    # -- the ontology ---------------------------------------------------------
    async def ontology(self, request: Request) -> Response:
        offer = self._negotiate(request)
        iri = str(ONTOLOGY_IRI)
        if offer is not HTML_OFFER:
            return self._graph_response(await self._call(_ONTOLOGY_GRAPH, None, graph=offer.key), offer)
        documentation = self.release_dir / "ontology.html"  # pyLODE's page, written by `vcf-kg build`
        if documentation.is_file():
            return HTMLResponse(documentation.read_bytes(),
                                headers={"Vary": "Accept", "Link": pages.alternates_header("/ontology")})
        terms: dict[str, list[dict[str, Node]]] = {}
        for r in await self._select(_ONTOLOGY_ROWS, None):
            terms.setdefault(r["term"].value, []).append(r)
        sections = []
        header = terms.pop(iri, [])
        by_p: dict[str, list[Node]] = {}
        for r in header:
            by_p.setdefault(r["p"].value, []).append(r["o"])
        label = _pick(by_p.get(RDFS_LABEL, []))
        title = label.value if label else "vcf-kg ontology"
        sections.append(f"<h1>{escape(title)}</h1>")
        sections.append(f'<p class="iri"><code>{escape(iri)}</code></p>')
        sections.append(pages.format_links("/ontology"))
        sections.append(pages.statement_table(
            [(link(r["p"], r.get("pLabel")), link(r["o"], r.get("oLabel"))) for r in header], ("property", "value")))
        index = []
        for term, term_rows in sorted(terms.items()):
            local = term[len(VCF_NS):]
            tlabel = _pick([r["o"] for r in term_rows if r["p"].value == RDFS_LABEL])
            tdef = _pick([r["o"] for r in term_rows if r["p"].value == SKOS_DEFINITION])
            index.append(f'<a href="#{escape(local)}">{escape(local)}</a>')
            sections.append(
                f'<section class="term" id="{escape(local)}"><h2>{escape(tlabel.value if tlabel else local)} '
                f"<code>vcf:{escape(local)}</code></h2>"
                + (f'<p class="definition">{escape(tdef.value)}</p>' if tdef else "")
                + pages.statement_table([(link(r["p"], r.get("pLabel")), link(r["o"], r.get("oLabel")))
                                         for r in term_rows], ("property", "value"))
                + "</section>")
        sections.insert(4, '<nav class="index">' + " ".join(index) + "</nav>")
        return HTMLResponse(pages.layout(title, "\n".join(sections)),
                            headers={"Vary": "Accept", "Link": pages.alternates_header("/ontology")})

    # -- the dataset description ------------------------------------------------
    def _void_graph(self, request: Request):
        ox = self.ox
        base = str(request.base_url)
        dataset = ox.NamedNode(str(DATASET))
        extra = [
            ox.Triple(dataset, ox.NamedNode(VOID_NS + "sparqlEndpoint"), ox.NamedNode(base + "sparql")),
            ox.Triple(dataset, ox.NamedNode(VOID_NS + "rootResource"), ox.NamedNode(str(ONTOLOGY_IRI))),
            ox.Triple(dataset, ox.NamedNode("http://www.w3.org/ns/dcat#accessURL"), ox.NamedNode(base + "sparql")),
        ]
        return self.void_triples + extra

    async def dataset(self, request: Request) -> Response:
        if not self.void_triples:
            raise HttpError(404, "no dataset description (dist/void.ttl); run `vcf-kg build`")
        offer = self._negotiate(request)
        triples = self._void_graph(request)
        if offer is not HTML_OFFER:
            fmt = {"turtle": self.ox.RdfFormat.TURTLE, "nt": self.ox.RdfFormat.N_TRIPLES,
                   "rdfxml": self.ox.RdfFormat.RDF_XML, "jsonld": self.ox.RdfFormat.JSON_LD}[offer.key]
            prefixes = dict(SERIALISATION_PREFIXES, dcat="http://www.w3.org/ns/dcat#")
            return self._graph_response(self.ox.serialize(triples, format=fmt, prefixes=prefixes), offer)
        by_subject: dict[str, list] = {}
        for t in triples:
            by_subject.setdefault(t.subject.value, []).append(t)
        parts = ["<h1>The vcf-kg dataset</h1>", f'<p class="iri"><code>{escape(str(DATASET))}</code></p>',
                 pages.format_links(request.url.path),
                 f'<p>SPARQL endpoint: <a href="/sparql">{escape(str(request.base_url))}sparql</a></p>']
        for subject in sorted(by_subject, key=lambda s: (s != str(DATASET), s)):
            node = Node("uri", subject)
            parts.append(f"<h2>{link(node)}</h2>")
            parts.append(pages.statement_table(
                [(link(_node(t.predicate)), link(_node(t.object)))
                 for t in sorted(by_subject[subject], key=lambda t: (t.predicate.value, str(t.object)))],
                ("property", "value")))
        return HTMLResponse(pages.layout("Dataset", "\n".join(parts)),
                            headers={"Vary": "Accept", "Link": pages.alternates_header(request.url.path)})

    def _dumps(self) -> dict[str, str | None]:
        """The release files the dataset description lists (file name -> its dcat:mediaType)."""
        prefix = f"{BASE}release/{self.version}/"
        media = {t.subject.value: t.object.value for t in self.void_triples if t.predicate.value == DCAT_MEDIA_TYPE}
        return {t.object.value[len(prefix):]: media.get(t.object.value) for t in self.void_triples
                if t.predicate.value in (VOID_NS + "dataDump", DCAT_DOWNLOAD) and t.object.value.startswith(prefix)}

    async def release_file(self, request: Request) -> Response:
        version, name = request.path_params["version"], request.path_params["name"]
        dumps = self._dumps() if version == self.version else {}
        path = self.release_dir / name
        if name in dumps and "/" not in name and path.is_file():
            return FileResponse(path, media_type=dumps[name] or "application/octet-stream")
        raise HttpError(404, f"no release file {version}/{name} on this server (it serves release {self.version})")


