"""Validation of a built graph: SHACL shapes, QC violation queries, and the OWL reasoner.

Each violation names the entity, the rule it breaks, and the curated row (file:line) the entity
comes from, when it comes from one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .curation import CuratedData
from .namespaces import shorten
from .paths import ProjectPaths
from .queries import Catalogue
from .store import EmbeddedStore

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    check: str  # 'shacl' | 'qc' | 'reasoner'
    focus: str  # the entity at fault (CURIE) or '' for graph-wide problems
    rule: str  # the shape, query or axiom broken
    message: str
    origin: str  # curated file:line, or ''

    def __str__(self) -> str:
        where = f" [{self.origin}]" if self.origin else ""
        focus = f"{self.focus}: " if self.focus else ""
        return f"{self.check}: {focus}{self.message} (rule {self.rule}){where}"


def _origin(curated: CuratedData | None, iri: str) -> str:
    if curated is None or not iri:
        return ""
    row = curated.row_of(URIRef(iri))
    if row is None:
        return ""
    return f"{row.path.relative_to(row.path.parents[1]) if len(row.path.parents) > 1 else row.path}:{row.line}"


def shacl_violations(graph: Graph, shapes: Path, curated: CuratedData | None = None) -> list[Violation]:
    import pyshacl

    conforms, report, _ = pyshacl.validate(graph, shacl_graph=str(shapes), shacl_graph_format="turtle",
                                           inference="none", advanced=True, allow_warnings=True)
    if conforms:
        return []
    out = []
    for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = report.value(result, URIRef(SH + "focusNode"))
        path = report.value(result, URIRef(SH + "resultPath"))
        message = report.value(result, URIRef(SH + "resultMessage"))
        shape = report.value(result, URIRef(SH + "sourceShape"))
        rule = shorten(str(path)) if isinstance(path, URIRef) else shorten(str(shape))
        out.append(Violation("shacl", shorten(str(focus)), rule, str(message), _origin(curated, str(focus))))
    return sorted(out, key=str)


def qc_violations(store: EmbeddedStore, catalogue: Catalogue, curated: CuratedData | None = None) -> list[Violation]:
    out = []
    for query in catalogue.violation_checks():
        results = store.query(query.text)
        for row in results.rows:
            focus = next((t for t in row.values() if t.kind == "uri"), None)
            details = ", ".join(f"{k}={v.display()}" for k, v in row.items())
            out.append(Violation("qc", focus.display() if focus else "", query.name,
                                 f"{query.title}: {details}", _origin(curated, focus.value if focus else "")))
    return out


def reasoner_violations(owl_file: Path) -> list[Violation]:
    from .reasoner import check_consistency

    return [Violation("reasoner", "", "OWL 2 DL (HermiT)", message, "") for message in check_consistency(owl_file)]


def validate_graph(graph: Graph, paths: ProjectPaths, curated: CuratedData | None = None,
                   owl_file: Path | None = None) -> list[Violation]:
    """SHACL + QC on an in-memory graph; the reasoner too when an RDF/XML file of it is given."""
    from .release import serialise

    violations = shacl_violations(graph, paths.shapes, curated)
    store = EmbeddedStore(ntriples=serialise(graph, "nt"))
    violations += qc_violations(store, Catalogue(paths.queries), curated)
    if owl_file is not None:
        violations += reasoner_violations(owl_file)
    return violations
