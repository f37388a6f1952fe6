"""The curated claims against the article: provenance, coverage, and faithful hedges and negations."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from vcf_kg.namespaces import VCF, VCFR
from vcf_kg.source_text import SourceText


def _article(paths) -> SourceText:
    return SourceText.read(paths.home / "sources" / "vertebral-fracture-treatment.txt")


def test_every_claim_has_a_verbatim_quote_at_its_offsets(built, paths):
    text = _article(paths).text
    g = built.graph
    article = URIRef("https://w3id.org/vcf-kg/source/article")
    claims = list(g.subjects(PROV.wasQuotedFrom, article))
    assert len(claims) == 68
    for claim in claims:
        quote = str(g.value(claim, VCF.quote))
        start, end = int(g.value(claim, VCF.quoteStart)), int(g.value(claim, VCF.quoteEnd))
        assert text[start:end] == quote, claim
        assert g.value(claim, PROV.wasQuotedFrom) == URIRef("https://w3id.org/vcf-kg/source/article")
        sentence = g.value(claim, VCF.fromSentence)
        assert quote in str(g.value(sentence, VCF.sentenceText))


def test_every_sentence_of_the_article_yields_a_claim(built, paths):
    """Nothing missing: every sentence but the two section headings is the source of some claim."""
    g = built.graph
    used = {int(g.value(s, VCF.sentenceNumber)) for s in g.objects(None, VCF.fromSentence)}
    sentences = _article(paths).sentences
    uncovered = [s.text for s in sentences if s.number not in used]
    assert uncovered == ["Percutaneous vertebroplasty", "Spinal fusion"]


def test_every_entity_is_mentioned_in_its_source(built, paths):
    """Nothing added: each entity's mention occurs verbatim in its source (the article or a reference table)."""
    for entity in built.curated.entities.values():
        assert entity.mention in built.curated.sources[entity.source].text.text, entity.id
    article_entities = [e for e in built.curated.entities.values() if e.source == "article"]
    assert len(article_entities) == 50


def test_hedged_claims_keep_their_hedge(built):
    g = built.graph
    def modality(subject, predicate, obj):
        claims = [c for c in g.subjects(VCF.statementSubject, subject)
                  if g.value(c, VCF.statementPredicate) == predicate and g.value(c, VCF.statementObject) == obj]
        assert len(claims) == 1
        return g.value(claims[0], VCF.hasModality), {str(q) for q in g.objects(claims[0], VCF.qualifierText)}
    assert modality(VCFR.OverTheCounterPainReliever, VCF.maySufficeFor, VCFR.VertebralFracture) == \
        (VCF.Occasional, {"In some cases", "may be all that is needed"})
    assert modality(VCFR.VertebroplastyPlaceboEvidence, VCF.mayHaveFinding, VCF.NoBetterThanComparator) == \
        (VCF.Possible, {"may not be any better than"})
    assert modality(VCFR.Kyphoplasty, VCF.hasTimingConstraint, VCFR.KyphoplastyTimingWindow)[0] == VCF.Ideal
    assert modality(VCFR.PercutaneousVertebroplasty, VCF.hasEligibilityCriterion,
                    VCFR.RecentFractureSolelyCausingBackPain)[0] == VCF.Restricted


def test_negative_claims_are_not_flattened_into_positive_facts(built):
    g = built.graph
    # The AAOS recommendation is *against* vertebroplasty: a direction, not a positive 'recommends' edge.
    rec = VCFR.AAOSVertebroplastyRecommendation
    assert set(g.objects(rec, VCF.hasDirection)) == {VCF.Against}
    assert (rec, VCF.concernsIntervention, VCFR.PercutaneousVertebroplasty) in g
    # "may not be any better than placebo": the finding is 'no better', never 'better'.
    assert (VCFR.VertebroplastyPlaceboEvidence, VCF.hasFinding, VCF.BetterThanComparator) not in g
    assert (VCFR.VertebroplastyPlaceboEvidence, VCF.mayHaveFinding, VCF.BetterThanComparator) not in g
    assert not any(p in {VCF.helpfulFor, VCF.sufficientFor, VCF.mayBeHelpfulFor, VCF.maySufficeFor}
                   for p in g.predicates(VCFR.PercutaneousVertebroplasty))


def test_shares_complication_is_derived_with_its_support(built):
    g = built.graph
    assert (VCFR.PercutaneousVertebroplasty, VCF.sharesComplicationWith, VCFR.Kyphoplasty) in g
    assert (VCFR.Kyphoplasty, VCF.sharesComplicationWith, VCFR.PercutaneousVertebroplasty) in g
    assert not any((VCFR.SpinalFusion, VCF.sharesComplicationWith, o) in g for o in g.subjects())
    inferred = [s for s in g.subjects(VCF.statementPredicate, VCF.sharesComplicationWith)]
    assert len(inferred) == 2
    for s in inferred:
        assert (s, RDF.type, VCF.InferredStatement) in g
        assert len(set(g.objects(s, VCF.derivedFromClaim))) == 6


def test_source_publication_metadata(built):
    g = built.graph
    article = URIRef("https://w3id.org/vcf-kg/source/article")
    from rdflib.namespace import DCTERMS, XSD

    assert g.value(article, DCTERMS.issued) == Literal("2011-11-18", datatype=XSD.date)
    assert g.value(article, DCTERMS.modified) == Literal("2015-02-05", datatype=XSD.date)
    assert set(g.objects(article, VCF.reviewedBy)) == {VCFR.LeeHRileyIII, VCFR.SuzanneMJanDeBeur}


# The object of these two claims, vertebral fracture, is the article's topic: named in the sentence before, not in
# the quote (the only claims whose object the quote does not name, by a name or an anaphor among its qualifiers).
OBJECT_NAMED_BEFORE_THE_QUOTE = {"A007", "A008"}


def _names(entity) -> list[str]:
    return [n.lower() for n in (entity.label, entity.mention, *entity.alt_labels)]


def test_every_claim_quote_names_its_object(built):
    """A quote cut short no longer names what the claim says about: every article claim whose object is an entity
    names it in its quote, by its label, an other name or its mention, or by an anaphor recorded as a qualifier."""
    entities = built.curated.entities
    unnamed = []
    for claim in built.curated.claims:
        key = str(claim.object).rsplit("/", 1)[-1]
        if claim.source != "article" or not str(claim.object).startswith(str(VCFR)) or key not in entities:
            continue
        quote = claim.quote.lower()
        anaphors = [q for q in claim.qualifiers if q == "it" or q.startswith("these ")]
        if not any(n in quote for n in _names(entities[key])) and not anaphors:
            unnamed.append(claim.id)
    assert sorted(unnamed) == sorted(OBJECT_NAMED_BEFORE_THE_QUOTE)


def test_a_hedged_claim_never_reads_as_an_unconditional_triple(built):
    """Importing only the plain triples, "may prevent" is not "prevents": a claim with a hedging modality has its
    direct triple under a hedged property (a sub-property of vcf:hedgedRelation), and no hedged property entails
    its unhedged form."""
    g = built.graph
    onto = built.ontology
    hedged_claims = [c for c in g.subjects(RDF.type, VCF.Claim) if onto.is_a(g.value(c, VCF.hasModality), VCF.Hedge)]
    assert len(hedged_claims) == 17
    for c in hedged_claims:
        s, predicate, o = (g.value(c, p) for p in (VCF.statementSubject, VCF.statementPredicate, VCF.statementObject))
        assert predicate in onto.hedged_properties, (c, predicate)
        assert (predicate, RDFS.subPropertyOf, VCF.hedgedRelation) in g  # the consumer's marker, in the release
        plain = onto.graph.value(predicate, VCF.hedgeOf)
        if plain is not None:  # the unhedged triple is absent (no other source states it plainly here)
            assert (s, plain, o) not in g, (c, plain)
    for hedged in onto.hedged_properties:
        plain = onto.graph.value(hedged, VCF.hedgeOf)
        if plain is not None:
            assert plain not in set(onto.graph.transitive_objects(hedged, RDFS.subPropertyOf))
    assert (VCFR.BackBrace, VCF.mayPrevent, VCFR.PainfulSpinalMovement) in g
    assert (VCFR.BackBrace, VCF.prevents, VCFR.PainfulSpinalMovement) not in g
    assert (VCFR.OverTheCounterPainReliever, VCF.sufficientFor, VCFR.VertebralFracture) not in g


def test_may_and_in_some_cases_are_kept_apart(built):
    g = built.graph
    modality = {str(g.value(c, VCF.quote))[:20]: g.value(c, VCF.hasModality) for c in g.subjects(RDF.type, VCF.Claim)
                if g.value(c, VCF.statementPredicate) in {VCF.maySufficeFor, VCF.mayPrevent}}
    assert modality == {"In some cases, an ov": VCF.Occasional, "In addition, short-t": VCF.Possible}


def test_a_condition_is_not_turned_into_a_fact(built):
    """'When symptoms ... are severe' is the recommendation's condition, not the fact 'vertebral fracture has
    severe symptoms'."""
    g = built.graph
    from rdflib import Namespace

    has_symptom = Namespace("http://purl.obolibrary.org/obo/")["RO_0002452"]
    symptoms = {str(g.value(o, RDFS.label)) for o in g.objects(VCFR.VertebralFracture, has_symptom)}
    assert symptoms == {"symptoms of a vertebral fracture", "pain associated with vertebral fractures"}
    assert not any("severe" in s for s in symptoms)
    assert (VCFR.SevereSymptomsRecommendation, VCF.appliesWhen, VCFR.SevereSymptomsIndication) in g


def test_rest_and_bed_rest_are_two_entities_and_only_bed_rest_is_mesh_bed_rest(built):
    g = built.graph
    bed_rest = URIRef("http://id.nlm.nih.gov/mesh/D001510")
    assert {s for s in g.subjects(None, bed_rest) if str(s).startswith(str(VCFR))} == {VCFR.BedRest}
    assert (VCFR.BedRest, SKOS.broader, VCFR.Rest) in g
    assert (VCFR.SevereSymptomsRecommendation, VCF.concernsIntervention, VCFR.Rest) in g  # sentence 1: "rest"
    assert (VCFR.BackBrace, VCF.mayReduceDurationOf, VCFR.BedRest) in g  # sentence 4: "bed rest"
    assert "bed rest" not in {str(label) for label in g.objects(VCFR.Rest, SKOS.altLabel)}


FLAGGED_DEFINITIONS = ["Osteoporosis", "Cement", "AAOS", "Ibandronate", "StrontiumRanelate", "Calcitonin",
                       "L2NerveRootBlock", "SoftTissueDamage", "BackBrace", "ComplementaryAlternativeMedicine"]


def test_every_definition_says_where_it_comes_from(built):
    """A definition is supported by a source the graph cites (its supporting words occur verbatim there) or is
    marked as the curator's wording."""
    g = built.graph
    for entity in built.curated.entities.values():
        source = g.value(entity.iri, VCF.definitionSource)
        if entity.definition_source == "curator":
            assert source == VCF.CuratorWording, entity.id
        else:
            assert source == URIRef(f"https://w3id.org/vcf-kg/source/{entity.definition_source}"), entity.id
            if entity.definition_quote:
                assert entity.definition_quote in built.curated.sources[entity.definition_source].text.text
    sourced = {e.id for e in built.curated.entities.values() if e.definition_quote}
    assert set(FLAGGED_DEFINITIONS) <= sourced  # the ten a curator's review flagged now cite their words


def test_placebo_and_sham_controls_are_found_by_one_query(store):
    rows = store.query("SELECT DISTINCT ?study WHERE { ?r vcf:comparator/skos:broader* vcfr:Placebo ; "
                       "vcf:reportedBy/rdfs:label ?study }").display_rows()
    studies = {r["study"] for r in rows}
    assert "Cochrane review: percutaneous vertebroplasty for osteoporotic VCF (2018)" in studies  # placebo
    assert "Buchbinder vertebroplasty sham trial (2009)" in studies  # sham procedure
    assert len(studies) == 4


def test_a_hedged_claim_whose_property_has_no_hedged_form_is_refused(project_copy):
    import pytest

    import vcf_kg
    from vcf_kg.errors import CurationError

    from conftest import replace_in

    replace_in(project_copy.data / "claims.tsv", "vcf:treats\tVertebralCompressionFracture\t\tAsserted",
               "vcf:treats\tVertebralCompressionFracture\t\tPossible")
    with pytest.raises(CurationError, match=r"claims.tsv:\d+: field 'modality': the claim is hedged \(Possible\) but "
                                            r"vcf:treats has no hedged form"):
        vcf_kg.build_release(project_copy)


def test_a_definition_quote_not_in_its_source_is_refused(project_copy):
    import pytest

    import vcf_kg
    from vcf_kg.errors import CurationError

    from conftest import replace_in

    replace_in(project_copy.data / "entities.tsv", "\tarticle\tvertebral compression fractures caused by osteoporosis\n",
               "\tarticle\tosteoporosis makes bones fragile\n")
    with pytest.raises(CurationError, match=r"entities.tsv:\d+: field 'definition_quote': 'osteoporosis makes bones "
                                            r"fragile' does not occur verbatim"):
        vcf_kg.build_release(project_copy)
