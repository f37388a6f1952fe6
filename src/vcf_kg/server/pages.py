"""HTML for the linked-data pages: a layout, and terms rendered as links into this server.

Every IRI under the persistent namespace (https://w3id.org/vcf-kg/...) links to its path on this
server, so the pages can be browsed on a local server and behind the w3id redirect alike. Every
value is escaped; nothing from the graph or the request reaches the page unescaped.
"""
from __future__ import annotations

import functools
from html import escape
from pathlib import Path

from ..namespaces import BASE, shorten
from ..results import RDF_LANG_STRING, XSD_STRING
from ..results import Term as Node  # an RDF term as SPARQL JSON results give it
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FORMAT_LINKS = (("ttl", "Turtle", "text/turtle"), ("jsonld", "JSON-LD", "application/ld+json"),
                ("nt", "N-Triples", "application/n-triples"), ("rdfxml", "RDF/XML", "application/rdf+xml"))


def rows(results: dict) -> list[dict[str, Node]]:
    """SPARQL JSON results -> rows of Nodes."""
    return [{k: Node.from_json(v) for k, v in b.items()} for b in results.get("results", {}).get("bindings", [])]


def local_href(iri: str) -> str:
    """The path of an IRI on this server when it is one of ours, else the IRI itself."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return iri


def link(node: Node | None, label: Node | str | None = None) -> str:
    if node is None:
        return ""
    if node.kind == "uri":
        text = label.value if isinstance(label, Node) else (label or shorten(node.value))
        if not node.value.lower().startswith(("http://", "https://")):  # urn:, mailto:, never javascript:
            return f'<span class="iri" title="{escape(node.value)}">{escape(text)}</span>'
        external = "" if node.value.startswith(BASE) else ' rel="external"'
        return (f'<a href="{escape(local_href(node.value))}" title="{escape(node.value)}"{external}>'
                f"{escape(text)}</a>")
    if node.kind == "bnode":
        return f"<code>_:{escape(node.value)}</code>"
    return literal(node)


def literal(node: Node) -> str:
    out = f'<span class="literal">{escape(node.value)}</span>'
    if node.lang:
        out += f' <span class="lang">@{escape(node.lang)}</span>'
    elif node.datatype and node.datatype not in (XSD_STRING, RDF_LANG_STRING):
        out += f' <span class="datatype">{escape(shorten(node.datatype))}</span>'
    return out


def format_links(path: str) -> str:
    links = " · ".join(f'<a href="{escape(path)}?format={key}" type="{media}">{name}</a>'
                       for key, name, media in FORMAT_LINKS)
    return f'<p class="formats">Also as {links}</p>'


def alternates_header(path: str) -> str:
    """A Link header naming the RDF versions of an HTML page."""
    return ", ".join(f'<{path}?format={key}>; rel="alternate"; type="{media}"' for key, _, media in FORMAT_LINKS)


def search_form(query: str = "") -> str:
    """The label search box every page carries (GET /search?q=)."""
    return (f'<form class="search" action="/search" method="get" role="search">'
            f'<input type="search" name="q" value="{escape(query)}" placeholder="Find a term by label" '
            f'aria-label="Find a term by label" required maxlength="200">'
            f'<button type="submit">Search</button></form>')


def layout(title: str, body: str, *, head: str = "", query: str = "") -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · vcf-kg</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
{head}
</head>
<body>
<header class="site">
  <a class="brand" href="/">vcf-kg</a>
  <nav><a href="/">Query</a> <a href="/ontology">Ontology</a> <a href="/.well-known/void">Dataset</a>
  <a href="/sparql">SPARQL endpoint</a></nav>
  {search_form(query)}
</header>
<main>
{body}
</main>
</body>
</html>
"""


def statement_table(entries: list[tuple[str, ...]], headings: tuple[str, ...]) -> str:
    """A table of HTML cells (already escaped) under plain-text headings."""
    if not entries:
        return '<p class="empty">None.</p>'
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>" for cells in entries)
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return f'<table class="statements"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def folded(summary: str, body: str, css_class: str = "") -> str:
    """A section closed until opened (<details>); ``body`` is HTML, ``summary`` plain text."""
    return f'<details class="{escape(css_class)}"><summary>{escape(summary)}</summary>\n{body}\n</details>'


# Labels of the terms of the vocabularies the graph reuses (RDF, RDFS, OWL, SKOS, PROV, Dublin Core, VoID,
# schema.org), read from those vocabularies' own files as pyLODE (a dependency: `vcf-kg docs`) ships them.
VOCABULARY_FILES = ("rdf.ttl", "rdfs-mod.ttl", "owl.ttl", "skos.ttl", "prov.ttl", "dcterms-mod.ttl", "void.ttl",
                    "sdo-mod.ttl")


@functools.lru_cache(maxsize=1)
def vocabulary_labels() -> dict[str, str]:
    import importlib.util

    import pyoxigraph as ox

    spec = importlib.util.find_spec("pylode")
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations))) / "rdf"
    labels: dict[str, tuple[int, str]] = {}  # IRI -> (preference, label): English first, then untagged
    for name in VOCABULARY_FILES:
        if not (folder / name).is_file():
            continue
        try:
            triples = ox.parse(path=str(folder / name), format=ox.RdfFormat.TURTLE)
            for t in triples:
                if t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal):
                    rank = {"en": 0, None: 1}.get(t.object.language, 2)
                    if rank < labels.get(t.subject.value, (3, ""))[0]:
                        labels[t.subject.value] = (rank, t.object.value)
        except (SyntaxError, OSError):
            continue
    return {iri: label for iri, (_, label) in labels.items()}


SCHEMA_ORG = ("https://schema.org/", "http://schema.org/")


def vocabulary_label(iri: str) -> str | None:
    label = vocabulary_labels().get(iri)
    if label is None and iri.startswith(SCHEMA_ORG):
        # pyLODE ships part of schema.org only; every schema.org term's rdfs:label is its name
        label = iri.rsplit("/", 1)[1] or None
    return label


def error_page(status: int, message: str) -> str:
    return layout(f"{status}", f'<h1>{status}</h1>\n<p class="error">{escape(message)}</p>')
