"""The store seam: where SPARQL runs. The embedded default is pyoxigraph, loaded from the release.

Every store answers ``query(text, bindings)`` with ``results.Results``; later stores (a persistent
pyoxigraph directory, a remote SPARQL endpoint) implement the same two methods.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .errors import NotBuiltError, QueryError
from .prefixes import PREFIXES
from .results import Results, Term


class Store(Protocol):
    def query(self, text: str, bindings: dict[str, Term] | None = None) -> Results: ...

    def triple_count(self) -> int: ...


def _term(node) -> Term:
    import pyoxigraph as ox

    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    return Term("literal", node.value, node.datatype.value if node.datatype else None, node.language)


def _ox_term(term: Term):
    import pyoxigraph as ox

    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


class EmbeddedStore:
    """pyoxigraph in memory, holding one release file (N-Triples by default)."""

    def __init__(self, release_file: Path | None = None, *, ntriples: bytes | None = None):
        import pyoxigraph as ox

        self._ox = ox
        self._store = ox.Store()
        self.source = release_file
        if ntriples is not None:
            self._store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        elif release_file is not None:
            if not release_file.exists():
                raise NotBuiltError(f"no built graph at {release_file}: run `vcf-kg build` first")
            fmt = ox.RdfFormat.from_extension(release_file.suffix.lstrip("."))
            self._store.load(path=str(release_file), format=fmt)

    def query(self, text: str, bindings: dict[str, Term] | None = None) -> Results:
        ox = self._ox
        substitutions = {ox.Variable(k): _ox_term(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Results(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = []
            for solution in answer:
                row = {}
                for v in variables:
                    node = solution[v]
                    if node is not None:
                        row[v] = _term(node)
                rows.append(row)
            return Results(variables=variables, rows=rows)
        raise QueryError("only SELECT and ASK queries give tabular results; use `vcf-kg export` for graphs")

    def construct(self, text: str):
        """Triples of a CONSTRUCT/DESCRIBE query, as pyoxigraph triples."""
        return list(self._store.query(text, prefixes=PREFIXES))

    def triple_count(self) -> int:
        return len(self._store)
