"""Turning pyoxigraph solutions into rows (store._rows): each distinct term is converted once and shared,
and the rows are exactly what converting every cell on its own gives."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from vcf_kg import store as store_module
from vcf_kg.store import _rows, to_term

DATA = """
<urn:a> <urn:p> "x" .
<urn:a> <urn:p> "x"@en .
<urn:a> <urn:p> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .
<urn:b> <urn:p> <urn:a> .
<urn:b> <urn:p> _:n .
<urn:b> <urn:q> "x" .
"""
QUERY = "SELECT ?s ?o ?extra WHERE { ?s <urn:p> ?o . OPTIONAL { ?s <urn:q> ?extra } } ORDER BY ?s ?o"


@pytest.mark.parametrize("memo_limit", [200_000, 1, 0])
def test_rows_equal_a_cell_by_cell_conversion_whatever_the_memo_holds(monkeypatch, memo_limit):
    monkeypatch.setattr(store_module, "_MEMO_LIMIT", memo_limit)
    graph = ox.Store()
    graph.load(DATA.encode(), format=ox.RdfFormat.N_TRIPLES)
    variables = ["s", "o", "extra"]
    expected = [{name: to_term(node) for name, node in zip(variables, solution) if node is not None}
                for solution in graph.query(QUERY)]
    got = _rows(graph.query(QUERY), variables)
    assert got == expected and len(got) == 5
    assert {row["o"].kind for row in got} == {"literal", "uri", "bnode"}
    assert {(row["o"].lang, row["o"].datatype) for row in got if row["o"].kind == "literal"} == {
        (None, "http://www.w3.org/2001/XMLSchema#string"), ("en", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"),
        (None, "http://www.w3.org/2001/XMLSchema#integer")}
    subjects = [row["s"] for row in got if row["s"].value == "urn:a"]
    shared = len({id(term) for term in subjects})
    assert shared == (1 if memo_limit else len(subjects))  # one object per distinct term while the memo has room
