"""IRI prefixes as plain strings, and CURIE <-> IRI conversion.

Kept free of rdflib so that the query path (CLI start-up, store, results) stays fast;
``namespaces.py`` builds the rdflib namespace objects from these strings.
"""
from __future__ import annotations

import re

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


def prefix_table(indent: str = "  ") -> str:
    """The predeclared prefixes, one ``prefix:  namespace`` line each (for --help and docs)."""
    width = max(len(p) for p in PREFIXES) + 1
    return "\n".join(f"{indent}{(p + ':').ljust(width)}  {ns}" for p, ns in PREFIXES.items())


# Enough of SPARQL's lexer to find prefixed names: IRIs, strings, comments, variables and blank nodes
# are skipped whole, so a ':' inside them is never taken for a prefix.
_LEXEMES = re.compile(
    r"""
     (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<comment>\#[^\n\r]*)
    |(?P<var>[?$]\w+)
    |(?P<bnode>_:[\w\-.]*)
    |(?P<declaration>(?i:PREFIX)\s*(?P<declared>(?:[^\W\d_][\w\-.]*)?):)
    |(?P<pname>(?P<prefix>(?:[^\W\d_][\w\-.]*)?):)
    |(?P<word>\w+)
    |(?P<other>.)
    """,
    re.X | re.S,
)


def undeclared_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is neither predeclared nor declared in ``text``:
    (prefix, line, column), both counted from 1; None when every prefix is known."""
    declared = set(PREFIXES)
    for match in _LEXEMES.finditer(text):
        kind = match.lastgroup
        if kind == "declaration":
            declared.add(match.group("declared"))
        elif kind == "pname" and match.group("prefix") not in declared:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return match.group("prefix"), line, column
    return None


def unknown_prefix_message(text: str) -> str | None:
    """One line naming the first unknown prefix of a query, or None when there is none."""
    found = undeclared_prefix(text)
    if found is None:
        return None
    prefix, line, column = found
    return (f"unknown prefix '{prefix}:' at line {line}, column {column}: declare it (PREFIX {prefix}: <...>) "
            f"or use a predeclared one ({', '.join(PREFIXES)})")


def prefix_declarations() -> str:
    """The predeclared prefixes as Turtle predicate-object pairs, in SHACL's vocabulary for prefix declarations
    (``sh:declare [ sh:prefix "vcf" ; sh:namespace "…"^^xsd:anyURI ]``), for a service description."""
    return " ;\n  ".join(
        f'<http://www.w3.org/ns/shacl#declare> [ <http://www.w3.org/ns/shacl#prefix> "{p}" ; '
        f'<http://www.w3.org/ns/shacl#namespace> "{ns}"^^<http://www.w3.org/2001/XMLSchema#anyURI> ]'
        for p, ns in PREFIXES.items())
