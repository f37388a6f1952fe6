"""The ontology (TBox) as the schema that curated data is checked against."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .errors import CurationError, Problem


@dataclass
class Ontology:
    graph: Graph
    path: Path = field(default=Path("ontology/vcf.ttl"))

    @classmethod
    def load(cls, path: Path) -> "Ontology":
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError:
            raise CurationError([Problem(path, None, None, "file not found")])
        except Exception as exc:  # rdflib raises several parser exception types
            raise CurationError([Problem(path, getattr(exc, "lines", None), None, f"not valid Turtle: {exc}")])
        return cls(graph, path)

    def _typed(self, kind: URIRef) -> frozenset[URIRef]:
        return frozenset(s for s in self.graph.subjects(RDF.type, kind) if isinstance(s, URIRef))

    @cached_property
    def classes(self) -> frozenset[URIRef]:
        return self._typed(OWL.Class)

    @cached_property
    def object_properties(self) -> frozenset[URIRef]:
        return self._typed(OWL.ObjectProperty)

    @cached_property
    def datatype_properties(self) -> frozenset[URIRef]:
        return self._typed(OWL.DatatypeProperty)

    @cached_property
    def annotation_properties(self) -> frozenset[URIRef]:
        return self._typed(OWL.AnnotationProperty)

    @cached_property
    def individuals(self) -> frozenset[URIRef]:
        return self._typed(OWL.NamedIndividual)

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        """cls and every class above it (reflexive, transitive rdfs:subClassOf)."""
        return set(self.graph.transitive_objects(cls, RDFS.subClassOf))

    @cached_property
    def hedged_properties(self) -> frozenset[URIRef]:
        """Every sub-property of vcf:hedgedRelation (its triples are hedged by definition)."""
        from .namespaces import VCF

        return frozenset(p for p in self.graph.transitive_subjects(RDFS.subPropertyOf, VCF.hedgedRelation)
                         if p != VCF.hedgedRelation)

    def hedged_form(self, prop: URIRef) -> URIRef | None:
        """The hedged property declared as the vcf:hedgeOf ``prop`` (e.g. vcf:mayPrevent for vcf:prevents)."""
        from .namespaces import VCF

        return next(iter(sorted(self.graph.subjects(VCF.hedgeOf, prop))), None)

    def is_a(self, individual: URIRef, cls: URIRef) -> bool:
        """The individual is declared an instance of cls or of one of its subclasses."""
        return any(cls in self.superclasses(t) for t in self.types_of(individual))

    def types_of(self, individual: URIRef) -> set[URIRef]:
        return {t for t in self.graph.objects(individual, RDF.type) if t in self.classes}

    def domain(self, prop: URIRef) -> URIRef | None:
        return self.graph.value(prop, RDFS.domain)

    def range(self, prop: URIRef) -> URIRef | None:
        return self.graph.value(prop, RDFS.range)
