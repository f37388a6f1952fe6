"""One version everywhere, a changelog entry for it, and a citation for the software and the dataset."""
from __future__ import annotations

import re
import tomllib

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

import vcf_kg
from vcf_kg.namespaces import DATASET, ONTOLOGY_IRI
from vcf_kg.release import CREATOR, TITLE, dataset_citation

from conftest import REPO
from test_serve_support import http, server_fixture

server = server_fixture()


def package_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_pyproject_package_ontology_and_dataset_versions_agree(built, paths):
    version = package_version()
    ontology = Graph().parse(REPO / "ontology" / "vcf.ttl")
    assert vcf_kg.__version__ == version
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == version
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    void = Graph().parse(paths.dist / "void.ttl")
    assert str(void.value(DATASET, DCTERMS.hasVersion)) == version
    assert built.version == version


def test_changelog_has_an_entry_for_the_version():
    headings = re.findall(r"^## \[([^\]]+)\]", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert package_version() in headings
    assert headings[0] in ("Unreleased", package_version())  # newest first


def test_citation_file_cites_this_version_of_the_software_and_the_dataset():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert {"message", "title", "authors"} <= cff.keys()
    assert cff["version"] == package_version() and cff["title"] == TITLE
    assert [a["name"] for a in cff["authors"]] == [CREATOR]
    (dataset,) = [r for r in cff["references"] if r["type"] == "data"]
    assert (dataset["version"], dataset["url"], dataset["license"]) == (package_version(), str(DATASET), "CC-BY-4.0")


def test_dataset_description_and_page_carry_the_citation(built, paths, server):
    citation = dataset_citation(built.version)
    assert TITLE in citation and built.version in citation and str(DATASET) in citation
    void = Graph().parse(paths.dist / "void.ttl")
    assert void.value(DATASET, DCTERMS.bibliographicCitation) == Literal(citation)
    page = http(server, "/dataset", headers={"Accept": "text/html"}).text
    assert f'<p class="citation">Cite as: {citation}</p>' in page
