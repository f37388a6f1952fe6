"""The build and its release: every format, deterministic bytes, dataset description, counts."""
from __future__ import annotations

import os
import subprocess
import sys

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from vcf_kg.namespaces import DATASET, VOID
from vcf_kg.release import FORMATS, release_file

from conftest import REPO


def test_release_has_every_format_and_a_dataset_description(built, paths):
    names = sorted(p.name for p in paths.dist.iterdir())
    assert names == ["CHANGES.md", "context.jsonld", "inputs.sha256", "ontology.html", "vcf-kg.jsonld", "vcf-kg.nt",
                     "vcf-kg.owl", "vcf-kg.sssom.tsv", "vcf-kg.ttl", "void.ttl"]


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
        URIRef(f"https://w3id.org/vcf-kg/source/{s}") for s in ("article", "aaos2010", "studies", "mappings")}


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
    assert counts["claims"] == 244  # 68 from the article, the rest from the verified reference tables
    assert counts["triples"] == len(built.graph)
    assert counts["vcf:SurgicalProcedure"] == 4  # surgery, vertebroplasty, kyphoplasty, spinal fusion
    assert counts["vcf:SourceSentence"] == 22
