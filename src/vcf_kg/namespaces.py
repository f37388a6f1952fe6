"""Every IRI namespace of the project, in one place.

``VCF`` is closed (an rdflib ``DefinedNamespace``): a typo such as ``VCF.hasComplicaton`` fails at
import time instead of yielding an empty query result. A test keeps its term list equal to the
terms that ``ontology/vcf.ttl`` declares.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .prefixes import BASE, PREFIXES, SERIALISATION_PREFIXES, expand_curie, shorten, sparql_prologue  # noqa: F401

ONTOLOGY_IRI = URIRef(BASE + "ontology")


class VCF(DefinedNamespace):
    """The vcf-kg ontology (TBox) namespace."""

    _NS = Namespace(PREFIXES["vcf"])
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
    Source: URIRef
    ReferenceTable: URIRef
    SourceRecord: URIRef
    Publication: URIRef
    TrialReport: URIRef
    SystematicReview: URIRef
    GuidelineSummary: URIRef
    RecommendationStrength: URIRef
    TreatmentOutcome: URIRef
    Hedge: URIRef
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
    Occasional: URIRef
    CuratorWording: URIRef
    Usual: URIRef
    Recommended: URIRef
    Ideal: URIRef
    Restricted: URIRef
    Strong: URIRef
    Moderate: URIRef
    Weak: URIRef
    InconclusiveStrength: URIRef
    # object properties
    treats: URIRef
    isTreatedBy: URIRef
    sufficientFor: URIRef
    helpfulFor: URIRef
    prevents: URIRef
    reducesDurationOf: URIRef
    resolvesWith: URIRef
    hedgedRelation: URIRef
    mayPrevent: URIRef
    mayReduceDurationOf: URIRef
    mayBeHelpfulFor: URIRef
    maySufficeFor: URIRef
    mayResolveWith: URIRef
    mayHaveFinding: URIRef
    concernsOutcome: URIRef
    toPrevent: URIRef
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
    hasStrength: URIRef
    reportedBy: URIRef
    supportedBy: URIRef
    summarisedIn: URIRef
    fromRecord: URIRef
    recordOf: URIRef
    # annotation properties
    statementSubject: URIRef
    statementPredicate: URIRef
    statementObject: URIRef
    evidenceType: URIRef
    derivedByRule: URIRef
    definitionSource: URIRef
    hedgeOf: URIRef
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
    wording: URIRef
    guidelineTitle: URIRef
    studyDesign: URIRef
    comparisonText: URIRef
    findingText: URIRef
    publicationYear: URIRef
    doi: URIRef
    pmid: URIRef
    recordText: URIRef
    recordLine: URIRef
    verificationNote: URIRef
    singleSecondarySource: URIRef
    # the evidence landscape (guideline positions, conditions, trial results)
    GuidanceDocument: URIRef
    TechnologyAppraisal: URIRef
    InterventionalProceduresGuidance: URIRef
    HealthTechnologyAssessment: URIRef
    FundingDecision: URIRef
    PositionStatement: URIRef
    TaskForceReport: URIRef
    AppropriatenessCriteria: URIRef
    Position: URIRef
    PositionDirection: URIRef
    DocumentStatus: URIRef
    Jurisdiction: URIRef
    PositionCondition: URIRef
    FractureAgeCondition: URIRef
    PatientAgeCondition: URIRef
    PriorTreatmentFailureCondition: URIRef
    PainSeverityCondition: URIRef
    PainLevelConfirmationCondition: URIRef
    ImagingFindingCondition: URIRef
    VariantExclusionCondition: URIRef
    FractureSiteCondition: URIRef
    PainSeverity: URIRef
    DiagnosticMethod: URIRef
    ImagingFinding: URIRef
    Blinding: URIRef
    ValueMark: URIRef
    NoBenefitShown: URIRef
    Draft: URIRef
    SeverePain: URIRef
    DoubleBlind: URIRef
    Blinded: URIRef
    OpenLabel: URIRef
    SingleSecondarySource: URIRef
    ThirdPartyCopy: URIRef
    DraftValue: URIRef
    scaleRank: URIRef
    statedIn: URIRef
    positionOn: URIRef
    positionDirection: URIRef
    hasCondition: URIRef
    publishedBy: URIRef
    documentStatus: URIRef
    jurisdiction: URIRef
    hasValueMark: URIRef
    bodyGrade: URIRef
    positionWording: URIRef
    populationText: URIRef
    conditionsText: URIRef
    documentIdentifier: URIRef
    conditionText: URIRef
    maxFractureAgeDays: URIRef
    minFractureAgeDays: URIRef
    limitInclusive: URIRef
    limitApproximate: URIRef
    limitExpression: URIRef
    minPatientAgeYears: URIRef
    minimumPainSeverity: URIRef
    confirmedBy: URIRef
    requiresFinding: URIRef
    excludesVariant: URIRef
    fractureSite: URIRef
    blinding: URIRef
    sampleSize: URIRef
    interventionArmSize: URIRef
    comparatorArmSize: URIRef
    primaryOutcome: URIRef
    effectEstimate: URIRef
    ciLower: URIRef
    ciUpper: URIRef
    pValue: URIRef
    pValueBelow: URIRef

    # curation assistant (vcf-kg curate): how a claim was made
    AgentType: URIRef
    ManualAgent: URIRef
    ManualValidationOfAutomatedAgent: URIRef
    agentType: URIRef


VCFR = Namespace(PREFIXES["vcfr"])  # curated entities (named individuals)
CLAIM = Namespace(PREFIXES["claim"])  # claim statement nodes
INFERRED = Namespace(PREFIXES["inferred"])  # statement nodes of rule-derived triples
SOURCE = Namespace(PREFIXES["source"])  # source publications and their sentences
RULE = Namespace(PREFIXES["rule"])  # derivation rules (queries/rules/*.rq)
DATASET = URIRef(BASE + "dataset")
OBO = Namespace(PREFIXES["obo"])
VOID = Namespace(PREFIXES["void"])


def expand(curie: str) -> URIRef:
    """Expand ``prefix:local`` to an rdflib IRI; raise ``KeyError`` for an unknown prefix."""
    return URIRef(expand_curie(curie))
