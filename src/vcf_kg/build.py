"""Build: ontology + curated facts -> one RDF graph, with rule-derived triples and a counts gate.

Flow: load and check curated data (curation.py) -> assemble triples -> materialise the documented
SPARQL CONSTRUCT rules of queries/rules/ -> keep that as the asserted ("base") graph -> materialise the
entailed types and super-properties (the "full" graph, so that `?x a C` finds every instance of C) ->
count and gate. Writing the release is release.py's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DCTERMS

from .curation import CuratedData, load_curated
from .errors import BuildError, CurationError, Problem
from .namespaces import PREFIXES, RULE, SOURCE, VCF, VCFR, shorten
from .ontology import Ontology
from .paths import ProjectPaths
from .tsv import read_tsv


BASE_FILE = "vcf-kg-base.nt"  # the asserted triples only (OBO's "base" product); the other formats are "full"


@dataclass
class BuildResult:
    graph: Graph  # full: asserted + rule-derived + entailed types and super-properties
    curated: CuratedData
    ontology: Ontology
    counts: dict[str, int]
    version: str
    base: Graph | None = None  # asserted + rule-derived (with their vcf:InferredStatement), no entailed triples


def sentence_iri(source_id: str, number: int) -> URIRef:
    return SOURCE[f"{source_id}/s{number:02d}"]


def _label(graph: Graph, iri) -> str:
    if isinstance(iri, Literal):
        return str(iri)
    value = graph.value(iri, RDFS.label)
    return str(value) if value is not None else shorten(str(iri))


SINGLE_SOURCE_MARKERS = ("SINGLE secondary source", "single-source", "unverified")


def _record(g: Graph, source, claim) -> URIRef:
    """The vcf:SourceRecord node of the reference-table row a claim comes from."""
    iri = SOURCE[f"{source.id}/{claim.record}"]
    if (iri, RDF.type, VCF.SourceRecord) not in g:
        row = claim.row
        g.add((iri, RDF.type, OWL.NamedIndividual))
        g.add((iri, RDF.type, VCF.SourceRecord))
        g.add((iri, RDFS.label, Literal(f"{source.id} record {claim.record}", lang="en")))
        g.add((iri, VCF.recordOf, source.iri))
        g.add((iri, VCF.recordText, Literal(row.text)))
        g.add((iri, VCF.recordLine, Literal(row.line, datatype=XSD.nonNegativeInteger)))
        note = row.values.get("evidence", "")
        if note:
            g.add((iri, VCF.verificationNote, Literal(note)))
        flagged = any(marker in note for marker in SINGLE_SOURCE_MARKERS)
        g.add((iri, VCF.singleSecondarySource, Literal(flagged)))
    return iri


def assemble(curated: CuratedData, ontology: Ontology) -> Graph:
    """Every asserted triple: the ontology, sources and sentences, entities, claims."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        if prefix not in {"RO", "BFO", "ECO"}:
            g.bind(prefix, ns, override=True)
    g += ontology.graph

    for source in curated.sources.values():
        g.add((source.iri, RDF.type, OWL.NamedIndividual))
        g.add((source.iri, RDF.type, source.kind))
        g.add((source.iri, RDFS.label, Literal(source.label, lang="en")))
        g.add((source.iri, DCTERMS.bibliographicCitation, Literal(source.citation)))
        if source.kind == VCF.ReferenceTable:
            continue  # its rows become vcf:SourceRecord nodes as claims cite them
        for sentence in source.text.sentences:
            s = sentence_iri(source.id, sentence.number)
            g.add((s, RDF.type, OWL.NamedIndividual))
            g.add((s, RDF.type, VCF.SourceSentence))
            g.add((s, RDFS.label, Literal(f"{source.id} sentence {sentence.number}", lang="en")))
            g.add((s, VCF.sentenceOf, source.iri))
            g.add((s, VCF.sentenceNumber, Literal(sentence.number, datatype=XSD.nonNegativeInteger)))
            g.add((s, VCF.sentenceText, Literal(sentence.text)))

    for entity in curated.entities.values():
        g.add((entity.iri, RDF.type, OWL.NamedIndividual))
        for cls in entity.types:
            g.add((entity.iri, RDF.type, cls))
        g.add((entity.iri, RDFS.label, Literal(entity.label, lang="en")))
        for alt in entity.alt_labels:
            g.add((entity.iri, SKOS.altLabel, Literal(alt, lang="en")))
        g.add((entity.iri, SKOS.definition, Literal(entity.definition, lang="en")))
        g.add((entity.iri, VCF.definitionSource, entity.definition_from))
        if entity.broader is not None:
            g.add((entity.iri, SKOS.broader, entity.broader))

    used_evidence = set()
    for claim in curated.claims:
        g.add((claim.subject, claim.predicate, claim.object))
        node = claim.iri
        source = curated.sources[claim.source]
        start, end = source.text.locate(claim.quote)
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDF.type, VCF.Claim))
        g.add((node, RDFS.label, Literal(
            f"claim {claim.id}: {_label(g, claim.subject)} {_label(g, claim.predicate)} {_label(g, claim.object)}", lang="en")))
        g.add((node, VCF.statementSubject, claim.subject))
        g.add((node, VCF.statementPredicate, claim.predicate))
        g.add((node, VCF.statementObject, claim.object))
        g.add((node, VCF.hasModality, claim.modality))
        for q in claim.qualifiers:
            g.add((node, VCF.qualifierText, Literal(q)))
        g.add((node, VCF.quote, Literal(claim.quote)))
        g.add((node, VCF.quoteStart, Literal(start, datatype=XSD.nonNegativeInteger)))
        g.add((node, VCF.quoteEnd, Literal(end, datatype=XSD.nonNegativeInteger)))
        g.add((node, PROV.wasQuotedFrom, source.iri))
        if source.kind == VCF.ReferenceTable:
            if claim.record is not None:
                g.add((node, VCF.fromRecord, _record(g, source, claim)))
        else:
            sentence = source.text.sentence_at(start)
            g.add((node, VCF.fromSentence, sentence_iri(source.id, sentence.number)))
        g.add((node, VCF.evidenceType, claim.evidence))
        for mark in claim.marks:
            g.add((node, VCF.hasValueMark, mark))
        used_evidence.add(claim.evidence)

    from .references import external_label_triples

    for triple in external_label_triples(curated.mappings):
        g.add(triple)

    for iri in sorted(used_evidence):
        term = curated.obo_terms[iri]
        g.add((iri, RDFS.label, Literal(term.label, lang="en")))
        g.add((iri, SKOS.definition, Literal(term.definition, lang="en")))
        g.add((iri, DCTERMS.source, Literal(term.release)))
    return g


def rule_files(paths: ProjectPaths) -> list[Path]:
    return sorted((paths.queries / "rules").glob("*.rq"))


def apply_rules(graph: Graph, paths: ProjectPaths) -> int:
    """Materialise every CONSTRUCT rule until nothing new is derived. Returns triples added."""
    from .queries import NamedQuery

    rules = [NamedQuery.read(p) for p in rule_files(paths)]
    added = 0
    while True:
        new = set()
        for rule in rules:
            rule_iri = RULE[rule.name]
            graph.add((rule_iri, RDFS.label, Literal(rule.title, lang="en")))
            graph.add((rule_iri, RDFS.comment, Literal(rule.summary, lang="en")))
            for triple in graph.query(rule.text, initNs=PREFIXES):
                if triple not in graph:
                    new.add(triple)
        if not new:
            return added
        for triple in new:
            graph.add(triple)
        added += len(new)


def materialise_closure(graph: Graph, ontology: Ontology) -> int:
    """Add what the ontology entails for the graph's individuals, as an OWL reasoner would: every superclass
    of each type (rdfs:subClassOf*), the type a property's rdfs:domain / rdfs:range gives, and each triple
    again with every super-property (rdfs:subPropertyOf*). Ontology terms themselves are left as they are.
    Returns the number of triples added."""
    onto = ontology.graph
    superclasses = {c: set(onto.transitive_objects(c, RDFS.subClassOf)) for c in ontology.classes}
    properties = ontology.object_properties | ontology.datatype_properties
    superproperties = {p: set(onto.transitive_objects(p, RDFS.subPropertyOf)) - {p} for p in properties}
    domains = {p: onto.value(p, RDFS.domain) for p in properties if onto.value(p, RDFS.domain) is not None}
    ranges = {p: onto.value(p, RDFS.range) for p in ontology.object_properties
              if onto.value(p, RDFS.range) is not None}
    terms = ontology.classes | properties | ontology.annotation_properties
    added = 0
    pending = list(graph)
    while pending:
        new = set()
        for s, p, o in pending:
            if s in terms:
                continue
            types = []
            if p == RDF.type and o in superclasses:
                types.append((s, o))
            for q in superproperties.get(p, ()):
                new.add((s, q, o))
            if p in domains:
                types.append((s, domains[p]))
            if p in ranges and isinstance(o, URIRef) and o not in terms:
                types.append((o, ranges[p]))
            for individual, cls in types:
                for c in superclasses.get(cls, {cls}):
                    new.add((individual, RDF.type, c))
        pending = [t for t in new if t not in graph]
        for t in pending:
            graph.add(t)
        added += len(pending)
    return added


def count(graph: Graph, ontology: Ontology) -> dict[str, int]:
    counts = {"triples": len(graph),
              "claims": len(set(graph.subjects(RDF.type, VCF.Claim))),
              "inferred": len(set(graph.subjects(RDF.type, VCF.InferredStatement))),
              "entities": len({s for s in graph.subjects(RDF.type, OWL.NamedIndividual)
                               if str(s).startswith(str(VCFR))})}
    sub = {}
    for cls in ontology.classes:
        if str(cls).startswith(str(VCF._NS)):
            sub[cls] = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    for cls, subclasses in sub.items():
        members = set()
        for c in subclasses:
            members.update(graph.subjects(RDF.type, c))
        counts[shorten(str(cls))] = len(members)
    return dict(sorted(counts.items()))


def check_minimums(counts: dict[str, int], paths: ProjectPaths) -> None:
    path = paths.data / "build-minimums.tsv"
    failures = []
    for row in read_tsv(path, ["kind", "minimum"]):
        if row["kind"] not in counts:
            raise CurationError([row.problem("kind", f"unknown count {row['kind']!r} (known: {', '.join(counts)})")])
        try:
            minimum = int(row["minimum"])
        except ValueError:
            raise CurationError([row.problem("minimum", f"{row['minimum']!r} is not a whole number")])
        if counts[row["kind"]] < minimum:
            failures.append(f"{row['kind']}: built {counts[row['kind']]}, minimum {minimum} ({path.name}:{row.line})")
    if failures:
        raise BuildError("the built graph is smaller than expected:\n  " + "\n  ".join(failures))


def ontology_version(ontology: Ontology) -> str:
    from .namespaces import ONTOLOGY_IRI

    version = ontology.graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    if version is None:
        raise CurationError([Problem(ontology.path, None, "owl:versionInfo", "the ontology has no version")])
    return str(version)


def build_graph(paths: ProjectPaths) -> BuildResult:
    """Everything up to (not including) writing files: raises on any bad input or failed gate."""
    ontology = Ontology.load(paths.ontology)
    version = ontology_version(ontology)
    curated = load_curated(paths, ontology)
    graph = assemble(curated, ontology)
    from .curate.provenance import add_agent_types

    add_agent_types(graph, curated, paths)  # who made each claim: a curator, or the assistant and a curator
    apply_rules(graph, paths)
    base = Graph()
    base += graph
    materialise_closure(graph, ontology)
    from .references import external_identifier_problems

    unverified = external_identifier_problems(graph, curated.sources)
    if unverified:
        raise BuildError("identifiers not found in any verified reference table:\n  " + "\n  ".join(unverified))
    counts = count(graph, ontology)
    check_minimums(counts, paths)
    return BuildResult(graph, curated, ontology, counts, version, base)
