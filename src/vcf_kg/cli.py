"""The `vcf-kg` command line: parses arguments and calls vcf_kg.api; no logic of its own."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import CurationError, VcfKgError

RESULT_FORMATS = ("table", "csv", "tsv", "json")
EXPORT_FORMATS = ("ttl", "nt", "owl", "jsonld")


def _progress(message: str) -> None:
    click.echo(f"· {message}", err=True)


def _fail(exc: Exception) -> None:
    if isinstance(exc, CurationError):
        click.echo(f"error: curated data has {len(exc.problems)} problem(s):", err=True)
        for p in exc.problems:
            click.echo(f"  {p}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except VcfKgError as exc:
            _fail(exc)


def _paths(dist: str | None):
    from .paths import project_paths

    return project_paths(dist=dist)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vcf-kg")
def main() -> None:
    """vcf-kg: a knowledge graph of vertebral compression fracture management.

    \b
    Typical use:
      vcf-kg build                           ontology + data/*.tsv -> dist/ (checked, then released)
      vcf-kg validate                        SHACL, QC queries and the OWL reasoner on dist/
      vcf-kg queries                         list the named queries
      vcf-kg query shared-complications      run one
      vcf-kg explain kyphoplasty             every statement about a term, with its quotes
    """


@main.command()
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/ in the project).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL and QC checks before releasing.")
def build(dist, no_validate):
    """Build the graph and write every release format (Turtle, N-Triples, RDF/XML, JSON-LD, VoID).

    Nothing is released unless the curated data loads cleanly, the counts pass their minimums and
    (unless --no-validate) SHACL and QC pass; the previous release is then left untouched.
    """
    from . import api

    started = time.perf_counter()
    paths = _paths(dist)
    result = api.build_release(paths, validate=not no_validate, report=_progress)
    click.echo(f"built vcf-kg {result.version} in {time.perf_counter() - started:.1f}s -> {paths.dist}")
    width = max(len(k) for k in result.counts)
    for kind, n in result.counts.items():
        click.echo(f"  {kind.ljust(width)}  {n}")


@main.command()
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
@click.option("--no-reasoner", is_flag=True, help="Skip the OWL reasoner (HermiT; needs Java).")
def validate(dist, no_reasoner):
    """Check the built graph: SHACL shapes, QC violation queries, OWL 2 DL consistency (HermiT)."""
    from . import api

    violations = api.validate_release(_paths(dist), reasoner=not no_reasoner, report=_progress)
    if violations:
        click.echo(f"{len(violations)} violation(s):", err=True)
        for v in violations:
            click.echo(f"  {v}", err=True)
        sys.exit(1)
    click.echo("valid: SHACL shapes conform, QC queries empty" + ("" if no_reasoner else ", HermiT finds the graph consistent"))


@main.command(name="queries")
def list_queries():
    """List the named queries with their competency questions."""
    from . import api

    for q in api.catalogue().queries.values():
        kind = q.path.parent.name
        params = "".join(f" --param {p.name}=…" for p in q.params)
        click.echo(f"{q.name}  [{kind}]{params}\n    {q.question or q.summary.splitlines()[0] if (q.question or q.summary) else q.title}")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        params[key] = value
    return params


@main.command()
@click.argument("ref")
@click.option("-f", "--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True,
              help="json is SPARQL 1.1 Query Results JSON.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter (an IRI, CURIE or literal, as the query declares).")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def query(ref, fmt, params, dist):
    """Run a named query, a .rq FILE, or '-' (the query text on standard input)."""
    from . import api

    stdin_text = sys.stdin.read() if ref == "-" else None
    results = api.query(ref, _parse_params(params), paths=_paths(dist), stdin_text=stdin_text)
    click.echo(results.render(fmt), nl=False)


@main.command()
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def cq(dist):
    """Run every competency question and compare it with the expected answer in its header."""
    from . import api

    results = api.competency_questions(paths=_paths(dist))
    for r in results:
        click.echo(f"{'PASS' if r.passed else 'FAIL'}  {r.name}: {r.question}")
        for p in r.problems:
            click.echo(f"        {p}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of standard output.")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def export(fmt, output, dist):
    """Write the whole graph in one format (owl = RDF/XML)."""
    from . import api

    data = api.export(fmt, _paths(dist))
    if output:
        from .release import atomic_write

        atomic_write(Path(output), data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.argument("term", nargs=-1, required=True)
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def explain(term, dist):
    """Every statement about TERM (a label, CURIE or IRI) with the verbatim sentence and source behind it."""
    from . import api
    from .explain import explain as run_explain

    paths = _paths(dist)
    click.echo(run_explain(api.open_store(paths), api.catalogue(paths), " ".join(term)), nl=False)


if __name__ == "__main__":
    main()
