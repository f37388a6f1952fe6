"""`vcf-kg serve` against the W3C SPARQL 1.1 Protocol test suite's own requests, and every RDF route in
every negotiated format, parsed.

The requests are those of https://github.com/w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl
(query and bad-request tests; the update tests do not apply to a read-only endpoint, and the
dataset tests that need the suite's data loaded are replaced by the dataset rule they check). The
suite addresses its endpoint as /sparql/; here it is this server's /sparql. Expected statuses are
the suite's: 2xx or 3xx for the query tests, 4xx for the bad ones.
"""
from __future__ import annotations

import json
import re
import urllib.parse

import pyoxigraph as ox
import pytest

from test_serve_support import http, server_fixture

server = server_fixture(timeout=5, workers=2)

DATA0 = "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}
BOOLEAN = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR = BOOLEAN + ("text/csv", "text/tab-separated-values")
RDF = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")

# (test name in the manifest, method, query string, headers, body, what the answer must be)
SUITE = [
    ("query_post_form", "POST", DATA0, FORM, b"query=ASK%20%7B%7D", "true"),
    ("query_get", "GET", "query=ASK%20%7B%7D&" + DATA0, {}, None, "true"),
    ("query_content_type_select", "POST", DATA0, DIRECT, b"SELECT (1 AS ?value) {}", TABULAR),
    ("query_content_type_ask", "POST", DATA0, DIRECT, b"ASK {}", BOOLEAN),
    ("query_content_type_describe", "POST", DATA0, DIRECT, b"DESCRIBE <http://example.org/>", RDF),
    ("query_content_type_construct", "POST", DATA0, DIRECT, b"CONSTRUCT { <s> <p> 1 } WHERE {}", RDF),
    ("query_post_direct", "POST", "", DIRECT, b"ASK {}", "true"),
    ("bad_query_method", "PUT", "query=ASK%20%7B%7D&" + DATA0, FORM, b"", 4),
    ("bad_multiple_queries", "GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", {}, None, 4),
    ("bad_query_wrong_media_type", "POST", "", {"content-type": "text/plain"}, b"ASK {}", 4),
    ("bad_query_missing_form_type", "POST", "", {}, b"query=ASK%20%7B%7D", 4),
    ("bad_query_missing_direct_type", "POST", "", {}, b"ASK {}", 4),
    # "Content body encoded in utf-16, with a preceding BOM": 14 bytes
    ("bad_query_non_utf8", "POST", "", {"content-type": "application/sparql-query; charset=UTF-16"},
     "ASK {}".encode("utf-16"), 4),
    ("bad_query_syntax", "GET", "query=ASK%20%7B", {}, None, 4),
    ("bad_update_get", "GET", "update=CLEAR%20ALL", {}, None, 4),
    ("bad_multiple_updates", "POST", "", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", 4),
    ("bad_update_wrong_media_type", "POST", "", {"content-type": "text/plain"}, b"CLEAR NAMED", 4),
    ("bad_update_missing_form_type", "POST", "", {}, b"update=CLEAR%20NAMED", 4),
]


@pytest.mark.parametrize("name, method, query, headers, body, expected", SUITE, ids=[t[0] for t in SUITE])
def test_the_w3c_protocol_suite_request(server, name, method, query, headers, body, expected):
    answer = http(server, "/sparql" + (f"?{query}" if query else ""), method=method, headers=headers, body=body)
    if expected == 4:
        assert 400 <= answer.status < 500, (answer.status, answer.text)
        return
    assert 200 <= answer.status < 400, (answer.status, answer.text)
    if expected == "true":
        assert json.loads(answer.body)["boolean"] is True
    else:
        assert answer.type in expected, answer.type


def test_a_relative_iri_resolves_against_the_endpoint_url(server):
    answer = http(server, "/sparql", method="POST", headers={**DIRECT, "accept": "application/n-triples"},
                  body="CONSTRUCT { <s> <p> 1 } WHERE {}")
    assert answer.status == 200, answer.text
    (triple,) = ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
    assert triple.subject == ox.NamedNode(urllib.parse.urljoin(server, "s"))


def test_named_graph_uri_alone_makes_the_default_graph_empty(server):
    # SPARQL 1.1 Protocol 2.1.4: a dataset in the request replaces the service's whole; here the stored default
    # graph must not be visible, and the (absent) named graph is empty
    ask = {"query": "ASK { ?s ?p ?o }"}
    assert json.loads(http(server, "/sparql", params=ask).body)["boolean"] is True
    for extra in ({"named-graph-uri": "urn:vcf-kg:absent"}, {"default-graph-uri": "urn:vcf-kg:absent"}):
        answer = http(server, "/sparql", params={**ask, **extra})
        assert json.loads(answer.body)["boolean"] is False, extra
    named = http(server, "/sparql", params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }",
                                             "named-graph-uri": "urn:vcf-kg:absent"})
    assert json.loads(named.body)["boolean"] is False


# -- every RDF route in every format ---------------------------------------------------------------
ROUTES = ["/.well-known/void", "/dataset", "/ontology", "/sparql", "/id/Kyphoplasty", "/claim/A001"]
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}
SHORT = {"text/turtle": "ttl", "application/n-triples": "nt", "application/rdf+xml": "rdfxml",
         "application/ld+json": "jsonld"}


@pytest.mark.parametrize("media", list(FORMATS))
@pytest.mark.parametrize("route", ROUTES)
def test_every_rdf_route_answers_in_every_format_and_the_answer_parses(server, route, media):
    by_accept = http(server, route, headers={"accept": media})
    by_format = http(server, route + f"?format={SHORT[media]}")
    for answer in (by_accept, by_format):
        assert answer.status == 200, (answer.status, answer.text[:300])
        assert answer.type == media, f"{route} asked for {media}, got {answer.type}"
        if media == "application/ld+json":
            json.loads(answer.body)  # JSON, not Turtle labelled as JSON-LD
        triples = _parse(answer.body, media, server)
        assert len(triples) > 3, f"{route} as {media}: {len(triples)} triples"
    assert _ground(by_accept.body, media, server) == _ground(by_format.body, media, server)


def _parse(body: bytes, media: str, server: str) -> list:
    """The answer's triples. A JSON-LD document whose @context is a URL gets that context from this server first
    (pyoxigraph loads no remote context): the URL must resolve here."""
    if media == "application/ld+json":
        document = json.loads(body)
        if isinstance(document, dict) and isinstance(document.get("@context"), str):
            url = document["@context"]
            assert url.startswith(server), f"the @context {url} is not served by this server"
            context = http(server, urllib.parse.urlsplit(url).path)
            assert context.status == 200, url
            document["@context"] = json.loads(context.body)["@context"]
            body = json.dumps(document).encode()
    return list(ox.parse(body, format=FORMATS[media], base_iri=server))


def _ground(body: bytes, media: str, base: str) -> set[str]:
    """The triples, blank nodes written as [] (their labels differ from one serialisation to the next)."""
    return {re.sub(r"_:\w+", "[]", str(t)) for t in _parse(body, media, base)}
