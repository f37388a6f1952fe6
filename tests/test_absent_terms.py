"""An empty answer says which of the query's terms occur nowhere in the graph (a misspelt class or
property), with the ontology's closest terms; terms that do occur, or that only a FILTER or a negated
property path names, are not reported, and a non-empty answer gets no note."""
from __future__ import annotations

import vcf_kg.api as api
from vcf_kg.absent_terms import pattern_iris
from vcf_kg.prefixes import PREFIXES

from conftest import run_cli

VCF, VCFR, RDFS = PREFIXES["vcf"], PREFIXES["vcfr"], PREFIXES["rdfs"]


def absent(store, paths, text, params=None):
    return [(t.iri, t.suggestions) for t in api.absent_terms("-", params, store=store, paths=paths, stdin_text=text)]


def test_a_misspelt_class_is_named_with_the_ontology_terms_near_it(built, paths):
    result = run_cli("query", "-", "--dist", str(paths.dist), input="SELECT ?x WHERE { ?x a vcf:Procedure }")
    assert result.returncode == 0, result.stderr
    assert "(0 rows)" in result.stdout
    assert "note: the answer is empty" in result.stderr
    assert "vcf:Procedure (did you mean vcf:SurgicalProcedure" in result.stderr


def test_terms_in_paths_values_describe_and_parameters_are_checked(store, paths):
    assert absent(store, paths, "SELECT ?b WHERE { ?p vcf:statedIn/vcf:publishedBi ?b }") == [
        (VCF + "publishedBi", (VCF + "publishedBy",))]
    assert absent(store, paths, "SELECT ?l WHERE { VALUES ?x { vcfr:Kyphoplsty } ?x rdfs:lable ?l }") == [
        (VCFR + "Kyphoplsty", ()), (RDFS + "lable", ())]
    assert absent(store, paths, "DESCRIBE vcfr:Kyphoplsty") == [(VCFR + "Kyphoplsty", ())]
    named = api.absent_terms("positions-on-intervention", {"intervention": "vcfr:Kyphoplsty"}, store=store, paths=paths)
    assert [t.iri for t in named] == [VCFR + "Kyphoplsty"]


def test_terms_that_occur_or_that_only_a_filter_names_are_not_reported(store, paths):
    assert absent(store, paths, "ASK { vcfr:Kyphoplasty a vcf:Symptom }") == []
    assert absent(store, paths, "SELECT ?x WHERE { ?x a vcf:Position FILTER (?x != vcfr:Nothing) }") == []
    assert absent(store, paths, "SELECT ?x WHERE { ?x !(vcf:noSuchProperty|rdfs:label) ?y }") == []  # matches more, not less
    assert pattern_iris("this is not SPARQL") == []


def test_an_answer_with_rows_gets_no_note(built, paths):
    query = "SELECT ?x WHERE { ?x a vcf:Position OPTIONAL { ?x vcf:noSuchProperty ?y } } LIMIT 1"
    result = run_cli("query", "-", "--dist", str(paths.dist), input=query)
    assert result.returncode == 0 and "(1 row" in result.stdout, result.stdout + result.stderr
    assert "note:" not in result.stderr
