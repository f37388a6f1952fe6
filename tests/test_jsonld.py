"""JSON-LD for JSON consumers: the context covers the vocabulary, and the release's and the server's
compacted JSON-LD expand (with PyLD, an independent processor) back to exactly the same triples."""
from __future__ import annotations

import json
import urllib.parse

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from vcf_kg.jsonld import CONTEXT_IRI, CONTEXT_NAME, Context
from vcf_kg.namespaces import PREFIXES
from vcf_kg.release import release_file

from conftest import REPO
from test_serve_support import http, server_fixture

server = server_fixture()
VCF = PREFIXES["vcf"]
XSD_STRING = URIRef(PREFIXES["xsd"] + "string")


def offline_loader(documents: dict[str, bytes], server: str | None = None):
    """A PyLD document loader: the given documents, else GET from the test server on 127.0.0.1; nothing else."""

    def load(url, options=None):
        if url in documents:
            body = documents[url]
        else:
            parts = urllib.parse.urlsplit(url)
            assert server and parts.hostname == "127.0.0.1", f"the JSON-LD processor tried to fetch {url}"
            answer = http(server, parts.path)
            assert answer.status == 200 and answer.type == "application/ld+json", (url, answer.status)
            body = answer.body
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": json.loads(body)}

    return load


def triples_of_nquads(nquads: str) -> set:
    return {(q.subject, q.predicate, q.object) for q in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


def triples_of_nt(data: bytes) -> set:
    return {(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def expand_to_triples(document: dict, loader) -> set:
    return triples_of_nquads(jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader}))


def test_context_has_a_term_for_every_property_of_the_ontology():
    """Each vcf: property has a short key: IRIs for object properties, the declared datatype for
    data properties, and a list (@set) unless the property is functional."""
    context = Context.load(REPO / "ontology" / "context.jsonld")
    ontology = Graph().parse(REPO / "ontology" / "vcf.ttl")
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
    problems = []
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for prop in sorted(ontology.subjects(RDF.type, kind)):
            if not str(prop).startswith(VCF):
                continue
            local = str(prop)[len(VCF):]
            term = context.terms.get(str(prop))
            if term is None:
                wanted = {"@id": f"vcf:{local}"}
                if kind == OWL.ObjectProperty:
                    wanted["@type"] = "@id"
                elif kind == OWL.DatatypeProperty and ontology.value(prop, RDFS.range) not in (None, XSD_STRING):
                    wanted["@type"] = ontology.namespace_manager.normalizeUri(ontology.value(prop, RDFS.range))
                if kind != OWL.AnnotationProperty and prop not in functional:
                    wanted["@container"] = "@set"
                problems.append(f"{local}: no term; add {json.dumps(local)}: {json.dumps(wanted)} to ontology/context.jsonld")
                continue
            if term.name != local:
                problems.append(f"{local}: its key is {term.name!r}")
            if kind == OWL.ObjectProperty and term.coerce != "@id":
                problems.append(f'{local}: an object property, so "@type": "@id"')
            if kind == OWL.DatatypeProperty:
                declared = ontology.value(prop, RDFS.range)
                wanted = None if declared in (None, XSD_STRING) else str(declared)
                if term.coerce != wanted:
                    problems.append(f"{local}: its values are {declared}, the context says {term.coerce}")
            if kind != OWL.AnnotationProperty and term.multi == (prop in functional):
                problems.append(f"{local}: @container @set must go with {'non-' if term.multi else ''}functional")
    assert not problems, "\n".join(problems)


def test_context_prefixes_are_the_projects(built, paths):
    context = Context.load(paths.dist / CONTEXT_NAME)
    assert (paths.dist / CONTEXT_NAME).read_bytes() == (REPO / "ontology" / "context.jsonld").read_bytes()
    for prefix in ("vcf", "vcfr", "claim", "source", "skos", "MESH", "ICD10CM"):
        assert context.prefixes[prefix] == PREFIXES[prefix]
    assert not set(context.prefixes) & {t.name for t in context.terms.values()}  # a key is a prefix or a term


def test_release_jsonld_is_compacted_with_short_keys(built, paths):
    document = json.loads(release_file(paths.dist, "jsonld").read_bytes())
    nodes = {node["id"]: node for node in document["@graph"]}
    kyphoplasty = nodes["vcfr:Kyphoplasty"]
    assert kyphoplasty["label"] == "kyphoplasty"
    assert "vcfr:NerveRootPain" in kyphoplasty["hasPotentialComplication"]  # multi-valued: always a list
    claim = nodes["claim:A053"]
    assert claim["hasModality"] == "vcf:Possible"  # functional: a single value
    assert claim["quote"].startswith("As with vertebroplasty")
    assert not any(key.startswith("http") for node in document["@graph"] for key in node)


def test_release_jsonld_expands_to_exactly_the_release_triples(built, paths):
    document = json.loads(release_file(paths.dist, "jsonld").read_bytes())
    expanded = expand_to_triples(document, offline_loader({}))
    assert expanded == triples_of_nt(release_file(paths.dist, "nt").read_bytes())


def test_server_serves_the_context(server, paths):
    answer = http(server, "/" + CONTEXT_NAME)
    assert (answer.status, answer.type) == (200, "application/ld+json")
    assert answer.body == (paths.dist / CONTEXT_NAME).read_bytes()
    assert CONTEXT_IRI == "https://w3id.org/vcf-kg/context.jsonld"  # its stable IRI, /context.jsonld on a server


@pytest.mark.parametrize("entity", ["id/Kyphoplasty", "claim/A053", "id/Rest"])
def test_entity_jsonld_expands_to_the_entitys_triples(server, entity):
    answer = http(server, f"/{entity}", headers={"Accept": "application/ld+json"})
    assert (answer.status, answer.type) == (200, "application/ld+json")
    document = json.loads(answer.body)
    assert document["@context"].startswith(server) and document["@context"].endswith("/" + CONTEXT_NAME)
    assert document["id"] == entity.replace("id/", "vcfr:").replace("claim/", "claim:")
    expanded = expand_to_triples(document, offline_loader({}, server))  # the context resolves from the server
    turtle = http(server, f"/{entity}", headers={"Accept": "application/n-triples"})
    assert expanded == triples_of_nt(turtle.body)


def test_entity_jsonld_nests_its_claims_with_their_quotes(server):
    document = json.loads(http(server, "/id/Kyphoplasty", headers={"Accept": "application/ld+json"}).body)
    assert document["label"] == "kyphoplasty" and "vcfr:NerveRootPain" in document["hasPotentialComplication"]
    claims = {c["id"]: c for c in document["@reverse"]["statementSubject"]}
    assert claims["claim:A053"]["quote"].startswith("As with vertebroplasty, possible complications of kyphoplasty")
    assert claims["claim:A053"]["statementObject"] == "vcfr:NerveRootPain"
