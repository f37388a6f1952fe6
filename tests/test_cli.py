"""The command line end to end, as a user runs it (subprocesses of the installed entry point)."""
from __future__ import annotations

import re

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from conftest import run_cli


@pytest.fixture(scope="module")
def dist(built, paths):
    return str(paths.dist)


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "validate", "query", "queries", "cq", "export", "explain"):
        assert command in result.stdout


def test_build_reports_counts(tmp_path):
    result = run_cli("build", "--dist", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    claims = re.search(r"^\s+claims\s+(\d+)$", result.stdout, re.M)
    assert claims and int(claims.group(1)) >= 500, result.stdout  # build-minimums.tsv's gate
    assert "vcf:SurgicalProcedure" in result.stdout
    assert "validating" in result.stderr  # progress on standard error


def test_query_shared_complications_table(dist):
    result = run_cli("query", "shared-complications", "--dist", dist)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "kyphoplasty" in lines[2] and "percutaneous vertebroplasty" in lines[2]
    assert "spinal fusion" not in result.stdout
    assert lines[-1] == "(2 rows)"


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_query_formats(dist, fmt):
    result = run_cli("query", "shared-complications", "--format", fmt, "--dist", dist)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert len(json.loads(result.stdout)["results"]["bindings"]) == 2
    else:
        assert len(result.stdout.strip().splitlines()) == 3


def test_query_with_param_and_from_stdin(dist):
    result = run_cli("query", "indications-of-procedure", "--param", "procedure=vcfr:Surgery", "--dist", dist)
    assert "no improvement with conservative therapy" in result.stdout
    result = run_cli("query", "-", "--format", "csv", "--dist", dist,
                     input="SELECT ?l WHERE { vcfr:Balloon rdfs:label ?l }")
    assert result.stdout.splitlines() == ["l", "balloon"]


def test_query_errors_are_clean(dist):
    result = run_cli("query", "no-such-query", "--dist", dist)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no named query 'no-such-query'")
    result = run_cli("query", "-", "--dist", dist, input="SELECT ?x WHERE {")
    assert result.returncode == 1 and "SPARQL syntax error" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("query", "shared-complications", "--param", "oops", "--dist", dist)
    assert result.returncode == 2 and "KEY=VALUE" in result.stderr


def test_query_before_build_says_what_to_do(tmp_path):
    result = run_cli("query", "shared-complications", "--dist", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert "run `vcf-kg build` first" in result.stderr


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("nt", "nt"), ("owl", "xml"), ("jsonld", "json-ld")])
def test_export_every_format(dist, tmp_path, built, fmt, parser):
    out = tmp_path / f"graph.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(out), "--dist", dist)
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(out, format=parser)) == len(built.graph)
    stdout = run_cli("export", "--format", fmt, "--dist", dist).stdout
    assert stdout.encode() == out.read_bytes()


def test_explain_shows_quotes_and_sources(dist):
    result = run_cli("explain", "percutaneous", "vertebroplasty", "--dist", dist)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "vcfr:PercutaneousVertebroplasty" in out
    assert "“Potential complications include soft-tissue damage and nerve-root pain and compression.”" in out
    assert "recommending that it not be used" in out
    assert "sentence 13" in out
    assert "[inferred]" in out and "rule:shares-complication" in out


def test_explain_traces_every_answer_of_a_named_query(dist):
    """Each entity a competency question returns can be explained with at least one quote."""
    answer = json.loads(run_cli("query", "procedure-complications", "-f", "json", "--dist", dist).stdout)
    for row in answer["results"]["bindings"]:
        for var in ("procedure", "complication"):
            out = run_cli("explain", row[var]["value"], "--dist", dist).stdout
            assert "“" in out, f"explain {row[var]['value']} shows no quote"


def test_explain_unknown_and_ambiguous_terms(dist):
    result = run_cli("explain", "unicorn", "--dist", dist)
    assert result.returncode == 1 and "no term is labelled 'unicorn'" in result.stderr


def test_cq_report(dist):
    result = run_cli("cq", "--dist", dist)
    assert result.returncode == 0, result.stdout
    assert "PASS  shared-complications" in result.stdout
    assert result.stdout.strip().endswith("passed, 0 failed")


def test_validate_command(dist):
    result = run_cli("validate", "--dist", dist)
    assert result.returncode == 0, result.stderr
    assert "HermiT finds the graph consistent" in result.stdout


def test_queries_lists_questions():
    result = run_cli("queries")
    assert "shared-complications  [cq] --param kind=…" in result.stdout
    assert "Which procedures share nerve-root complications?" in result.stdout


def test_docs_generates_the_ontology_documentation(tmp_path):
    out = tmp_path / "ontology.html"
    result = run_cli("docs", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "<html" in html
    for text in ("surgical procedure", "has potential complication", "shares complication with",
                 "Vertebral Compression Fracture management ontology"):
        assert text in html


def test_export_sssom(dist):
    result = run_cli("export", "--format", "sssom", "--dist", dist)
    assert result.returncode == 0, result.stderr
    assert "subject_id\tsubject_label\tpredicate_id\tobject_id" in result.stdout


def test_query_help_lists_every_predeclared_prefix():
    from vcf_kg.prefixes import PREFIXES

    help_text = run_cli("query", "--help").stdout
    listed = dict(re.findall(r"^\s+([A-Za-z][A-Za-z0-9]*):\s+(\S+)$", help_text, re.M))
    assert listed == PREFIXES


def test_an_unknown_prefix_is_named_in_one_line(dist):
    result = run_cli("query", "-", "--dist", dist, input="SELECT ?s WHERE {\n  ?s vcf:treats ?o .\n  ?o a foo:Bar }")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr  # one line, not the parser's list of Unicode ranges
    assert result.stderr.startswith("error: SPARQL syntax error: unknown prefix 'foo:' at line 3, column 8")
    assert "\\u{" not in result.stderr
    declared = run_cli("query", "-", "--format", "csv", "--dist", dist,
                       input="PREFIX foo: <https://w3id.org/vcf-kg/id/>\nSELECT ?l WHERE { foo:Balloon rdfs:label ?l }")
    assert declared.stdout.splitlines() == ["l", "balloon"]


TREATS = "CONSTRUCT { ?s vcf:treats ?o } WHERE { ?s vcf:treats ?o }"


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
@pytest.mark.parametrize("fmt, parser", [(None, "turtle"), ("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_prints_its_triples(dist, store, fmt, parser):
    args = ("--format", fmt) if fmt else ()
    result = run_cli("query", "-", *args, "--dist", dist, input=TREATS)
    assert result.returncode == 0, result.stderr
    printed = {(str(s), str(p), str(o)) for s, p, o in Graph().parse(data=result.stdout, format=parser)}
    expected = {(r["s"].value, "https://w3id.org/vcf-kg/ontology#treats", r["o"].value)
                for r in store.query("SELECT ?s ?o WHERE { ?s vcf:treats ?o }").rows}
    assert len(expected) >= 3 and printed == expected


def test_describe_prints_the_resource(dist):
    result = run_cli("query", "-", "--dist", dist, input="DESCRIBE vcfr:Kyphoplasty")
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    kyphoplasty = URIRef("https://w3id.org/vcf-kg/id/Kyphoplasty")
    assert (kyphoplasty, RDFS.label, Literal("kyphoplasty", lang="en")) in graph
    assert set(graph.subjects()) == {kyphoplasty}
    assert result.stdout.startswith("@prefix ")  # Turtle with the project's prefixes, not N-Triples


def test_a_format_that_does_not_fit_the_query_is_refused(dist):
    result = run_cli("query", "shared-complications", "--format", "ttl", "--dist", dist)
    assert result.returncode == 2 and "gives a table (SELECT/ASK)" in result.stderr
    result = run_cli("query", "-", "--format", "csv", "--dist", dist, input=TREATS)
    assert result.returncode == 2 and "gives a graph (CONSTRUCT/DESCRIBE)" in result.stderr


def test_construct_and_describe_give_the_same_triples_from_an_endpoint(dist, paths):
    """--endpoint: the remote store asks for RDF for a graph query, and prints what the embedded store prints."""
    from vcf_kg.serve import background

    with background(dist=dist, workers=1) as url:
        for text in (TREATS, "DESCRIBE vcfr:Kyphoplasty"):
            local = run_cli("query", "-", "--format", "nt", "--dist", dist, input=text)
            remote = run_cli("query", "-", "--format", "nt", "--endpoint", url + "sparql", input=text)
            assert remote.returncode == 0, remote.stderr
            assert local.stdout.count("\n") >= 3 and remote.stdout == local.stdout
