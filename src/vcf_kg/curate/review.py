"""The review files a curator edits: proposed claims, and new-entity candidates beside them.

REVIEW.tsv has data/claims.tsv's columns, then quote_start / quote_end (character offsets of the quote
in the source text), confidence, reason and decision. Lines starting with '#source' describe each new
source (data/sources.tsv's columns, path = where the text is now); '# withheld' lines list what the
assistant kept back because a negation qualifies it. REVIEW.entities.tsv has data/entities.tsv's
columns plus mention offsets, confidence, reason and decision. A curator writes ``accept`` or
``reject`` in each decision cell (and may fix any cell); an empty decision means not reviewed, and
such a row never enters the graph.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..curation import CLAIM_COLUMNS, CURATOR, ENTITY_COLUMNS, SOURCE_COLUMNS
from ..errors import CurationError, Problem

REVIEW_COLUMNS = CLAIM_COLUMNS + ["quote_start", "quote_end", "confidence", "reason", "decision"]
ENTITY_REVIEW_COLUMNS = ENTITY_COLUMNS + ["mention_start", "mention_end", "confidence", "reason", "decision"]
SOURCE_MARK = "#source\t"
CLAIM_PREFIX = "C"  # claims proposed by the assistant: C001, C002, ...
DECISIONS = ("accept", "reject", "")

HEADER = """# vcf-kg curate review file: one proposed claim per row, for a curator to decide.
# Write accept or reject in the decision column (empty = not reviewed: such a row never enters the graph).
# Fix any cell before accepting (subject, object, modality, qualifiers...); keep the quote verbatim and its
# offsets (quote_start, quote_end: characters of the source text). The columns up to 'evidence' are
# data/claims.tsv's. Then: vcf-kg curate --accept THIS_FILE
# New entities proposed for words no entity names are in the .entities.tsv file beside this one: accept
# those the accepted claims use, and give each a definition.
"""
ENTITY_HEADER = """# vcf-kg curate: new-entity candidates, in data/entities.tsv's columns. Write accept or reject in the
# decision column; an accepted entity needs a definition (the assistant cannot write one) and may take
# a better id, label or class. mention is verbatim from the source (mention_start, mention_end: offsets).
# definition_source is 'curator' (the definition is your own wording; leave definition_quote empty) unless
# the definition rests on a source's words: then that source's id (this review's new source counts) and
# those words, verbatim, in definition_quote; --accept checks that they occur there.
"""


def entities_path(review: Path) -> Path:
    return review.with_name(review.name[:-len(".tsv")] + ".entities.tsv" if review.name.endswith(".tsv")
                            else review.name + ".entities.tsv")


def existing_claim_ids(paths) -> set[str]:
    path = paths.data / "claims.tsv"
    if not path.exists():
        return set()
    return {line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")}


def _cell(value: str) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def _next_ids(taken: set[str]):
    n = 1
    while True:
        candidate = f"{CLAIM_PREFIX}{n:03d}"
        if candidate not in taken:
            yield candidate
        n += 1


def write_review(path: Path, readings: list, taken_ids: set[str]) -> None:
    lines = [HEADER.rstrip("\n")]
    for r in readings:
        s = r.source
        lines.append(SOURCE_MARK + "\t".join(_cell(v) for v in (s.id, s.kind, s.label, str(s.path), s.citation)))
    lines.append("\t".join(REVIEW_COLUMNS))
    ids = _next_ids(taken_ids)
    for r in readings:
        for p in r.proposals:
            lines.append("\t".join(_cell(v) for v in (
                next(ids), p.subject, p.predicate, p.object, p.datatype, p.modality, "|".join(p.qualifiers), p.source,
                p.quote, "ECO:0000302", p.start, p.end, f"{p.confidence:.2f}", p.reason, "")))
    withheld = [w for r in readings for w in r.withheld]
    if withheld:
        lines.append("# withheld (a negation qualifies each; state the negative with an entity if the graph should hold it):")
        for w in withheld:
            lines.append(f"# withheld\t{w.subject}\t{w.predicate}\t{w.object}\t{w.source}\t{w.start}\t{w.end}\t{_cell(w.reason)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entity_lines = [ENTITY_HEADER.rstrip("\n"), "\t".join(ENTITY_REVIEW_COLUMNS)]
    for r in readings:
        for c in r.candidates:
            cells = {"id": c.id, "types": c.cls, "label": c.label, "alt_labels": "", "definition": "", "broader": "",
                     "source": c.source, "mention": c.mention, "definition_source": CURATOR, "definition_quote": "",
                     "mention_start": c.start, "mention_end": c.end, "confidence": f"{c.confidence:.2f}",
                     "reason": c.reason, "decision": ""}
            entity_lines.append("\t".join(_cell(cells[name]) for name in ENTITY_REVIEW_COLUMNS))
    entities_path(path).write_text("\n".join(entity_lines) + "\n", encoding="utf-8")


def read_source_lines(path: Path) -> tuple[list[dict], list[Problem]]:
    """The '#source' lines of a review file: each a dict of data/sources.tsv's columns, and its line."""
    out, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith(SOURCE_MARK):
            continue
        cells = line[len(SOURCE_MARK):].split("\t")
        if len(cells) != len(SOURCE_COLUMNS):
            problems.append(Problem(path, number, None, f"a #source line has {len(SOURCE_COLUMNS)} cells after '#source' "
                                                        f"({', '.join(SOURCE_COLUMNS)}), this one {len(cells)}"))
            continue
        out.append({**dict(zip(SOURCE_COLUMNS, (c.strip() for c in cells))), "line": number})
    return out, problems


def check_readable(path: Path) -> None:
    if not path.is_file():
        raise CurationError([Problem(path, None, None, "review file not found")])
    data = path.read_bytes()
    if b"\x00" in data:
        raise CurationError([Problem(path, None, None, "a binary file, not a review TSV")])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CurationError([Problem(path, data[:exc.start].count(b"\n") + 1, None,
                                     f"not valid UTF-8 ({exc.reason} at byte {exc.start})")])
