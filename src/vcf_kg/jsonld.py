"""JSON-LD for JSON consumers: the vocabulary's context, and graphs compacted with it.

The context (``ontology/context.jsonld``, kept as data and published in every release as
``context.jsonld``; its stable IRI is ``https://w3id.org/vcf-kg/context.jsonld``) gives each property a
short key, declares the prefixes, the datatype or language of literal values, and ``@container: @set``
where a property may have several values (every property not declared ``owl:FunctionalProperty``),
so that a consumer always finds a list there.

``compact_release`` writes the release as one ``@graph`` of node objects sorted by ``id`` (the context
embedded, so the file stays readable offline); ``entity_document`` frames one entity's statements
around it: its own properties, the statements pointing at it under ``@reverse``, each claim about it
nested there with its quote. Both are written here rather than by a generic JSON-LD processor, so
the bytes are deterministic; the tests expand them with PyLD and compare the triples.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import VcfKgError
from .prefixes import BASE

CONTEXT_NAME = "context.jsonld"
CONTEXT_IRI = BASE + CONTEXT_NAME
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_CURIE_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-/]*")


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    coerce: str | None = None  # "@id", or a datatype IRI
    language: str | None = None
    multi: bool = False  # "@container": "@set"


class Context:
    """The parts of a JSON-LD context that compaction needs: prefixes and property terms."""

    def __init__(self, document: dict):
        self.document = document
        self.raw = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        body = document["@context"]
        self.prefixes: dict[str, str] = {}
        raw_terms: dict[str, dict] = {}
        for key, value in body.items():
            if key.startswith("@") or value in ("@id", "@type"):
                continue
            if isinstance(value, str) and value[-1:] in ("/", "#", ":", "_"):
                self.prefixes[key] = value
            else:
                raw_terms[key] = value if isinstance(value, dict) else {"@id": value}
        self.terms: dict[str, Term] = {}
        self._compacted: dict[str, str] = {}
        for name, definition in raw_terms.items():
            if "@reverse" in definition:
                continue
            iri = self.expand(definition["@id"])
            coerce = definition.get("@type")
            self.terms[iri] = Term(name, iri, self.expand(coerce) if coerce and coerce != "@id" else coerce,
                                   definition.get("@language"), definition.get("@container") == "@set")

    @classmethod
    def load(cls, path: Path) -> "Context":
        raw = path.read_bytes()
        try:
            document = json.loads(raw.decode("utf-8"))
            context = cls(document)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise VcfKgError(f"{path}: not a usable JSON-LD context ({exc})") from None
        context.raw = raw
        return context

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def compact_iri(self, iri: str) -> str:
        """A CURIE with the longest matching prefix, else the IRI itself (memoised: IRIs repeat a lot)."""
        found = self._compacted.get(iri)
        if found is None:
            found = self._compacted[iri] = self._compact_iri(iri)
        return found

    def _compact_iri(self, iri: str) -> str:
        best = None
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and (best is None or len(namespace) > len(self.prefixes[best])):
                if _CURIE_LOCAL.fullmatch(iri[len(namespace):]):
                    best = prefix
        return f"{best}:{iri[len(self.prefixes[best]):]}" if best else iri

    # -- values ---------------------------------------------------------------
    def _value(self, term: Term | None, node) -> object:
        coerce = term.coerce if term else None
        if isinstance(node, ox.NamedNode):
            iri = self.compact_iri(node.value)
            return iri if coerce == "@id" else {"@id": iri}
        if isinstance(node, ox.BlankNode):
            return {"@id": f"_:{node.value}"}
        value, datatype, language = node.value, node.datatype.value, node.language
        if language:
            if term and term.language == language and coerce is None:
                return value
            return {"@value": value, "@language": language}
        if datatype == XSD + "string":
            return {"@value": value} if term and (coerce or term.language) else value
        if coerce in (None, datatype) and datatype == XSD + "integer" and _CANONICAL_INTEGER.fullmatch(value):
            return int(value)
        if coerce in (None, datatype) and datatype == XSD + "boolean" and value in ("true", "false"):
            return value == "true"
        if coerce == datatype:
            return value
        return {"@value": value, "@type": self.compact_iri(datatype)}

    def node_object(self, subject, triples, skip=()) -> dict:
        """One node object: ``id``, ``type``, then one key per property (sorted), values sorted."""
        by_key: dict[str, tuple[Term | None, list]] = {}
        types = []
        for t in triples:
            if (t.predicate.value, t.object) in skip:
                continue
            if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
                types.append(self.compact_iri(t.object.value))
                continue
            term = self.terms.get(t.predicate.value)
            key = term.name if term else self.compact_iri(t.predicate.value)
            by_key.setdefault(key, (term, []))[1].append(self._value(term, t.object))
        out: dict[str, object] = {"id": self._subject_id(subject)}
        if types:
            types.sort()
            out["type"] = types[0] if len(types) == 1 else types
        for key in sorted(by_key):
            term, values = by_key[key]
            values = _sorted_unique(values)
            out[key] = values if (term and term.multi) or len(values) > 1 else values[0]
        return out

    def _subject_id(self, subject) -> str:
        return f"_:{subject.value}" if isinstance(subject, ox.BlankNode) else self.compact_iri(subject.value)

    def property_key(self, iri: str) -> str:
        term = self.terms.get(iri)
        return term.name if term else self.compact_iri(iri)


def dump_context(context: Context) -> bytes:
    """The context document as published (the bytes of ontology/context.jsonld)."""
    return context.raw


def _value_key(value) -> tuple:
    """Sorts values: plain values (strings, numbers, booleans) by type and text, then value objects."""
    if isinstance(value, dict):
        return (1, tuple(sorted((k, str(v)) for k, v in value.items())))
    return (0, ((type(value).__name__, str(value)),))


def _sorted_unique(values: list) -> list:
    seen = {}
    for v in values:
        seen.setdefault(_value_key(v), v)
    return [seen[k] for k in sorted(seen)]


def _by_subject(triples) -> dict:
    grouped: dict = {}
    for t in triples:
        grouped.setdefault(t.subject, []).append(t)
    return grouped


def _dump(document: dict, indent: int | None = 1) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def compact_release(nt: bytes, context: Context) -> bytes:
    """The release (sorted N-Triples) as compacted JSON-LD: the context inline, one node per subject."""
    grouped = _by_subject(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    nodes = [context.node_object(s, ts) for s, ts in grouped.items()]
    nodes.sort(key=lambda n: n["id"])
    return _dump({"@context": context.document["@context"], "@graph": nodes})


def entity_document(iri: str, nt: bytes, context: Context, context_url: str = CONTEXT_IRI,
                    indent: int | None = None) -> bytes:
    """One entity's graph (N-Triples) framed around it; ``@context`` names ``context_url``. On one
    line unless ``indent`` is given (the server answers with it, where json's C encoder is 3x faster).

    The entity's own statements are its keys; the statements pointing at it are under ``@reverse``,
    each subject nested once with the rest of its statements in the graph (a claim: its quote,
    modality, sentence...). Triples about anything else, if the graph has any, follow in ``@graph``.
    """
    this = ox.NamedNode(iri)
    grouped = _by_subject(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    document: dict[str, object] = {"@context": context_url}
    document.update(context.node_object(this, grouped.pop(this, [])))
    reverse: dict[str, list] = {}
    incoming = sorted(((t.predicate.value, t.subject) for ts in grouped.values() for t in ts if t.object == this),
                      key=lambda pair: (pair[0], str(pair[1])))
    nested = set()
    for predicate, subject in incoming:
        if subject in nested or subject == this:
            node = {"id": context._subject_id(subject)}
        else:
            node = context.node_object(subject, grouped[subject], skip={(predicate, this)})
            nested.add(subject)
        reverse.setdefault(context.property_key(predicate), []).append(node)
    if reverse:
        document["@reverse"] = {key: reverse[key] for key in sorted(reverse)}
    # the graph's statements about anything else (nested subjects are complete where they are nested)
    rest = [context.node_object(subject, ts) for subject, ts in grouped.items() if subject not in nested]
    if rest:
        rest.sort(key=lambda n: n["id"])
        framed = {k: v for k, v in document.items() if k != "@context"}
        return _dump({"@context": context_url, "@graph": [framed, *rest]}, indent)
    return _dump(document, indent)
