"""Accepting a reviewed file: the build's own checks on every accepted row, then all-or-nothing writes.

The accepted rows are appended to a staged copy of data/ (and the new source's text to a staged
sources/), and curation.load_curated — the loader the build runs — checks the staged project. Its
problems on the appended lines are reported at the review file's own lines. Added here: each quote's
offsets must hold the quote, and a row must not repeat a claim already curated from the same source.
Only when nothing is wrong are the new files written, each to a temporary file first and then renamed
over the old one, so data/ is either wholly updated or untouched.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..curation import CLAIM_COLUMNS, ENTITY_COLUMNS, SOURCE_COLUMNS, load_curated
from ..errors import CurationError, Problem
from ..ontology import Ontology
from ..paths import ProjectPaths
from ..tsv import read_tsv
from .inputs import _read_text
from .provenance import ASSISTANT_COLUMNS, ASSISTANT_FILE
from .review import DECISIONS, ENTITY_REVIEW_COLUMNS, REVIEW_COLUMNS, check_readable, entities_path, read_source_lines

ASSISTANT_HEADER = ("# Claims that the curation assistant (vcf-kg curate) proposed and a curator accepted: the build marks\n"
                    "# them vcf:agentType vcf:ManualValidationOfAutomatedAgent. Written by `vcf-kg curate --accept`.\n"
                    + "\t".join(ASSISTANT_COLUMNS) + "\n")


@dataclass
class AcceptResult:
    claims: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    skipped: int = 0  # rows with no decision (not reviewed) or rejected


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _append(original: str, lines: list[str]) -> str:
    if not lines:
        return original
    if original and not original.endswith("\n"):
        original += "\n"
    return original + "".join(line + "\n" for line in lines)


def accept_review(review: Path, paths: ProjectPaths) -> AcceptResult:
    check_readable(review)
    rows = read_tsv(review, REVIEW_COLUMNS)
    source_lines, problems = read_source_lines(review)
    entity_file = entities_path(review)
    entity_rows = []
    if entity_file.exists():
        check_readable(entity_file)
        entity_rows = read_tsv(entity_file, ENTITY_REVIEW_COLUMNS)
    result = AcceptResult()
    for row in [*rows, *entity_rows]:
        if row["decision"].lower() not in DECISIONS:
            problems.append(row.problem("decision", f"{row['decision']!r} is not accept, reject or empty (not reviewed)"))
    accepted = [r for r in rows if r["decision"].lower() == "accept"]
    accepted_entities = [r for r in entity_rows if r["decision"].lower() == "accept"]
    result.skipped = len(rows) + len(entity_rows) - len(accepted) - len(accepted_entities)
    if not accepted and not accepted_entities and not problems:
        raise CurationError([Problem(review, None, "decision", "no row is marked accept: nothing to add")])

    # -- the sources: registered already, or new (from the review's #source lines) ----------------
    registered = {r["id"]: r for r in read_tsv(paths.data / "sources.tsv", SOURCE_COLUMNS)}
    declared = {s["id"]: s for s in source_lines}
    used = {r["source"] for r in [*accepted, *accepted_entities]}
    texts: dict[str, str] = {}
    new_sources: list[dict] = []
    new_texts: dict[Path, str] = {}
    for source_id in sorted(used):
        if source_id in registered:
            text_path = paths.home / registered[source_id]["path"]
            if text_path.is_file():
                texts[source_id] = text_path.read_text(encoding="utf-8")
            continue
        decl = declared.get(source_id)
        if decl is None:
            continue  # the loader reports the unknown source at each row
        where = Problem(review, decl["line"], "path", "")
        text_path = Path(decl["path"])
        if not text_path.is_absolute():
            text_path = review.parent / text_path
        text, text_problems = _read_text(text_path, where)
        problems += text_problems
        for name in ("label", "citation"):
            if not decl[name]:
                problems.append(Problem(review, decl["line"], name, f"the #source line of {source_id!r} needs a {name} "
                                        "(data/sources.tsv records it)"))
        if text is None:
            continue
        target = paths.home / "sources" / f"{source_id}.txt"
        if target.exists() and target.read_text(encoding="utf-8") != text:
            problems.append(Problem(review, decl["line"], "id", f"sources/{target.name} exists with another text: "
                                    "choose another source id"))
        texts[source_id] = text
        new_texts[target] = text
        new_sources.append({**decl, "path": f"sources/{target.name}"})

    # -- offsets and duplicates (the loader checks the rest) -----------------------------------------
    existing = {}
    for row in read_tsv(paths.data / "claims.tsv", CLAIM_COLUMNS):
        existing.setdefault((row["subject"], row["predicate"], row["object"], row["source"]), row)
    seen: dict[tuple, int] = {}
    for row in accepted:
        key = (row["subject"], row["predicate"], row["object"], row["source"])
        if key in existing:
            first = existing[key]
            problems.append(row.problem("object", f"duplicates claim {first['claim_id']} ({first.path.name}:{first.line}): "
                                        "same subject, predicate, object and source"))
        elif key in seen:
            problems.append(row.problem("object", f"duplicates the accepted row at line {seen[key]}"))
        seen.setdefault(key, row.line)
        text = texts.get(row["source"])
        try:
            start, end = int(row["quote_start"]), int(row["quote_end"])
        except ValueError:
            problems.append(row.problem("quote_start", f"offsets {row['quote_start']!r}..{row['quote_end']!r} are not whole numbers"))
            continue
        if text is not None and row["quote"] and row["quote"] in text and text[start:end] != row["quote"]:
            at = text.find(row["quote"])
            problems.append(row.problem("quote_start", f"offsets {start}..{end} do not hold the quote (it is at "
                                        f"{at}..{at + len(row['quote'])})"))

    # -- stage the new project and run the build's loader on it ---------------------------------------
    claim_lines = ["\t".join(r[c] for c in CLAIM_COLUMNS) for r in accepted]
    entity_lines = ["\t".join(r[c] for c in ENTITY_COLUMNS) for r in accepted_entities]
    source_lines_out = ["\t".join(s[c] for c in SOURCE_COLUMNS) for s in new_sources]
    files = {
        paths.data / "claims.tsv": (_read(paths.data / "claims.tsv"), claim_lines, accepted),
        paths.data / "entities.tsv": (_read(paths.data / "entities.tsv"), entity_lines, accepted_entities),
        paths.data / "sources.tsv": (_read(paths.data / "sources.tsv"), source_lines_out,
                                     [Problem(review, s["line"], None, "") for s in new_sources]),
    }
    with tempfile.TemporaryDirectory(prefix="vcf-kg-accept-") as tmp:
        stage = Path(tmp)
        shutil.copytree(paths.data, stage / "data")
        shutil.copytree(paths.home / "sources", stage / "sources")
        (stage / "ontology").symlink_to(paths.ontology.parent.resolve())
        line_map: dict[tuple[str, int], tuple[Path, int]] = {}
        for real, (original, lines, origins) in files.items():
            staged = stage / "data" / real.name
            staged.write_text(_append(original, lines), encoding="utf-8")
            first = len(_append(original, ["x"]).splitlines())
            for i, origin in enumerate(origins):
                line_map[(real.name, first + i)] = (origin.path, origin.line)
        for target, text in new_texts.items():
            (stage / "sources" / target.name).write_text(text, encoding="utf-8")
        try:
            load_curated(ProjectPaths(stage, stage / "dist"), Ontology.load(paths.ontology))
        except CurationError as exc:
            for p in exc.problems:
                path = Path(p.path)
                if path.is_relative_to(stage):
                    mapped = line_map.get((path.name, p.line)) if p.line is not None else None
                    if mapped:
                        p.path, p.line = mapped
                    else:
                        p.path = paths.home / path.relative_to(stage)
                problems.append(p)
    if problems:
        raise CurationError(sorted(problems, key=lambda p: (str(p.path), p.line or 0)))

    # -- commit: every new file written in full beside its target, then renamed over it --------------
    assistant = paths.data / ASSISTANT_FILE
    today = date.today().isoformat()
    writes = {real: _append(original, lines) for real, (original, lines, _) in files.items() if lines}
    writes[assistant] = _append(_read(assistant) or ASSISTANT_HEADER,
                                [f"{r['claim_id']}\t{review.name}\t{today}" for r in accepted])
    writes.update(new_texts)
    temps = []
    try:
        for target, content in writes.items():
            tmp = target.with_name(f".{target.name}.curate-new")
            tmp.write_text(content, encoding="utf-8")
            temps.append((tmp, target))
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
    result.claims = [r["claim_id"] for r in accepted]
    result.entities = [r["id"] for r in accepted_entities]
    result.sources = [s["id"] for s in new_sources]
    return result
