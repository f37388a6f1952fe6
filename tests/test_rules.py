"""The build's rules (queries/rules/*.rq) on a small made-up graph, where they must fire only when they should."""
from __future__ import annotations

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import OWL, RDF, RDFS

from vcf_kg.build import apply_rules
from vcf_kg.namespaces import VCF

EX = Namespace("https://w3id.org/vcf-kg/id/")  # made-up entities under the graph's own namespace
CLAIMS = Namespace("https://w3id.org/vcf-kg/claim/")


def _graph(*facts) -> Graph:
    """Each fact as the build writes it: the direct triple plus a claim node standing for it."""
    g = Graph()
    g.add((VCF.hasPotentialComplication, OWL.inverseOf, VCF.isPotentialComplicationOf))
    for n, (s, p, o) in enumerate(facts):
        c = CLAIMS[f"T{n:03d}"]
        g.add((s, p, o))
        g.add((c, RDF.type, VCF.Claim))
        g.add((c, VCF.statementSubject, s))
        g.add((c, VCF.statementPredicate, p))
        g.add((c, VCF.statementObject, o))
    return g


@pytest.fixture
def procedures():
    return EX.ProcedureA, EX.ProcedureB


def test_procedures_with_different_complications_are_not_paired(paths, procedures):
    a, b = procedures
    g = _graph((a, VCF.hasPotentialComplication, EX.Bleeding), (b, VCF.hasPotentialComplication, EX.Infection))
    apply_rules(g, paths)
    assert not list(g.triples((None, VCF.sharesComplicationWith, None)))
    # the inverse rule still fires, once per curated triple
    assert set(g.subject_objects(VCF.isPotentialComplicationOf)) == {(EX.Bleeding, a), (EX.Infection, b)}


def test_procedures_with_the_same_complication_are_paired_both_ways_with_their_claims(paths, procedures):
    a, b = procedures
    g = _graph((a, VCF.hasPotentialComplication, EX.Bleeding), (b, VCF.hasPotentialComplication, EX.Bleeding),
               (b, VCF.hasPotentialComplication, EX.Infection))
    apply_rules(g, paths)
    assert set(g.subject_objects(VCF.sharesComplicationWith)) == {(a, b), (b, a)}
    statements = set(g.subjects(VCF.statementPredicate, VCF.sharesComplicationWith))
    assert len(statements) == 2
    for s in statements:
        assert len(set(g.objects(s, VCF.derivedFromClaim))) == 2  # the two Bleeding claims, not Infection's


def test_a_procedure_does_not_share_a_complication_with_itself(paths, procedures):
    a, _ = procedures
    g = _graph((a, VCF.hasPotentialComplication, EX.Bleeding))
    apply_rules(g, paths)
    assert not list(g.triples((None, VCF.sharesComplicationWith, None)))


def test_a_triple_without_a_claim_derives_nothing(paths, procedures):
    a, b = procedures
    g = _graph()
    g.add((a, VCF.hasPotentialComplication, EX.Bleeding))
    g.add((b, VCF.hasPotentialComplication, EX.Bleeding))
    apply_rules(g, paths)
    assert not list(g.triples((None, VCF.sharesComplicationWith, None)))
    assert not list(g.triples((None, VCF.isPotentialComplicationOf, None)))


def test_a_property_without_an_inverse_gets_none(paths, procedures):
    a, _ = procedures
    g = _graph((a, VCF.usesMaterial, EX.Glue))
    apply_rules(g, paths)
    rule_descriptions = {t for t in g if t[1] in {RDFS.label, RDFS.comment}}
    assert set(g) == set(_graph((a, VCF.usesMaterial, EX.Glue))) | rule_descriptions
