"""The Python API: every CLI command is a thin wrapper over a function here.

>>> import vcf_kg
  >>> vcf_kg.build_release()                                 # ontology + data -> dist/
>>> vcf_kg.query("shared-complications").display_rows()
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .paths import ProjectPaths, project_paths
from .results import GraphResult, Results

Report = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def build_release(paths: ProjectPaths | None = None, *, validate: bool = True, report: Report = _quiet):
    """Build, check, and (only if everything passes) release. Returns the BuildResult."""
    from .build import build_graph
    from .errors import BuildError
    from .release import write_release
    from .validate import validate_graph

    paths = paths or project_paths()
    report("loading ontology and curated data; building the graph")
    result = build_graph(paths)
    if validate:
        report("validating (SHACL shapes, QC queries)")
        violations = validate_graph(result.graph, paths, result.curated)
        if violations:
            shown = [str(v) for v in violations[:25]]
            if len(violations) > len(shown):
                shown.append(f"... and {len(violations) - len(shown)} more (run `vcf-kg build --no-validate` "
                             "then `vcf-kg validate` to list them all)")
            raise BuildError(f"validation failed ({len(violations)} violation(s)); the previous release is untouched:\n  "
                             + "\n  ".join(shown))
    report(f"writing the release to {paths.dist}")
    from .paths import release_file
    from .sssom import sssom_tsv

    from .ontology_docs import DOCS_NAME, ontology_html

    from .jsonld import Context
    from .landscape_svg import SVG_NAME, release_picture
    from .release_inputs import MANIFEST_NAME, manifest

    report("documenting the ontology (pyLODE)")
    from .build import BASE_FILE
    from .release import serialise

    extra = {release_file(paths.dist, "sssom").name: sssom_tsv(result.curated.mappings, result.version),
             DOCS_NAME: ontology_html(paths), BASE_FILE: serialise(result.base, "nt"), MANIFEST_NAME: manifest(paths.home)}
    report(f"drawing the evidence landscape ({SVG_NAME})")
    extra[SVG_NAME] = release_picture(result.graph, paths)
    write_release(result.graph, paths.dist, result.counts, result.version,
                  sorted(s.iri for s in result.curated.sources.values()), report, extra, Context.load(paths.context))
    return result


def validate_release(paths: ProjectPaths | None = None, *, reasoner: bool = True, report: Report = _quiet):
    """Validate the built release: SHACL, QC queries and (by default) the OWL reasoner."""
    from rdflib import Graph

    from .curation import load_curated
    from .errors import CurationError
    from .ontology import Ontology
    from .release import release_file
    from .errors import NotBuiltError
    from .validate import validate_graph

    paths = paths or project_paths()
    nt = release_file(paths.dist, "nt")
    if not nt.exists():
        raise NotBuiltError(f"no built graph at {nt}: run `vcf-kg build` first")
    graph = Graph().parse(nt, format="nt")
    try:
        curated = load_curated(paths, Ontology.load(paths.ontology))
    except CurationError:
        curated = None  # the release is checked anyway; rows just can't be named
    report("SHACL shapes and QC queries" + (", then the OWL reasoner (HermiT)" if reasoner else ""))
    return validate_graph(graph, paths, curated, release_file(paths.dist, "owl") if reasoner else None)


def open_store(paths: ProjectPaths | None = None, *, endpoint: str | None = None, graph: str | None = None,
               store_path: Path | str | None = None, auth=None, timeout: float = 120.0):
    """The store to query: by default the embedded store holding the built release (in memory).

    ``store_path``: a persistent store made by ``load`` (opened read-only). ``endpoint``: a remote
    SPARQL 1.1 endpoint, with ``graph`` as its default graph and ``auth`` (a ``remote.Auth``).
    """
    from .paths import release_file

    if endpoint and store_path:
        raise ValueError("give either a remote endpoint or a local store path, not both")
    if graph and not endpoint:
        raise ValueError("a graph IRI goes with a remote endpoint (--endpoint)")
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore(endpoint, graph=graph, auth=auth, timeout=timeout)
    if store_path:
        from .store import PersistentStore

        return PersistentStore(store_path)
    from .store import EmbeddedStore

    paths = paths or project_paths()
    return EmbeddedStore(release_file(paths.dist, "nt"))


def load(files: list[Path | str], store_path: Path | str, *, paths: ProjectPaths | None = None,
         release: bool = True, fresh: bool = False, on_file=None, report: Report = _quiet):
    """Merge the built release and other RDF files (e.g. a terminology dump) into a persistent store.

    Returns one ``store.LoadedFile`` (triples added, seconds) per file loaded. ``on_file(path, size)``
    may return a callback that gets byte counts while the file is read (a progress bar).
    """
    from .paths import release_file
    from .store import load_store

    paths = paths or project_paths()
    release_nt = release_file(paths.dist, "nt") if release else None
    if release_nt is not None and not release_nt.exists():
        from .errors import NotBuiltError

        raise NotBuiltError(f"no built graph at {release_nt}: run `vcf-kg build` first (or load with --no-release)")
    return load_store(Path(store_path), [Path(f) for f in files], release=release_nt, fresh=fresh,
                      on_file=on_file, report=report)


def publish(endpoint: str, graph: str, *, paths: ProjectPaths | None = None, update_endpoint: str | None = None,
            gsp_endpoint: str | None = None, auth=None, report: Report = _quiet):
    """Replace named graph ``graph`` at a remote SPARQL store with the built release; verify its count."""
    from .paths import release_file
    from .remote import publish as remote_publish

    paths = paths or project_paths()
    return remote_publish(release_file(paths.dist, "nt"), endpoint, graph, update_endpoint=update_endpoint,
                          gsp_endpoint=gsp_endpoint, auth=auth, report=report)


def catalogue(paths: ProjectPaths | None = None):
    from .queries import Catalogue

    return Catalogue((paths or project_paths()).queries)


def query(ref: str, params: dict[str, str] | None = None, *, store=None, paths: ProjectPaths | None = None,
          stdin_text: str | None = None) -> Results | GraphResult:
    """Run a named query (or a .rq file path, or '-' with stdin_text) with parameters bound as RDF terms.

    SELECT and ASK give a ``Results`` table; CONSTRUCT and DESCRIBE a ``GraphResult`` (its triples;
    ``.to_rdflib()`` makes an rdflib Graph of them).
    """
    from .errors import QueryError
    from .prefixes import unknown_prefix_message

    paths = paths or project_paths()
    q, bindings = _resolve(ref, params, paths, stdin_text)
    try:
        return (store or open_store(paths)).query(q.text, bindings)
    except QueryError:
        unknown = unknown_prefix_message(q.text)  # one line instead of the parser's list of expected characters
        if unknown:
            raise QueryError(f"SPARQL syntax error: {unknown}") from None
        raise


def absent_terms(ref: str, params: dict[str, str] | None = None, *, store=None, paths: ProjectPaths | None = None,
                 stdin_text: str | None = None) -> list:
    """The IRIs that the query's patterns name (its parameters bound) and that occur nowhere in the graph,
    with the ontology's closest terms: why an answer may be empty (`vcf_kg.absent_terms`)."""
    from .absent_terms import absent_terms as find
    from .binding import bind_variables

    paths = paths or project_paths()
    q, bindings = _resolve(ref, params, paths, stdin_text)
    return find(store or open_store(paths), bind_variables(q.text, bindings))


def _resolve(ref: str, params: dict[str, str] | None, paths: ProjectPaths, stdin_text: str | None):
    """The named query (or file, or standard input) REF and its parameters as RDF terms."""
    q = catalogue(paths).resolve(ref, stdin_text)
    return q, q.bindings(params)


@dataclass
class CompetencyResult:
    name: str
    question: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def competency_questions(store=None, paths: ProjectPaths | None = None) -> list[CompetencyResult]:
    """Run every competency question and compare it with the answer in its header."""
    paths = paths or project_paths()
    store = store or open_store(paths)
    out = []
    for q in catalogue(paths).competency_questions():
        try:
            problems = q.check(store.query(q.text, q.bindings()))
        except Exception as exc:  # a broken query is a failed question, reported with the rest
            problems = [f"error: {exc}"]
        out.append(CompetencyResult(q.name, q.question, problems))
    return out


def diff(old: Path | str, new: Path | str) -> str:
    """What changed between two releases (files of one format, or release directories), as Markdown."""
    from .diff import diff as run_diff

    return run_diff(old, new)


def export(fmt: str, paths: ProjectPaths | None = None) -> bytes:
    """The whole graph in one release format (the built file itself, byte for byte)."""
    from .errors import NotBuiltError
    from .paths import RELEASE_FORMATS, release_file

    if fmt not in RELEASE_FORMATS and fmt != "sssom":
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(RELEASE_FORMATS)}, sssom)")
    path = release_file((paths or project_paths()).dist, fmt)
    if not path.exists():
        raise NotBuiltError(f"no built graph at {path}: run `vcf-kg build` first")
    return path.read_bytes()
