"""Media types and content negotiation (RFC 9110 Accept, plus a ``format`` parameter as an override).

Every answer the server can give is an ``Offer``: a canonical media type, the aliases that also
select it (``application/json`` picks SPARQL JSON for a SELECT and JSON-LD for a CONSTRUCT) and
the short names the ``format`` (or ``output``) parameter accepts. ``negotiate`` ranks the offers
of one kind of answer; an empty ranking means 406 Not Acceptable.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    media_type: str  # canonical, as sent in Content-Type (without charset)
    key: str  # the name the worker and the renderers use
    aliases: tuple[str, ...] = ()  # other media types that select this offer
    names: tuple[str, ...] = ()  # values of ?format= / ?output= that select it
    text: bool = False  # a text/* type: sent with '; charset=utf-8'

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


# SELECT / ASK answers, in the server's order of preference (the first is the default).
RESULT_OFFERS: tuple[Offer, ...] = (
    Offer("application/sparql-results+json", "json", ("application/json",), ("json", "srj")),
    Offer("application/sparql-results+xml", "xml", ("application/xml", "text/xml"), ("xml", "srx")),
    Offer("text/csv", "csv", (), ("csv",), text=True),
    Offer("text/tab-separated-values", "tsv", (), ("tsv",), text=True),
)
# CONSTRUCT / DESCRIBE answers and RDF documents (entity pages, the ontology, the dataset description).
GRAPH_OFFERS: tuple[Offer, ...] = (
    Offer("text/turtle", "turtle", ("application/x-turtle", "text/n3", "text/rdf+n3"), ("turtle", "ttl", "n3"), text=True),
    Offer("application/n-triples", "nt", (), ("nt", "ntriples", "n-triples"), text=False),
    Offer("application/rdf+xml", "rdfxml", ("application/xml", "text/xml"), ("rdfxml", "rdf+xml", "rdf", "xml", "owl")),
    Offer("application/ld+json", "jsonld", ("application/json",), ("jsonld", "json-ld", "json")),
)
HTML_OFFER = Offer("text/html", "html", ("application/xhtml+xml",), ("html",), text=True)
# Linked-data resources: RDF first (a client that says nothing gets Turtle), HTML for browsers.
RESOURCE_OFFERS: tuple[Offer, ...] = GRAPH_OFFERS + (HTML_OFFER,)
BY_KEY = {o.key: o for o in RESULT_OFFERS + GRAPH_OFFERS + (HTML_OFFER,)}


class NotAcceptable(Exception):
    """No offer matches what the client asked for (HTTP 406)."""


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 for no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == "*":
            return 2
        if self.type == main and self.subtype == sub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[_Range]:
    """The media ranges of an Accept header; malformed entries are ignored, as RFC 9110 allows."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if main and sub:
            ranges.append(_Range(main, sub, q))
    return ranges


def negotiate(accept: str | None, offers: tuple[Offer, ...], fmt: str | None = None) -> list[Offer]:
    """The offers the client accepts, best first. ``fmt`` (a name or a media type) overrides Accept."""
    if fmt:
        wanted = fmt.strip().lower()
        return [o for o in offers if wanted in o.names or wanted == o.media_type or wanted in o.aliases]
    ranges = parse_accept(accept)
    if not ranges:
        return list(offers)
    scored = []
    for index, offer in enumerate(offers):
        best_specificity, best_q = 0, 0.0
        for media in (offer.media_type, *offer.aliases):
            for r in ranges:
                specificity = r.matches(media)
                if specificity > best_specificity or (specificity == best_specificity and specificity and r.q > best_q):
                    best_specificity, best_q = specificity, r.q
        if best_specificity and best_q > 0:
            scored.append((-best_q, -best_specificity, index, offer))
    return [offer for *_, offer in sorted(scored)]


def known_format(fmt: str) -> bool:
    wanted = fmt.strip().lower()
    return any(wanted in o.names or wanted == o.media_type or wanted in o.aliases for o in BY_KEY.values())


def describe(offers) -> str:
    return ", ".join(o.media_type for o in offers)
