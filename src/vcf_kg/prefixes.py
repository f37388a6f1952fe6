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
}
# Prefixes that serialisations declare (OBO-style CURIE prefixes stay out of Turtle headers).
SERIALISATION_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in {"RO", "BFO", "ECO"}}


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
