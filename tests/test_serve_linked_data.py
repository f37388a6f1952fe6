"""Linked data on `vcf-kg serve`: every IRI of the graph resolves, as HTML for a browser and as RDF
by content negotiation; the ontology IRI serves the ontology; the dataset description names the
endpoint; the release files it lists can be downloaded."""
from __future__ import annotations

import json
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
    downloads = sorted(str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL")))
    # every distribution downloads: the RDF dumps, the base product and the landscape picture
    assert set(dumps) < set(downloads) and any(d.endswith("/vcf-kg-base.nt") for d in downloads) \
        and any(d.endswith("/landscape.svg") for d in downloads), downloads
    dumps = downloads
    for dump in dumps:
        answer = http(server, "/" + dump[len(BASE):])
        assert answer.status == 200, dump
        assert answer.body == (paths.dist / dump.rsplit("/", 1)[1]).read_bytes()
    assert http(server, "/release/0.0.0-no-such/vcf-kg.nt").status == 404


# -- labels, modalities, back-links, search, wrong-case IRIs ------------------------------------------------

def section(page: str, heading: str) -> str:
    """The HTML of one <h2> section of a page (up to the next <h2>)."""
    start = page.index(f"<h2>{heading}</h2>")
    end = page.find("<h2>", start + 1)
    return page[start:end if end >= 0 else len(page)]


def table_rows(html: str) -> list[str]:
    return re.findall(r"<tr><td>.*?</tr>", html, re.S)


def row_predicate(row: str) -> str | None:
    """The IRI of the property a statement row shows (its first cell), not of an "entailed by" link in it."""
    match = re.match(r'<tr><td><a [^>]*title="([^"]+)"', row)
    return match.group(1) if match else None


def test_entity_page_shows_each_statements_modality_and_qualifier(server, store):
    """A hedged fact must not read as asserted: each row says what the claim behind it says."""
    page = http(server, "/id/BackBrace", headers={"Accept": BROWSER}).text
    rows = table_rows(section(page, "Statements"))
    claims = store.query("""SELECT ?p ?o ?modality ?label ?qualifier WHERE {
        ?c a vcf:Claim ; vcf:statementSubject vcfr:BackBrace ; vcf:statementPredicate ?p ; vcf:statementObject ?o ;
           vcf:hasModality ?modality . ?modality rdfs:label ?label . OPTIONAL { ?c vcf:qualifierText ?qualifier }
        FILTER (!STRSTARTS(STR(?p), STR(skos:))) }""")  # mappings have a section of their own
    assert any(r["modality"].value != BASE + "ontology#Asserted" for r in claims.rows)  # a hedged one is among them
    for claim in claims.rows:
        o = claim["o"].value
        href = "/" + o[len(BASE):] if o.startswith(BASE) else o
        row = next(r for r in rows if row_predicate(r) == claim["p"].value and f'href="{href}"' in r)
        hedged = "" if claim["modality"].value == BASE + "ontology#Asserted" else " hedged"
        assert f'<span class="modality{hedged}" title="modality">{claim["label"].value}</span>' in row, row
        if "qualifier" in claim:
            assert f'<q class="qualifier">{claim["qualifier"].value}</q>' in row, row


def test_entity_page_names_predicates_types_and_mappings_by_label(server):
    page = http(server, "/id/Kyphoplasty", headers={"Accept": BROWSER}).text
    body = page[page.index("<h1>"):page.index("<h2>Provenance</h2>")]
    link_texts = re.findall(r"<a [^>]*>([^<]*)</a>", body)
    curies = [t for t in link_texts if re.fullmatch(r"(rdf|rdfs|owl|skos|dcterms|prov|schema|xsd):\w+|https?://\S+", t)]
    assert curies == []
    mappings = section(page, "Mappings")
    assert ">has exact match</a>" in mappings  # skos:exactMatch's own label (SKOS's file)
    assert ">Kyphoplasty</a> <code class=\"curie\">MESH:D058498</code>" in mappings
    assert ">type<" not in body  # rdf:type rows live in the "A …" line, not in the table
    assert "skos/core#exactMatch" not in page.split("<h2>Provenance</h2>")[1].replace('title="http', "")


def test_inferred_back_links_are_grouped_and_folded(server, store):
    page = http(server, "/id/Kyphoplasty", headers={"Accept": BROWSER}).text
    referenced = section(page, "Referenced by")
    open_table, _, folded = referenced.partition("<details")
    inferred = store.query("""SELECT ?s ?p WHERE { ?n a vcf:InferredStatement ; vcf:statementSubject ?s ;
        vcf:statementPredicate ?p ; vcf:statementObject vcfr:Kyphoplasty }""").rows
    assert len(inferred) >= 3
    backlinks = re.search(r'<details class="inferred-backlinks"><summary>Inferred back-links \((\d+)\)[^<]*</summary>(.*?)</details>',
                          referenced, re.S)
    assert backlinks and int(backlinks.group(1)) == len({(r["s"].value, r["p"].value) for r in inferred})
    for r in inferred:
        href = "/" + r["s"].value[len(BASE):]
        assert f'href="{href}"' in backlinks.group(2)
        assert not any(f'href="{href}"' in row and row_predicate(row) == r["p"].value for row in table_rows(open_table))
    assert re.search(r'<details class="statement-nodes"><summary>Claims that name it \(\d+\)</summary>', folded)
    assert not re.search(r'<tr><td><a href="/(claim|inferred)/', open_table)  # statement nodes are folded away too


def test_entity_iri_in_the_wrong_case_redirects(server):
    answer = http(server, "/id/kyphoplasty", headers={"Accept": BROWSER})
    assert (answer.status, answer.headers["location"]) == (308, "/id/Kyphoplasty")
    answer = http(server, "/id/PERCUTANEOUSvertebroplasty?format=nt")
    assert (answer.status, answer.headers["location"]) == (308, "/id/PercutaneousVertebroplasty?format=nt")
    assert http(server, "/id/Kyphoplastyy", headers={"Accept": "text/turtle"}).status == 404


@pytest.fixture(scope="module")
def case_clash_server(built, paths, tmp_path_factory):
    """A server on a copy of the release holding one more resource, /id/KYPHOPLASTY, and an entailed triple."""
    import shutil

    from vcf_kg.serve import background

    dist = tmp_path_factory.mktemp("clash") / "dist"
    shutil.copytree(paths.dist, dist)
    with open(dist / "vcf-kg.nt", "a", encoding="utf-8") as nt:
        nt.write(f"<{BASE}id/KYPHOPLASTY> <{RDF.type}> <{OWL.Thing}> .\n")
        # a super-property and the triple a reasoner would add with it
        nt.write(f"<{BASE}ontology#usesMaterial> <{RDFS.subPropertyOf}> <http://example.org/uses> .\n"
                 f"<{BASE}id/Kyphoplasty> <http://example.org/uses> <{BASE}id/Cement> .\n")
    with background(dist=str(dist), workers=1) as url:
        yield url


def test_an_ambiguous_wrong_case_iri_is_404(case_clash_server):
    answer = http(case_clash_server, "/id/kyphoplasty", headers={"Accept": "text/turtle"})
    assert answer.status == 404
    assert f"<{BASE}id/KYPHOPLASTY>, <{BASE}id/Kyphoplasty>" in answer.text
    assert http(case_clash_server, "/id/KYPHOPLASTY", headers={"Accept": "text/turtle"}).status == 200


def expected_matches(store, q: str) -> set[str]:
    rows = store.query("SELECT ?s ?l WHERE { ?s rdfs:label|skos:altLabel ?l }").rows
    return {r["s"].value for r in rows if q.lower() in r["l"].value.lower()}


@pytest.mark.parametrize("q", ["VERTEBROPLASTY", "bone grafts", "brace"])
def test_search_finds_every_label_and_alternative_label(server, store, q):
    answer = http(server, "/search", params={"q": q}, headers={"Accept": "application/json"})
    assert (answer.status, answer.type) == (200, "application/json")
    matches = json.loads(answer.body)["matches"]
    wanted = expected_matches(store, q)
    found = {m["iri"] for m in matches}
    assert wanted and found <= wanted and len(matches) == len(found) == min(50, len(wanted))
    entities = {i for i in wanted if i.startswith((BASE + "id/", BASE + "ontology#"))}
    assert entities and entities <= found  # past 50 matches, claims and external terms give way to entities
    ranks = [("exact", "prefix", "contains").index(m["match"]) for m in matches]
    assert ranks == sorted(ranks)  # best matches first


def test_search_ranks_an_exact_label_first_and_answers_html(server):
    first = json.loads(http(server, "/search?q=kyphoplasty&format=json").body)["matches"][0]
    assert (first["iri"], first["match"], first["href"]) == (BASE + "id/Kyphoplasty", "exact", "/id/Kyphoplasty")
    page = http(server, "/search?q=bone%20grafts", headers={"Accept": BROWSER})
    assert page.type == "text/html"
    assert 'href="/id/BoneGraft"' in page.text and "(matched “bone grafts”)" in page.text
    assert http(server, "/search", params={"q": "x" * 201}).status == 400
    assert http(server, "/search?q=<script>", headers={"Accept": BROWSER}).text.count("<script>") == 0


@pytest.mark.parametrize("path", ["/id/Rest", "/search?q=rest", "/.well-known/void", "/ontology", "/id/NoSuchThing"])
def test_every_page_has_the_search_box(server, path):
    page = http(server, path, headers={"Accept": BROWSER}).text
    assert re.search(r'<form class="search" action="/search" method="get" role="search"><input type="search" name="q"',
                     page), path


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
def test_service_description_declares_the_prefixes(server):
    from vcf_kg.prefixes import PREFIXES

    sh = "http://www.w3.org/ns/shacl#"
    for media in ("text/turtle", "application/ld+json"):
        graph = graph_of(http(server, "/sparql", headers={"Accept": media}))
        declared = {str(graph.value(d, URIRef(sh + "prefix"))): str(graph.value(d, URIRef(sh + "namespace")))
                    for d in graph.objects(URIRef(server + "sparql"), URIRef(sh + "declare"))}
        assert declared == PREFIXES, media


def test_an_unknown_prefix_gets_a_one_line_400(server):
    answer = http(server, "/sparql", params={"query": "SELECT * WHERE {\n ?s a foo:Bar }"})
    assert answer.status == 400
    assert answer.text.startswith("malformed query: unknown prefix 'foo:' at line 2, column 7")
    assert answer.text.count("\n") == 1 and "\\u{" not in answer.text


def test_a_triple_a_reasoner_adds_says_which_statement_entails_it(case_clash_server):
    """The copy of the release also has <test:uses> as a super-property of vcf:usesMaterial, and its triple."""
    page = http(case_clash_server, "/id/Kyphoplasty", headers={"Accept": BROWSER}).text
    row = next(r for r in table_rows(section(page, "Statements")) if 'title="http://example.org/uses"' in r)
    assert 'href="/id/Cement"' in row
    assert re.search(r'<span class="support entailed">entailed by <a href="/ontology#usesMaterial"[^>]*>uses material</a>',
                     row), row
    cement = http(case_clash_server, "/id/Cement", headers={"Accept": BROWSER}).text
    row = next(r for r in table_rows(section(cement, "Referenced by")) if 'title="http://example.org/uses"' in r)
    assert "entailed by" in row and ">uses material</a>" in row
