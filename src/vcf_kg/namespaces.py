"""Every IRI namespace of the project, in one place.

``VCF`` is closed (an rdflib ``DefinedNamespace``): a typo such as ``VCF.hasComplicaton`` fails at
import time instead of yielding an empty query result. A test keeps its term list equal to the
terms that ``ontology/vcf.ttl`` declares.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/vcf-kg/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")


class VCF(DefinedNamespace):
    """The vcf-kg ontology (TBox) namespace."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Condition: URIRef
    Symptom: URIRef
    Complication: URIRef
    NerveRootComplication: URIRef
    Treatment: URIRef
    ConservativeTreatment: URIRef
    PharmacologicalTreatment: URIRef
    SurgicalProcedure: URIRef
    MinimallyInvasiveProcedure: URIRef
    PercutaneousProcedure: URIRef
    ControlIntervention: URIRef
    Material: URIRef
    Device: URIRef
    AnatomicalSite: URIRef
    ClinicalCriterion: URIRef
    Indication: URIRef
    EligibilityCriterion: URIRef
    TimingConstraint: URIRef
    DurationQualifier: URIRef
    EvidenceStatement: URIRef
    ComparativeFinding: URIRef
    EvidenceLevel: URIRef
    Guideline: URIRef
    Recommendation: URIRef
    RecommendationDirection: URIRef
    Organization: URIRef
    Person: URIRef
    SourcePublication: URIRef
    SourceSentence: URIRef
    Claim: URIRef
    InferredStatement: URIRef
    Modality: URIRef
    # controlled values
    For: URIRef
    Option: URIRef
    Against: URIRef
    Inconclusive: URIRef
    NoBetterThanComparator: URIRef
    BetterThanComparator: URIRef
    ShortTerm: URIRef
    Asserted: URIRef
    Possible: URIRef
    Usual: URIRef
    Recommended: URIRef
    Ideal: URIRef
    Restricted: URIRef
    # object properties
    treats: URIRef
    isTreatedBy: URIRef
    sufficientFor: URIRef
    helpfulFor: URIRef
    prevents: URIRef
    reducesDurationOf: URIRef
    resolvesWith: URIRef
    hasPotentialComplication: URIRef
    isPotentialComplicationOf: URIRef
    sharesComplicationWith: URIRef
    usesMaterial: URIRef
    usesDevice: URIRef
    targetSite: URIRef
    indicatedWhen: URIRef
    hasEligibilityCriterion: URIRef
    hasTimingConstraint: URIRef
    hasDurationQualifier: URIRef
    concernsCondition: URIRef
    afterFailureOf: URIRef
    relativeToOnsetOf: URIRef
    evaluates: URIRef
    comparator: URIRef
    hasFinding: URIRef
    hasEvidenceLevel: URIRef
    hasRecommendation: URIRef
    partOfGuideline: URIRef
    concernsIntervention: URIRef
    hasDirection: URIRef
    appliesWhen: URIRef
    issuedBy: URIRef
    reviewedBy: URIRef
    hasModality: URIRef
    fromSentence: URIRef
    sentenceOf: URIRef
    derivedFromClaim: URIRef
    # annotation properties
    statementSubject: URIRef
    statementPredicate: URIRef
    statementObject: URIRef
    evidenceType: URIRef
    derivedByRule: URIRef
    # data properties
    quote: URIRef
    qualifierText: URIRef
    quoteStart: URIRef
    quoteEnd: URIRef
    sentenceText: URIRef
    sentenceNumber: URIRef
    deadlineMonthsMin: URIRef
    deadlineMonthsMax: URIRef
    minimumVertebraeJoined: URIRef


VCFR = Namespace(BASE + "id/")  # curated entities (named individuals)
CLAIM = Namespace(BASE + "claim/")  # claim statement nodes
INFERRED = Namespace(BASE + "inferred/")  # statement nodes of rule-derived triples
SOURCE = Namespace(BASE + "source/")  # source publications and their sentences
RULE = Namespace(BASE + "rule/")  # derivation rules (queries/rules/*.rq)
DATASET = URIRef(BASE + "dataset")
OBO = Namespace("http://purl.obolibrary.org/obo/")
VOID = Namespace("http://rdfs.org/ns/void#")

# Prefixes used in curated files, query headers and serialisations (CURIE <-> IRI).
PREFIXES: dict[str, str] = {
    "vcf": str(VCF._NS),
    "vcfr": str(VCFR),
    "claim": str(CLAIM),
    "inferred": str(INFERRED),
    "source": str(SOURCE),
    "rule": str(RULE),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SDO),
    "void": str(VOID),
    "obo": str(OBO),
    "RO": str(OBO) + "RO_",
    "BFO": str(OBO) + "BFO_",
    "ECO": str(OBO) + "ECO_",
}
# Prefixes that serialisers and SPARQL headers declare (OBO-style CURIE prefixes stay out: they are
# not valid Turtle prefixes for local names starting with digits in every tool).
SERIALISATION_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in {"RO", "BFO", "ECO"}}


def expand(curie: str) -> URIRef:
    """Expand ``prefix:local`` to an IRI; raise ``KeyError`` for an unknown prefix."""
    prefix, _, local = curie.partition(":")
    if not _ or prefix not in PREFIXES:
        raise KeyError(curie)
    return URIRef(PREFIXES[prefix] + local)


def shorten(iri: str) -> str:
    """Shorten an IRI to a CURIE with the longest matching prefix, else return it in angle brackets."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "_-." for c in local):
                best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    return f"<{iri}>"


def sparql_prologue() -> str:
    """PREFIX lines for every prefix, prepended to named queries so files stay short."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
