"""Store-independent query results and their output formats (table, CSV, TSV, SPARQL JSON), and the
triples of a CONSTRUCT or DESCRIBE query (``GraphResult``: Turtle, N-Triples, JSON-LD).

Stores (embedded or remote) convert their native results to ``Results`` or ``GraphResult``; everything
downstream — the CLI's formats, competency-question checks, explain — reads only these.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from .prefixes import shorten

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Term:
    kind: str  # 'uri' | 'literal' | 'bnode'
    value: str
    datatype: str | None = None
    lang: str | None = None

    def display(self) -> str:
        """Short human/comparison form: CURIE for IRIs, lexical form for literals."""
        if self.kind == "uri":
            return shorten(self.value)
        if self.kind == "bnode":
            return f"_:{self.value}"
        return self.value

    def n3(self) -> str:
        """N-Triples / SPARQL syntax (used by TSV results and by VALUES bindings)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = (self.value.replace("\\", "\\\\").replace('"', '\\"')
                   .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
        if self.lang:
            return f'"{escaped}"@{self.lang}'
        if self.datatype and self.datatype != XSD_STRING:
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'

    @classmethod
    def from_json(cls, binding: dict | None) -> "Term | None":
        """A term of SPARQL 1.1 Query Results JSON, normalised as pyoxigraph gives terms (a literal always has
        its datatype; language tags lower-case). Raises ValueError on an unknown term type."""
        if binding is None:
            return None
        kind = binding.get("type")
        value = binding.get("value", "")
        if kind in ("uri", "bnode"):
            return cls(kind, value)
        if kind in ("literal", "typed-literal"):  # 'typed-literal': the SPARQL 1.0 JSON draft (Virtuoso)
            lang = binding.get("xml:lang")
            if lang:
                return cls("literal", value, RDF_LANG_STRING, lang.lower())
            return cls("literal", value, binding.get("datatype") or XSD_STRING)
        raise ValueError(f"unknown RDF term type {kind!r}: {binding}")

    def to_json(self) -> dict:
        out: dict = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.kind == "literal" and self.datatype and self.datatype != XSD_STRING:
            out["datatype"] = self.datatype
        return out


@dataclass
class Results:
    """A SELECT answer (variables + rows) or an ASK answer (boolean)."""

    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None

    @property
    def empty(self) -> bool:
        """No row, or an ASK answered false."""
        return not self.boolean if self.boolean is not None else not self.rows

    def display_rows(self) -> list[dict[str, str]]:
        return [{v: row[v].display() for v in self.variables if v in row} for row in self.rows]

    # -- formats ---------------------------------------------------------
    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=2)
        bindings = [{v: t.to_json() for v, t in row.items()} for row in self.rows]
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}}, indent=2)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV (plain values, CRLF line ends)."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        if self.boolean is not None:
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
        else:
            writer.writerow(self.variables)
            for row in self.rows:
                writer.writerow([row[v].value if v in row else "" for v in self.variables])
        return buf.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV (terms in SPARQL syntax)."""
        if self.boolean is not None:
            return f"?boolean\n{'true' if self.boolean else 'false'}\n"
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        for row in self.rows:
            lines.append("\t".join(row[v].n3() if v in row else "" for v in self.variables))
        return "\n".join(lines) + "\n"

    def to_table(self) -> str:
        """Aligned plain-text table for a terminal."""
        if self.boolean is not None:
            return "yes\n" if self.boolean else "no\n"
        header = self.variables
        body = [[row[v].display() if v in row else "" for v in header] for row in self.rows]
        widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
        def line(cells):
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
        out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in body]
        out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
        return "\n".join(out) + "\n"

    def render(self, fmt: str) -> str:
        return FORMATS[fmt](self)


FORMATS = {"table": Results.to_table, "csv": Results.to_csv, "tsv": Results.to_tsv, "json": Results.to_json}


@dataclass
class GraphResult:
    """The triples a CONSTRUCT or DESCRIBE query gives (a set: each triple once, in a stable order)."""

    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def __post_init__(self):
        self.triples = sorted(set(self.triples), key=lambda t: tuple((x.kind, x.value, x.datatype or "", x.lang or "")
                                                                     for x in t))

    def __len__(self) -> int:
        return len(self.triples)

    @property
    def empty(self) -> bool:
        return not self.triples

    def __iter__(self):
        return iter(self.triples)

    def to_ntriples(self) -> str:
        return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in self.triples)

    def _serialise(self, fmt: str) -> str:
        import pyoxigraph as ox

        from .prefixes import SERIALISATION_PREFIXES

        def node(t: Term):
            if t.kind == "uri":
                return ox.NamedNode(t.value)
            if t.kind == "bnode":
                return ox.BlankNode(t.value)
            if t.lang:
                return ox.Literal(t.value, language=t.lang)
            return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype) if t.datatype else None)

        triples = [ox.Triple(node(s), node(p), node(o)) for s, p, o in self.triples]
        rdf_format = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
        if fmt == "ttl":  # declare the prefixes the triples use, no others
            iris = {t.value for triple in self.triples for t in triple if t.kind == "uri"}
            iris |= {t.datatype for triple in self.triples for t in triple if t.datatype}
            used = {p: ns for p, ns in SERIALISATION_PREFIXES.items() if any(i.startswith(ns) for i in iris)}
            out = ox.serialize(triples, format=rdf_format, prefixes=used).decode("utf-8")
        else:
            out = ox.serialize(triples, format=rdf_format).decode("utf-8")
        return out if out.endswith("\n") or not out else out + "\n"

    def to_turtle(self) -> str:
        return self._serialise("ttl")

    def to_jsonld(self) -> str:
        return self._serialise("jsonld")

    def to_rdflib(self):
        """The triples as an rdflib Graph (imports rdflib)."""
        from rdflib import Graph

        return Graph().parse(data=self.to_ntriples(), format="nt")

    def render(self, fmt: str) -> str:
        return GRAPH_FORMATS[fmt](self)


GRAPH_FORMATS = {"ttl": GraphResult.to_turtle, "nt": GraphResult.to_ntriples, "jsonld": GraphResult.to_jsonld}
