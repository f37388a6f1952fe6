"""Where the project's inputs and outputs live.

Inputs are read from the repository (``VCF_KG_HOME`` overrides, for tests that build from a copy);
the release directory defaults to ``<home>/dist`` (``VCF_KG_DIST`` overrides).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    home: Path

    @property
    def ontology(self) -> Path:
        return self.home / "ontology" / "vcf.ttl"

    @property
    def shapes(self) -> Path:
        return self.home / "ontology" / "shapes.ttl"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def reference(self) -> Path:
        return self.home / "data" / "reference"

    @property
    def queries(self) -> Path:
        return self.home / "queries"

    @property
    def dist(self) -> Path:
        return Path(os.environ.get("VCF_KG_DIST") or self.home / "dist")


def project_paths(home: Path | str | None = None) -> ProjectPaths:
    if home is None:
        home = os.environ.get("VCF_KG_HOME") or Path(__file__).resolve().parents[2]
    return ProjectPaths(Path(home).resolve())
