"""SHACL shapes, QC violation queries and the OWL reasoner: each passes on the real graph and
catches a deliberately broken one."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

import vcf_kg
from vcf_kg.namespaces import CLAIM, VCF, VCFR
from vcf_kg.queries import Catalogue
from vcf_kg.reasoner import check_consistency
from vcf_kg.release import release_file, serialise
from vcf_kg.store import EmbeddedStore
from vcf_kg.validate import qc_violations, shacl_violations


def _copy(graph: Graph) -> Graph:
    g = Graph()
    g += graph
    return g


def test_real_graph_passes_shacl_qc_and_the_reasoner(built, paths):
    assert vcf_kg.validate_release(paths) == []


def test_shacl_names_entity_rule_and_curated_row(built, paths):
    g = _copy(built.graph)
    g.remove((VCFR.AAOSVertebroplastyRecommendation, VCF.hasDirection, None))
    violations = shacl_violations(g, paths.shapes, built.curated)
    assert len(violations) == 1
    v = violations[0]
    assert v.focus == "vcfr:AAOSVertebroplastyRecommendation"
    assert v.rule == "vcf:hasDirection"
    assert "exactly one direction" in v.message
    assert v.origin.startswith("data/entities.tsv:")


def test_shacl_catches_an_inverted_timing_window(built, paths):
    g = _copy(built.graph)
    g.set((VCFR.KyphoplastyTimingWindow, VCF.deadlineMonthsMin, Literal(5, datatype=XSD.nonNegativeInteger)))
    violations = shacl_violations(g, paths.shapes, built.curated)
    assert [v.focus for v in violations] == ["vcfr:KyphoplastyTimingWindow"]


@pytest.mark.parametrize("check, break_graph", [
    ("functional-property", lambda g: g.add((VCFR.AAOSVertebroplastyRecommendation, VCF.hasDirection, VCF.For))),
    ("disjoint-classes", lambda g: g.add((VCFR.Rest, RDF.type, VCF.Condition))),
    ("unsupported-triple", lambda g: g.add((VCFR.SpinalFusion, VCF.hasPotentialComplication, VCFR.NerveRootPain))),
    ("claim-without-fact", lambda g: g.remove((VCFR.Kyphoplasty, VCF.usesDevice, VCFR.Balloon))),
    ("quote-offsets", lambda g: g.set((CLAIM.A001, VCF.quoteEnd, Literal(3, datatype=XSD.nonNegativeInteger)))),
])
def test_each_qc_query_catches_its_violation(built, paths, check, break_graph):
    g = _copy(built.graph)
    store = EmbeddedStore(ntriples=serialise(g, "nt"))
    catalogue = Catalogue(paths.queries)
    assert qc_violations(store, catalogue) == []
    break_graph(g)
    broken = EmbeddedStore(ntriples=serialise(g, "nt"))
    found = {v.rule for v in qc_violations(broken, catalogue, built.curated)}
    assert f"{check}-violation" in found


def test_reasoner_finds_the_real_graph_consistent(built, paths):
    assert check_consistency(release_file(paths.dist, "owl")) == []


@pytest.mark.parametrize("inconsistent_fact", [
    (VCFR.Rest, RDF.type, VCF.Condition),  # a treatment cannot be a condition (disjoint classes)
    (VCFR.AAOSVertebroplastyRecommendation, VCF.hasDirection, VCF.For),  # one direction only (functional)
])
def test_reasoner_catches_a_deliberately_inconsistent_fact(built, tmp_path, inconsistent_fact):
    g = _copy(built.graph)
    g.add(inconsistent_fact)
    owl = tmp_path / "broken.owl"
    owl.write_bytes(serialise(g, "owl"))
    problems = check_consistency(owl)
    assert problems and "inconsistent" in problems[0]
