"""Named queries: every competency question answers as its header expects; together they exercise
every class and property of the ontology; parameters are bound as RDF terms."""
from __future__ import annotations

import re

import pytest
from rdflib.namespace import OWL, RDF

import vcf_kg
from vcf_kg.errors import QueryError
from vcf_kg.namespaces import VCF, shorten
from vcf_kg.queries import Catalogue

from conftest import REPO

CQS = sorted(Catalogue(REPO / "queries").competency_questions(), key=lambda q: q.path.name)


@pytest.mark.parametrize("question", CQS, ids=[q.name for q in CQS])
def test_competency_question(question, store):
    assert question.question, f"{question.path.name} has no '#+ question:'"
    assert question.expected is not None, f"{question.path.name} has no '#+ expect:'"
    results = store.query(question.text, question.bindings())
    assert question.check(results) == []


def test_there_are_at_least_25_competency_questions():
    assert len(CQS) >= 25


def test_queries_exercise_every_class_and_property(built):
    """Every vcf class and property, and every external property the data uses, appears in some query."""
    text = "\n".join(q.text for q in CQS)
    g = built.ontology.graph
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(VCF._NS))}
    # the curated (asserted) data's predicates; the super-properties the release entails are not curated
    used_predicates = {p for p in built.base.predicates() if not str(p).startswith(str(VCF._NS))}
    external = {p for p in used_predicates if shorten(str(p)).split(":")[0] in {"RO", "dcterms", "skos", "prov"}
                and p in set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(g.subjects(RDF.type, OWL.AnnotationProperty))}
    missing = []
    for term in sorted(terms | external):
        curie = shorten(str(term))
        if not re.search(re.escape(curie) + r"(?![\w-])", text):
            missing.append(curie)
    assert missing == []


def test_parameter_is_bound_as_a_term_not_pasted(store, paths):
    answer = vcf_kg.query("indications-of-procedure", {"procedure": "vcfr:Kyphoplasty"}, store=store, paths=paths)
    assert answer.rows == []
    answer = vcf_kg.query("indications-of-procedure", {"procedure": "vcfr:SpinalFusion"}, store=store, paths=paths)
    assert len(answer.rows) == 3
    hostile = 'x> } ?a ?b ?c . FILTER(true) #'
    with pytest.raises(QueryError, match="not an IRI or a CURIE"):
        vcf_kg.query("indications-of-procedure", {"procedure": hostile}, store=store, paths=paths)
    with pytest.raises(QueryError, match="not a valid IRI"):
        vcf_kg.query("indications-of-procedure", {"procedure": "<http://x/a> } #>"}, store=store, paths=paths)
    lookup = vcf_kg.query("explain-term-lookup", {"text": '" } UNION { ?term ?p ?label } #'}, store=store, paths=paths)
    assert lookup.rows == []


def test_unknown_parameter_and_unknown_query_are_clear_errors(store, paths):
    with pytest.raises(QueryError, match="has no parameter colour"):
        vcf_kg.query("shared-complications", {"colour": "red"}, store=store, paths=paths)
    with pytest.raises(QueryError, match="no named query 'shared-complication'.*Did you mean: shared-complications"):
        vcf_kg.query("shared-complication", store=store, paths=paths)


def test_result_formats(store, paths):
    import csv
    import io
    import json

    r = vcf_kg.query("shared-complications", store=store, paths=paths)
    data = json.loads(r.to_json())
    assert data["head"]["vars"] == ["kind", "procedure", "otherProcedure", "complication"]
    assert data["results"]["bindings"][0]["procedure"] == {"type": "literal", "value": "kyphoplasty", "xml:lang": "en"}
    rows = list(csv.reader(io.StringIO(r.to_csv())))
    assert rows[0] == ["kind", "procedure", "otherProcedure", "complication"]
    assert rows[1][0] == "https://w3id.org/vcf-kg/ontology#NerveRootComplication"
    tsv = r.to_tsv().splitlines()
    assert tsv[0] == "?kind\t?procedure\t?otherProcedure\t?complication"
    assert tsv[1].startswith('<https://w3id.org/vcf-kg/ontology#NerveRootComplication>\t"kyphoplasty"@en')
    ask = vcf_kg.query("is-vertebroplasty-recommended-against", store=store, paths=paths)
    assert json.loads(ask.to_json()) == {"head": {}, "boolean": True}


def test_cq_report_flags_a_wrong_expectation(tmp_path, store):
    from vcf_kg.queries import NamedQuery

    wrong = tmp_path / "99-wrong.rq"
    wrong.write_text('#+ question: q\n#+ expect: [{"procedure": "spinal fusion"}]\n'
                     "SELECT ?procedure WHERE { ?p vcf:hasPotentialComplication ?c ; rdfs:label ?procedure }")
    q = NamedQuery.read(wrong)
    problems = q.check(store.query(q.text))
    assert "missing row {'procedure': 'spinal fusion'}" in problems
    assert any(p.startswith("unexpected row") for p in problems)
