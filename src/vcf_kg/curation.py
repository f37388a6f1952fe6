"""Curated facts: loading data/*.tsv and checking every row against the ontology and the sources.

The ontology is the schema: a claim's predicate must be a declared property, its subject and object
must fall in the property's domain and range, a literal must parse as the property's datatype, and
every quote, qualifier and mention must occur verbatim in its source. All problems are collected and
reported together, each naming file, line and field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from .errors import CurationError, Problem
from .namespaces import CLAIM, PREFIXES, SOURCE, VCF, VCFR, expand, shorten
from .ontology import Ontology
from .paths import ProjectPaths
from .source_text import SourceText
from .tsv import Row, read_tsv

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
CLAIM_ID_PATTERN = re.compile(r"^[A-Z][0-9]{3,}$")

SOURCE_COLUMNS = ["id", "kind", "label", "path", "citation"]
ENTITY_COLUMNS = ["id", "types", "label", "alt_labels", "definition", "broader", "source", "mention", "definition_source",
                  "definition_quote"]
CURATOR = "curator"  # definition_source of a definition in the curator's own words
# Predicates whose object is an external identifier: it must be quoted from a verified reference table.
IDENTIFIER_PREDICATES = {VCF.doi, VCF.pmid, SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                         SKOS.relatedMatch}
CLAIM_COLUMNS = ["claim_id", "subject", "predicate", "object", "datatype", "modality", "qualifiers", "source", "quote", "evidence"]
OBO_TERM_COLUMNS = ["curie", "iri", "label", "definition", "release"]

# Parsers that decide whether a literal is a valid value of its XSD datatype.
def _non_negative_integer(text: str) -> None:
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError("expected a whole number >= 0")


def _decimal(text: str) -> None:
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise ValueError("expected a decimal number such as 0.19 or -1.17")


def _boolean(text: str) -> None:
    if text not in ("true", "false"):
        raise ValueError("expected true or false")


DATATYPE_CHECKS = {
    XSD.string: lambda text: None,
    XSD.boolean: _boolean,
    XSD.nonNegativeInteger: _non_negative_integer,
    XSD.decimal: _decimal,
    XSD.date: date.fromisoformat,
}


@dataclass(frozen=True)
class Source:
    id: str
    iri: URIRef
    kind: URIRef
    label: str
    text: SourceText
    citation: str
    row: Row


@dataclass(frozen=True)
class Entity:
    id: str
    iri: URIRef
    types: tuple[URIRef, ...]
    label: str
    alt_labels: tuple[str, ...]
    definition: str
    broader: URIRef | None
    source: str
    mention: str
    row: Row
    definition_source: str = CURATOR  # a source id whose words support the definition, or "curator"
    definition_quote: str = ""  # those words, verbatim

    @property
    def definition_from(self) -> URIRef:
        """The vcf:definitionSource value: the supporting source, or vcf:CuratorWording."""
        return VCF.CuratorWording if self.definition_source == CURATOR else SOURCE[self.definition_source]


@dataclass(frozen=True)
class Claim:
    id: str
    subject: URIRef
    predicate: URIRef
    object: URIRef | Literal
    modality: URIRef
    qualifiers: tuple[str, ...]
    source: str
    quote: str
    evidence: URIRef
    row: Row
    record: str | None = None  # id of the reference-table row it comes from
    marks: tuple[URIRef, ...] = ()  # vcf:ValueMark cautions on this one value (data/value-marks.tsv)

    @property
    def iri(self) -> URIRef:
        return CLAIM[self.id]


@dataclass(frozen=True)
class OboTerm:
    curie: str
    iri: URIRef
    label: str
    definition: str
    release: str


@dataclass(frozen=True)
class CuratedData:
    sources: dict[str, Source]
    entities: dict[str, Entity]
    claims: list[Claim]
    obo_terms: dict[URIRef, OboTerm]
    mappings: list = field(default_factory=list)  # references.Mapping rows, for the SSSOM export

    def row_of(self, iri: URIRef) -> Row | None:
        """The curated row an IRI comes from (entity, claim or source), for error messages."""
        for item in (*self.entities.values(), *self.claims, *self.sources.values()):
            if item.iri == iri:
                return item.row
        return None


def load_obo_terms(path: Path) -> dict[URIRef, OboTerm]:
    terms: dict[URIRef, OboTerm] = {}
    problems = []
    for row in read_tsv(path, OBO_TERM_COLUMNS):
        iri = URIRef(row["iri"])
        try:
            expected = expand(row["curie"])
        except KeyError:
            problems.append(row.problem("curie", f"unknown prefix in {row['curie']!r}"))
            continue
        if expected != iri:
            problems.append(row.problem("iri", f"{row['iri']} is not the OBO PURL of {row['curie']}"))
        terms[iri] = OboTerm(row["curie"], iri, row["label"], row["definition"], row["release"])
    if problems:
        raise CurationError(problems)
    return terms


class _Loader:
    """Collects problems across all files, so one run reports them all."""

    def __init__(self, paths: ProjectPaths, ontology: Ontology):
        self.paths = paths
        self.ontology = ontology
        self.problems: list[Problem] = []

    # -- sources ---------------------------------------------------------
    def sources(self) -> dict[str, Source]:
        out: dict[str, Source] = {}
        for row in read_tsv(self.paths.data / "sources.tsv", SOURCE_COLUMNS):
            if not ID_PATTERN.match(row["id"]):
                self.problems.append(row.problem("id", f"{row['id']!r} is not a valid id (letters and digits)"))
                continue
            kind = VCF._NS[row["kind"]]
            if kind not in self.ontology.classes:
                self.problems.append(row.problem("kind", f"unknown class vcf:{row['kind']}"))
            text_path = self.paths.home / row["path"]
            if not text_path.is_file():
                self.problems.append(row.problem("path", f"source text {row['path']} not found"))
                continue
            out[row["id"]] = Source(row["id"], SOURCE[row["id"]], kind, row["label"],
                                    SourceText.read(text_path), row["citation"], row)
        return out

    # -- entities --------------------------------------------------------
    def entities(self, sources: dict[str, Source]) -> dict[str, Entity]:
        rows = read_tsv(self.paths.data / "entities.tsv", ENTITY_COLUMNS)
        ids = {row["id"] for row in rows}
        out: dict[str, Entity] = {}
        for row in rows:
            ok = True
            if not ID_PATTERN.match(row["id"]):
                self.problems.append(row.problem("id", f"{row['id']!r} is not a valid id (letters and digits, starting with a letter)"))
                ok = False
            elif row["id"] in out:
                self.problems.append(row.problem("id", f"duplicate id {row['id']!r} (first at line {out[row['id']].row.line})"))
                ok = False
            types = []
            for name in filter(None, row["types"].split("|")):
                cls = VCF._NS[name.strip()]
                if cls not in self.ontology.classes:
                    self.problems.append(row.problem("types", f"unknown class vcf:{name.strip()}"))
                    ok = False
                types.append(cls)
            if not types:
                self.problems.append(row.problem("types", "an entity needs at least one class"))
                ok = False
            for fieldname in ("label", "definition"):
                if not row[fieldname]:
                    self.problems.append(row.problem(fieldname, f"empty {fieldname}"))
                    ok = False
            if row["broader"] and row["broader"] not in ids:
                self.problems.append(row.problem("broader", f"unknown entity {row['broader']!r}"))
                ok = False
            source = sources.get(row["source"])
            if source is None:
                self.problems.append(row.problem("source", f"unknown source {row['source']!r}"))
                ok = False
            elif not row["mention"] or source.text.locate(row["mention"]) is None:
                self.problems.append(row.problem("mention", f"{row['mention']!r} does not occur verbatim in {source.text.path.name}"))
                ok = False
            definition_source, definition_quote = row["definition_source"], row["definition_quote"]
            if definition_source == CURATOR:
                if definition_quote:
                    self.problems.append(row.problem("definition_quote", "a curator's definition quotes no source: "
                                                                         "leave definition_quote empty"))
                    ok = False
            elif definition_source not in sources:
                self.problems.append(row.problem("definition_source", f"{definition_source!r} is neither a source of "
                                                                      f"sources.tsv nor {CURATOR!r}"))
                ok = False
            elif not definition_quote or sources[definition_source].text.locate(definition_quote) is None:
                self.problems.append(row.problem("definition_quote", f"{definition_quote!r} does not occur verbatim in "
                                                                     f"{sources[definition_source].text.path.name}"))
                ok = False
            if ok:
                out[row["id"]] = Entity(
                    row["id"], VCFR[row["id"]], tuple(types), row["label"],
                    tuple(a.strip() for a in row["alt_labels"].split("|") if a.strip()),
                    row["definition"], VCFR[row["broader"]] if row["broader"] else None,
                    row["source"], row["mention"], row, definition_source, definition_quote)
        return out

    # -- claims ----------------------------------------------------------
    def _resolve(self, row: Row, fieldname: str, text: str, entities: dict[str, Entity],
                 sources: dict[str, Source]) -> tuple[URIRef, set[URIRef]] | None:
        """An entity id, source:ID or ontology CURIE -> (IRI, its classes)."""
        if text in entities:
            entity = entities[text]
            return entity.iri, set(entity.types)
        if text.startswith("source:") and text[len("source:"):] in sources:
            source = sources[text[len("source:"):]]
            return source.iri, {source.kind}
        if ":" in text:
            try:
                iri = expand(text)
            except KeyError:
                self.problems.append(row.problem(fieldname, f"unknown prefix in {text!r} (known: {', '.join(sorted(PREFIXES))})"))
                return None
            if iri in self.ontology.individuals or iri in self.ontology.classes:
                return iri, self.ontology.types_of(iri)
        self.problems.append(row.problem(fieldname, f"unknown entity {text!r} (not in entities.tsv, sources.tsv or the ontology)"))
        return None

    def _check_class(self, row: Row, fieldname: str, text: str, types: set[URIRef], expected: URIRef | None,
                     what: str, predicate: str) -> None:
        if expected is None or expected not in self.ontology.classes:
            return
        if not any(expected in self.ontology.superclasses(t) for t in types):
            self.problems.append(row.problem(
                fieldname, f"{text!r} is not a {self._curie(expected)}, the {what} of {predicate}"))

    @staticmethod
    def _curie(iri: URIRef) -> str:
        return shorten(str(iri))

    def claims(self, entities: dict[str, Entity], sources: dict[str, Source],
               obo_terms: dict[URIRef, OboTerm]) -> list[Claim]:
        rows = read_tsv(self.paths.data / "claims.tsv", CLAIM_COLUMNS)
        seen: dict[str, int] = {}
        out: list[Claim] = []
        for row in rows:
            claim_id = row["claim_id"]
            if not CLAIM_ID_PATTERN.match(claim_id):
                self.problems.append(row.problem("claim_id", f"{claim_id!r} is not a claim id like A001"))
            elif claim_id in seen:
                self.problems.append(row.problem("claim_id", f"duplicate claim id {claim_id!r} (first at line {seen[claim_id]})"))
            seen.setdefault(claim_id, row.line)
            claim = self.claim(row, dict(row.values), entities, sources, obo_terms)
            if claim is not None:
                out.append(claim)
        return out

    def claim(self, row: Row, values: dict[str, str], entities: dict[str, Entity], sources: dict[str, Source],
              obo_terms: dict[URIRef, OboTerm], fields: dict[str, str] | None = None,
              record: str | None = None) -> Claim | None:
        """Check one claim and return it, or record its problems and return None.

        ``values`` has the claims.tsv columns; ``fields`` renames them in error messages (a transform of a
        reference table names its own columns); ``record`` is the reference-table row it comes from.
        """
        onto = self.ontology
        field = (fields or {}).get
        before = len(self.problems)

        def problem(name: str, message: str) -> None:
            self.problems.append(row.problem(field(name, name), message))

        source = sources.get(values["source"])
        if source is None:
            problem("source", f"unknown source {values['source']!r}")
        quote = values["quote"]
        if not quote:
            problem("quote", "missing quote: every claim needs the verbatim words it rests on")
        elif source is not None and source.text.locate(quote) is None:
            problem("quote", f"not found verbatim in {source.text.path.name}: {quote!r}")
        qualifiers = tuple(q.strip() for q in values.get("qualifiers", "").split("|") if q.strip())
        for q in qualifiers:
            if q not in quote:
                problem("qualifiers", f"{q!r} does not occur in the claim's quote")

        modality = VCF._NS[values["modality"]] if values["modality"] else None
        if modality is None or not onto.is_a(modality, VCF.Modality):
            problem("modality", f"unknown modality {values['modality']!r} (one of the vcf:Modality individuals)")

        try:
            evidence = expand(values["evidence"])
        except KeyError:
            evidence = None
        if evidence is None or evidence not in obo_terms:
            problem("evidence", f"{values['evidence']!r} is not a term of data/reference/obo-terms.tsv")

        subject = self._resolve(row, field("subject", "subject"), values["subject"], entities, sources)
        predicate = None
        try:
            predicate = expand(values["predicate"])
        except KeyError:
            problem("predicate", f"unknown prefix in {values['predicate']!r}")
        obj = None
        if predicate is not None:
            obj = self._check_predicate_object(row, values, predicate, subject, entities, sources, field)
        if obj is not None and predicate in IDENTIFIER_PREDICATES:
            local = str(obj) if isinstance(obj, Literal) else values["object"].split(":", 1)[-1]
            if local not in quote or source is None or source.kind != VCF.ReferenceTable:
                problem("object", f"identifier {values['object']!r} must be quoted from a verified reference table")
        if predicate is not None and modality is not None and len(self.problems) == before:
            predicate = self._hedge(predicate, modality, values, problem)
        if len(self.problems) == before and subject and predicate is not None and obj is not None:
            return Claim(values["claim_id"], subject[0], predicate, obj, modality, qualifiers, values["source"],
                         quote, evidence, row, record)
        return None

    def _hedge(self, predicate: URIRef, modality: URIRef, values: dict[str, str], problem) -> URIRef | None:
        """The predicate of the claim's direct triple: a hedged claim ('may', 'in some cases') gets the hedged form
        of its property, so that a consumer of the plain triples cannot read it as an unconditional fact."""
        onto = self.ontology
        hedged = onto.is_a(modality, VCF.Hedge)
        if predicate in onto.hedged_properties:
            if not hedged and onto.graph.value(predicate, VCF.hedgeOf) is not None:
                problem("modality", f"{values['predicate']} is a hedged property: write its unhedged form with a "
                                    f"hedging modality ({values['modality']} is not a vcf:Hedge)")
                return None
            return predicate
        if not hedged:
            return predicate
        form = onto.hedged_form(predicate)
        if form is None:
            problem("modality", f"the claim is hedged ({values['modality']}) but {values['predicate']} has no hedged "
                                f"form: declare one in {onto.path.name} (a sub-property of vcf:hedgedRelation with "
                                f"vcf:hedgeOf {values['predicate']})")
        return form

    def _check_predicate_object(self, row: Row, values: dict[str, str], predicate: URIRef, subject,
                                entities, sources, field):
        onto = self.ontology
        pname = values["predicate"]
        datatype = values["datatype"]
        text = values["object"]

        def problem(name: str, message: str) -> None:
            self.problems.append(row.problem(field(name, name), message))

        if subject is not None and predicate != RDF.type:
            self._check_class(row, field("subject", "subject"), values["subject"], subject[1], onto.domain(predicate), "domain", pname)
        if predicate == RDF.type:
            target = self._resolve(row, field("object", "object"), text, entities, sources)
            if target and target[0] not in onto.classes:
                problem("object", f"{text!r} is not an ontology class")
                return None
            return target[0] if target else None
        if predicate in onto.object_properties:
            if datatype:
                problem("datatype", f"{pname} is an object property: its object is an entity, not a {datatype} literal")
                return None
            target = self._resolve(row, field("object", "object"), text, entities, sources)
            if target:
                self._check_class(row, field("object", "object"), text, target[1], onto.range(predicate), "range", pname)
                return target[0]
            return None
        if predicate in onto.annotation_properties and not datatype:
            try:  # an annotation whose value is an IRI (e.g. a skos mapping to an external vocabulary)
                return expand(text)
            except KeyError:
                problem("object", f"{text!r} is not a CURIE with a known prefix")
                return None
        if predicate in onto.datatype_properties or predicate in onto.annotation_properties:
            expected = onto.range(predicate)
            if not datatype:
                problem("datatype", f"{pname} takes a literal: give its datatype (e.g. {self._curie(expected) if expected else 'xsd:string'})")
                return None
            try:
                dt = expand(datatype)
            except KeyError:
                problem("datatype", f"unknown prefix in {datatype!r}")
                return None
            if expected is not None and dt != expected:
                problem("datatype", f"{pname} takes {self._curie(expected)}, not {datatype}")
                return None
            check = DATATYPE_CHECKS.get(dt)
            if check is None:
                problem("datatype", f"unsupported datatype {datatype} (supported: {', '.join(self._curie(d) for d in DATATYPE_CHECKS)})")
                return None
            try:
                check(text)
            except ValueError as exc:
                problem("object", f"{text!r} is not a valid {datatype}: {exc}")
                return None
            return Literal(text, datatype=dt)
        problem("predicate", f"unknown property {pname!r}: not declared in {onto.path.name}")
        return None


def load_curated(paths: ProjectPaths, ontology: Ontology) -> CuratedData:
    """Load and check every curated file; raise CurationError listing all problems."""
    loader = _Loader(paths, ontology)
    obo_terms = load_obo_terms(paths.reference / "obo-terms.tsv")
    sources = loader.sources()
    entities = loader.entities(sources)
    claims = loader.claims(entities, sources, obo_terms)
    from .references import load_references

    references = load_references(loader, entities, sources, obo_terms)
    if loader.problems:
        raise CurationError(loader.problems)
    return CuratedData(sources, entities, claims + references.claims, obo_terms, references.mappings)
