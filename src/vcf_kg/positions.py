"""Transform of data/reference/guideline-positions.tsv: bodies' positions, their documents and conditions.

In: the verified table (one row = one body x intervention), its curated link file
(data/position-links.tsv: which position, body, document and interventions a row is) and the typed
conditions (data/position-conditions.tsv: each a verbatim quote of one cell plus the value it states).
Out: claims through the loader's checks, every value keeping its row (a vcf:SourceRecord):
  document  -> kind, publishedBy body, year, identifiers, status (only where the row states them)
  position  -> statedIn document, positionOn interventions, positionDirection (the shared scale),
               bodyGrade (verbatim), population, conditions paraphrase, wording (in its own language)
  condition -> a vcf:PositionCondition node with typed values (fracture age in days, ...)
An empty cell stays empty: an undated document has no year, a row without wording has no wording.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .namespaces import VCF
from .tsv import Row, read_tsv

if TYPE_CHECKING:
    from .references import _Transform

POSITION_COLUMNS = ["position_id", "body", "document", "year", "doc_id", "intervention", "population", "direction",
                    "strength_or_grade", "conditions", "wording", "evidence"]
LINK_COLUMNS = ["position", "body", "jurisdiction", "document", "document_kind", "interventions", "covers",
                "wording_language", "status"]
CONDITION_COLUMNS = ["position_id", "kind", "value", "column", "quote"]

# The table's 'direction' vocabulary -> the shared scale (docs/landscape.md), and the scale's word in labels.
DIRECTIONS = {"for": "vcf:For", "for (option)": "vcf:Option", "insufficient evidence": "vcf:Inconclusive",
              "no benefit shown": "vcf:NoBenefitShown", "against": "vcf:Against"}
SCALE_WORDS = {"for": "for", "for (option)": "option", "insufficient evidence": "insufficient evidence",
               "no benefit shown": "no benefit shown", "against": "against"}
STATUSES = {"Draft": "vcf:Draft"}
LANGUAGES = {"en", "nl"}

# Days per unit of a fracture-age limit; a month is the mean Gregorian month (365.25 / 12 days).
UNIT_DAYS = {"day": 1, "week": 7, "month": 30.4375, "year": 365.25}
LIMIT = re.compile(r"^(<=|<|>=|>)\s*(about\s+)?([0-9]+(?:\.[0-9]+)?)\s*(day|week|month|year)s?$")

# kind -> (condition class, object property for entity values, or None for a parsed limit)
CONDITION_KINDS = {
    "fracture_age": ("FractureAgeCondition", None),
    "patient_age": ("PatientAgeCondition", None),
    "after_failure_of": ("PriorTreatmentFailureCondition", "vcf:afterFailureOf"),
    "pain_severity": ("PainSeverityCondition", "vcf:minimumPainSeverity"),
    "level_confirmed_by": ("PainLevelConfirmationCondition", "vcf:confirmedBy"),
    "requires_finding": ("ImagingFindingCondition", "vcf:requiresFinding"),
    "excludes_variant": ("VariantExclusionCondition", "vcf:excludesVariant"),
    "fracture_site": ("FractureSiteCondition", "vcf:fractureSite"),
}
SEVERITIES = {"severe": "vcf:SeverePain"}


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def parse_limit(text: str) -> tuple[str, bool, bool, float, str]:
    """'<= 3 weeks' -> (operator, inclusive, approximate, number, unit); ValueError names what is wrong."""
    match = LIMIT.match(text.strip())
    if not match:
        if re.match(r"^(<=|<|>=|>)\s*(about\s+)?[0-9.]+\s*$", text.strip()):
            raise ValueError(f"{text!r} has no unit (days, weeks, months or years)")
        raise ValueError(f"{text!r} is not a limit like '<= 3 weeks', '< 6 weeks' or '> about 3 months'")
    op, about, number, unit = match.groups()
    return op, op in ("<=", ">="), bool(about), float(number), unit


class _PositionTransform:
    def __init__(self, t: "_Transform", source: str):
        self.t = t
        self.source = source
        self.path = t.sources[source].text.path
        self.done: set[tuple[str, ...]] = set()  # documents, bodies and broader links already stated

    def once(self, *key: str) -> bool:
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def run(self) -> None:
        t = self.t
        conditions = self._conditions()
        for row, link in t.linked_rows(self.path, POSITION_COLUMNS, "position_id", "position-links.tsv", LINK_COLUMNS):
            self._position(row, link, conditions.pop(row["position_id"], []))
        for rows in conditions.values():
            for crow in rows:
                t.problem(crow, "position_id", f"{crow['position_id']!r} is not a row of {self.path.name}")

    def _conditions(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for row in read_tsv(self.t.loader.paths.data / "position-conditions.tsv", CONDITION_COLUMNS):
            out.setdefault(row["position_id"], []).append(row)
        return out

    def _check_link(self, row: Row, link: Row) -> bool:
        t = self.t
        ok = True
        if row["direction"] not in DIRECTIONS:
            t.problem(row, "direction", f"direction {row['direction']!r} is outside the scale (one of {', '.join(DIRECTIONS)})")
            ok = False
        body = t.entities.get(link["body"])
        if body is None or VCF.Organization not in body.types:
            t.problem(link, "body", f"unknown body {link['body']!r} (an Organization of entities.tsv)")
            ok = False
        if link["jurisdiction"]:
            place = t.entities.get(link["jurisdiction"])
            if place is None or VCF.Jurisdiction not in place.types:
                t.problem(link, "jurisdiction", f"unknown jurisdiction {link['jurisdiction']!r} (a Jurisdiction of entities.tsv)")
                ok = False
            elif place.mention not in row.text:
                t.problem(link, "jurisdiction", f"the row never names {place.mention!r}, the jurisdiction's mention")
                ok = False
        interventions = [i for i in link["interventions"].split("|") if i]
        if not interventions:
            t.problem(link, "interventions", "a position needs at least one intervention")
            ok = False
        ok = t.known(link, "interventions", interventions) and ok
        ok = t.known(link, "covers", [i for i in link["covers"].split("|") if i]) and ok
        if link["status"] and (link["status"] not in STATUSES or link["status"].lower() not in row.text.lower()):
            t.problem(link, "status", f"status {link['status']!r} must be one of {', '.join(STATUSES)} and stated in the row")
            ok = False
        if row["wording"] and link["wording_language"] not in LANGUAGES:
            t.problem(link, "wording_language", f"the wording's language must be one of {', '.join(sorted(LANGUAGES))}")
            ok = False
        return ok

    def _position(self, row: Row, link: Row, conditions: list[Row]) -> None:
        t, source = self.t, self.source
        if not self._check_link(row, link):
            return
        pid = row["position_id"]
        body, doc, pos = link["body"], link["document"], link["position"]
        interventions = [i for i in link["interventions"].split("|") if i]
        kinds = [k for k in link["document_kind"].split("|") if k]
        guideline = "Guideline" in kinds  # then the position is a recommendation of it, stated with the narrower properties
        n = 0

        def claim(subject, predicate, obj, column, datatype="", quote_column=None):
            nonlocal n
            n += 1
            quote_column = quote_column or column
            t.claim(row, pid, n, subject, predicate, obj, row[quote_column], source,
                    {"subject": "position_id", "object": column, "quote": quote_column}, datatype=datatype)

        # the body's jurisdiction, where the table names it
        if link["jurisdiction"] and self.once("body", body):
            n += 1
            t.claim(row, pid, n, body, "vcf:jurisdiction", link["jurisdiction"],
                    t.entities[link["jurisdiction"]].mention, source, {"subject": "body", "object": "body", "quote": "body"})
        # the document: once, from the first row that names it
        if self.once("document", doc):
            t.entity(row, doc, kinds, row["document"], f"{row['document']} ({row['body']})", source, row["document"],
                     "document")
            # a clinical practice guideline is issued by its body and made of recommendations (vcf:Guideline's shape)
            claim(doc, "vcf:issuedBy" if guideline else "vcf:publishedBy", body, "body")
            if row["year"]:
                claim(doc, "vcf:publicationYear", row["year"], "year", "xsd:nonNegativeInteger")
            for identifier in filter(None, (i.strip() for i in row["doc_id"].split(";"))):
                prefix, _, local = identifier.partition(":")
                if prefix in ("PMID", "DOI") and local:
                    predicate = "vcf:pmid" if prefix == "PMID" else "vcf:doi"
                    claim(doc, predicate, local.strip(), "doc_id", "xsd:string")
                else:
                    claim(doc, "vcf:documentIdentifier", identifier, "doc_id", "xsd:string")
            if link["status"]:
                claim(doc, "vcf:documentStatus", STATUSES[link["status"]], "document")
        # the position
        body_entity = t.entities[body]
        short = body_entity.alt_labels[0] if body_entity.alt_labels else body_entity.label
        t.entity(row, pos, ["Recommendation" if guideline else "Position"],
                 f"{short} {row['year'] or '(undated)'}: {SCALE_WORDS[row['direction']]} — {row['intervention']}",
                 f"The position of {row['body']} on {row['intervention']} for {row['population'] or 'an unstated population'},"
                 f" as the guideline-positions reference table records it.", source, pid, "position_id")
        if guideline:
            claim(doc, "vcf:hasRecommendation", pos, "document")
        else:
            claim(pos, "vcf:statedIn", doc, "document")
        for intervention in interventions:
            claim(pos, "vcf:concernsIntervention" if guideline else "vcf:positionOn", intervention, "intervention")
        for narrower in filter(None, link["covers"].split("|")):
            if self.once("broader", narrower, interventions[0]):
                claim(narrower, "skos:broader", interventions[0], "intervention")
        claim(pos, "vcf:hasDirection" if guideline else "vcf:positionDirection", DIRECTIONS[row["direction"]], "direction")
        for column, predicate in (("strength_or_grade", "vcf:bodyGrade"), ("population", "vcf:populationText"),
                                  ("conditions", "vcf:conditionsText")):
            if row[column]:
                claim(pos, predicate, row[column], column, "xsd:string")
        if row["wording"]:
            before = len(t.out.claims)
            claim(pos, "vcf:positionWording", row["wording"], "wording", "xsd:string")
            if len(t.out.claims) > before:  # the wording in its own language (a language-tagged literal)
                from dataclasses import replace

                from rdflib import Literal

                last = t.out.claims[-1]
                t.out.claims[-1] = replace(last, object=Literal(row["wording"], lang=link["wording_language"]))
        for index, crow in enumerate(conditions, start=1):
            n = self._condition(row, crow, pos, f"{pos}Condition{index}", n)

    def _condition(self, row: Row, crow: Row, pos: str, cid: str, n: int) -> int:
        t, source = self.t, self.source
        kind = CONDITION_KINDS.get(crow["kind"])
        if kind is None:
            t.problem(crow, "kind", f"unknown condition kind {crow['kind']!r} (one of {', '.join(CONDITION_KINDS)})")
            return n
        if crow["column"] not in POSITION_COLUMNS:
            t.problem(crow, "column", f"{crow['column']!r} is not a column of {self.path.name}")
            return n
        if not crow["quote"] or crow["quote"] not in row[crow["column"]]:
            t.problem(crow, "quote", f"not found verbatim in the row's {crow['column']} cell: {crow['quote']!r}")
            return n
        cls, predicate = kind
        values: list[tuple[str, str, str]] = []  # (predicate, object, datatype)
        if predicate is None:
            try:
                op, inclusive, approximate, number, unit = parse_limit(crow["value"])
            except ValueError as exc:
                t.problem(crow, "value", str(exc))
                return n
            if crow["kind"] == "fracture_age":
                bound = "vcf:maxFractureAgeDays" if op.startswith("<") else "vcf:minFractureAgeDays"
                values.append((bound, _number(number * UNIT_DAYS[unit]), "xsd:decimal"))
            else:
                if not op.startswith(">") or unit != "year":
                    t.problem(crow, "value", f"a patient-age limit is a lower bound in years (e.g. '>= 50 years'), not {crow['value']!r}")
                    return n
                values.append(("vcf:minPatientAgeYears", _number(number), "xsd:decimal"))
            values += [("vcf:limitInclusive", "true" if inclusive else "false", "xsd:boolean"),
                       ("vcf:limitApproximate", "true" if approximate else "false", "xsd:boolean"),
                       ("vcf:limitExpression", crow["value"], "xsd:string")]
        elif crow["kind"] == "pain_severity":
            if crow["value"] not in SEVERITIES:
                t.problem(crow, "value", f"unknown pain severity {crow['value']!r} (one of {', '.join(SEVERITIES)})")
                return n
            values.append((predicate, SEVERITIES[crow["value"]], ""))
        else:
            ids = [i for i in crow["value"].split("|") if i]
            if not ids or not t.known(crow, "value", ids):
                if not ids:
                    t.problem(crow, "value", "give the entity id(s) the condition names")
                return n
            values += [(predicate, i, "") for i in ids]
        t.entity(crow, cid, [cls], f"{crow['kind'].replace('_', ' ')}: {crow['quote']}",
                 f"A condition of position {row['position_id']}: {crow['quote']}", source, crow["quote"], "quote")
        fields = {"subject": "position_id", "object": crow["column"], "quote": crow["column"]}
        for subject, pred, obj, datatype in [(pos, "vcf:hasCondition", cid, ""),
                                             (cid, "vcf:conditionText", crow["quote"], "xsd:string"),
                                             *((cid, p, o, d) for p, o, d in values)]:
            n += 1
            t.claim(row, row["position_id"], n, subject, pred, obj, crow["quote"], source, fields, datatype=datatype)
        return n


def positions(t: "_Transform", source: str = "positions") -> None:
    """Guideline bodies', HTA assessors' and funders' positions (see the module docstring)."""
    _PositionTransform(t, source).run()
