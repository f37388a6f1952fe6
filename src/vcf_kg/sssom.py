"""The vocabulary mappings as an SSSOM mapping set (TSV with a YAML metadata header).

Rows come from the verified mapping table as they are (data/reference/vocabulary-mappings.tsv, linked
to graph entities by data/mapping-links.tsv); the same mappings are in the graph as SKOS triples.
"""
from __future__ import annotations

from .prefixes import BASE, PREFIXES, shorten

COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification", "comment"]
SSSOM_PREFIXES = ("vcfr", "skos", "semapv", "HP", "MESH", "ICD10CM", "SNOMEDCT", "wikidata")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def sssom_tsv(mappings, version: str) -> bytes:
    """The SSSOM TSV text of the mappings, rows sorted (deterministic)."""
    header = ["# curie_map:"]
    header += [f"#   {p}: {PREFIXES[p]}" for p in SSSOM_PREFIXES]
    header += [
        f"# mapping_set_id: {BASE}release/{version}/vcf-kg.sssom.tsv",
        f"# mapping_set_version: {version}",
        f"# license: {LICENSE}",
        "# mapping_set_description: Mappings of the vcf-kg concepts of vertebral compression fracture management"
        " to ICD-10-CM, HPO, MeSH, SNOMED CT and Wikidata, from a verified reference table.",
        "# creator_label:",
        "#   - vcf-kg contributors",
    ]
    rows = sorted(
        (shorten(str(m.subject)), m.subject_label, m.predicate, m.object_id, m.object_label, m.justification,
         _cell(m.comment))
        for m in mappings)
    lines = header + ["\t".join(COLUMNS)] + ["\t".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
