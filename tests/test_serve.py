"""`vcf-kg serve` as SPARQL clients see it: the SPARQL 1.1 Protocol, result formats, named queries,
the service description and CORS, through SPARQLWrapper and through plain HTTP."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import JSON, JSONLD, TURTLE, XML, SPARQLWrapper

from test_serve_support import http, server_fixture

server = server_fixture(timeout=10)

REST = "https://w3id.org/vcf-kg/id/Rest"
SELECT_REST = "SELECT ?label WHERE { vcfr:Rest rdfs:label ?label }"
CONSTRUCT_REST = "CONSTRUCT { vcfr:Rest ?p ?o } WHERE { vcfr:Rest ?p ?o }"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def wrapper(server: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server + "sparql")
    client.setQuery("PREFIX vcfr: <https://w3id.org/vcf-kg/id/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    + query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


# -- SPARQLWrapper ---------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server, method):
    data = wrapper(server, SELECT_REST, JSON, method).query().convert()
    assert [b["label"]["value"] for b in data["results"]["bindings"]] == ["rest"]
    assert data["results"]["bindings"][0]["label"]["xml:lang"] == "en"


def test_sparqlwrapper_select_xml(server):
    document = wrapper(server, SELECT_REST, XML).query().convert()
    literals = document.getElementsByTagName("literal")
    assert [node.firstChild.data for node in literals] == ["rest"]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server, fmt):
    yes = wrapper(server, "ASK { vcfr:Rest rdfs:label ?l }", fmt).query().convert()
    no = wrapper(server, "ASK { vcfr:Rest rdfs:label 'no such label' }", fmt).query().convert()
    if fmt == JSON:
        assert (yes["boolean"], no["boolean"]) == (True, False)
    else:
        assert [d.getElementsByTagName("boolean")[0].firstChild.data for d in (yes, no)] == ["true", "false"]


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated", "ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.parametrize("fmt", [XML, JSON, JSONLD, TURTLE])
def test_sparqlwrapper_construct(server, fmt, store):
    result = wrapper(server, CONSTRUCT_REST, fmt).query()
    converted = result.convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
    assert (URIRef(REST), RDFS.label, Literal("rest", lang="en")) in graph
    expected = store._store.query("SELECT (COUNT(*) AS ?n) WHERE { <%s> ?p ?o }" % REST)
    assert len(graph) == int(next(iter(expected))["n"].value)


# -- the protocol, format by format --------------------------------------------------
RESULT_TYPES = {
    "application/sparql-results+json": lambda body: json.loads(body)["results"]["bindings"][0]["label"]["value"],
    "application/sparql-results+xml": lambda body: ET.fromstring(body).find(f".//{SRX}literal").text,
    "text/csv": lambda body: list(csv.reader(io.StringIO(body.decode())))[1][0],
    "text/tab-separated-values": lambda body: body.decode().splitlines()[1],
}


@pytest.mark.parametrize("media", RESULT_TYPES)
def test_every_result_format_by_accept(server, media):
    answer = http(server, "/sparql", params={"query": SELECT_REST}, headers={"Accept": media})
    assert answer.status == 200, answer.text
    assert answer.type == media
    assert RESULT_TYPES[media](answer.body) in ("rest", '"rest"@en')


GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
               "application/ld+json": "json-ld"}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
@pytest.mark.parametrize("media", GRAPH_TYPES)
def test_every_graph_format_by_accept(server, media):
    answer = http(server, "/sparql", params={"query": CONSTRUCT_REST}, headers={"Accept": media})
    assert answer.status == 200, answer.text
    assert answer.type == media
    graph = Graph().parse(data=answer.body, format=GRAPH_TYPES[media])
    assert (URIRef(REST), RDFS.label, Literal("rest", lang="en")) in graph


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                        ("xml", "application/sparql-results+xml"),
                                        ("json", "application/sparql-results+json")])
def test_format_parameter_overrides_accept(server, fmt, media):
    answer = http(server, "/sparql", params={"query": SELECT_REST, "format": fmt}, headers={"Accept": "text/html"})
    assert (answer.status, answer.type) == (200, media)


def test_format_parameter_names_graph_formats_too(server):
    for fmt, media in (("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
                       ("xml", "application/rdf+xml"), ("json", "application/ld+json")):
        answer = http(server, "/sparql", params={"query": CONSTRUCT_REST, "format": fmt})
        assert (answer.status, answer.type) == (200, media), fmt


def test_accept_quality_values_are_honoured(server):
    answer = http(server, "/sparql", params={"query": SELECT_REST},
                  headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"})
    assert answer.type == "text/csv"


def test_no_accept_header_gets_json_results_and_turtle_graphs(server):
    assert http(server, "/sparql", params={"query": SELECT_REST}).type == "application/sparql-results+json"
    assert http(server, "/sparql", params={"query": CONSTRUCT_REST}).type == "text/turtle"


def test_unsupported_media_type_is_406(server):
    select = http(server, "/sparql", params={"query": SELECT_REST}, headers={"Accept": "text/turtle"})
    assert select.status == 406
    assert "application/sparql-results+json" in select.text
    construct = http(server, "/sparql", params={"query": CONSTRUCT_REST}, headers={"Accept": "text/csv"})
    assert construct.status == 406
    assert "text/turtle" in construct.text
    assert http(server, "/sparql", params={"query": SELECT_REST, "format": "pdf"}).status == 406


def test_post_form_and_post_sparql_query(server):
    form = http(server, "/sparql", method="POST", body=f"query={SELECT_REST}".replace(" ", "+"),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    direct = http(server, "/sparql", method="POST", body=SELECT_REST,
                  headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert form.status == direct.status == 200
    assert form.body == direct.body == b"label\r\nrest\r\n"


def test_post_of_another_content_type_is_415(server):
    answer = http(server, "/sparql", method="POST", body=SELECT_REST, headers={"Content-Type": "text/plain"})
    assert answer.status == 415
    assert "application/sparql-query" in answer.text


def test_a_query_in_the_body_and_the_url_is_400(server):
    answer = http(server, "/sparql?query=ASK%7B%7D", method="POST", body="ASK {}",
                  headers={"Content-Type": "application/sparql-query"})
    assert answer.status == 400


def test_malformed_query_is_400_with_the_parser_message(server):
    answer = http(server, "/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert answer.status == 400
    assert answer.type == "text/plain"
    assert "malformed query" in answer.text and "error at 1:" in answer.text


def test_default_graph_uri_is_honoured(server):
    everything = http(server, "/sparql", params={"query": "ASK { ?s ?p ?o }"}).body
    nothing = http(server, "/sparql", params={"query": "ASK { ?s ?p ?o }",
                                              "default-graph-uri": "https://example.org/no-such-graph"}).body
    assert (json.loads(everything)["boolean"], json.loads(nothing)["boolean"]) == (True, False)


def test_service_description(server):
    answer = http(server, "/sparql", headers={"Accept": "text/turtle"})
    assert answer.status == 200 and answer.type == "text/turtle"
    graph = Graph().parse(data=answer.body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(server + "sparql")
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in graph
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (endpoint, URIRef(sd + "resultFormat"), URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph


def test_browsers_asking_the_endpoint_for_html_go_to_the_query_page(server):
    answer = http(server, "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert (answer.status, answer.headers["location"]) == (303, "/")


def test_cors(server):
    simple = http(server, "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = http(server, "/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_project_prefixes_are_predeclared(server):
    answer = http(server, "/sparql", params={"query": "SELECT ?c WHERE { ?c a vcf:Claim } LIMIT 1"})
    assert answer.status == 200
    assert json.loads(answer.body)["results"]["bindings"][0]["c"]["value"].startswith("https://w3id.org/vcf-kg/claim/")


# -- named queries ------------------------------------------------------------------
def test_named_queries_are_listed_with_their_questions(server, catalogue):
    listed = json.loads(http(server, "/queries").body)
    names = {q["name"]: q for q in listed["queries"]}
    assert set(names) == set(catalogue.queries)
    cq = catalogue.competency_questions()[0]
    assert names[cq.name]["question"] == cq.question
    assert listed["prefixes"]["vcf"] == "https://w3id.org/vcf-kg/ontology#"


def test_every_competency_question_over_http_gives_the_embedded_answer(server, catalogue, store):
    for q in catalogue.competency_questions():
        answer = http(server, f"/queries/{q.name}")
        assert answer.status == 200, (q.name, answer.text)
        expected = store.query(q.text, q.bindings())
        data = json.loads(answer.body)
        if expected.boolean is not None:
            assert data["boolean"] == expected.boolean, q.name
        else:
            assert len(data["results"]["bindings"]) == len(expected.rows), q.name


def test_named_query_parameters_are_bound_as_terms(server):
    rest = http(server, "/queries/explain-term-about", params={"term": "vcfr:Rest"}, headers={"Accept": "text/csv"})
    assert rest.status == 200
    assert "rest" in rest.text.splitlines()[1]
    by_iri = http(server, "/queries/explain-term-about", params={"term": REST}, headers={"Accept": "text/csv"})
    assert by_iri.body == rest.body
    text = http(server, "/queries/explain-term-lookup", params={"text": "bed rest", "format": "csv"})
    assert REST.replace("/Rest", "/BedRest") in text.text  # bed rest is its own entity, narrower than rest


def test_named_query_parameters_cannot_inject_sparql(server):
    hostile = "vcfr:Rest> } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o #"
    answer = http(server, "/queries/explain-term-about", params={"term": hostile})
    assert answer.status == 400
    assert "not an IRI" in answer.text or "not a valid IRI" in answer.text
    literal = http(server, "/queries/explain-term-lookup", params={"text": '" } ?s ?p ?o . { "', "format": "csv"})
    assert literal.status == 200
    assert len(literal.text.splitlines()) == 1  # a header and no rows: a string that matched no label


def test_named_query_errors(server):
    assert http(server, "/queries/no-such-query").status == 404
    unknown = http(server, "/queries/explain-term-about", params={"colour": "red"})
    assert unknown.status == 400 and "colour" in unknown.text
    twice = http(server, "/queries/explain-term-about?term=vcfr:Rest&term=vcfr:Rest")
    assert twice.status == 400


def test_named_query_by_post(server):
    answer = http(server, "/queries/explain-term-about", method="POST", body="term=vcfr%3ARest&format=csv",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 200 and answer.type == "text/csv"
