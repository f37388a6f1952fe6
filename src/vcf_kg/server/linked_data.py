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
import re
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from ..namespaces import BASE, DATASET, ONTOLOGY_IRI, SERIALISATION_PREFIXES
from . import pages
from .conneg import HTML_OFFER, RESOURCE_OFFERS, NotAcceptable, Offer, describe, negotiate
from ..store import to_term as _node
from .pages import Node, link, rows, vocabulary_label
from .pool import WorkerPool
from .publishing import citation_html, entity_graph
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
# ?via: a sub-property that links the same two terms, when the triple is one a reasoner adds (its super-property)
_OUT = """SELECT ?this ?p ?o (SAMPLE(?pl) AS ?pLabel) (SAMPLE(?ol) AS ?oLabel) (SAMPLE(?sub) AS ?via)
       (SAMPLE(?subl) AS ?viaLabel) WHERE {
  ?this ?p ?o . OPTIONAL { ?p rdfs:label ?pl } OPTIONAL { ?o rdfs:label ?ol }
  OPTIONAL { ?this ?sub ?o . FILTER (?sub != ?p) ?sub rdfs:subPropertyOf+ ?p . OPTIONAL { ?sub rdfs:label ?subl } }
} GROUP BY ?this ?p ?o ORDER BY ?p ?o"""
_IN = """SELECT ?this ?s ?p (SAMPLE(?sl) AS ?sLabel) (SAMPLE(?pl) AS ?pLabel) (SAMPLE(?k) AS ?sKind)
       (SAMPLE(?sub) AS ?via) (SAMPLE(?subl) AS ?viaLabel) WHERE {
  ?s ?p ?this . OPTIONAL { ?s rdfs:label ?sl } OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL { ?s a ?k FILTER (?k IN (vcf:Claim, vcf:InferredStatement)) }
  OPTIONAL { ?s ?sub ?this . FILTER (?sub != ?p) ?sub rdfs:subPropertyOf+ ?p . OPTIONAL { ?sub rdfs:label ?subl } }
} GROUP BY ?this ?s ?p ORDER BY ?p ?s LIMIT 2000"""
# The claim and inferred-statement nodes of each fact about ?this: its modality, qualifiers, or the rule behind it.
_STATEMENT_NODES = """SELECT ?statement ?s ?p ?o ?inferred ?modality ?modalityLabel ?qualifier ?rule WHERE {
  { ?statement vcf:statementSubject ?this } UNION { ?statement vcf:statementObject ?this }
  ?statement vcf:statementSubject ?s ; vcf:statementPredicate ?p ; vcf:statementObject ?o .
  BIND (EXISTS { ?statement a vcf:InferredStatement } AS ?inferred)
  OPTIONAL { ?statement vcf:hasModality ?modality OPTIONAL { ?modality rdfs:label ?modalityLabel } }
  OPTIONAL { ?statement vcf:qualifierText ?qualifier }
  OPTIONAL { ?statement vcf:derivedByRule ?rule }
} ORDER BY ?statement ?qualifier"""
# Resources whose IRI equals the one asked for but for case (every resource of the graph has a type).
_SAME_BUT_CASE = "SELECT DISTINCT ?s WHERE { ?s a ?type . FILTER (LCASE(STR(?s)) = ?lower) } ORDER BY ?s LIMIT 10"
# Label search: every resource with a label or alternative label containing ?q (lower-cased), best matches first.
_SEARCH = """SELECT ?s ?label ?hit WHERE {
  ?s rdfs:label|skos:altLabel ?hit .
  FILTER (CONTAINS(LCASE(STR(?hit)), ?q))
  OPTIONAL { ?s rdfs:label ?label }
} LIMIT 2000"""
SEARCH_LIMIT = 50  # matches shown
MAX_SEARCH_CHARS = 200
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
MAPPING_PROPERTIES = tuple(SKOS_NS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))
SHOWN_ABOVE = (RDF_TYPE, RDFS_LABEL, SKOS_DEFINITION) + QUOTE_PROPERTIES  # in the page's header, not its table
JSON_OFFER = Offer("application/json", "json", (), ("json",))
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


def _label(node: Node, label: Node | None = None) -> str:
    """A term's label: from the graph, else from its vocabulary's own file (rdf:type is "type"), else its CURIE."""
    if label is not None:
        return label.value
    if node.kind != "uri":
        return node.value
    return vocabulary_label(node.value) or pages.shorten(node.value)


def _link(node: Node, label: Node | None = None) -> str:
    if node.kind == "uri" and label is None:
        known = vocabulary_label(node.value)
        return link(node, known) if known else link(node)
    return link(node, label)


def _support_html(nodes: list[dict[str, Node]]) -> str:
    """What stands behind one fact: each claim's modality and qualifiers, or the rule that derived it."""
    by_statement: dict[str, list[dict[str, Node]]] = {}
    for n in nodes:
        by_statement.setdefault(n["statement"].value, []).append(n)
    out = []
    for statement, group in by_statement.items():
        first = group[0]
        node = Node("uri", statement)
        if first["inferred"].value == "true":
            rule = link(first["rule"]) if first.get("rule") else "a rule"
            out.append(f'<span class="support inferred">inferred by {rule} · {link(node, "statement")}</span>')
            continue
        modality = first.get("modality")
        if modality is None:
            out.append(f'<span class="support">{link(node, "claim")}</span>')
            continue
        hedged = "" if modality.value == VCF_NS + "Asserted" else " hedged"
        name = escape(_label(modality, first.get("modalityLabel")))
        qualifiers = sorted({n["qualifier"].value for n in group if n.get("qualifier")})
        quoted = "".join(f' <q class="qualifier">{escape(q)}</q>' for q in qualifiers)
        out.append(f'<span class="support"><span class="modality{hedged}" title="modality">{name}</span>{quoted}'
                   f' · {link(node, "claim")}</span>')
    return "<br>".join(out)


def _with_search_box(html: str) -> str:
    """pyLODE's page with the label search box at its top, as every page of the server has."""
    box = ('<div style="padding:.4em 1em;text-align:right;font:15px system-ui,sans-serif">'
           + pages.search_form() + "</div>")
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + box, html, count=1)


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

    async def _select(self, query: str, iri: str | None, literals: dict[str, str] | None = None) -> list[dict[str, Node]]:
        if not literals:
            return rows(json.loads(await self._call(query, iri)))
        bindings = {name: ["literal", value, None, None] for name, value in literals.items()}
        if iri:
            bindings["this"] = ["uri", iri, None, None]
        reply = await self.pool.run({"query": query, "bindings": bindings, "result_types": ["json"],
                                     "graph_types": [], "max_bytes": self.max_result_bytes})
        if reply.status != 200:
            raise HttpError(reply.status, reply.message or "the page's query failed")
        return rows(json.loads(reply.body))

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
            same = [r["s"].value for r in await self._select(_SAME_BUT_CASE, None, {"lower": iri.lower()})]
            if len(same) == 1:  # typed in the wrong case: the one resource it can mean
                query = request.url.query
                return RedirectResponse(pages.local_href(same[0]) + (f"?{query}" if query else ""), 308)
            if same:
                raise HttpError(404, f"<{iri}> is not in the graph; IRIs that differ from it only in case: "
                                     + ", ".join(f"<{i}>" for i in same))
            raise HttpError(404, f"<{iri}> is not in the graph")
        if offer is not HTML_OFFER:
            return await entity_graph(self, request, iri, offer)  # publishing.py: JSON-LD framed with the context
        out = await self._select(_OUT, iri)
        incoming = await self._select(_IN, iri)
        nodes = await self._select(_STATEMENT_NODES, iri)
        provenance = []
        explain = self.catalogue.queries.get("explain-term-statements")
        if explain is not None and any(p.name == "term" for p in explain.params):
            reply = await self.pool.run({
                "query": explain.text, "bindings": {"term": ["uri", iri, None, None]},
                "result_types": ["json"], "graph_types": [], "max_bytes": self.max_result_bytes})
            if reply.status == 200:
                provenance = rows(json.loads(reply.body))
        html = self._entity_page(iri, path, out, incoming, nodes, provenance)
        return HTMLResponse(html, headers={"Vary": "Accept", "Link": pages.alternates_header(path)})

    def _entity_page(self, iri, path, out, incoming, nodes, provenance) -> str:
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
            parts.append('<p class="types">A ' + ", ".join(_link(r["o"], r.get("oLabel")) for r in types) + "</p>")
        for prop in QUOTE_PROPERTIES:
            for q in by_p.get(prop, []):
                parts.append(f'<blockquote class="quote">{escape(q.value)}</blockquote>')
        support: dict[tuple[str, str, str], list[dict[str, Node]]] = {}
        for n in nodes:
            support.setdefault((n["s"].value, n["p"].value, n["o"].value), []).append(n)

        def stated(s: Node, p: Node, o: Node, row: dict[str, Node] | None = None) -> str:
            claimed = _support_html(support.get((s.value, p.value, o.value), []))
            if claimed or not row or row.get("via") is None:
                return claimed
            return f'<span class="support entailed">entailed by {_link(row["via"], row.get("viaLabel"))}</span>'

        this = Node("uri", iri)
        facts = [r for r in out if r["p"].value not in SHOWN_ABOVE + MAPPING_PROPERTIES]
        parts.append("<h2>Statements</h2>")
        parts.append(pages.statement_table(
            [(_link(r["p"], r.get("pLabel")), _link(r["o"], r.get("oLabel")), stated(this, r["p"], r["o"], r))
             for r in facts], ("property", "value", "as the source states it")))
        mappings = [r for r in out if r["p"].value in MAPPING_PROPERTIES]
        if mappings:
            parts.append("<h2>Mappings</h2>")
            parts.append(pages.statement_table(
                [(_link(r["p"], r.get("pLabel")), _link(r["o"], r.get("oLabel"))
                  + f' <code class="curie">{escape(pages.shorten(r["o"].value))}</code>') for r in mappings],
                ("relation", "term in another vocabulary")))
        parts.append("<h2>Referenced by</h2>")
        statement_nodes = [r for r in incoming if r.get("sKind")]
        links = [r for r in incoming if not r.get("sKind")]
        inferred = [r for r in links if any(n["inferred"].value == "true"
                                            for n in support.get((r["s"].value, r["p"].value, iri), []))]
        asserted = [r for r in links if r not in inferred]
        parts.append(pages.statement_table(
            [(_link(r["s"], r.get("sLabel")), _link(r["p"], r.get("pLabel")), stated(r["s"], r["p"], this, r))
             for r in asserted], ("subject", "property", "as the source states it")))
        if inferred:
            groups: dict[str, list[dict[str, Node]]] = {}
            for r in inferred:
                groups.setdefault(r["p"].value, []).append(r)
            body = "".join(
                f'<h3>{_link(group[0]["p"], group[0].get("pLabel"))}</h3><ul class="backlinks">'
                + "".join(f'<li>{_link(r["s"], r.get("sLabel"))} — {stated(r["s"], r["p"], this)}</li>' for r in group)
                + "</ul>" for group in groups.values())
            parts.append(pages.folded(f"Inferred back-links ({len(inferred)}), derived by rules", body,
                                      "inferred-backlinks"))
        for kind, heading in (("Claim", "Claims that name it"), ("InferredStatement", "Inferred statements that name it")):
            group = [r for r in statement_nodes if r["sKind"].value == VCF_NS + kind]
            if group:
                items = "".join(f'<li>{_link(r["s"], r.get("sLabel"))} '
                                f'<span class="role">({escape(_label(r["p"], r.get("pLabel")))})</span></li>'
                                for r in group)
                parts.append(pages.folded(f"{heading} ({len(group)})", f'<ul class="backlinks">{items}</ul>',
                                          "statement-nodes"))
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

        predicate = text("predicateLabel")
        if r.get("p") is not None and r["predicateLabel"].value == r["p"].value:  # no label in the graph
            predicate = escape(_label(r["p"]))
        fact = f'{text("subjectLabel")} <span class="predicate">{predicate}</span> {text("objectLabel")}'
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

    # -- label search ---------------------------------------------------------
    async def search(self, request: Request) -> Response:
        """GET /search?q=TEXT: resources whose label or alternative label contains TEXT (any case), as an
        HTML page or, by content negotiation (or ?format=json), JSON."""
        q = " ".join((request.query_params.get("q") or "").split())
        if len(q) > MAX_SEARCH_CHARS:
            raise HttpError(400, f"the search text is longer than {MAX_SEARCH_CHARS} characters")
        offers = negotiate(request.headers.get("accept"), (HTML_OFFER, JSON_OFFER), request.query_params.get("format"))
        if not offers:
            raise NotAcceptable(f"search results are available as {describe((HTML_OFFER, JSON_OFFER))}")
        matches = await self._search(q) if q else []
        if offers[0] is JSON_OFFER:
            return JSONResponse({"q": q, "matches": matches}, headers={"Vary": "Accept"})
        parts = ["<h1>Find a term by label</h1>", pages.search_form(q)]
        if q:
            shown = f"{len(matches)} match{'es' if len(matches) != 1 else ''}" + (
                f" (the best {SEARCH_LIMIT})" if len(matches) == SEARCH_LIMIT else "")
            parts.append(f'<p class="search-count">{shown} for “{escape(q)}”</p>')
            items = []
            for m in matches:
                node = Node("uri", m["iri"])
                also = f' <span class="matched">(matched “{escape(m["matched"])}”)</span>' \
                    if m["matched"].lower() != (m["label"] or "").lower() else ""
                items.append(f'<li>{link(node, m["label"] or None)} <code class="curie">{escape(pages.shorten(m["iri"]))}'
                             f"</code>{also}</li>")
            parts.append('<ol class="search-results">' + "".join(items) + "</ol>" if items else "")
        return HTMLResponse(pages.layout(f"Search: {q}" if q else "Search", "\n".join(parts), query=q),
                            headers={"Vary": "Accept"})

    async def _search(self, q: str) -> list[dict]:
        wanted = q.lower()
        best: dict[str, dict] = {}
        for r in await self._select(_SEARCH, None, {"q": wanted}):
            iri, hit = r["s"].value, r["hit"].value
            text = hit.lower()
            rank = 0 if text == wanted else 1 if text.startswith(wanted) else 2
            ours = 0 if iri.startswith((BASE + "id/", VCF_NS)) else 1 if iri.startswith(BASE) else 2
            label = r.get("label")
            entry = best.get(iri)
            key = (rank, ours)
            if entry is None or key < entry["key"]:
                best[iri] = entry = {"key": key, "iri": iri, "href": pages.local_href(iri), "label": None,
                                     "matched": hit, "match": ("exact", "prefix", "contains")[rank]}
            if label is not None and (entry["label"] is None or label.lang in (None, "", "en")):
                entry["label"] = label.value
        ordered = sorted(best.values(), key=lambda e: (e["key"], (e["label"] or e["matched"]).lower(), e["iri"]))
        return [{k: v for k, v in e.items() if k != "key"} for e in ordered[:SEARCH_LIMIT]]

    # -- the ontology ---------------------------------------------------------
    async def ontology(self, request: Request) -> Response:
        offer = self._negotiate(request)
        iri = str(ONTOLOGY_IRI)
        if offer is not HTML_OFFER:
            return self._graph_response(await self._call(_ONTOLOGY_GRAPH, None, graph=offer.key), offer)
        documentation = self.release_dir / "ontology.html"  # pyLODE's page, written by `vcf-kg build`
        if documentation.is_file():
            return HTMLResponse(_with_search_box(documentation.read_text(encoding="utf-8")),
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
                 f'<p>SPARQL endpoint: <a href="/sparql">{escape(str(request.base_url))}sparql</a></p>',
                 citation_html(self.void_triples)]
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


