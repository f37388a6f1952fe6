"""The evidence landscape: every body's position from guideline-positions.tsv, on one scale, with typed conditions,
typed trial results and per-value cautions; `vcf-kg compare`; bad position rows."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

import vcf_kg
from vcf_kg.errors import CurationError
from vcf_kg.namespaces import CLAIM, VCF, VCFR
from vcf_kg.paths import release_file
from vcf_kg.positions import DIRECTIONS, parse_limit
from vcf_kg.prefixes import expand_curie
from vcf_kg.tsv import read_tsv

from conftest import REPO, replace_in, run_cli

DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")  # (importing XSD here makes pytest warn)
POSITIONS = REPO / "data" / "reference" / "guideline-positions.tsv"
LINKS = REPO / "data" / "position-links.tsv"


@pytest.fixture(scope="module")
def release(built, paths) -> Graph:
    """The released graph as a consumer imports it (N-Triples)."""
    return Graph().parse(release_file(paths.dist, "nt"), format="nt")


def _rows():
    links = {r["position_id"]: r for r in read_tsv(LINKS, ["position_id", "position"])}
    return [(row, links[row["position_id"]]) for row in read_tsv(POSITIONS, ["position_id", "direction"])]


def _direction(g: Graph, position: URIRef):
    values = set(g.objects(position, VCF.positionDirection)) | set(g.objects(position, VCF.hasDirection))
    assert len(values) == 1, (position, values)
    return values.pop()


def test_every_position_row_is_a_position_with_its_direction_on_the_scale(release):
    for row, link in _rows():
        position = VCFR[link["position"]]
        assert (position, RDF.type, VCF.Position) in release, position
        assert _direction(release, position) == URIRef(expand_curie(DIRECTIONS[row["direction"]])), row["position_id"]


def test_no_benefit_shown_is_not_read_as_against(release):
    """A finding that no benefit was shown is a point of its own on the scale, never a recommendation against."""
    no_benefit = [VCFR[link["position"]] for row, link in _rows() if row["direction"] == "no benefit shown"]
    assert len(no_benefit) == 2
    for position in no_benefit:
        assert (position, VCF.positionDirection, VCF.Against) not in release
        assert (position, VCF.hasDirection, VCF.Against) not in release
        assert (position, RDF.type, VCF.Recommendation) not in release
    assert (VCF.NoBenefitShown, RDF.type, VCF.RecommendationDirection) not in release


def test_empty_cells_stay_empty(release):
    """An undated document has no year; a row without wording or grade gets none; a draft stays a draft."""
    links = {r["position_id"]: r for r in read_tsv(LINKS, ["position_id", "document", "position", "status"])}
    for row in read_tsv(POSITIONS, ["position_id", "year", "wording", "strength_or_grade"]):
        link = links[row["position_id"]]
        doc, position = VCFR[link["document"]], VCFR[link["position"]]
        years = {str(y) for y in release.objects(doc, VCF.publicationYear)}
        assert years == ({row["year"]} if row["year"] else set()), row["position_id"]
        wordings = {str(w) for w in release.objects(position, VCF.positionWording)}
        assert wordings == ({row["wording"]} if row["wording"] else set()), row["position_id"]
        grades = {str(w) for w in release.objects(position, VCF.bodyGrade)}
        assert grades == ({row["strength_or_grade"]} if row["strength_or_grade"] else set()), row["position_id"]
        status = set(release.objects(doc, VCF.documentStatus))
        assert status == ({VCF.Draft} if link["status"] else set()), row["position_id"]


def test_wording_keeps_its_language(release):
    dutch = Literal("Voer geen percutane cementaugmentatie uit bij patiënten met een stabiele symptomatische acute "
                    "wervelfractuur (korter dan 6 weken).", lang="nl")
    assert (VCFR.DutchGuideline2024AugmentationAcute, VCF.positionWording, dutch) in release


def test_fracture_age_limits_are_typed_days(release):
    msac = list(release.objects(VCFR.MSAC1466VertebroplastyCondition1, VCF.maxFractureAgeDays))
    assert msac == [Literal("21", datatype=DECIMAL)]
    assert (VCFR.MSAC1466VertebroplastyCondition1, VCF.limitInclusive, Literal(True)) in release


@pytest.mark.parametrize("text, expected", [
    ("<= 3 weeks", ("<=", True, False, 3.0, "week")),
    ("< 6 weeks", ("<", False, False, 6.0, "week")),
    ("> about 3 months", (">", False, True, 3.0, "month")),
])
def test_limits_parse(text, expected):
    assert parse_limit(text) == expected


@pytest.mark.parametrize("text, words", [("<= 3", "has no unit"), ("three weeks", "is not a limit")])
def test_a_limit_that_does_not_parse_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_limit(text)


def _permitting(store, catalogue, days: int) -> set[str]:
    rows = vcf_kg.query("permitted-at-fracture-age", {"fractureAgeDays": str(days)}, store=store).display_rows()
    return {r["position"] for r in rows}


def test_fracture_age_question_follows_the_typed_limits(store, catalogue):
    """MSAC funds vertebroplasty only up to 3 weeks; the Dutch guideline considers it only beyond about 3 months."""
    msac = "MSAC 2020: for — vertebroplasty"
    dutch_late = "Dutch guideline (NOV) 2024: option — percutaneous cement augmentation (vertebroplasty and kyphoplasty)"
    at = {days: _permitting(store, catalogue, days) for days in (14, 21, 22, 28, 91, 120)}
    assert msac in at[14] and msac in at[21], "<= 3 weeks includes day 21"
    assert msac not in at[22] and msac not in at[28]
    assert dutch_late not in at[28] and dutch_late not in at[91]
    assert dutch_late in at[120]
    # a position without an age limit permits at every age; none that advises against ever permits
    assert all("NICE 2013: option — percutaneous vertebroplasty" in rows for rows in at.values())
    assert not any("against" in p for rows in at.values() for p in rows)


def test_per_value_marks_sit_on_the_value_not_only_on_the_row(release):
    """The studies table marks only Buchbinder 2009's PMID as single-source: its DOI is not marked."""
    claims = {}
    for claim in release.subjects(VCF.statementSubject, VCFR.Buchbinder2009):
        claims[release.value(claim, VCF.statementPredicate)] = set(release.objects(claim, VCF.hasValueMark))
    assert claims[VCF.pmid] == {VCF.SingleSecondarySource}
    assert claims[VCF.doi] == set()
    draft_directions = [c for c in release.subjects(VCF.statementSubject, VCFR.OntarioHealth2025Vertebroplasty)
                        if release.value(c, VCF.statementPredicate) == VCF.positionDirection]
    assert [set(release.objects(c, VCF.hasValueMark)) for c in draft_directions] == [{VCF.DraftValue}]


def test_trial_results_are_typed_literals(release):
    result = VCFR.Kallmes2009INVESTResult
    assert release.value(result, VCF.effectEstimate) == Literal("0.7", datatype=DECIMAL)
    assert release.value(result, VCF.ciLower) == Literal("-0.3", datatype=DECIMAL)
    assert release.value(result, VCF.ciUpper) == Literal("1.7", datatype=DECIMAL)
    assert release.value(result, VCF.pValue) == Literal("0.19", datatype=DECIMAL)
    assert release.value(VCFR.Wardlaw2009FREEResult, VCF.pValueBelow) == Literal("0.0001", datatype=DECIMAL)
    assert release.value(VCFR.Firanescu2018VERTOSIV, VCF.blinding) == VCF.DoubleBlind
    assert release.value(VCFR.Klazen2010VERTOSII, VCF.blinding) == VCF.OpenLabel
    # every typed value keeps the table row it came from
    claim = CLAIM["studies-Kallmes2009-NEJM-INVEST-104"]
    assert release.value(claim, VCF.statementPredicate) == VCF.effectEstimate
    assert release.value(claim, VCF.fromRecord) is not None


def test_augmentation_covers_vertebroplasty_and_kyphoplasty_as_the_table_says(release):
    for narrower in (VCFR.PercutaneousVertebroplasty, VCFR.Kyphoplasty):
        assert (narrower, SKOS.broader, VCFR.PercutaneousVertebralAugmentation) in release


def _bodies_in_table(*interventions: str) -> set[str]:
    links = {r["position_id"]: r for r in read_tsv(LINKS, ["position_id", "body", "interventions", "covers"])}
    bodies = set()
    for pid, link in links.items():
        ids = set(link["interventions"].split("|")) | set(filter(None, link["covers"].split("|")))
        if ids & set(interventions):
            bodies.add(link["body"])
    return bodies


@pytest.mark.parametrize("term, interventions", [
    ("vertebroplasty", ("PercutaneousVertebroplasty", "PercutaneousVertebralAugmentation")),
    ("kyphoplasty", ("Kyphoplasty", "BalloonKyphoplasty", "PercutaneousVertebralAugmentation")),
    ("back brace", ("BackBrace", "RigidOrSoftBrace")),
])
def test_compare_shows_every_body_with_a_position(built, paths, release, term, interventions):
    result = run_cli("compare", *term.split(), "--format", "json", "--dist", str(paths.dist))
    assert result.returncode == 0, result.stderr
    shown = {p["body"] for p in json.loads(result.stdout)["positions"]}
    expected = {str(release.value(VCFR[b], RDFS.label))
                for b in _bodies_in_table(*interventions)}
    assert expected <= shown, expected - shown


def test_compare_reads_as_text_with_provenance(built, paths):
    result = run_cli("compare", "vertebroplasty", "--dist", str(paths.dist))
    assert result.returncode == 0, result.stderr
    assert "2020  Medical Services Advisory Committee" in result.stdout
    assert "fracture-age condition: <= 3 weeks — “3 weeks duration or less”" in result.stdout
    assert "positions table, line" in result.stdout
    assert "not a recommendation against" in result.stdout


def test_compare_an_unknown_term_is_a_clear_error(built, paths):
    result = run_cli("compare", "vertebroplastie", "--dist", str(paths.dist))
    assert result.returncode != 0
    assert "no term is labelled 'vertebroplastie'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_position_rows_are_each_named_at_once(project_copy):
    """Unknown body, unknown intervention, a direction outside the scale, a limit without a unit, a link to a row
    the table lacks and a trial value not in its quote: six problems in one run, each with file, line, field."""
    data = project_copy.data
    table = data / "reference" / "guideline-positions.tsv"
    replace_in(data / "position-links.tsv", "\tMSAC\tAustralia\t", "\tMSACX\tAustralia\t")
    replace_in(data / "position-links.tsv", "\tASBMR2019Bracing\tASBMRTaskForce\t\tASBMR2019Report\tTaskForceReport|Publication\tBackBrace",
               "\tASBMR2019Bracing\tASBMRTaskForce\t\tASBMR2019Report\tTaskForceReport|Publication\tBackBraces")
    replace_in(table, "\tno benefit shown\t\tbased on two blinded", "\tno benefit\t\tbased on two blinded")
    replace_in(data / "position-conditions.tsv", "fracture_age\t< 6 weeks", "fracture_age\t< 6")
    with (data / "position-links.tsv").open("a") as f:
        f.write("WHO-2030-vertebroplasty\tWHO2030\tNICE\t\tWHO2030Doc\tGuideline\tPercutaneousVertebroplasty\t\t\t\n")
    replace_in(data / "study-results.tsv", "effect_estimate\t0.7\t", "effect_estimate\t0.8\t")
    with pytest.raises(CurationError) as err:
        vcf_kg.build_release(project_copy)
    message = str(err.value)
    expected = [
        ("position-links.tsv", "'body'", "unknown body 'MSACX'"),
        ("position-links.tsv", "'interventions'", "unknown entity 'BackBraces'"),
        ("guideline-positions.tsv", "'direction'", "direction 'no benefit' is outside the scale"),
        ("position-conditions.tsv", "'value'", "has no unit"),
        ("position-links.tsv", "'position_id'", "'WHO-2030-vertebroplasty' is not a row of guideline-positions.tsv"),
        ("study-results.tsv", "'value'", "'0.8' does not occur as a number in its quote"),
    ]
    for filename, field, words in expected:
        assert any(filename in line and f"field {field}" in line and words in line for line in message.splitlines()), \
            (filename, field, words, message)
    assert not project_copy.dist.exists()
