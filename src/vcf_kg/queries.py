"""Named queries: one .rq file each, its metadata in a '#+ key: value' comment header.

Header keys: title, question (the competency question), summary, param (``NAME KIND DEFAULT``, KIND is
iri | string | integer; repeatable), expect (the expected answer as JSON: a list of rows of CURIEs /
lexical values, or true/false for ASK), order (``exact`` when row order matters). A line ``#+   ...``
continues the previous key. queries/cq/ holds competency questions, queries/qc/ quality checks
(``*-violation.rq``: no rows = pass), queries/rules/ the build's CONSTRUCT rules.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QueryError
from .prefixes import PREFIXES, expand_curie
from .results import Results, Term

_HEADER = re.compile(r"^#\+\s?(\w[\w-]*):\s?(.*)$")
_CONTINUATION = re.compile(r"^#\+\s{2,}(.*)$")
PARAM_KINDS = ("iri", "string", "integer")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str | None


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    params: list[Param] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    @property
    def question(self) -> str:
        return self.meta.get("question", "")

    @property
    def summary(self) -> str:
        return self.meta.get("summary", self.question)

    @property
    def is_violation_check(self) -> bool:
        return self.path.stem.endswith("-violation")

    @classmethod
    def read(cls, path: Path) -> "NamedQuery":
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        params: list[Param] = []
        last = None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.startswith("#+"):
                continue
            cont = _CONTINUATION.match(line)
            if cont and last:
                meta[last] += "\n" + cont.group(1)
                continue
            match = _HEADER.match(line)
            if not match:
                raise QueryError(f"{path}:{number}: malformed header line (expected '#+ key: value')")
            key, value = match.group(1), match.group(2).strip()
            if key == "param":
                parts = value.split(None, 2)
                if len(parts) < 2 or parts[1] not in PARAM_KINDS:
                    raise QueryError(f"{path}:{number}: param needs 'NAME KIND [DEFAULT]', KIND one of {', '.join(PARAM_KINDS)}")
                params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else None))
                last = None
                continue
            meta[key] = value
            last = key
        name = meta.get("name") or re.sub(r"^\d+-", "", path.stem)
        return cls(name, path, text, meta, params)

    # -- parameters ------------------------------------------------------
    def bindings(self, given: dict[str, str] | None = None) -> dict[str, Term]:
        """Parameters as RDF terms (never pasted into the query text)."""
        given = dict(given or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(unknown)}"
                             + (f" (it takes: {', '.join(sorted(known))})" if known else " (it takes none)"))
        out = {}
        for p in self.params:
            value = given.get(p.name, p.default)
            if value is None:
                raise QueryError(f"query {self.name!r} needs --param {p.name}=VALUE ({p.kind})")
            out[p.name] = parse_param(p, value)
        return out

    # -- expected answer ---------------------------------------------------
    @property
    def expected(self):
        if "expect" not in self.meta:
            return None
        try:
            return json.loads(self.meta["expect"])
        except json.JSONDecodeError as exc:
            raise QueryError(f"{self.path}: '#+ expect:' is not valid JSON: {exc}") from None

    def check(self, results: Results) -> list[str]:
        """Differences between results and the expected answer ([] = as expected)."""
        expected = self.expected
        if self.is_violation_check:
            return [f"violation: {row}" for row in results.display_rows()]
        if expected is None:
            return [f"{self.path.name} has no '#+ expect:' header"]
        if isinstance(expected, bool):
            if results.boolean is None:
                return [f"expected an ASK answer {expected}, got rows"]
            return [] if results.boolean == expected else [f"expected {expected}, got {results.boolean}"]
        got = results.display_rows()
        expected_rows = [{k: str(v) for k, v in row.items()} for row in expected]
        if self.meta.get("order") == "exact":
            if got == expected_rows:
                return []
            return [f"expected rows in order {expected_rows}, got {got}"]
        def key(row):
            return tuple(sorted(row.items()))
        missing = Counter(map(key, expected_rows)) - Counter(map(key, got))
        extra = Counter(map(key, got)) - Counter(map(key, expected_rows))
        return ([f"missing row {dict(k)}" for k in missing.elements()]
                + [f"unexpected row {dict(k)}" for k in extra.elements()])


def parse_param(param: Param, value: str) -> Term:
    if param.kind == "iri":
        if value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
        elif re.match(r"^https?://", value):
            iri = value
        else:
            try:
                iri = expand_curie(value)
            except KeyError:
                raise QueryError(f"--param {param.name}: {value!r} is not an IRI or a CURIE with a known prefix "
                                 f"({', '.join(sorted(PREFIXES))})") from None
        if any(c in iri for c in '<>"{}|^`\\ '):
            raise QueryError(f"--param {param.name}: {iri!r} is not a valid IRI")
        return Term("uri", iri)
    if param.kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"--param {param.name}: {value!r} is not an integer")
        return Term("literal", value, XSD_INTEGER)
    return Term("literal", value)


class Catalogue:
    """Every named query under queries/, by name."""

    def __init__(self, root: Path):
        self.root = root
        self.queries: dict[str, NamedQuery] = {}
        for path in sorted(root.glob("*/*.rq")):
            q = NamedQuery.read(path)
            if q.name in self.queries:
                raise QueryError(f"two queries are named {q.name!r}: {self.queries[q.name].path} and {path}")
            self.queries[q.name] = q

    def competency_questions(self) -> list[NamedQuery]:
        return [q for q in self.queries.values() if q.path.parent.name == "cq"]

    def violation_checks(self) -> list[NamedQuery]:
        return [q for q in self.queries.values() if q.path.parent.name == "qc"]

    def resolve(self, ref: str, stdin_text: str | None = None) -> NamedQuery:
        """A query name, a path to a .rq file, or '-' (the text given as stdin_text)."""
        if ref == "-":
            return NamedQuery("stdin", Path("<stdin>"), stdin_text or "")
        if ref in self.queries:
            return self.queries[ref]
        path = Path(ref)
        if path.suffix == ".rq" or path.exists():
            if not path.is_file():
                raise QueryError(f"no query file {ref}")
            return NamedQuery.read(path)
        close = [n for n in self.queries if ref in n or n in ref]
        hint = f" Did you mean: {', '.join(close)}?" if close else " `vcf-kg queries` lists them."
        raise QueryError(f"no named query {ref!r}.{hint}")
