"""Where the project's inputs and outputs live: a source checkout, or the release packaged in the wheel.

In a source checkout (this file under ``<home>/src/vcf_kg/``, or ``VCF_KG_HOME`` / ``--home``) the
inputs are read from the repository and the release directory defaults to ``<home>/dist``.
Installed from a wheel, there is no checkout: the release and the named queries the wheel carries
(``vcf_kg/packaged/``, found with importlib.resources) are used, and building needs ``--home``.
``VCF_KG_DIST`` or ``--dist`` override the release directory either way.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import VcfKgError

RELEASE_NAME = "vcf-kg"

# release format name -> (pyoxigraph format name, file suffix, media type)
RELEASE_FORMATS: dict[str, tuple[str, str, str]] = {
    "ttl": ("TURTLE", "ttl", "text/turtle"),
    "nt": ("N_TRIPLES", "nt", "application/n-triples"),
    "owl": ("RDF_XML", "owl", "application/rdf+xml"),
    "jsonld": ("JSON_LD", "jsonld", "application/ld+json"),
}


SSSOM_SUFFIX = "sssom.tsv"
PACKAGED = "packaged"  # vcf_kg/packaged/{release,queries}: what a wheel carries (see build_support/)


class NotACheckoutError(VcfKgError):
    """A command needs the project's sources (ontology, data) and runs from an installed wheel."""


def release_file(dist: Path, fmt: str = "nt") -> Path:
    """The file of one release format in a release directory (fmt 'sssom': the mapping set)."""
    if fmt == "sssom":
        return dist / f"{RELEASE_NAME}.{SSSOM_SUFFIX}"
    return dist / f"{RELEASE_NAME}.{RELEASE_FORMATS[fmt][1]}"


@dataclass(frozen=True)
class ProjectPaths:
    home: Path | None  # the source checkout; None when running from an installed wheel
    dist: Path
    packaged_queries: Path | None = None  # the wheel's copy of queries/, used when there is no checkout

    def _checkout(self) -> Path:
        if self.home is None:
            raise NotACheckoutError(
                "this needs a source checkout of vcf-kg (its ontology/ and data/), and this vcf-kg is installed "
                "from a wheel, which carries only the built release: pass --home DIR (or set VCF_KG_HOME) "
                "to a clone of the repository")
        return self.home

    @property
    def ontology(self) -> Path:
        return self._checkout() / "ontology" / "vcf.ttl"

    @property
    def shapes(self) -> Path:
        return self._checkout() / "ontology" / "shapes.ttl"

    @property
    def context(self) -> Path:
        """The JSON-LD context of the vocabulary (kept as data; the build copies it into the release)."""
        return self._checkout() / "ontology" / "context.jsonld"

    @property
    def data(self) -> Path:
        return self._checkout() / "data"

    @property
    def reference(self) -> Path:
        return self._checkout() / "data" / "reference"

    @property
    def queries(self) -> Path:
        if self.home is None and self.packaged_queries is not None:
            return self.packaged_queries
        return self._checkout() / "queries"


def is_checkout(directory: Path) -> bool:
    return (directory / "pyproject.toml").is_file() and (directory / "ontology" / "vcf.ttl").is_file()


def packaged_dir(name: str) -> Path | None:
    """A directory the wheel carries under vcf_kg/packaged/, or None (e.g. in a checkout)."""
    from importlib.resources import files

    resource = files(__package__).joinpath(PACKAGED, name)
    if not resource.is_dir():
        return None
    return Path(str(resource))  # wheels install as plain files, never zipped


def project_paths(home: Path | str | None = None, dist: Path | str | None = None) -> ProjectPaths:
    """The paths to use: ``home`` (or VCF_KG_HOME), else the checkout this package runs from, else the
    release packaged in the installed wheel."""
    home = home or os.environ.get("VCF_KG_HOME")
    if home:
        home = Path(home).resolve()
        if not (home / "ontology" / "vcf.ttl").is_file():
            raise NotACheckoutError(f"{home} is not a vcf-kg source checkout (no ontology/vcf.ttl there)")
    else:
        here = Path(__file__).resolve().parents[2]
        home = here if is_checkout(here) else None
    if home is not None:
        return ProjectPaths(home, Path(dist or os.environ.get("VCF_KG_DIST") or home / "dist").resolve())
    packaged_release = packaged_dir("release")
    if dist or os.environ.get("VCF_KG_DIST"):
        dist = Path(dist or os.environ["VCF_KG_DIST"]).resolve()
    elif packaged_release is not None:
        dist = packaged_release
    else:
        raise NotACheckoutError("vcf-kg finds neither a source checkout nor a packaged release: reinstall the wheel, "
                                "or pass --home DIR (or set VCF_KG_HOME) to a clone of the repository")
    return ProjectPaths(None, dist, packaged_dir("queries"))
