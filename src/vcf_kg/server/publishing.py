"""What the server adds for consumers of the release: the JSON-LD context, entity documents framed
with it, and the dataset's citation.

- ``/context.jsonld``: the release's ``context.jsonld``, the document behind the context's stable
  IRI ``https://w3id.org/vcf-kg/context.jsonld`` (w3id redirects there, as for every other IRI).
- An entity's RDF (``/id/…``, ``/claim/…`` … by content negotiation) is its statements, the statements
  pointing at it, and every statement of the claims about it (quote, modality, sentence...); its
  JSON-LD is that graph compacted and framed around the entity (``vcf_kg.jsonld.entity_document``),
  with ``@context`` naming this server's copy of the context, so a JSON-LD processor resolves it here.
- ``citation_html``: the "cite as" line of the dataset page, from the description's
  ``dcterms:bibliographicCitation``.
"""
from __future__ import annotations

import functools
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..jsonld import CONTEXT_NAME, Context, entity_document
from .protocol import HttpError

CITATION = "http://purl.org/dc/terms/bibliographicCitation"
CONTEXT_MEDIA_TYPE = "application/ld+json"
# ?this: the entity; its claims are the statement nodes whose subject or object it is.
ENTITY_GRAPH = """CONSTRUCT { ?this ?p ?o . ?s ?q ?this . ?claim ?cp ?co } WHERE {
  { ?this ?p ?o } UNION { ?s ?q ?this }
  UNION { ?claim vcf:statementSubject|vcf:statementObject ?this . ?claim ?cp ?co }
}"""


@functools.lru_cache(maxsize=4)
def _context(path: Path) -> Context:
    return Context.load(path)


async def entity_graph(linked_data, request: Request, iri: str, offer) -> Response:
    """The entity's RDF in the negotiated format; JSON-LD compacted and framed around it."""
    if offer.key != "jsonld":
        return linked_data._graph_response(await linked_data._call(ENTITY_GRAPH, iri, graph=offer.key), offer)
    context_file = linked_data.release_dir / CONTEXT_NAME
    if not context_file.is_file():  # a release built before the context existed: plain JSON-LD
        return linked_data._graph_response(await linked_data._call(ENTITY_GRAPH, iri, graph="jsonld"), offer)
    nt = await linked_data._call(ENTITY_GRAPH, iri, graph="nt")
    body = entity_document(iri, nt, _context(context_file), str(request.base_url) + CONTEXT_NAME)
    return linked_data._graph_response(body, offer)


def context_route(release_dir: Path):
    async def context(request: Request) -> Response:
        path = release_dir / CONTEXT_NAME
        if not path.is_file():
            raise HttpError(404, f"no JSON-LD context in the release ({path.name}); run `vcf-kg build`")
        return FileResponse(path, media_type=CONTEXT_MEDIA_TYPE)

    return context


def citation_html(void_triples) -> str:
    citations = sorted(t.object.value for t in void_triples if t.predicate.value == CITATION)
    return "".join(f'<p class="citation">Cite as: {escape(c)}</p>' for c in citations)
