"""The Python API a researcher imports."""
from __future__ import annotations

import subprocess
import sys

import vcf_kg


def test_api_runs_a_named_query(built, paths):
    rows = vcf_kg.query("surgical-techniques", paths=paths).display_rows()
    assert {"technique": "spinal fusion", "condition": "vertebral compression fracture"} in rows


def test_competency_questions_all_pass(built, paths):
    results = vcf_kg.competency_questions(paths=paths)
    assert len(results) >= 25
    assert [r.name for r in results if not r.passed] == []


def test_importing_the_package_is_light():
    """`import vcf_kg` must not pull in rdflib, owlready2 or pyshacl (CLI start-up speed)."""
    code = "import sys, vcf_kg; print(sorted(m for m in ('rdflib','owlready2','pyshacl','pyoxigraph') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_named_query_path_does_not_import_rdflib(built, paths):
    code = ("import sys, vcf_kg; from vcf_kg.paths import project_paths; "
            f"vcf_kg.query('shared-complications', paths=project_paths(dist={str(paths.dist)!r})); "
            "print('rdflib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_api_returns_the_triples_of_a_construct_query(built, paths, store):
    """A named CONSTRUCT query (a build rule) gives its triples; the release holds every one of them."""
    from vcf_kg.results import GraphResult

    answer = vcf_kg.query("shares-complication", paths=paths)
    assert isinstance(answer, GraphResult)
    pairs = {(s.value, o.value) for s, p, o in answer if p.value.endswith("#sharesComplicationWith")}
    assert ("https://w3id.org/vcf-kg/id/Kyphoplasty", "https://w3id.org/vcf-kg/id/PercutaneousVertebroplasty") in pairs
    graph = answer.to_rdflib()
    assert len(graph) == len(answer) and set(graph) <= set(built.graph)
