"""Linked data on `vcf-kg serve`: every IRI of the graph resolves, as HTML for a browser and as RDF
by content negotiation; the ontology IRI serves the ontology; the dataset description names the
endpoint; the release files it lists can be downloaded."""
from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from test_serve_support import http, server_fixture

server = server_fixture()

BASE = "https://w3id.org/vcf-kg/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
             "application/rdf+xml": "xml"}


def graph_of(answer) -> Graph:
    return Graph().parse(data=answer.body, format=RDF_TYPES[answer.type])


def our_iris(paths) -> set[str]:
    """Every IRI under the persistent namespace in the release, without the ontology's hash IRIs."""
    nt = (paths.dist / "vcf-kg.nt").read_text(encoding="utf-8")
    return {iri for iri in re.findall(r"<(https://w3id\.org/vcf-kg/[^>]*)>", nt) if "#" not in iri}


def test_every_iri_of_the_graph_resolves(server, paths):
    iris = our_iris(paths)
    assert len(iris) > 100
    for iri in sorted(iris):
        path = "/" + iri[len(BASE):]
        answer = http(server, path, headers={"Accept": "application/n-triples"})
        assert answer.status == 200, (iri, answer.text)
        assert f"<{iri}>" in answer.text, iri


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
@pytest.mark.parametrize("media", RDF_TYPES)
def test_entity_in_every_rdf_format(server, media):
    answer = http(server, "/id/Rest", headers={"Accept": media})
    assert (answer.status, answer.type) == (200, media)
    assert "Accept" in answer.headers["vary"]
    graph = graph_of(answer)
    rest = URIRef(BASE + "id/Rest")
    assert (rest, RDFS.label, Literal("rest", lang="en")) in graph
    assert (URIRef(BASE + "claim/A001"), URIRef(BASE + "ontology#statementObject"), rest) in graph  # statements in too


def test_entity_page_for_a_browser(server):
    answer = http(server, "/id/PercutaneousVertebroplasty", headers={"Accept": BROWSER})
    assert (answer.status, answer.type) == (200, "text/html")
    page = answer.text
    assert "<h1>percutaneous vertebroplasty</h1>" in page
    assert "injects cement into a fractured vertebra" in page  # the definition
    assert 'href="/ontology#MinimallyInvasiveProcedure"' in page  # a type, linked into the ontology page
    assert re.search(r'href="/claim/A\d+"', page)  # statements in, linked
    assert '<blockquote class="quote">' in page  # the provenance quotes
    assert "sentence " in page and "<cite>" in page
    assert 'rel="alternate"' in answer.headers["link"]


def test_claim_page_shows_its_quote(server, store):
    quote = next(iter(store._store.query(f"SELECT ?q WHERE {{ <{BASE}claim/A001> <{BASE}ontology#quote> ?q }}")))["q"]
    page = http(server, "/claim/A001", headers={"Accept": BROWSER}).text
    assert f'<blockquote class="quote">{quote.value}</blockquote>' in page


def test_format_parameter_on_resources(server):
    answer = http(server, "/id/Rest?format=jsonld", headers={"Accept": BROWSER})
    assert answer.type == "application/ld+json"


def test_unknown_iri_is_404(server):
    assert http(server, "/id/NoSuchThing", headers={"Accept": "text/turtle"}).status == 404
    page = http(server, "/id/NoSuchThing", headers={"Accept": BROWSER})
    assert page.status == 404 and "not in the graph" in page.text


def test_unacceptable_resource_type_is_406(server):
    assert http(server, "/id/Rest", headers={"Accept": "image/png"}).status == 406


def test_ontology_iri_serves_the_ontology(server):
    answer = http(server, "/ontology", headers={"Accept": "text/turtle"})
    graph = graph_of(answer)
    ontology = URIRef(BASE + "ontology")
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert (URIRef(BASE + "ontology#Claim"), RDF.type, OWL.Class) in graph
    assert not any(str(s).startswith(BASE + "id/") for s in graph.subjects())  # the TBox only
    page = http(server, "/ontology", headers={"Accept": BROWSER}).text
    assert 'id="Claim"' in page  # hash IRIs land on their section
    assert "pyLODE" in page and "has potential complication" in page  # the generated documentation


def test_dataset_description_names_the_endpoint(server):
    for path in ("/.well-known/void", "/dataset"):
        answer = http(server, path, headers={"Accept": "text/turtle"})
        graph = graph_of(answer)
        dataset = URIRef(BASE + "dataset")
        assert (dataset, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), URIRef(server + "sparql")) in graph
        assert (dataset, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in graph
    page = http(server, "/.well-known/void", headers={"Accept": BROWSER})
    assert page.type == "text/html" and 'href="/sparql"' in page.text


def test_release_files_listed_in_the_description_download(server, paths):
    graph = graph_of(http(server, "/.well-known/void", headers={"Accept": "text/turtle"}))
    dumps = sorted(str(o) for o in graph.objects(URIRef(BASE + "dataset"), URIRef("http://rdfs.org/ns/void#dataDump")))
    assert dumps
    for dump in dumps:
        answer = http(server, "/" + dump[len(BASE):])
        assert answer.status == 200, dump
        assert answer.body == (paths.dist / dump.rsplit("/", 1)[1]).read_bytes()
    assert http(server, "/release/0.0.0-no-such/vcf-kg.nt").status == 404
