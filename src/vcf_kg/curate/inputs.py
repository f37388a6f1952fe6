"""The texts to curate: one plain-text file, or a list of several in the columns of data/sources.tsv.

Every text is checked before any is read further: it must exist, be text (no NUL bytes), be valid
UTF-8 and say something. All problems come back together, each naming its file (and line).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..curation import ID_PATTERN, SOURCE_COLUMNS
from ..errors import CurationError, Problem
from ..tsv import read_tsv

DEFAULT_KIND = "SourcePublication"


@dataclass(frozen=True)
class NewSource:
    """A text to curate and what data/sources.tsv will say about it once a review is accepted."""

    id: str
    kind: str
    label: str
    path: Path  # where the text is now
    citation: str
    text: str


def _read_text(path: Path, where: Problem) -> tuple[str | None, list[Problem]]:
    """The text of path, or the problems that keep it from being curated (located at ``where``)."""

    def problem(message: str) -> Problem:
        return Problem(where.path, where.line, where.field, message)

    if not path.is_file():
        return None, [problem(f"{path} not found")]
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, [problem(f"{path} is a binary file, not plain text (NUL byte at offset {nul})")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, [Problem(path, line, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start}); "
                                                "save the text as UTF-8")]
    if not text.strip():
        return None, [problem(f"{path} is empty: there is nothing to curate")]
    return text, []


def _check_id(source_id: str, where: Problem) -> list[Problem]:
    if not ID_PATTERN.match(source_id):
        return [Problem(where.path, where.line, where.field or "id",
                        f"{source_id!r} is not a valid source id (letters and digits, starting with a letter)")]
    return []


def read_sources(path: Path, source_id: str | None = None, label: str | None = None,
                 citation: str | None = None, kind: str = DEFAULT_KIND) -> list[NewSource]:
    """The sources in ``path``: a .tsv list of sources (columns of data/sources.tsv, paths relative to
    the list), or one text file named ``source_id``."""
    path = Path(path)
    if path.suffix == ".tsv":
        if source_id:
            raise CurationError([Problem(path, None, None, "a list of sources names its ids in its 'id' column; "
                                         "drop --source-id")])
        return _read_list(path)
    if not source_id:
        raise CurationError([Problem(path, None, None, "give the text's source id (--source-id ID)")])
    where = Problem(path, None, None, "")
    problems = _check_id(source_id, Problem("--source-id", None, None, ""))
    text, text_problems = _read_text(path, where)
    problems += text_problems
    if problems:
        raise CurationError(problems)
    return [NewSource(source_id, kind, label or _first_line(text), path.resolve(), citation or "", text)]


def _first_line(text: str) -> str:
    """A default label: the text's first line, up to its first full stop (a curator may change it)."""
    line = next(line.strip() for line in text.splitlines() if line.strip())
    return line.split(". ", 1)[0].rstrip(".")[:120]


def _read_list(path: Path) -> list[NewSource]:
    out: list[NewSource] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row in read_tsv(path, SOURCE_COLUMNS):
        where = row.problem("path", "")
        problems += _check_id(row["id"], row.problem("id", ""))
        if row["id"] in seen:
            problems.append(row.problem("id", f"duplicate source id {row['id']!r} (first at line {seen[row['id']]})"))
        seen.setdefault(row["id"], row.line)
        text, text_problems = _read_text((path.parent / row["path"]).resolve(), where)
        problems += text_problems
        if text is not None:
            out.append(NewSource(row["id"], row["kind"] or DEFAULT_KIND, row["label"] or _first_line(text),
                                 (path.parent / row["path"]).resolve(), row["citation"], text))
    if problems:
        raise CurationError(problems)
    if not out:
        raise CurationError([Problem(path, None, None, "lists no source")])
    return out
