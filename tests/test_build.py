"""The build and its release: every format, deterministic bytes, dataset description, counts."""
from __future__ import annotations

import os
import subprocess
import sys

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from vcf_kg.namespaces import DATASET, VCF, VOID
from vcf_kg.release import FORMATS, release_file

from conftest import REPO


def test_release_has_every_format_and_a_dataset_description(built, paths):
    names = sorted(p.name for p in paths.dist.iterdir())
    assert names == ["CHANGES.md", "context.jsonld", "inputs.sha256", "landscape.svg", "ontology.html", "vcf-kg-base.nt",
                     "vcf-kg.jsonld", "vcf-kg.nt", "vcf-kg.owl", "vcf-kg.sssom.tsv", "vcf-kg.ttl", "void.ttl"]


def test_every_format_holds_the_same_triples(built, paths):
    expected = len(built.graph)
    parsers = {"ttl": "turtle", "nt": "nt", "owl": "xml", "jsonld": "json-ld"}
    for fmt in FORMATS:
        g = Graph().parse(release_file(paths.dist, fmt), format=parsers[fmt])
        assert len(g) == expected, fmt
    store = pyoxigraph.Store()
    store.load(path=str(release_file(paths.dist, "nt")), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == expected


def test_release_has_no_blank_nodes(built):
    assert not any(isinstance(t, BNode) for triple in built.graph for t in triple)


def test_dataset_description_states_version_licence_size_and_source(built, paths):
    void = Graph().parse(paths.dist / "void.ttl")
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, VOID.triples) == Literal(len(built.graph), datatype=XSD.integer)
    assert str(void.value(DATASET, DCTERMS.hasVersion)) == built.version
    assert void.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert set(void.objects(DATASET, DCTERMS.source)) == {
        URIRef(f"https://w3id.org/vcf-kg/source/{s}") for s in ("article", "aaos2010", "studies", "mappings", "positions")}


def test_build_is_byte_for_byte_deterministic(tmp_path):
    """Two builds in fresh interpreters with different hash seeds write identical files."""
    outputs = []
    for seed in ("1", "2"):
        dist = tmp_path / f"dist{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "vcf_kg.cli", "build", "--no-validate", "--dist", str(dist)],
                       check=True, capture_output=True, env=env, cwd=REPO)
        outputs.append({p.name: p.read_bytes() for p in sorted(dist.iterdir())})
    assert outputs[0].keys() == outputs[1].keys()
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between two builds"


def test_counts_report_every_kind(built):
    counts = built.counts
    assert counts["claims"] == len(set(built.graph.subjects(RDF.type, VCF.Claim)))
    assert counts["claims"] > 68  # 68 from the article, the rest from the verified reference tables
    assert counts["triples"] == len(built.graph)
    # the article's surgery, vertebroplasty, kyphoplasty, spinal fusion; the positions table's vertebral augmentation,
    # balloon kyphoplasty and vertebral body stenting
    assert counts["vcf:SurgicalProcedure"] == 7
    assert counts["vcf:SourceSentence"] == 22


def test_plain_type_query_finds_what_the_reasoner_finds_for_every_class(built, paths):
    """`?x a C` on the released triples returns exactly the instances HermiT infers for C (its subclasses' members,
    types from domains and ranges), for every class of the ontology."""
    import owlready2

    from vcf_kg.store import EmbeddedStore

    world = owlready2.World()
    try:
        world.get_ontology(release_file(paths.dist, "owl").resolve().as_uri()).load()
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        store = EmbeddedStore(release_file(paths.dist, "nt"))
        classes = sorted(built.ontology.classes)
        assert len(classes) >= 60
        differ = {}
        for cls in classes:
            reasoner = {i.iri for i in world[str(cls)].instances(world=world)} if world[str(cls)] is not None else set()
            rows = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x a <{cls}> }}").rows
            plain = {row["x"].value for row in rows}
            if plain != reasoner:
                differ[str(cls)] = (len(plain), len(reasoner))
        assert differ == {}
    finally:
        world.close()


def test_readme_example_returns_every_surgical_procedure(store):
    rows = store.query("SELECT ?p WHERE { ?p a vcf:SurgicalProcedure }").rows
    assert {r["p"].value.rsplit("/", 1)[-1] for r in rows} == {"Surgery", "PercutaneousVertebroplasty", "Kyphoplasty",
                                                              "SpinalFusion", "PercutaneousVertebralAugmentation",
                                                              "BalloonKyphoplasty", "VertebralBodyStenting"}


def test_base_release_keeps_what_was_asserted_apart_from_what_is_entailed(built, paths):
    """Like an OBO base product: vcf-kg-base.nt holds the asserted (and rule-derived) triples; the full release
    adds only what the ontology entails."""
    from vcf_kg.build import BASE_FILE
    from vcf_kg.namespaces import VCF, VCFR

    base = Graph().parse(paths.dist / BASE_FILE, format="nt")
    full = built.graph
    assert set(base) < set(full)
    pv = VCFR.PercutaneousVertebroplasty
    assert (pv, RDF.type, VCF.PercutaneousProcedure) in base
    assert (pv, RDF.type, VCF.SurgicalProcedure) not in base
    assert (pv, RDF.type, VCF.SurgicalProcedure) in full
    assert (VCFR.BackBrace, VCF.hedgedRelation, VCFR.PainfulSpinalMovement) in full - base  # from a sub-property
    entailed = set(full) - set(base)
    assert all(p == RDF.type or (s, None, o) in base for s, p, o in entailed)
