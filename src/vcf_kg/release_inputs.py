"""What a release is built from, and whether a release directory is up to date with it.

The build writes ``inputs.sha256`` into the release: one ``sha256sum`` line for every input file
(the ontology, the curated data and reference tables, the source texts and the build's rules), so
``cd <checkout> && sha256sum -c dist/inputs.sha256`` checks a release by hand. ``staleness`` compares
it with the checkout; packaging refuses a missing or stale release (``build_support/``).

Standard library only: the packaging hook loads this file without installing vcf-kg's dependencies.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

MANIFEST_NAME = "inputs.sha256"
INPUT_DIRS = ("ontology", "data", "sources", "queries/rules")
# Files in a release directory that are not part of the release (packaging output written there by mistake).
NOT_RELEASE_SUFFIXES = (".whl", ".tar.gz", ".zip")


def input_files(home: Path) -> list[Path]:
    """Every file the build reads, sorted by its path relative to ``home``."""
    found = []
    for name in INPUT_DIRS:
        root = home / name
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file() and not _hidden(p.relative_to(home))]
    return sorted(found, key=lambda p: p.relative_to(home).as_posix())


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in relative.parts)


def manifest(home: Path) -> bytes:
    """The ``sha256sum``-format listing of every input file."""
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(home).as_posix()}\n"
             for p in input_files(home)]
    return "".join(lines).encode("utf-8")


def _parse(data: bytes) -> dict[str, str]:
    out = {}
    for line in data.decode("utf-8").splitlines():
        digest, sep, name = line.partition("  ")
        if sep:
            out[name] = digest
    return out


def release_files(dist: Path) -> list[Path]:
    """The files of the release in ``dist`` (not packaging output that may sit beside them)."""
    return sorted(p for p in dist.iterdir() if p.is_file() and not p.name.endswith(NOT_RELEASE_SUFFIXES))


def staleness(home: Path, dist: Path) -> str | None:
    """Why ``dist`` is not the release of ``home``'s current inputs, or None if it is."""
    home, dist = Path(home), Path(dist)
    recorded_file = dist / MANIFEST_NAME
    if not (dist / "vcf-kg.nt").is_file() or not recorded_file.is_file():
        return f"there is no built release in {dist}: run `vcf-kg build` first"
    recorded, current = _parse(recorded_file.read_bytes()), _parse(manifest(home))
    changed = sorted(name for name in current.keys() & recorded.keys() if current[name] != recorded[name])
    added = sorted(current.keys() - recorded.keys())
    removed = sorted(recorded.keys() - current.keys())
    if not (changed or added or removed):
        return None
    parts = []
    for label, names in (("changed", changed), ("new", added), ("removed", removed)):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            parts.append(f"{label}: {shown}")
    return (f"the release in {dist} is stale: its inputs changed since it was built ({'; '.join(parts)}): "
            "run `vcf-kg build` first")
