"""IRI prefixes as plain strings, and CURIE <-> IRI conversion.

Kept free of rdflib so that the query path (CLI start-up, store, results) stays fast;
``namespaces.py`` builds the rdflib namespace objects from these strings.
"""
from __future__ import annotations

BASE = "https://w3id.org/vcf-kg/"
OBO = "http://purl.obolibrary.org/obo/"

PREFIXES: dict[str, str] = {
    "vcf": BASE + "ontology#",
    "vcfr": BASE + "id/",
    "claim": BASE + "claim/",
    "inferred": BASE + "inferred/",
    "source": BASE + "source/",
    "rule": BASE + "rule/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "void": "http://rdfs.org/ns/void#",
    "obo": OBO,
    "RO": OBO + "RO_",
    "BFO": OBO + "BFO_",
    "ECO": OBO + "ECO_",
    # External vocabularies of the mappings. RDF IRI prefixes as bioregistry (0.15) records them; ICD-10-CM has
    # no RDF prefix there, so BioPortal's (one of the URI prefixes bioregistry lists for icd10cm) is used.
    "HP": OBO + "HP_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "ICD10CM": "http://purl.bioontology.org/ontology/ICD10CM/",
    "SNOMEDCT": "http://snomed.info/id/",
    "wikidata": "http://www.wikidata.org/entity/",
    "semapv": "https://w3id.org/semapv/vocab/",
}
# Prefixes of external identifiers: every such IRI in the graph must come from a verified reference table.
EXTERNAL_PREFIXES = ("HP", "MESH", "ICD10CM", "SNOMEDCT", "wikidata")
# Prefixes that serialisations declare (OBO-style CURIE prefixes stay out of Turtle headers).
SERIALISATION_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in {"RO", "BFO", "ECO", "HP"}}


def expand_curie(curie: str) -> str:
    """Expand ``prefix:local`` to an IRI string; raise ``KeyError`` for an unknown prefix."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        raise KeyError(curie)
    return PREFIXES[prefix] + local


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
    """PREFIX lines for every prefix, for stores that do not take prefixes as an argument."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
