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


def test_every_vcf_term_has_one_english_label_and_a_sentence_of_definition(paths):
    g = _ontology(paths)
    for name in _vcf_terms(g):
        term = VCF._NS[name]
        labels = list(g.objects(term, RDFS.label))
        assert len(labels) == 1 and labels[0].language == "en" and str(labels[0]).strip(), f"vcf:{name}: {labels}"
        definitions = list(g.objects(term, SKOS.definition))
        assert len(definitions) == 1 and definitions[0].language == "en", f"vcf:{name}: {definitions}"
        text = str(definitions[0])
        assert len(text.split()) >= 3 and text.endswith((".", ")")), f"vcf:{name}: definition {text!r} is no sentence"
        assert text.lower() != str(labels[0]).lower()


def test_the_ontology_terms_have_exactly_their_reviewed_labels(paths):
    """A label changed to a wrong one (or a new term without a reviewed label) fails: tests/ontology-labels.tsv holds
    the exact English label of every term the ontology labels."""
    from vcf_kg.prefixes import shorten
    from vcf_kg.tsv import read_tsv

    g = _ontology(paths)
    expected = {r["term"]: r["label"] for r in read_tsv(paths.home / "tests" / "ontology-labels.tsv", ["term", "label"])}
    actual = {shorten(str(s)): str(o) for s, o in g.subject_objects(RDFS.label) if isinstance(s, URIRef)
              and s != ONTOLOGY_IRI}
    assert actual == expected


def test_imported_terms_stay_as_their_ontologies_define_them(paths):
    """No domain, range or other axiom on an RO, ECO, BFO or schema.org term: only its declaration, released label
    and definition (a vcf domain on RO 'has symptom' would make a valid future fact inconsistent)."""
    g = _ontology(paths)
    imported = ("http://purl.obolibrary.org/obo/RO_", "http://purl.obolibrary.org/obo/ECO_",
                "http://purl.obolibrary.org/obo/BFO_", str(SDO))
    allowed = {RDF.type, RDFS.label, SKOS.definition}
    extra = [(s, p, o) for s, p, o in g if str(s).startswith(imported) and p not in allowed]
    assert extra == []
    assert {o for s, o in g.subject_objects(RDF.type) if str(s).startswith(imported)} <= {
        OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def test_ontology_metadata(paths):
    g = _ontology(paths)
    assert str(g.value(ONTOLOGY_IRI, DCTERMS.title)) == "Vertebral Compression Fracture management ontology (vcf-kg)"
    assert len(str(g.value(ONTOLOGY_IRI, DCTERMS.description)).split()) > 20
    assert g.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(g.value(ONTOLOGY_IRI, DCTERMS.creator)) == "vcf-kg contributors"
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
        labels = {str(label) for label in built.graph.objects(iri, RDFS.label)}
        assert labels <= {terms[iri].label}, f"{iri} is labelled {labels}, released as {terms[iri].label!r}"


def test_reference_files_are_the_checked_copies(paths):
    """data/reference/ is a verbatim copy of the checked files in shared/reference (when present)."""
    import pytest

    shared = paths.home.parent / "shared" / "reference"
    if not shared.is_dir():
        pytest.skip("no ../shared/reference beside this checkout to compare with")
    copies = sorted(paths.reference.glob("*.tsv"))
    assert copies
    for f in copies:  # (a shared table not yet brought into the graph has no copy here)
        assert (shared / f.name).read_bytes() == f.read_bytes(), f"{f.name} differs from shared/reference"


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
