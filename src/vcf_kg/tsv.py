"""Reading the project's TSV files: '#' header comments, one header row, tab-separated rows.

Each row comes back with its 1-based line number so that every later error can name it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import CurationError, Problem


@dataclass(frozen=True)
class Row:
    path: Path
    line: int
    values: dict[str, str]
    text: str = ""  # the raw line

    def __getitem__(self, field: str) -> str:
        return self.values[field]

    def problem(self, field: str | None, message: str) -> Problem:
        return Problem(self.path, self.line, field, message)


def read_tsv(path: Path, required: list[str]) -> list[Row]:
    """Read ``path``; fail (naming file and line) on a missing file, missing columns or ragged rows."""
    if not path.exists():
        raise CurationError([Problem(path, None, None, "file not found")])
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CurationError([Problem(path, None, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")])
    header: list[str] | None = None
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip() or text.startswith("#"):
            continue
        cells = text.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in required if c not in header]
            if missing:
                raise CurationError([Problem(path, number, None, f"header lacks column(s) {', '.join(missing)}")])
            continue
        if len(cells) != len(header):
            problems.append(Problem(path, number, None, f"has {len(cells)} tab-separated cells, the header has {len(header)}"))
            continue
        rows.append(Row(path, number, {h: c.strip() for h, c in zip(header, cells)}, text))
    if header is None:
        problems.append(Problem(path, None, None, "no header row"))
    if problems:
        raise CurationError(problems)
    return rows
