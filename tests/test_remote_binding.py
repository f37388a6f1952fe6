"""What a remote store sends: parameters bound as RDF terms in the text, results read back, and
incomplete answers refused. No server needed: the embedded store is the reference."""
from __future__ import annotations

import pytest

from vcf_kg.errors import QueryError
from vcf_kg.remote import (PartialResultsError, RemoteStore, RemoteStoreError, bind_variables, check_complete,
                           comparable_answer, group_concat_separators, results_from_json)
from vcf_kg.results import RDF_LANG_STRING, XSD_STRING, Term

KYPHOPLASTY = Term("uri", "https://w3id.org/vcf-kg/id/Kyphoplasty")


def parametrised(catalogue):
    return [q for q in catalogue.queries.values() if q.params and q.path.parent.name != "rules"]


def test_every_parametrised_query_answers_the_same_with_text_binding(store, catalogue):
    # the remote binding must mean what pyoxigraph's substitutions mean, query by query
    queries = parametrised(catalogue)
    assert queries, "the catalogue has parametrised queries"
    for q in queries:
        bindings = q.bindings()
        expected = store.query(q.text, bindings)
        got = store.query(bind_variables(q.text, bindings))
        assert comparable_answer(got, q.text) == comparable_answer(expected, q.text), q.name


def test_a_hostile_literal_stays_one_literal(store, catalogue):
    lookup = catalogue.queries["explain-term-lookup"]
    hostile = Term("literal", 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #\n\\')
    text = bind_variables(lookup.text, {"text": hostile})
    assert "DROP ALL" in text  # inside the literal …
    results = store.query(text)  # … which parses as one query
    assert results.rows == [] or all(r["text"].value == hostile.value for r in results.rows)
    assert store.query(lookup.text, {"text": hostile}).rows == results.rows


def test_projection_keeps_the_bound_column():
    text = "SELECT ?term ?label WHERE { ?term rdfs:label ?label } ORDER BY ?term"
    bound = bind_variables(text, {"term": KYPHOPLASTY})
    assert bound.startswith(f"SELECT ({KYPHOPLASTY.n3()} AS ?term) ?label WHERE {{ {KYPHOPLASTY.n3()} rdfs:label")
    assert bound.endswith(f"ORDER BY ({KYPHOPLASTY.n3()})")


def test_strings_comments_and_iris_are_left_alone():
    text = 'SELECT ?x WHERE { ?x rdfs:comment "?x" . # ?x\n ?x <urn:?x> ?y }'
    bound = bind_variables(text, {"x": KYPHOPLASTY})
    assert '"?x"' in bound and "# ?x\n" in bound and "<urn:?x>" in bound
    assert bound.count(KYPHOPLASTY.n3()) == 3


def test_group_by_gets_a_bracketed_term():
    bound = bind_variables("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x", {"x": KYPHOPLASTY})
    assert bound.endswith(f"GROUP BY ({KYPHOPLASTY.n3()})")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?x ?p ?o }",
    "SELECT ?y WHERE { ?s ?p ?o BIND(?o AS ?x) }",
    "SELECT ?x WHERE { VALUES ?x { <urn:a> } }",
])
def test_variables_the_query_assigns_cannot_be_bound(text):
    with pytest.raises(QueryError):
        bind_variables(text, {"x": KYPHOPLASTY})


def test_an_iri_with_forbidden_characters_is_refused():
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind_variables("SELECT ?x WHERE { ?x ?p ?o }", {"x": Term("uri", "urn:a> } DROP ALL {")})


def test_results_json_of_both_dialects_reads_as_the_embedded_store_reports():
    data = {"head": {"vars": ["a", "b", "c", "d"]}, "results": {"bindings": [{
        "a": {"type": "uri", "value": "urn:a"},
        "b": {"type": "literal", "value": "x", "xml:lang": "EN"},
        "c": {"type": "typed-literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        "d": {"type": "literal", "value": "plain"}}]}}
    row = results_from_json(data).rows[0]
    assert row["a"] == Term("uri", "urn:a")
    assert row["b"] == Term("literal", "x", RDF_LANG_STRING, "en")
    assert row["c"].datatype.endswith("#integer")
    assert row["d"] == Term("literal", "plain", XSD_STRING)
    assert results_from_json({"head": {}, "boolean": True}).boolean is True
    with pytest.raises(RemoteStoreError):
        results_from_json({"unexpected": 1})


def test_virtuoso_timeout_headers_mean_an_incomplete_answer():
    headers = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted "
               "by result timeout.", "X-Exec-Milliseconds": "2004"}
    with pytest.raises(PartialResultsError, match="S1TAT.*2004 ms"):
        check_complete(headers, 0, "http://127.0.0.1:1/sparql")


def test_virtuoso_row_cap_header_means_an_incomplete_answer():
    with pytest.raises(PartialResultsError, match="10000 rows"):
        check_complete({"X-SPARQL-MaxRows": "10000"}, 10000, "http://127.0.0.1:1/sparql")
    check_complete({"Content-Type": "application/sparql-results+json"}, 10000, "http://127.0.0.1:1/sparql")


def test_group_concat_columns_are_found_with_their_separators():
    text = ('SELECT (GROUP_CONCAT(DISTINCT ?l; separator=", ") AS ?types) '
            '(GROUP_CONCAT(STRAFTER(STR(?c), STR(claim:)); separator=" | ") AS ?basis) (GROUP_CONCAT(?x) AS ?plain) {}')
    assert group_concat_separators(text) == {"types": ", ", "basis": " | ", "plain": " "}


@pytest.mark.parametrize("endpoint,graph,message", [
    ("ftp://example.org/sparql", None, "not an http"),
    ("http://127.0.0.1:1/sparql", "not an iri", "not an absolute IRI"),
    ("http://127.0.0.1:1/sparql", "urn:x> <urn:y", "not an absolute IRI"),
])
def test_bad_endpoint_or_graph_is_refused_up_front(endpoint, graph, message):
    with pytest.raises(RemoteStoreError, match=message):
        RemoteStore(endpoint, graph=graph)
