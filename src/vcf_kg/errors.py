"""Errors that name the file, line and field at fault."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class VcfKgError(Exception):
    """Base class: every error the CLI reports as a clean message (exit status 1)."""


@dataclass
class Problem:
    """One thing wrong with a curated file, located to its line and field."""

    path: Path | str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class CurationError(VcfKgError):
    """Curated input is wrong. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BuildError(VcfKgError):
    """The build ran but its result fails a gate (e.g. a count below its minimum)."""


class NotBuiltError(VcfKgError):
    """A command needs the built graph and there is none."""


class QueryError(VcfKgError):
    """A named query is unknown, malformed, or given bad parameters."""
