"""`vcf-kg compare INTERVENTION`: every source's position on an intervention, side by side.

In: the built store and the queries of queries/compare/. Out: the positions on the intervention (and on broader terms
that include it, and on narrower variants), oldest first: body, year, document, direction on the shared scale, the
body's own grade, conditions (typed and as paraphrased), wording, cautions and the record each comes from.
"""
from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass, field

from .errors import QueryError
from .explain import resolve_term
from .prefixes import BASE, shorten
from .queries import Catalogue
from .results import Term

SCALE_NOTE = ("Scale: for > option > insufficient evidence (inconclusive) > no benefit shown > against. "
              "\"No benefit shown\" is a finding about the evidence, not a recommendation against.")


@dataclass
class Position:
    position: str
    label: str
    body: str
    year: str
    document: str
    document_kind: str
    direction: str
    rank: int
    grade: str
    about: str
    relation: str
    status: str
    population: str
    conditions_text: str
    wording: str
    sources: list[str] = field(default_factory=list)  # "table, line N (record)" per source of its direction
    conditions: list[str] = field(default_factory=list)  # "kind: value — “words”"
    marks: list[str] = field(default_factory=list)


def _one(store, catalogue: Catalogue, text: str) -> tuple[str, str]:
    matches = resolve_term(store, catalogue, text)
    if len(matches) > 1:
        own = [m for m in matches if m[0].startswith(BASE)]
        matches = own if len(own) == 1 else matches
    if not matches:
        raise QueryError(f"no term is labelled {text!r}; give a label, a CURIE (vcfr:Kyphoplasty) or an IRI")
    if len(matches) > 1:
        options = "\n  ".join(f"{shorten(iri)}  ({label})" for iri, label in matches)
        raise QueryError(f"{text!r} names several terms; give one of:\n  {options}")
    return matches[0]


def positions_on(store, catalogue: Catalogue, text: str) -> tuple[str, str, list[Position]]:
    """(IRI, label, positions oldest first) for an intervention given by label, CURIE or IRI."""
    iri, label = _one(store, catalogue, text)
    param = {"intervention": Term("uri", iri)}
    out: dict[str, Position] = {}
    for row in store.query(catalogue.queries["compare-positions"].text, param).rows:
        v = {k: t.value for k, t in row.items()}
        p = out.get(v["position"])
        if p is None:
            p = out[v["position"]] = Position(
                shorten(v["position"]), v["positionLabel"], v["bodyLabel"], v.get("year", ""), v["documentLabel"],
                v.get("documentKind", ""), v["direction"], int(v["rank"]), v.get("grade", ""), v["about"],
                v["relation"], v.get("status", ""), v.get("population", ""), v.get("conditions", ""), v.get("wording", ""))
        source_id = v["source"].rsplit("/", 1)[-1]
        if v.get("recordLine"):
            where = f"{source_id} table, line {v['recordLine']} (row {v['record'].rsplit('/', 1)[-1]})"
        elif v.get("sentence"):
            where = f"{source_id}, sentence {v['sentence']}"
        else:
            where = v["sourceLabel"]
        if where not in p.sources:
            p.sources.append(where)
    conditions: dict[tuple[str, str, str], list[str]] = {}
    for row in store.query(catalogue.queries["compare-conditions"].text, param).rows:
        v = {k: t.value for k, t in row.items()}
        conditions.setdefault((v["position"], v["kind"], v["text"]), []).append(v.get("value", ""))
    for (pos, kind, words), values in conditions.items():
        if pos in out:
            out[pos].conditions.append(f"{kind}: {', '.join(sorted(filter(None, values)))} — “{words}”")
    for row in store.query(catalogue.queries["compare-marks"].text, param).rows:
        pos = row["position"].value
        if pos in out:
            out[pos].marks.append(row["mark"].value)
    ordered = sorted(out.values(), key=lambda p: (p.year or "9999", p.body, p.position))
    return iri, label, ordered


def compare(store, catalogue: Catalogue, text: str, fmt: str = "text", width: int = 100) -> str:
    iri, label, positions = positions_on(store, catalogue, text)
    if fmt == "json":
        return json.dumps({"intervention": iri, "label": label, "positions": [asdict(p) for p in positions]},
                          indent=2, ensure_ascii=False) + "\n"
    lines = [f"Positions on {label} ({shorten(iri)}): {len(positions)}, oldest first; undated last.", SCALE_NOTE]
    if not positions:
        lines.append("\n  No body's position in the graph concerns this intervention.")
    wrap = textwrap.TextWrapper(width=width, subsequent_indent=" " * 18)
    for p in positions:
        head = f"{p.year or 'undated'}  {p.body}"
        lines += ["", head, "  " + "-" * (len(head) - 2)]
        rows = [("direction", f"{p.direction.upper()}" + (f"   (the body's grade: {p.grade})" if p.grade else "")),
                ("about", p.about + ("" if p.relation == "itself" else f" ({p.relation})")),
                ("document", p.document + (f" [{p.document_kind}]" if p.document_kind else "")
                 + (f" — {p.status.upper()}" if p.status else "")),
                ("population", p.population)]
        rows += [("condition", c) for c in p.conditions]
        rows += [("paraphrase", p.conditions_text), ("wording", f"“{p.wording}”" if p.wording else ""),
                 ("caution", "; ".join(p.marks)), ("source", "; ".join(p.sources)), ("position", p.position)]
        for name, value in rows:
            if value:
                lines.append(wrap.fill(f"  {name:<14}  {value}"))
    return "\n".join(lines) + "\n"
