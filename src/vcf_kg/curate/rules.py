"""The assistant's rule tables (rules/*.tsv), loaded and checked against the ontology.

A rule names only predicates and classes that ontology/vcf.ttl declares, so the assistant can only
propose what the graph can hold; a wrong row is reported as rules/FILE:LINE: field '...'.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF, XSD

from ..errors import CurationError, Problem
from ..namespaces import VCF, expand
from ..ontology import Ontology
from ..tsv import read_tsv

RULES = Path(__file__).with_name("rules")
ARRANGEMENTS = {"clause", "nearest", "after", "inside", "inside-before", "inside-after", "within-after",
                "after-pair", "value", "literal"}
FALLBACKS = {"-", "subject:topic", "object:topic-condition"}
LITERAL_TYPES = {XSD.nonNegativeInteger, XSD.date, XSD.string}


@dataclass(frozen=True)
class RelationRule:
    line: int
    predicate: str  # CURIE as claims.tsv writes it
    subject: str  # class CURIE or 'source'
    subject_class: URIRef | None
    object: str  # class CURIE, value CURIE or datatype CURIE
    object_iri: URIRef
    trigger: re.Pattern | None
    arrangement: str
    fallback: str
    negated: str  # 'withhold' or a value CURIE
    modality: str  # 'cues' or a vcf:Modality local name
    confidence: float
    new_object: bool = False  # an unlinked noun phrase after the trigger may fill the object slot

    @property
    def literal(self) -> bool:
        return self.arrangement == "literal"


@dataclass(frozen=True)
class Anaphor:
    pattern: re.Pattern
    refers_to: str  # topic | preceding-treatments


@dataclass(frozen=True)
class HeadRule:
    cls: str  # vcf class local name
    kind: str  # word | suffix
    value: str


@dataclass(frozen=True)
class RuleSet:
    relations: list[RelationRule]
    anaphors: list[Anaphor]
    heads: list[HeadRule]
    modalities: dict[str, tuple[str, int]]  # cue category -> (vcf modality, rank)
    cues_path: Path


def _regex(row, field: str, problems: list[Problem]) -> re.Pattern | None:
    if not row[field]:
        return None
    try:
        return re.compile(row[field], re.IGNORECASE)
    except re.error as exc:
        problems.append(row.problem(field, f"not a valid regular expression: {exc}"))
        return None


def load_rules(ontology: Ontology, directory: Path = RULES) -> RuleSet:
    problems: list[Problem] = []

    def curie(row, field: str) -> URIRef | None:
        try:
            return expand(row[field])
        except KeyError:
            problems.append(row.problem(field, f"unknown prefix in {row[field]!r}"))
            return None

    relations = []
    for row in read_tsv(directory / "relations.tsv", ["predicate", "subject", "object", "trigger", "arrangement",
                                                       "fallback", "negated", "modality", "confidence", "new_object"]):
        predicate = curie(row, "predicate")
        if predicate is not None and predicate != RDF.type and predicate not in (
                ontology.object_properties | ontology.datatype_properties | ontology.annotation_properties):
            problems.append(row.problem("predicate", f"{row['predicate']} is not a property of {ontology.path.name}"))
        subject_class = None
        if row["subject"] != "source":
            subject_class = curie(row, "subject")
            if subject_class is not None and subject_class not in ontology.classes:
                problems.append(row.problem("subject", f"{row['subject']} is not a class of {ontology.path.name}"))
        obj = curie(row, "object")
        if obj is not None:
            if row["arrangement"] == "literal":
                if obj not in LITERAL_TYPES:
                    problems.append(row.problem("object", f"{row['object']} is not a supported literal datatype"))
            elif row["arrangement"] == "value":
                if obj not in ontology.individuals and obj not in ontology.classes:
                    problems.append(row.problem("object", f"{row['object']} is not an individual or class of the ontology"))
            elif obj not in ontology.classes:
                problems.append(row.problem("object", f"{row['object']} is not a class of {ontology.path.name}"))
        if row["new_object"] not in ("yes", "-"):
            problems.append(row.problem("new_object", f"{row['new_object']!r} is not yes or -"))
        if row["arrangement"] not in ARRANGEMENTS:
            problems.append(row.problem("arrangement", f"{row['arrangement']!r} is not one of {', '.join(sorted(ARRANGEMENTS))}"))
        if row["fallback"] not in FALLBACKS:
            problems.append(row.problem("fallback", f"{row['fallback']!r} is not one of {', '.join(sorted(FALLBACKS))}"))
        if row["negated"] != "withhold":
            value = curie(row, "negated")
            if value is not None and value not in ontology.individuals:
                problems.append(row.problem("negated", f"{row['negated']} is not 'withhold' or an ontology individual"))
        if row["modality"] != "cues" and VCF._NS[row["modality"]] not in ontology.individuals:
            problems.append(row.problem("modality", f"{row['modality']!r} is not 'cues' or a vcf:Modality"))
        trigger = _regex(row, "trigger", problems)
        if row["arrangement"] == "literal" and (trigger is None or "value" not in trigger.groupindex):
            problems.append(row.problem("trigger", "a literal pattern needs a (?P<value>...) group"))
        try:
            confidence = float(row["confidence"])
        except ValueError:
            problems.append(row.problem("confidence", f"{row['confidence']!r} is not a number"))
            confidence = 0.0
        if predicate is not None and obj is not None:
            relations.append(RelationRule(row.line, row["predicate"], row["subject"], subject_class, row["object"], obj,
                                          trigger, row["arrangement"], row["fallback"], row["negated"],
                                          row["modality"], confidence, row["new_object"] == "yes"))

    anaphors = []
    for row in read_tsv(directory / "anaphors.tsv", ["pattern", "refers_to"]):
        pattern = _regex(row, "pattern", problems)
        if row["refers_to"] not in ("topic", "preceding-treatments"):
            problems.append(row.problem("refers_to", f"{row['refers_to']!r} is not topic or preceding-treatments"))
        elif pattern is not None:
            anaphors.append(Anaphor(pattern, row["refers_to"]))

    heads = []
    for row in read_tsv(directory / "entity-heads.tsv", ["class", "kind", "value"]):
        if VCF._NS[row["class"]] not in ontology.classes:
            problems.append(row.problem("class", f"vcf:{row['class']} is not a class of {ontology.path.name}"))
        if row["kind"] not in ("word", "suffix"):
            problems.append(row.problem("kind", f"{row['kind']!r} is not word or suffix"))
        heads.append(HeadRule(row["class"], row["kind"], row["value"].lower()))

    modalities = {}
    for row in read_tsv(directory / "modalities.tsv", ["category", "modality", "rank"]):
        if VCF._NS[row["modality"]] not in ontology.individuals:
            problems.append(row.problem("modality", f"vcf:{row['modality']} is not a vcf:Modality"))
        modalities[row["category"]] = (row["modality"], int(row["rank"]) if row["rank"].isdigit() else 99)
    if problems:
        raise CurationError(problems)
    return RuleSet(relations, anaphors, heads, modalities, directory / "cues.tsv")
