"""Transform of the trial results in data/reference/studies.tsv into typed values.

In: the verified studies table, its link file (data/study-links.tsv: the publication entity of each row) and the
curated extraction data/study-results.tsv (one value per row, each with a verbatim quote of one cell).
Out: claims through the loader's checks, each keeping its studies.tsv row as provenance:
  publication -> vcf:blinding, vcf:sampleSize
  its result  -> arm sizes, outcome, effect estimate, 95% CI bounds, p-value (or its upper bound)
A number must occur verbatim in its quote, so a typo in the extraction is an error, not a wrong fact.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .tsv import read_tsv

if TYPE_CHECKING:
    from .references import _Transform

RESULT_COLUMNS = ["study_id", "field", "value", "column", "quote"]
# field -> (on the result statement?, property, datatype ("" = an entity: a vcf individual))
FIELDS = {
    "blinding": (False, "vcf:blinding", ""),
    "sample_size": (False, "vcf:sampleSize", "xsd:nonNegativeInteger"),
    "intervention_arm_size": (True, "vcf:interventionArmSize", "xsd:nonNegativeInteger"),
    "comparator_arm_size": (True, "vcf:comparatorArmSize", "xsd:nonNegativeInteger"),
    "outcome": (True, "vcf:primaryOutcome", "xsd:string"),
    "effect_estimate": (True, "vcf:effectEstimate", "xsd:decimal"),
    "ci_lower": (True, "vcf:ciLower", "xsd:decimal"),
    "ci_upper": (True, "vcf:ciUpper", "xsd:decimal"),
    "p_value": (True, "vcf:pValue", "xsd:decimal"),
    "p_value_below": (True, "vcf:pValueBelow", "xsd:decimal"),
}
FIRST_RESULT_CLAIM = 101  # claim numbers of a row's typed results start here (the studies transform numbers from 1)


def study_results(t: "_Transform", source: str = "studies") -> None:
    from .references import STUDY_COLUMNS

    path = t.loader.paths.data / "study-results.tsv"
    studies = {row["study_id"]: row for row in read_tsv(t.sources[source].text.path, STUDY_COLUMNS)}
    links = {row["study_id"]: row for row in read_tsv(t.loader.paths.data / "study-links.tsv", ["study_id", "entity"])}
    numbers: dict[str, int] = {}
    for row in read_tsv(path, RESULT_COLUMNS):
        study = studies.get(row["study_id"])
        if study is None or row["study_id"] not in links:
            t.problem(row, "study_id", f"{row['study_id']!r} is not a linked row of {t.sources[source].text.path.name}")
            continue
        spec = FIELDS.get(row["field"])
        if spec is None:
            t.problem(row, "field", f"unknown field {row['field']!r} (one of {', '.join(FIELDS)})")
            continue
        if row["column"] not in STUDY_COLUMNS:
            t.problem(row, "column", f"{row['column']!r} is not a column of {t.sources[source].text.path.name}")
            continue
        if not row["quote"] or row["quote"] not in study[row["column"]]:
            t.problem(row, "quote", f"not found verbatim in the row's {row['column']} cell: {row['quote']!r}")
            continue
        on_result, predicate, datatype = spec
        value = row["value"]
        if datatype in ("xsd:decimal", "xsd:nonNegativeInteger") and not re.search(
                rf"(?<![0-9.]){re.escape(value)}(?![0-9])", row["quote"]):
            t.problem(row, "value", f"{value!r} does not occur as a number in its quote {row['quote']!r}")
            continue
        obj = value if datatype else f"vcf:{value}"
        publication = links[row["study_id"]]["entity"]
        subject = f"{publication}Result" if on_result else publication
        n = numbers.get(row["study_id"], FIRST_RESULT_CLAIM)
        numbers[row["study_id"]] = n + 1
        t.claim(study, row["study_id"], n, subject, predicate, obj, row["quote"], source,
                {"subject": "study_id", "object": row["column"], "quote": row["column"]}, datatype=datatype)
