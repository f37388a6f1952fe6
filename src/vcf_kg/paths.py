"""Where the project's inputs and outputs live.

Inputs are read from the repository (``VCF_KG_HOME`` overrides, e.g. for building from a copy);
the release directory defaults to ``<home>/dist`` (``VCF_KG_DIST`` or ``--dist`` override).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


RELEASE_NAME = "vcf-kg"

# release format name -> (pyoxigraph format name, file suffix, media type)
RELEASE_FORMATS: dict[str, tuple[str, str, str]] = {
    "ttl": ("TURTLE", "ttl", "text/turtle"),
    "nt": ("N_TRIPLES", "nt", "application/n-triples"),
    "owl": ("RDF_XML", "owl", "application/rdf+xml"),
    "jsonld": ("JSON_LD", "jsonld", "application/ld+json"),
}


SSSOM_SUFFIX = "sssom.tsv"


def release_file(dist: Path, fmt: str = "nt") -> Path:
    """The file of one release format in a release directory (fmt 'sssom': the mapping set)."""
    if fmt == "sssom":
        return dist / f"{RELEASE_NAME}.{SSSOM_SUFFIX}"
    return dist / f"{RELEASE_NAME}.{RELEASE_FORMATS[fmt][1]}"


@dataclass(frozen=True)
class ProjectPaths:
    home: Path
    dist: Path

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


def project_paths(home: Path | str | None = None, dist: Path | str | None = None) -> ProjectPaths:
    home = Path(home or os.environ.get("VCF_KG_HOME") or Path(__file__).resolve().parents[2]).resolve()
    dist = Path(dist or os.environ.get("VCF_KG_DIST") or home / "dist").resolve()
    return ProjectPaths(home, dist)
