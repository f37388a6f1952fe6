"""`vcf-kg explain TERM`: every statement about a term, with the sentence and source behind it."""
from __future__ import annotations

import re

from .errors import QueryError
from .prefixes import BASE, PREFIXES, expand_curie, shorten
from .queries import Catalogue
from .results import Term


# the list columns of explain-term-statements and their separators
LISTS = {"qualifiers": " | ", "basis": ", "}


def resolve_term(store, catalogue: Catalogue, text: str) -> list[tuple[str, str]]:
    """(IRI, label) pairs a label, CURIE or IRI refers to."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"^https?://", text):
        return [(text, text)]
    prefix = text.split(":", 1)[0]
    if ":" in text and prefix in PREFIXES and " " not in text:
        return [(expand_curie(text), text)]
    found: dict[str, str] = {}
    lookup = catalogue.queries["explain-term-label"]
    for spelling in spellings(text):  # index look-ups: constant cost at any size of graph
        for lang in (None, "en"):
            for row in store.query(lookup.text, {"text": Term("literal", spelling, lang=lang)}).rows:
                found.setdefault(row["term"].value, row["label"].value)
    if not found:  # an unusual mix of cases: compare every label (grows with the graph)
        scan = catalogue.queries["explain-term-lookup"]
        for row in store.query(scan.text, {"text": Term("literal", text)}).rows:
            found.setdefault(row["term"].value, row["label"].value)
    return sorted(found.items())


def spellings(text: str) -> list[str]:
    """The text as typed, in lower case, upper case and with a capital first letter (no repeats)."""
    candidates = [text, text.lower(), text.upper(), text[:1].upper() + text[1:].lower(), text[:1].upper() + text[1:]]
    return list(dict.fromkeys(candidates))


def sorted_list(value: str, separator: str) -> str:
    """A GROUP_CONCAT list in sorted order: SPARQL leaves the order of its parts to the store."""
    return separator.join(sorted(value.split(separator))) if value else value


def explain(store, catalogue: Catalogue, text: str) -> str:
    matches = resolve_term(store, catalogue, text)
    if not matches:
        raise QueryError(f"no term is labelled {text!r}; give a label, a CURIE (vcfr:Kyphoplasty) or an IRI")
    if len(matches) > 1:  # prefer the graph's own term over an external one with the same label
        own = [m for m in matches if m[0].startswith(BASE)]
        matches = own if len(own) == 1 else matches
    if len(matches) > 1:
        options = "\n  ".join(f"{shorten(iri)}  ({label})" for iri, label in matches)
        raise QueryError(f"{text!r} names several terms; give one of:\n  {options}")
    iri = matches[0][0]
    term = Term("uri", iri)
    about = store.query(catalogue.queries["explain-term-about"].text, {"term": term}).rows
    lines = [f"{shorten(iri)}  <{iri}>"]
    if about:
        row = about[0]
        if "label" in row:
            lines.append(f"  label:      {row['label'].value}")
        if row.get("types") and row["types"].value:
            lines.append(f"  types:      {sorted_list(row['types'].value, ', ')}")
        if "definition" in row:
            lines.append(f"  definition: {row['definition'].value}")
    statements = store.query(catalogue.queries["explain-term-statements"].text, {"term": term}).rows
    if not statements:
        lines.append("\n  No curated or inferred statement mentions this term.")
    # One block per fact; under it, every source's support side by side.
    facts: dict[tuple, list[dict]] = {}
    for row in statements:
        v = {k: t.value for k, t in row.items()}
        for name, separator in LISTS.items():
            if v.get(name):
                v[name] = sorted_list(v[name], separator)
        for name in ("subjectLabel", "predicateLabel", "objectLabel"):
            if v[name].startswith(("http://", "https://")):
                v[name] = shorten(v[name])
        facts.setdefault((v["s"], v["p"], v["o"]), []).append(v)
    # in code, not only by the query's ORDER BY: stores order a plain string and a literal with a language
    # tag (a label and an IRI without one) differently, and SPARQL leaves that order open
    def fact_order(support):
        first = support[0]
        return (first["kind"], first["subjectLabel"], first["predicateLabel"], first["objectLabel"], first["s"],
                first["p"], first["o"])
    for support in sorted(facts.values(), key=fact_order):
        support.sort(key=lambda v: (v["kind"], v.get("sourceLabel", ""), v["statement"]))
        first = support[0]
        lines.append("")
        lines.append(f"  {first['subjectLabel']} —{first['predicateLabel']}→ {first['objectLabel']}")
        for v in support:
            if v["kind"] == "claim":
                qual = f"; {v['qualifiers']}" if v.get("qualifiers") else ""
                where = (f"sentence {v['sentence']}" if v.get("sentence")
                         else f"row {v['record']} (line {v['recordLine']})" if v.get("record") else "header")
                lines.append(f"      [{v['modality']}{qual}] “{v['quote']}”")
                lines.append(f"          — {v['sourceLabel']}, {where}  ({shorten(v['statement'])})")
            else:
                lines.append(f"      [inferred] by rule {shorten(v['rule'])} from claims {v['basis']}  ({shorten(v['statement'])})")
    return "\n".join(lines) + "\n"
