"""The curated claims against the article: provenance, coverage, and faithful hedges and negations."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

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
    assert len(article_entities) == 49


def test_hedged_claims_keep_their_hedge(built):
    g = built.graph
    def modality(subject, predicate, obj):
        claims = [c for c in g.subjects(VCF.statementSubject, subject)
                  if g.value(c, VCF.statementPredicate) == predicate and g.value(c, VCF.statementObject) == obj]
        assert len(claims) == 1
        return g.value(claims[0], VCF.hasModality), {str(q) for q in g.objects(claims[0], VCF.qualifierText)}
    assert modality(VCFR.OverTheCounterPainReliever, VCF.sufficientFor, VCFR.VertebralFracture) == \
        (VCF.Possible, {"In some cases", "may be all that is needed"})
    assert modality(VCFR.VertebroplastyPlaceboEvidence, VCF.hasFinding, VCF.NoBetterThanComparator) == \
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
    assert not any(p in {VCF.helpfulFor, VCF.sufficientFor} for p in g.predicates(VCFR.PercutaneousVertebroplasty))


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
