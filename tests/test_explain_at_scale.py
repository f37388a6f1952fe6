"""`vcf-kg explain` reads the same whatever store answers it, and finds a term in any case of its label.

GROUP_CONCAT leaves the order of a list's parts to the store (Virtuoso and pyoxigraph differ), and a
store may return rows in any order when the query does not fix it; explain's output must not depend on
either. The label look-up uses the index for the usual spellings and scans only as a fallback.
"""
from __future__ import annotations

import pytest

from vcf_kg.errors import QueryError
from vcf_kg.explain import explain, resolve_term
from vcf_kg.remote import group_concat_separators
from vcf_kg.results import Results, Term

TERMS = ["vertebroplasty", "kyphoplasty", "vertebral fracture", "vcfr:SpinalFusion"]


class ReversingStore:
    """Answers as the wrapped store does, but with every GROUP_CONCAT list's parts reversed."""

    def __init__(self, store):
        self.store = store

    def query(self, text, bindings=None):
        answer = self.store.query(text, bindings)
        separators = group_concat_separators(text)
        rows = []
        for row in answer.rows:
            row = dict(row)
            for name, separator in separators.items():
                if name in row:
                    t = row[name]
                    row[name] = Term(t.kind, separator.join(reversed(t.value.split(separator))), t.datatype, t.lang)
            rows.append(row)
        return Results(variables=answer.variables, rows=rows, boolean=answer.boolean)


def test_some_explained_term_has_a_list_of_several_parts(store, catalogue):
    # else the test below could not tell a sorted list from an unsorted one
    text = explain(store, catalogue, "kyphoplasty")
    assert "from claims A034, A035, A036" in text
    assert "Ideally | should be performed" in text


@pytest.mark.parametrize("term", TERMS)
def test_explain_lists_read_the_same_whatever_order_the_store_concatenates_them(store, catalogue, term):
    assert explain(ReversingStore(store), catalogue, term) == explain(store, catalogue, term)


@pytest.mark.parametrize("text, iri", [
    ("percutaneous vertebroplasty", "https://w3id.org/vcf-kg/id/PercutaneousVertebroplasty"),  # as typed, @en
    ("KYPHOPLASTY", "https://w3id.org/vcf-kg/id/Kyphoplasty"),       # upper case -> lower-case label
    ("Soft-tissue damage", "https://w3id.org/vcf-kg/id/SoftTissueDamage"),
    ("vertos ii (2010)", "https://w3id.org/vcf-kg/id/Klazen2010VERTOSII"),  # lower -> upper-case label
    ("aaos cpg summary (osteoporotic spinal compression fractures) (2011)",  # no usual spelling: the fallback
     "https://w3id.org/vcf-kg/id/Esses2011AAOSSummary"),
])
def test_explain_finds_a_term_in_any_case_of_its_label(store, catalogue, text, iri):
    assert iri in [found for found, _ in resolve_term(store, catalogue, text)]


def test_explain_names_an_unknown_label(store, catalogue):
    with pytest.raises(QueryError, match="no term is labelled"):
        explain(store, catalogue, "no such term")


class RecordingStore:
    """Answers as the wrapped store does and remembers the query texts it was given."""

    def __init__(self, store):
        self.store, self.texts = store, []

    def query(self, text, bindings=None):
        self.texts.append(text)
        return self.store.query(text, bindings)


@pytest.mark.parametrize("text", ["percutaneous vertebroplasty", "KYPHOPLASTY", "Soft-tissue damage", "vertos ii (2010)"])
def test_a_usual_spelling_is_found_by_index_look_ups_without_the_scan_of_every_label(store, catalogue, text):
    recording = RecordingStore(store)
    assert resolve_term(recording, catalogue, text)
    assert catalogue.queries["explain-term-lookup"].text not in recording.texts
