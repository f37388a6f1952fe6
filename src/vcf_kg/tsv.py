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
    raw = path.read_bytes()
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise CurationError(_encoding_problems(path, raw)) from None
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


def _encoding_problems(path: Path, raw: bytes) -> list[Problem]:
    """Every line that is not valid UTF-8, as file:line, the column (field) and the offending byte."""
    header: list[str] | None = None
    header_line = 0
    problems = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if header is None and line.strip() and not line.startswith(b"#"):
            header = [c.strip() for c in line.decode("utf-8", "replace").split("\t")]
            header_line = number
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            cell = line[:exc.start].count(b"\t")
            field = header[cell] if header and number != header_line and cell < len(header) else None
            problems.append(Problem(path, number, field, f"not valid UTF-8: byte 0x{line[exc.start]:02x} at character "
                                                         f"{len(line[:exc.start].decode('utf-8', 'replace')) + 1} "
                                                         f"({exc.reason}); save the file as UTF-8"))
    return problems
