"""Release: serialise the built graph in every format, deterministically, and swap it in atomically.

All files are written into a fresh temporary directory beside the release directory, which then
replaces the old one; a failure at any point leaves the previous release as it was. Beside the
formats: ``void.ttl`` (the dataset description, with its citation), ``context.jsonld`` (the JSON-LD
context the ``.jsonld`` file is compacted with) and ``CHANGES.md`` (``vcf-kg diff`` against the
release being replaced).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, XSD

from .errors import VcfKgError
from .namespaces import BASE, DATASET, ONTOLOGY_IRI, SERIALISATION_PREFIXES, VOID
from .paths import RELEASE_FORMATS, RELEASE_NAME, release_file

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
FORMATS = RELEASE_FORMATS
TITLE = "vcf-kg: vertebral compression fracture management knowledge graph"
CREATOR = "The vcf-kg contributors"  # as in CITATION.cff (a test keeps them in step)
CHANGES_NAME = "CHANGES.md"


def dataset_citation(version: str) -> str:
    """How to cite the dataset (one line, as dcterms:bibliographicCitation and on the dataset page)."""
    return f"{CREATOR}. {TITLE}, version {version} [dataset]. {DATASET}. Licensed under CC BY 4.0."


def sorted_ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples, one triple a line, sorted: the canonical form every format is made from."""
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        raise ValueError("the release graph contains blank nodes; releases must be blank-node free")
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")


def serialise(graph: Graph, fmt: str, context=None) -> bytes:
    """One function for every format (the table above). rdflib's serialisers iterate in hash order,
    so every format is written by pyoxigraph from the sorted N-Triples: same input, same bytes.
    JSON-LD with a ``jsonld.Context`` is compacted with it (``jsonld.compact_release``)."""
    import pyoxigraph as ox

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    nt = sorted_ntriples(graph)
    if fmt == "nt":
        return nt
    if fmt == "jsonld" and context is not None:
        from .jsonld import compact_release

        return compact_release(nt, context)
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    prefixes = {p: ns for p, ns in SERIALISATION_PREFIXES.items() if p != "obo"}
    return ox.serialize(triples, format=getattr(ox.RdfFormat, FORMATS[fmt][0]), prefixes=prefixes)


def dataset_description(counts: dict[str, int], version: str, sources: list[URIRef]) -> Graph:
    """VoID + DCAT description: version, licence, size, provenance and the dumps."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("dcterms", DCTERMS)
    g.bind("prov", PROV)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "How vertebral compression fractures are managed: every claim of a patient-information article on vertebral "
        "fracture treatment, the positions of guideline bodies, health-technology assessors and funders on one direction "
        "scale with their conditions, key trials with their results, and mappings to other vocabularies; every fact with "
        "the verbatim sentence or reference-table row it comes from, described by the vcf-kg OWL ontology.", lang="en")))
    g.add((d, DCTERMS.license, LICENSE))
    g.add((d, DCTERMS.hasVersion, Literal(version)))
    g.add((d, DCTERMS.creator, Literal(CREATOR)))
    g.add((d, DCTERMS.bibliographicCitation, Literal(dataset_citation(version))))
    g.add((d, DCTERMS.conformsTo, ONTOLOGY_IRI))
    g.add((d, VOID.vocabulary, URIRef(str(ONTOLOGY_IRI) + "#")))
    g.add((d, VOID.uriSpace, Literal(BASE)))
    g.add((d, VOID.triples, Literal(counts["triples"], datatype=XSD.integer)))
    g.add((d, VOID.entities, Literal(counts["entities"], datatype=XSD.integer)))
    for source in sources:
        g.add((d, DCTERMS.source, source))
        g.add((d, PROV.wasDerivedFrom, source))
    for fmt, (_, suffix, media) in FORMATS.items():
        dump = URIRef(f"{BASE}release/{version}/{RELEASE_NAME}.{suffix}")
        g.add((d, VOID.dataDump, dump))
        g.add((d, DCAT.distribution, dump))
        g.add((dump, RDF.type, DCAT.Distribution))
        g.add((dump, DCAT.mediaType, Literal(media)))
        g.add((dump, DCAT.downloadURL, dump))
    from .build import BASE_FILE
    from .landscape_svg import SVG_NAME

    for name, media, title in ((BASE_FILE, "application/n-triples",
                                "the asserted triples only (OBO-style base: no entailed types or super-properties)"),
                               (SVG_NAME, "image/svg+xml",
                                "the evidence landscape: every body's positions as a matrix and a timeline")):
        other = URIRef(f"{BASE}release/{version}/{name}")
        g.add((d, DCAT.distribution, other))
        g.add((other, RDF.type, DCAT.Distribution))
        g.add((other, DCAT.mediaType, Literal(media)))
        g.add((other, DCAT.downloadURL, other))
        g.add((other, DCTERMS.title, Literal(title, lang="en")))
    for kind, n in counts.items():
        g.add((d, RDFS.comment, Literal(f"{kind}: {n}")))
    return g


def write_release(graph: Graph, dist: Path, counts: dict[str, int], version: str,
                  sources: list[URIRef], report=None, extra: dict[str, bytes] | None = None,
                  context=None) -> list[Path]:
    """Write every format plus void.ttl and CHANGES.md into ``dist`` atomically. Returns the files written.

    ``context`` (a ``jsonld.Context``): compact the JSON-LD release with it and publish it beside."""
    dist = dist.resolve()
    dist.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(dist)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dist.name}-new-{os.getpid()}-", dir=dist.parent))
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the release directory is for everyone to read
    try:
        for fmt in FORMATS:
            if report:
                report(f"writing {release_file(dist, fmt).name}")
            release_file(tmp, fmt).write_bytes(serialise(graph, fmt, context))
        description = dataset_description(counts, version, sources)
        (tmp / "void.ttl").write_bytes(serialise(description, "ttl"))
        if context is not None:
            from .jsonld import CONTEXT_NAME, dump_context

            (tmp / CONTEXT_NAME).write_bytes(dump_context(context))
        for name, data in (extra or {}).items():
            (tmp / name).write_bytes(data)
        if report:
            report(f"comparing with the previous release ({CHANGES_NAME})")
        (tmp / CHANGES_NAME).write_bytes(changes_against(dist, tmp))
        old = None
        if dist.exists():
            old = dist.with_name(f".{dist.name}-old-{os.getpid()}")
            dist.rename(old)
        tmp.rename(dist)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(dist.iterdir())


def changes_against(previous: Path, new: Path) -> bytes:
    """CHANGES.md for the release in ``new``: ``vcf-kg diff`` against the release in ``previous``.

    Rebuilding the same version with no change keeps the previous report, so a rebuild is byte-identical."""
    from .diff import first_release_report, read_release, report

    new_release = read_release(release_file(new, "nt"))
    old_nt = release_file(previous, "nt")
    if not old_nt.is_file():
        return first_release_report(new_release).encode("utf-8")
    try:
        old_release = read_release(old_nt)
    except VcfKgError:
        return first_release_report(new_release).encode("utf-8")
    kept = previous / CHANGES_NAME
    if old_release.triples == new_release.triples and old_release.version == new_release.version and kept.is_file():
        return kept.read_bytes()
    return report(old_release, new_release, f"the release this build replaced (version {old_release.version})",
                  "this release").encode("utf-8")


def remove_leftovers(dist: Path) -> list[Path]:
    """Remove what interrupted builds left next to ``dist`` (``.dist-new-PID-*``, ``.dist-old-PID``): those
    whose build process is gone. Names without a process id (older builds) go once an hour old."""
    removed = []
    for leftover in dist.parent.glob(f".{dist.name}-[no][el][wd]-*"):
        if not leftover.is_dir():
            continue
        pid = leftover.name[len(dist.name) + 6:].split("-", 1)[0]
        if pid.isdigit():
            if int(pid) != os.getpid() and _running(int(pid)):
                continue  # another build is writing it now
        elif time.time() - leftover.stat().st_mtime < 3600:
            continue
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file in the same directory, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a release file is for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
