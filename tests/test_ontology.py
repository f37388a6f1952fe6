"""The ontology: OWL 2 DL hygiene, metadata, closed namespace, checked external terms."""
from __future__ import annotations

import re
import warnings

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS

import vcf_kg
from vcf_kg.curation import load_obo_terms
from vcf_kg.namespaces import ONTOLOGY_IRI, VCF
from vcf_kg.ontology import Ontology


def _ontology(paths) -> Graph:
    return Ontology.load(paths.ontology).graph


def _vcf_terms(graph: Graph) -> set[str]:
    return {str(s)[len(str(VCF._NS)):] for s in graph.subjects() if isinstance(s, URIRef)
            and str(s).startswith(str(VCF._NS))}


def test_closed_namespace_lists_exactly_the_ontology_terms(paths):
    declared = _vcf_terms(_ontology(paths))
    in_python = set(VCF.__annotations__)
    assert declared == in_python, f"only in ontology: {declared - in_python}; only in namespaces.py: {in_python - declared}"


def test_typo_in_a_vcf_term_fails_loudly():
    import pytest

    with pytest.raises(AttributeError):
        VCF.hasComplicaton  # noqa: B018


def test_every_vcf_term_has_label_and_definition(paths):
    g = _ontology(paths)
    for name in _vcf_terms(g):
        term = VCF._NS[name]
        assert g.value(term, RDFS.label) is not None, f"vcf:{name} has no rdfs:label"
        assert g.value(term, SKOS.definition) is not None, f"vcf:{name} has no skos:definition"


def test_ontology_metadata(paths):
    g = _ontology(paths)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, OWL.versionIRI, OWL.versionInfo):
        assert g.value(ONTOLOGY_IRI, prop) is not None, f"ontology lacks {prop}"
    version = str(g.value(ONTOLOGY_IRI, OWL.versionInfo))
    assert version == vcf_kg.__version__
    assert str(g.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith("/" + version)
    assert str(ONTOLOGY_IRI).startswith("https://w3id.org/")


def test_ontology_has_no_blank_nodes(paths):
    from rdflib import BNode

    assert not any(isinstance(t, BNode) for triple in _ontology(paths) for t in triple)


def test_every_schema_org_term_is_defined_by_schema_org(paths):
    """rdflib's closed SDO namespace warns on an undefined term; here that warning is an error."""
    g = _ontology(paths)
    used = {str(t)[len(str(SDO)):] for triple in g for t in triple if str(t).startswith(str(SDO))}
    assert used, "the ontology aligns with no schema.org term"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in sorted(used):
            getattr(SDO, name)


def test_every_prov_skos_dcterms_term_is_defined(paths):
    g = _ontology(paths)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for ns in (PROV, SKOS, DCTERMS):
            for t in {t for triple in g for t in triple if str(t).startswith(str(ns))}:
                getattr(ns, str(t)[len(str(ns)):])


def test_obo_terms_come_from_the_checked_reference_file(paths, built):
    """Every RO/BFO/ECO IRI in the ontology or the built graph is in data/reference/obo-terms.tsv (HPO ids are
    mapping targets, checked against the HPO package in test_references.py),
    and any label the ontology gives it is the released label."""
    terms = load_obo_terms(paths.reference / "obo-terms.tsv")
    obo = tuple(f"http://purl.obolibrary.org/obo/{p}_" for p in ("RO", "BFO", "ECO"))
    used = {t for triple in built.graph for t in triple if isinstance(t, URIRef) and str(t).startswith(obo)}
    assert used
    for iri in used:
        assert iri in terms, f"{iri} is not in obo-terms.tsv: check it against the ontology's release first"
        label = built.graph.value(iri, RDFS.label)
        if label is not None:
            assert str(label) == terms[iri].label


def test_reference_files_are_the_checked_copies(paths):
    """data/reference/ is a verbatim copy of the checked files in shared/reference (when present)."""
    import pytest

    shared = paths.home.parent / "shared" / "reference"
    if not shared.is_dir():
        pytest.skip("no ../shared/reference beside this checkout to compare with")
    for f in shared.glob("*.tsv"):
        assert (paths.reference / f.name).read_bytes() == f.read_bytes(), f"{f.name} differs from shared/reference"


def test_schema_org_alignment_covers_the_issue_terms(paths):
    g = _ontology(paths)
    aligned = {o for o in g.objects(None, RDFS.subClassOf)} | {o for o in g.objects(None, RDFS.subPropertyOf)}
    for term in (SDO.MedicalCondition, SDO.SurgicalProcedure, SDO.PercutaneousProcedure, SDO.MedicalTherapy,
                 SDO.adverseOutcome, SDO.possibleTreatment, SDO.MedicalGuidelineRecommendation,
                 SDO.MedicalEvidenceLevel, SDO.MedicalGuideline):
        assert term in aligned, f"no vcf term is aligned with {term}"


def test_relation_for_shared_complications_is_not_curated(paths):
    """vcf:sharesComplicationWith must be derived, never hand-written in the curated data."""
    for name in ("claims.tsv", "entities.tsv"):
        assert "sharesComplicationWith" not in (paths.data / name).read_text()
