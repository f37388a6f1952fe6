"""Transforms of the verified reference tables (data/reference/*.tsv) into entities and claims.

One function per table, Monarch-ingest style: the facts come from the table's rows as they are (an
empty cell stays empty), the links from a row to the graph's entities come from a curated link file
(data/*-links.tsv), and every claim keeps the row it came from (a vcf:SourceRecord) as provenance.
Rows are checked: unknown interventions, malformed DOIs / PMIDs / CURIEs, mapping predicates outside
SKOS, and ICD-10-CM codes or HPO ids that the offline packages do not know are errors naming the
file, line and field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rdflib import URIRef

from .errors import Problem
from .namespaces import VCF, VCFR
from .prefixes import PREFIXES
from .tsv import Row, read_tsv

if TYPE_CHECKING:
    from .curation import Claim, Entity, OboTerm, Source, _Loader

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,8}$")
YEAR_PATTERN = re.compile(r"^(19|20)[0-9]{2}$")
CURIE_PATTERNS = {  # local-id patterns as bioregistry records them
    "ICD10CM": re.compile(r"^([A-Z][0-9][0-9AB]((-[A-Z][0-9][0-9AB])|(\.[0-9A-KXZ]([0-9A-EXYZ]([0-9A-HX][0-59A-HJKMNP-S]?)?)?)?))$"),
    "HP": re.compile(r"^[0-9]{7}$"),
    "MESH": re.compile(r"^(C|D|Q)[0-9]+$"),
    "wikidata": re.compile(r"^Q[0-9]+$"),
    "SNOMEDCT": re.compile(r"^[0-9]{6,18}$"),
}
SKOS_MAPPING_PREDICATES = {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"}
DIRECTIONS = {"for": "vcf:For", "for (option)": "vcf:Option", "against": "vcf:Against", "inconclusive": "vcf:Inconclusive"}
STRENGTHS = {"Strong": "vcf:Strong", "Moderate": "vcf:Moderate", "Weak": "vcf:Weak", "Inconclusive": "vcf:InconclusiveStrength"}

IMPORTED = "ECO:0000311"  # imported information
CURATOR_INFERENCE = "ECO:0000305"  # curator inference used in manual assertion
CLINICAL_STUDY = "ECO:0007121"  # clinical study evidence used in manual assertion

GUIDELINE_COLUMNS = ["rec_id", "intervention", "direction", "strength", "text", "evidence"]
STUDY_COLUMNS = ["study_id", "short_name", "year", "design", "comparison", "finding", "pmid", "doi", "evidence"]
MAPPING_COLUMNS = ["subject_label", "predicate", "object_id", "object_label", "mapping_justification", "evidence"]


@dataclass
class Mapping:
    """One row of the SSSOM export."""

    subject: URIRef
    subject_label: str
    predicate: str
    object_id: str
    object_label: str
    justification: str
    comment: str


@dataclass
class ReferenceData:
    entities: list["Entity"] = field(default_factory=list)
    claims: list["Claim"] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)


class _Transform:
    """Shared machinery: link files, new entities, claims through the loader's checks."""

    def __init__(self, loader: "_Loader", entities: dict[str, "Entity"], sources: dict[str, "Source"],
                 obo_terms: dict[URIRef, "OboTerm"], out: ReferenceData):
        self.loader = loader
        self.entities = entities
        self.sources = sources
        self.obo_terms = obo_terms
        self.out = out
        self.marks = _value_marks(loader, sources)

    def problem(self, row: Row, fieldname: str | None, message: str) -> None:
        self.loader.problems.append(row.problem(fieldname, message))

    def linked_rows(self, path, columns: list[str], key: str, link_file: str, link_columns: list[str]):
        """(row, link) for every row of a reference table that its link file links; a row without a link,
        or a link without a row, is a problem naming its file and line."""
        links = {row[key]: row for row in read_tsv(self.loader.paths.data / link_file, [key, *link_columns])}
        seen = set()
        for row in read_tsv(path, columns):
            seen.add(row[key])
            link = links.get(row[key])
            if link is None:
                self.problem(row, key, f"no link for {row[key]!r} in data/{link_file}")
                continue
            yield row, link
        for value, link in links.items():
            if value not in seen:
                self.problem(link, key, f"{value!r} is not a row of {path.name}")

    def entity(self, row: Row, eid: str, types: list[str], label: str, definition: str, source: str,
               mention: str, fieldname: str) -> None:
        """A new entity made from a reference row (unless entities.tsv already curates it)."""
        from .curation import ID_PATTERN, Entity

        if eid in self.entities:
            return
        if not ID_PATTERN.match(eid):
            self.problem(row, fieldname, f"{eid!r} is not a valid entity id")
            return
        classes = []
        for name in types:
            cls = VCF._NS[name]
            if cls not in self.loader.ontology.classes:
                self.problem(row, fieldname, f"unknown class vcf:{name}")
                return
            classes.append(cls)
        # its definition is made from the row's own cells: the table is its source
        entity = Entity(eid, VCFR[eid], tuple(classes), label, (), definition, None, source, mention, row, source)
        self.entities[eid] = entity
        self.out.entities.append(entity)

    def claim(self, row: Row, record: str, n: int, subject: str, predicate: str, obj: str, quote: str,
              source: str, fields: dict[str, str], datatype: str = "", evidence: str = IMPORTED) -> None:
        values = {"claim_id": f"{source}-{record}-{n:02d}", "subject": subject, "predicate": predicate,
                  "object": obj, "datatype": datatype, "modality": "Asserted", "qualifiers": "",
                  "source": source, "quote": quote, "evidence": evidence}
        claim = self.loader.claim(row, values, self.entities, self.sources, self.obo_terms, fields, record)
        if claim is not None:
            row_marks = self.marks.get((source, record), {})
            column = fields.get("object") or fields.get("quote")
            marks = tuple(sorted(set(row_marks.get(column, ()) + row_marks.get("*", ()))))
            self.out.claims.append(replace(claim, marks=marks) if marks else claim)

    def known(self, link: Row, fieldname: str, ids: list[str]) -> bool:
        unknown = [i for i in ids if i not in self.entities]
        for i in unknown:
            self.problem(link, fieldname, f"unknown entity {i!r} (not in entities.tsv)")
        return not unknown


VALUE_MARK_COLUMNS = ["source", "record", "column", "mark", "note"]


def _value_marks(loader: "_Loader", sources) -> dict[tuple[str, str], dict[str, tuple[URIRef, ...]]]:
    """data/value-marks.tsv: the cautions a reference table's own notes put on single values (a PMID seen in one
    secondary source, a rating seen on a third-party copy, a draft's wording). ``note`` must quote the table."""
    path = loader.paths.data / "value-marks.tsv"
    out: dict[tuple[str, str], dict[str, tuple[URIRef, ...]]] = {}
    if not path.exists():
        return out
    for row in read_tsv(path, VALUE_MARK_COLUMNS):
        source = sources.get(row["source"])
        if source is None or source.kind != VCF.ReferenceTable:
            loader.problems.append(row.problem("source", f"{row['source']!r} is not a reference table of sources.tsv"))
            continue
        mark = VCF._NS[row["mark"]]
        if VCF.ValueMark not in loader.ontology.types_of(mark):
            loader.problems.append(row.problem("mark", f"unknown value mark {row['mark']!r} (a vcf:ValueMark individual)"))
            continue
        if not row["note"] or source.text.locate(row["note"]) is None:
            loader.problems.append(row.problem("note", f"not found verbatim in {source.text.path.name}: {row['note']!r}"))
            continue
        if f"\n{row['record']}\t" not in "\n" + source.text.text:
            loader.problems.append(row.problem("record", f"{row['record']!r} is not a row of {source.text.path.name}"))
            continue
        columns = out.setdefault((row["source"], row["record"]), {})
        columns[row["column"]] = columns.get(row["column"], ()) + (mark,)
    return out


def guideline(t: _Transform, source: str = "aaos2010") -> None:
    """AAOS 2010 recommendations: each row a recommendation with its interventions, direction, strength, wording."""
    path = t.sources[source].text.path
    for row, link in t.linked_rows(path, GUIDELINE_COLUMNS, "rec_id", "guideline-links.tsv",
                                   ["entity", "interventions", "applies_when", "to_prevent"]):
        rec_id = row["rec_id"]
        if row["direction"] not in DIRECTIONS:
            t.problem(row, "direction", f"unknown direction {row['direction']!r} (one of {', '.join(DIRECTIONS)})")
            continue
        if row["strength"] not in STRENGTHS:
            t.problem(row, "strength", f"unknown strength {row['strength']!r} (one of {', '.join(STRENGTHS)})")
            continue
        interventions = [i for i in link["interventions"].split("|") if i]
        criterion, purpose = link["applies_when"], link["to_prevent"]
        if not interventions:
            t.problem(link, "interventions", "a recommendation needs at least one intervention")
            continue
        if (not t.known(link, "interventions", interventions) or (criterion and not t.known(link, "applies_when", [criterion]))
                or (purpose and not t.known(link, "to_prevent", [purpose]))):
            continue
        rec = link["entity"]
        wording = row["text"]
        t.entity(row, rec, ["Recommendation"], f"AAOS 2010 recommendation on {row['intervention']}",
                 wording or f"The AAOS 2010 guideline's recommendation on {row['intervention']} "
                            f"({row['direction']}, {row['strength']}); its wording was not retrieved.",
                 source, rec_id, "rec_id")
        fields = {"subject": "rec_id", "object": "intervention", "quote": "rec_id"}
        n = 1
        t.claim(row, rec_id, n, "AAOSGuideline", "vcf:hasRecommendation", rec, rec_id, source, fields)
        # The wording, where retrieved, is the verbatim evidence for what the recommendation concerns and its
        # direction; otherwise the table's own cells are.
        for intervention in interventions:
            n += 1
            # A topic that is an outcome (improvement of kyphosis angle) is not an intervention.
            outcome = VCF.TreatmentOutcome in t.entities[intervention].types
            t.claim(row, rec_id, n, rec, "vcf:concernsOutcome" if outcome else "vcf:concernsIntervention", intervention,
                    wording or row["intervention"],
                    source, {**fields, "quote": "text" if wording else "intervention"})
        n += 1
        t.claim(row, rec_id, n, rec, "vcf:hasDirection", DIRECTIONS[row["direction"]], wording or row["direction"],
                source, {**fields, "object": "direction", "quote": "text" if wording else "direction"})
        n += 1
        t.claim(row, rec_id, n, rec, "vcf:hasStrength", STRENGTHS[row["strength"]], row["strength"], source,
                {**fields, "object": "strength", "quote": "strength"})
        if wording:
            n += 1
            t.claim(row, rec_id, n, rec, "vcf:wording", wording, wording, source,
                    {**fields, "object": "text", "quote": "text"}, datatype="xsd:string")
        if criterion:
            n += 1
            t.claim(row, rec_id, n, rec, "vcf:appliesWhen", criterion, wording or row["intervention"], source,
                    {**fields, "object": "text" if wording else "intervention", "quote": "text" if wording else "intervention"})
        if purpose:  # the row's purpose ("to prevent additional symptomatic fractures")
            n += 1
            t.claim(row, rec_id, n, rec, "vcf:toPrevent", purpose, wording or row["intervention"], source,
                    {**fields, "object": "text" if wording else "intervention", "quote": "text" if wording else "intervention"})
        # the body's own grade, verbatim, as every body's position has it (claim numbered last: older ids stay stable)
        n += 1
        t.claim(row, rec_id, n, rec, "vcf:bodyGrade", row["strength"], row["strength"], source,
                {**fields, "object": "strength", "quote": "strength"}, datatype="xsd:string")


def studies(t: _Transform, source: str = "studies") -> None:
    """Trials, reviews and the guideline summary: design, comparison, finding, year, DOI, PMID, and results."""
    path = t.sources[source].text.path
    for row, link in t.linked_rows(path, STUDY_COLUMNS, "study_id", "study-links.tsv",
                                   ["entity", "types", "intervention", "comparator", "finding", "supports", "guideline"]):
        sid = row["study_id"]
        bad = False
        for name, pattern in (("year", YEAR_PATTERN), ("pmid", PMID_PATTERN), ("doi", DOI_PATTERN)):
            if row[name] and not pattern.match(row[name]):
                t.problem(row, name, f"malformed {name.upper() if name != 'year' else 'year'} {row[name]!r}")
                bad = True
        linked = [link[c] for c in ("intervention", "comparator", "supports", "guideline") if link[c]]
        if bad or not t.known(link, "entity links", linked):
            continue
        pub = link["entity"]
        types = [x for x in link["types"].split("|") if x]
        t.entity(row, pub, types, f"{row['short_name']} ({row['year']})",
                 f"{row['design']}: {row['comparison']}.", source, sid, "study_id")
        fields = {"subject": "study_id", "quote": "study_id"}
        n = 0
        for predicate, column, datatype in (("vcf:studyDesign", "design", "xsd:string"),
                                            ("vcf:comparisonText", "comparison", "xsd:string"),
                                            ("vcf:findingText", "finding", "xsd:string"),
                                            ("vcf:publicationYear", "year", "xsd:nonNegativeInteger"),
                                            ("vcf:pmid", "pmid", "xsd:string"),
                                            ("vcf:doi", "doi", "xsd:string")):
            if row[column]:  # an empty cell stays empty
                n += 1
                t.claim(row, sid, n, pub, predicate, row[column], row[column], source,
                        {**fields, "object": column, "quote": column}, datatype=datatype)
        if link["guideline"]:
            n += 1
            t.claim(row, sid, n, link["guideline"], "vcf:summarisedIn", pub, row["short_name"], source,
                    {**fields, "quote": "short_name"})
        if link["intervention"] and link["comparator"]:
            result = f"{pub}Result"
            t.entity(row, result, ["EvidenceStatement"], f"result of {row['short_name']} ({row['year']})",
                     row["finding"] or row["comparison"], source, sid, "study_id")
            cmp_fields = {**fields, "quote": "comparison"}
            for predicate, obj, quote, flds, evidence in (
                    ("vcf:reportedBy", pub, sid, fields, IMPORTED),
                    ("vcf:evaluates", link["intervention"], row["comparison"], cmp_fields, CURATOR_INFERENCE),
                    ("vcf:comparator", link["comparator"], row["comparison"], cmp_fields, CURATOR_INFERENCE)):
                n += 1
                t.claim(row, sid, n, result, predicate, obj, quote, source, flds, evidence=evidence)
            if link["finding"]:
                n += 1
                t.claim(row, sid, n, result, "vcf:hasFinding", f"vcf:{link['finding']}", row["finding"], source,
                        {**fields, "quote": "finding"}, evidence=CLINICAL_STUDY)
        if link["supports"]:
            n += 1
            t.claim(row, sid, n, link["supports"], "vcf:supportedBy", pub, row["finding"], source,
                    {**fields, "subject": "supports", "quote": "finding"}, evidence=CURATOR_INFERENCE)


def _check_vocabulary(t: _Transform, row: Row, prefix: str, local: str) -> bool:
    """ICD-10-CM codes and HPO ids must be known, with the same label, to the offline packages."""
    label = row["object_label"]
    if prefix == "ICD10CM":
        import simple_icd_10_cm as icd

        if not icd.is_valid_item(local):
            t.problem(row, "object_id", f"ICD-10-CM code {local!r} is unknown to simple-icd-10-cm")
            return False
        if icd.get_description(local) != label:
            t.problem(row, "object_label", f"ICD-10-CM {local} is {icd.get_description(local)!r}, not {label!r}")
            return False
    if prefix == "HP":
        term = _hpo_term(f"HP:{local}")
        if term is None:
            t.problem(row, "object_id", f"HPO id HP:{local} is unknown to the offline HPO package (hpo3)")
            return False
        if term != label:
            t.problem(row, "object_label", f"HP:{local} is {term!r}, not {label!r}")
            return False
    return True


_HPO_LOADED = False


def _hpo_term(hpo_id: str) -> str | None:
    global _HPO_LOADED
    from pyhpo import Ontology  # provided by the hpo3 package (bundled HPO release)

    if not _HPO_LOADED:
        Ontology()
        _HPO_LOADED = True
    try:
        return Ontology.get_hpo_object(hpo_id).name
    except (RuntimeError, KeyError, ValueError):
        return None


def mappings(t: _Transform, source: str = "mappings") -> None:
    """SKOS mappings to ICD-10-CM, HPO, MeSH, Wikidata and SNOMED CT, and the rows of the SSSOM export."""
    path = t.sources[source].text.path
    for row, link in t.linked_rows(path, MAPPING_COLUMNS, "subject_label", "mapping-links.tsv",
                                   ["entity", "predicate", "reason"]):
        if not t.known(link, "entity", [link["entity"]]):
            continue
        override = link["predicate"]
        if override and (override not in SKOS_MAPPING_PREDICATES or not link["reason"]):
            t.problem(link, "predicate", f"an override must be a SKOS mapping relation "
                                         f"({', '.join(sorted(SKOS_MAPPING_PREDICATES))}) with a reason")
            continue
        if row["predicate"] not in SKOS_MAPPING_PREDICATES:
            t.problem(row, "predicate", f"mapping predicate {row['predicate']!r} is not a SKOS mapping relation "
                                        f"({', '.join(sorted(SKOS_MAPPING_PREDICATES))})")
            continue
        prefix, sep, local = row["object_id"].partition(":")
        if not sep or prefix not in CURIE_PATTERNS or not CURIE_PATTERNS[prefix].match(local):
            t.problem(row, "object_id", f"malformed CURIE {row['object_id']!r} (prefixes: {', '.join(CURIE_PATTERNS)})")
            continue
        if not row["mapping_justification"].startswith("semapv:"):
            t.problem(row, "mapping_justification", f"{row['mapping_justification']!r} is not a semapv term")
            continue
        if not _check_vocabulary(t, row, prefix, local):
            continue
        record = f"{link['entity']}-{prefix}-{local}"
        predicate, comment, evidence = row["predicate"], row["evidence"], IMPORTED
        if override and override != predicate:
            # The table's predicate is not true of the project's concept: the curator's link says which is.
            predicate, evidence = override, CURATOR_INFERENCE
            comment = (f"curator's predicate (data/mapping-links.tsv): {link['reason']}; the reference table "
                       f"says {row['predicate']}; {row['evidence']}")
        t.claim(row, record, 1, link["entity"], predicate, row["object_id"], row["object_id"], source,
                {"subject": "subject_label", "object": "object_id", "predicate": "predicate", "quote": "object_id"},
                evidence=evidence)
        t.out.mappings.append(Mapping(VCFR[link["entity"]], t.entities[link["entity"]].label, predicate,
                                      row["object_id"], row["object_label"], row["mapping_justification"],
                                      comment))


from .positions import positions  # noqa: E402  (the transform of guideline-positions.tsv)
from .trial_results import study_results  # noqa: E402  (typed results of studies.tsv)


def studies_and_results(t: _Transform, source: str = "studies") -> None:
    studies(t, source)
    study_results(t, source)


TRANSFORMS = {"aaos2010": guideline, "studies": studies_and_results, "mappings": mappings, "positions": positions}


def load_references(loader: "_Loader", entities, sources, obo_terms) -> ReferenceData:
    out = ReferenceData()
    t = _Transform(loader, entities, sources, obo_terms, out)
    for source_id, transform in TRANSFORMS.items():
        if source_id in sources:
            transform(t, source_id)
        else:
            loader.problems.append(Problem(loader.paths.data / "sources.tsv", None, "id",
                                           f"the reference source {source_id!r} is not listed"))
    return out


def external_label_triples(mappings: list[Mapping]):
    """rdfs:label of each mapped external term, as the reference table gives it."""
    from rdflib import Literal
    from rdflib.namespace import RDFS

    from .namespaces import expand

    for m in mappings:
        yield expand(m.object_id), RDFS.label, Literal(m.object_label)


def external_identifier_problems(graph, sources) -> list[str]:
    """Backstop: every external identifier in the graph (a mapped IRI, a DOI, a PMID) occurs verbatim in
    a verified reference table."""
    from .prefixes import EXTERNAL_PREFIXES, shorten

    tables = "\n".join(s.text.text for s in sources.values() if s.kind == VCF.ReferenceTable)
    problems = []
    external = tuple(PREFIXES[p] for p in EXTERNAL_PREFIXES)
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(external):
                curie = shorten(str(term))
                if curie not in tables:
                    problems.append(f"{curie} is in the graph but in no verified reference table")
    for p in (VCF.doi, VCF.pmid):
        for _, _, value in graph.triples((None, p, None)):
            if str(value) not in tables:
                problems.append(f"{p.split('#')[-1]} {value} is in the graph but in no verified reference table")
    return sorted(set(problems))
