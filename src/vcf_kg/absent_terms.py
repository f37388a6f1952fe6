"""Why an answer is empty: the IRIs in a query's patterns that occur nowhere in the graph.

A misspelt class or property (`vcf:Procedure` for `vcf:SurgicalProcedure`, `rdfs:lable`) makes a
pattern match nothing. The answer is then empty, and nothing says why. After an empty answer,
`vcf-kg query` lists such IRIs and the ontology's closest terms. It checks only the IRIs that must match
the graph: those in triple patterns (paths included), in VALUES and in DESCRIBE. An IRI that a FILTER
compares against may well be absent.

The query is read with rdflib's SPARQL parser, which needs no store. A query that rdflib cannot read
gets no hint; pyoxigraph may still have answered it.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .prefixes import PREFIXES, shorten

VOCABULARY = PREFIXES["vcf"]

# Every IRI that occurs in the graph, in any position: one index look-up per position.
OCCURS = "ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s <{iri}> ?o }} UNION {{ ?s ?p <{iri}> }} }}"
_IRIREF = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')  # what SPARQL can write between < and > (rdflib is laxer)

# The ontology's classes and properties, the candidates for "did you mean". A few hundred at any size of
# graph; its named individuals (vcf:For, ...) are left out: they are typed like every entity of the graph,
# so finding them would scan millions of typings at 1e7 triples.
ONTOLOGY_TERMS = """SELECT DISTINCT ?term WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?term a ?kind .
  FILTER (STRSTARTS(STR(?term), "%s"))
}""" % VOCABULARY


@dataclass(frozen=True)
class AbsentTerm:
    iri: str
    suggestions: tuple[str, ...] = ()  # the closest ontology terms (IRIs), best first

    def describe(self) -> str:
        hint = f" (did you mean {', '.join(shorten(s) for s in self.suggestions)}?)" if self.suggestions else ""
        return f"{shorten(self.iri)}{hint}"


def pattern_iris(text: str) -> list[str]:
    """The IRIs the query's patterns, VALUES and DESCRIBE name, in order of first appearance.
    Empty when rdflib cannot parse the query."""
    from rdflib import URIRef
    from rdflib.paths import NegatedPath, Path
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(text, initNs=PREFIXES).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser raises many types; no hint is the right fallback
        return []
    found: dict[str, None] = {}

    def terms(node):
        if isinstance(node, URIRef):
            if _IRIREF.fullmatch(node):
                found.setdefault(str(node))
        elif isinstance(node, NegatedPath):  # !(a|b) matches more when a or b is absent, not less
            return
        elif isinstance(node, Path):
            for part in vars(node).values():
                terms(part)
        elif isinstance(node, (list, tuple)):
            for part in node:
                terms(part)
        elif isinstance(node, dict):
            for part in node.values():
                terms(part)

    def walk(node):
        if isinstance(node, CompValue):
            if node.name in ("BGP", "TriplesBlock"):
                terms(node.get("triples"))
            elif node.name == "values":
                terms(node.get("res"))
            elif node.name == "DescribeQuery":
                terms(node.get("PV"))
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for part in node:
                walk(part)

    walk(algebra)
    return list(found)


def absent_terms(store, text: str) -> list[AbsentTerm]:
    """The IRIs of `pattern_iris(text)` that occur nowhere in the store's graph, each with the ontology's
    closest terms when it is in the ontology's namespace."""
    absent = [iri for iri in pattern_iris(text) if not store.query(OCCURS.format(iri=iri)).boolean]
    if not any(iri.startswith(VOCABULARY) for iri in absent):
        return [AbsentTerm(iri) for iri in absent]
    names = {row["term"].value[len(VOCABULARY):]: row["term"].value for row in store.query(ONTOLOGY_TERMS).rows}
    return [AbsentTerm(iri, closest(iri[len(VOCABULARY):], names) if iri.startswith(VOCABULARY) else ())
            for iri in absent]


def closest(name: str, names: dict[str, str], limit: int = 3) -> tuple[str, ...]:
    """Up to `limit` IRIs of `names` (local name -> IRI) nearest to `name`: those whose local name holds
    it (any case) first, shortest first, then difflib's closest spellings."""
    lowered = name.lower()
    holding = sorted((n for n in names if lowered and lowered in n.lower()), key=lambda n: (len(n), n))
    similar = difflib.get_close_matches(name, list(names), n=limit, cutoff=0.6)
    picked = list(dict.fromkeys(holding + similar))[:limit]
    return tuple(names[n] for n in picked)
