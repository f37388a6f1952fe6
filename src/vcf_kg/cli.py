"""The `vcf-kg` command line: parses arguments and calls vcf_kg.api; no logic of its own."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__
from .errors import CurationError, VcfKgError

RESULT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")  # what CONSTRUCT and DESCRIBE print
EXPORT_FORMATS = ("ttl", "nt", "owl", "jsonld", "sssom")


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


def _paths(dist: str | None, home: str | None = None):
    from .paths import project_paths

    return project_paths(home=home, dist=dist)


_home_option = click.option(
    "--home", type=click.Path(file_okay=False, exists=True), envvar="VCF_KG_HOME",
    help="The source checkout to build from (default: the one vcf-kg runs from; an installed wheel has none). "
         "Env VCF_KG_HOME.")


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
      vcf-kg compare vertebroplasty          every body's position on an intervention, side by side
      vcf-kg export --format sssom           the release in one format (ttl, nt, owl, jsonld) or the mappings
      vcf-kg diff OLD NEW                    what changed between two releases, by label
      vcf-kg serve                           SPARQL endpoint, linked-data pages and a query page on :8000
      vcf-kg publish --endpoint URL --graph IRI    the release into a remote SPARQL store
      vcf-kg query NAME --endpoint URL --graph IRI the same named queries against that store
      vcf-kg curate TEXT --source-id ID      propose claims from a new text; --accept REVIEW.tsv adds them
    """


@main.command()
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/ in the project).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL and QC checks before releasing.")
@_home_option
def build(dist, no_validate, home):
    """Build the graph and write every release format (Turtle, N-Triples, RDF/XML, JSON-LD, VoID).

    Nothing is released unless the curated data loads cleanly, the counts pass their minimums and
    (unless --no-validate) SHACL and QC pass; the previous release is then left untouched. The
    release also gets CHANGES.md: what changed since the release it replaces (see `vcf-kg diff`).

    Building needs a source checkout (ontology/, data/): an installed wheel carries only the built
    release, so there give --home DIR, a clone of the repository.
    """
    from . import api

    started = time.perf_counter()
    paths = _paths(dist, home)
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


def _store_options(command):
    """--store / --endpoint / --graph / --user / --password / --auth: where a query runs."""
    options = [
        click.option("--store", "store_path", type=click.Path(file_okay=False), envvar="VCF_KG_STORE",
                     help="A persistent local store made by `vcf-kg load` (env VCF_KG_STORE)."),
        click.option("--endpoint", metavar="URL", envvar="VCF_KG_ENDPOINT",
                     help="A remote SPARQL 1.1 query endpoint (env VCF_KG_ENDPOINT)."),
        click.option("--graph", metavar="IRI", help="With --endpoint: the named graph holding the release "
                     "(sent as default-graph-uri; on Virtuoso, without it queries also see system graphs)."),
        click.option("--user", envvar="VCF_KG_USER", help="With --endpoint: HTTP user name (env VCF_KG_USER)."),
        click.option("--password", envvar="VCF_KG_PASSWORD",
                     help="With --endpoint: HTTP password (better: env VCF_KG_PASSWORD)."),
        click.option("--auth", "auth_scheme", type=click.Choice(["digest", "basic"]), default="digest",
                     show_default=True, help="HTTP authentication scheme for --user/--password."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _auth(user, password, auth_scheme):
    if not user and not password:
        return None
    if not (user and password):
        raise click.UsageError("give both --user and --password (or VCF_KG_USER / VCF_KG_PASSWORD)")
    from .remote import Auth

    return Auth(user, password, auth_scheme)


def _open_store(paths, store_path=None, endpoint=None, graph=None, user=None, password=None, auth_scheme="digest"):
    from . import api

    if endpoint and store_path:
        raise click.UsageError("give either --endpoint or --store, not both")
    if graph and not endpoint:
        raise click.UsageError("--graph goes with --endpoint")
    auth = _auth(user, password, auth_scheme) if endpoint else None  # credentials only matter remotely
    return api.open_store(paths, endpoint=endpoint, graph=graph, store_path=store_path, auth=auth)


def _warn_about_store(store) -> None:
    if getattr(store, "is_virtuoso", False) and not store.graph:
        click.echo("warning: this is Virtuoso and no --graph was given: the answer also draws on Virtuoso's "
                   "own system graphs", err=True)


def _prefix_epilog() -> str:
    from .prefixes import prefix_table

    return "\b\nPredeclared prefixes (a query may use them without PREFIX lines):\n" + prefix_table()


@main.command(epilog=_prefix_epilog())
@click.argument("ref")
@click.option("-f", "--format", "fmt", type=click.Choice(RESULT_FORMATS + GRAPH_FORMATS),
              help="SELECT/ASK: table (default), csv, tsv or json (SPARQL 1.1 Query Results JSON). "
                   "CONSTRUCT/DESCRIBE: ttl (default, Turtle), nt (N-Triples) or jsonld.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter (an IRI, CURIE or literal, as the query declares).")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
@_store_options
def query(ref, fmt, params, dist, **store_options):
    """Run a named query, a .rq FILE, or '-' (the query text on standard input).

    SELECT and ASK print a table (or CSV, TSV, JSON); CONSTRUCT and DESCRIBE print the triples
    (Turtle, N-Triples or JSON-LD), e.g. `vcf-kg query - --format nt <<< 'DESCRIBE vcfr:Kyphoplasty'`.
    When the answer is empty, a note on standard error names the query's terms that occur nowhere in the
    graph, with the ontology's nearest classes and properties.

    \b
    Where it runs: the built release in memory (default), a persistent store (--store PATH, made by
    `vcf-kg load`), or any SPARQL 1.1 endpoint (--endpoint URL [--graph IRI] [--user U --password P]).
    """
    from . import api

    stdin_text = sys.stdin.read() if ref == "-" else None
    paths = _paths(dist)
    store = _open_store(paths, **store_options)
    results = api.query(ref, _parse_params(params), store=store, paths=paths, stdin_text=stdin_text)
    from .results import GraphResult

    is_graph = isinstance(results, GraphResult)
    allowed = GRAPH_FORMATS if is_graph else RESULT_FORMATS
    if fmt is not None and fmt not in allowed:
        what = "a graph (CONSTRUCT/DESCRIBE)" if is_graph else "a table (SELECT/ASK)"
        raise click.UsageError(f"this query gives {what}: --format {fmt} does not apply; use one of {', '.join(allowed)}")
    click.echo(results.render(fmt or allowed[0]), nl=False)
    _warn_about_store(store)
    if results.empty:
        absent = api.absent_terms(ref, _parse_params(params), store=store, paths=paths, stdin_text=stdin_text)
        if absent:
            click.echo("note: the answer is empty, and the query names terms that occur nowhere in the graph:", err=True)
            for term in absent:
                click.echo(f"  {term.describe()}", err=True)


@main.command()
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
@_store_options
def cq(dist, **store_options):
    """Run every competency question and compare it with the expected answer in its header.

    With --store or --endpoint the questions run there (the answers expected are the same).
    """
    from . import api

    paths = _paths(dist)
    store = _open_store(paths, **store_options)
    results = api.competency_questions(store=store, paths=paths)
    _warn_about_store(store)
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
    """Write the whole graph in one format (owl = RDF/XML), or its vocabulary mappings (sssom = SSSOM TSV)."""
    from . import api

    data = api.export(fmt, _paths(dist))
    if output:
        from .release import atomic_write

        atomic_write(Path(output), data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE (Markdown).")
def diff(old, new, output):
    """What changed from release OLD to release NEW: entities, claims, positions (everything typed with
    the ontology's classes), mappings and ontology terms, added, removed or changed, by label.

    OLD and NEW are release files of one format (.nt, .ttl, .owl, .jsonld) or release directories
    (e.g. two builds' dist/). The build writes the same report into dist/CHANGES.md.
    """
    from . import api

    text = api.diff(old, new)
    if output:
        from .release import atomic_write

        atomic_write(Path(output), text.encode("utf-8"))
        click.echo(f"wrote the report to {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write (default: dist/ontology.html).")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def docs(output, dist):
    """Write the ontology's HTML documentation (pyLODE); `vcf-kg build` also writes it to dist/ontology.html."""
    from .ontology_docs import write_ontology_docs

    target = write_ontology_docs(_paths(dist), Path(output) if output else None)
    click.echo(f"wrote the ontology documentation to {target}")


@main.command()
@click.argument("term", nargs=-1, required=True)
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def explain(term, dist):
    """Every statement about TERM (a label, CURIE or IRI) with the verbatim sentence and source behind it."""
    from . import api
    from .explain import explain as run_explain

    paths = _paths(dist)
    click.echo(run_explain(api.open_store(paths), api.catalogue(paths), " ".join(term)), nl=False)


@main.command()
@click.argument("intervention", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for reading; json for programs.")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def compare(intervention, fmt, dist):
    """Every source's position on INTERVENTION (a label, CURIE or IRI, as `explain` takes it), side by side.

    Body, year, document, direction on the shared scale (for, option, inconclusive, no benefit shown,
    against), the body's own grade, conditions (typed and paraphrased), wording, cautions and the reference-table
    row behind each; positions on a broader term (vertebral augmentation) and on narrower variants (balloon
    kyphoplasty) are included and say so.

    \b
    Examples:
      vcf-kg compare vertebroplasty
      vcf-kg compare kyphoplasty --format json
      vcf-kg compare back brace
    """
    from . import api
    from .compare import compare as run_compare

    paths = _paths(dist)
    click.echo(run_compare(api.open_store(paths), api.catalogue(paths), " ".join(intervention), fmt), nl=False)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--store", "store_path", required=True, type=click.Path(file_okay=False), envvar="VCF_KG_STORE",
              help="The persistent store directory (created if new; env VCF_KG_STORE).")
@click.option("--fresh", is_flag=True, help="Rebuild the store: the current release plus every file loaded "
              "before and FILES, swapped in when complete (needed after a new release).")
@click.option("--no-release", is_flag=True, help="Do not merge the built release into a new store.")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def load(files, store_path, fresh, no_release, dist):
    """Merge RDF FILES (e.g. a terminology dump; .nt .nq .ttl .trig .owl/.rdf .jsonld, optionally .gz) and
    the built release into a persistent local store, then query it with `--store PATH`.

    The store is one RDF graph (a merge: a triple in two files counts once); it is loaded once and
    reopened in milliseconds.
    """
    from . import api

    bars = []

    def on_file(path, size):
        bar = click.progressbar(length=size, label=Path(path).name[-40:], file=sys.stderr,
                                show_eta=True, show_percent=True, width=30)
        bar.__enter__()
        bars.append(bar)
        return bar.update

    def close_bar():
        while bars:
            bars.pop().__exit__(None, None, None)

    started = time.perf_counter()
    try:
        loaded = api.load(list(files), store_path, paths=_paths(dist), release=not no_release, fresh=fresh,
                          on_file=lambda path, size: (close_bar(), on_file(path, size))[1])
    finally:
        close_bar()
    total = sum(f.triples for f in loaded)
    for f in loaded:
        click.echo(f"  {f.path}: +{f.triples} triples in {f.seconds:.2f}s ({f.rate:,.0f} triples/s)")
    from .store import PersistentStore

    count = PersistentStore(store_path).triple_count()
    seconds = time.perf_counter() - started
    click.echo(f"loaded {total} triples in {seconds:.1f}s ({total / seconds if seconds else 0:,.0f} triples/s); "
               f"{store_path} holds {count} triples")


@main.command()
@click.option("--endpoint", required=True, metavar="URL", envvar="VCF_KG_ENDPOINT",
              help="The store's SPARQL query endpoint (Virtuoso: http://HOST:PORT/sparql-auth with --user).")
@click.option("--graph", required=True, metavar="IRI", help="The named graph to replace with the release.")
@click.option("--update-endpoint", metavar="URL", help="Where SPARQL Update goes (default: --endpoint; "
              "an endpoint ending in /query becomes /update, as on Oxigraph and Fuseki).")
@click.option("--gsp-endpoint", metavar="URL", help="Upload with the SPARQL 1.1 Graph Store HTTP Protocol "
              "(PUT) here instead of SPARQL Update (Oxigraph: /store; Virtuoso: /sparql-graph-crud-auth).")
@click.option("--user", envvar="VCF_KG_USER", help="HTTP user name (env VCF_KG_USER).")
@click.option("--password", envvar="VCF_KG_PASSWORD", help="HTTP password (better: env VCF_KG_PASSWORD).")
@click.option("--auth", "auth_scheme", type=click.Choice(["digest", "basic"]), default="digest", show_default=True)
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def publish(endpoint, graph, update_endpoint, gsp_endpoint, user, password, auth_scheme, dist):
    """Replace a named graph on a SPARQL 1.1 store with the built release, then verify its triple count.

    The release goes to a temporary graph first and replaces GRAPH in one MOVE, so readers see the
    old graph or the new one, never half of it.
    """
    from . import api

    result = api.publish(endpoint, graph, paths=_paths(dist), update_endpoint=update_endpoint,
                         gsp_endpoint=gsp_endpoint, auth=_auth(user, password, auth_scheme), report=_progress)
    click.echo(f"published {result.triples} triples to <{result.graph}> at {result.endpoint} in "
               f"{result.seconds:.1f}s ({result.method}); the graph holds {result.triples} triples, as the release")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


@main.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False))
@click.option("--source-id", metavar="ID", help="Id of the new source (letters and digits); not with a .tsv list.")
@click.option("--label", help="The source's label for data/sources.tsv (default: its first line).")
@click.option("--citation", help="The source's citation for data/sources.tsv (needed before --accept).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Review file to write (default: ID.review.tsv).")
@click.option("--accept", "review", type=click.Path(dir_okay=False), metavar="REVIEW.tsv",
              help="Add the rows a curator marked accept in REVIEW.tsv (and its .entities.tsv) to data/.")
@click.option("--home", type=click.Path(file_okay=False), envvar="VCF_KG_HOME",
              help="Project directory whose data/ is read and extended (env VCF_KG_HOME; default: this project).")
def curate(source, source_id, label, citation, output, review, home):
    """Propose claims from a new text for a curator to review; --accept adds the reviewed ones.

    \b
      vcf-kg curate leaflet.txt --source-id leaflet --citation "..."   -> leaflet.review.tsv (+ .entities.tsv)
      vcf-kg curate sources-to-add.tsv       a list of texts in data/sources.tsv's columns
      vcf-kg curate --accept leaflet.review.tsv

    SOURCE is plain UTF-8 text. Each proposed claim names its subject, predicate and object, the
    verbatim sentence and its offsets, the modality and the hedge or negation cues found; a negated
    sentence is listed as withheld, never proposed as a positive claim. Nothing enters data/ until a
    curator marks rows accept; --accept checks them exactly as `vcf-kg build` does and writes all or
    nothing. See docs/curation.md.
    """
    from . import curate as assistant
    from .paths import project_paths

    paths = project_paths(home=home)
    if review:
        if source:
            raise click.UsageError("give either a SOURCE to curate or --accept REVIEW.tsv, not both")
        result = assistant.accept(Path(review), paths)
        click.echo(f"accepted {len(result.claims)} claim(s) and {len(result.entities)} new entit(ies)"
                   + (f"; registered source(s) {', '.join(result.sources)}" if result.sources else "")
                   + (f"; {result.skipped} row(s) rejected or not reviewed, left out" if result.skipped else ""))
        click.echo("next: vcf-kg build")
        return
    if not source:
        raise click.UsageError("give a SOURCE text (or a .tsv list of sources), or --accept REVIEW.tsv")
    bars = []

    def on_source(new_source, length):
        while bars:
            bars.pop().__exit__(None, None, None)
        if length < 50:  # short texts finish at once: no bar
            return None
        bar = click.progressbar(length=length, label=new_source.id[:30], file=sys.stderr, show_pos=True, width=30)
        bar.__enter__()
        bars.append(bar)
        return lambda: bar.update(1)

    try:
        summary = assistant.curate(Path(source), Path(output) if output else None, source_id=source_id, label=label,
                                   citation=citation, paths=paths, on_source=on_source)
    finally:
        while bars:
            bars.pop().__exit__(None, None, None)
    click.echo(f"wrote {summary.review} and {summary.entities.name} in {summary.seconds:.1f}s")
    for line in summary.lines():
        click.echo(f"  {line}")
    click.echo(f"next: mark rows accept or reject in {summary.review.name}, then vcf-kg curate --accept {summary.review.name}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped (504).")
@click.option("--workers", type=click.IntRange(min=1), help="Query worker processes (default: CPU count, at least 2).")
@click.option("--max-body-bytes", type=click.IntRange(min=1024), default=1 << 20, show_default=True,
              help="Largest request body / query string (413 / 414 past it).")
@click.option("--max-result-bytes", type=click.IntRange(min=1024), default=32 << 20, show_default=True,
              help="Largest serialised result (413 past it).")
@click.option("--cache-bytes", type=click.IntRange(min=0), default=32 << 20, show_default=True,
              help="Result cache size (the release does not change while serving); 0 turns it off.")
@click.option("--worker-memory-bytes", type=click.IntRange(min=0), default=2 << 30, show_default=True,
              help="Address-space limit of each worker; 0 for none.")
@click.option("--long-after", type=click.FloatRange(min=0.01), default=0.5, show_default=True,
              help="Seconds after which a running query counts as long: a fresh worker takes its place, so short "
                   "queries never wait behind long ones.")
@click.option("--max-long", type=click.IntRange(min=1),
              help="Long queries running at once (default: as many as workers); one more is stopped (503).")
@click.option("--max-long-per-client", type=click.IntRange(min=1), default=2, show_default=True,
              help="Long queries one client address may run at once; one more is stopped (503).")
@click.option("--head-timeout", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds a connection may take to send its request head before it is closed (slow clients).")
@click.option("--max-connections-per-client", type=click.IntRange(min=1), default=128, show_default=True,
              help="Open connections one client address may hold; more are refused (503).")
@click.option("--allow-federation", is_flag=True,
              help="Let SERVICE reach other endpoints. Only for trusted local use: a public endpoint must refuse it.")
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.option("--dist", type=click.Path(file_okay=False), help="Release directory (default: dist/).")
def serve(host, port, timeout, workers, max_body_bytes, max_result_bytes, cache_bytes, worker_memory_bytes,
          long_after, max_long, max_long_per_client, head_timeout, max_connections_per_client,
          allow_federation, access_log, dist):
    """Serve the graph: SPARQL 1.1 endpoint at /sparql, resolvable IRIs, a query page at /.

    Read-only: SPARQL Update, LOAD and SERVICE are refused. A query that runs past --timeout is
    stopped (its worker process is replaced) and the server keeps answering. See docs/serving.md.
    """
    from .serve import serve as run_server

    run_server(host, port, paths=_paths(dist), access_log=access_log, timeout=timeout, workers=workers,
               max_body_bytes=max_body_bytes, max_result_bytes=max_result_bytes, cache_bytes=cache_bytes,
               worker_memory_bytes=worker_memory_bytes, long_after=long_after, max_long=max_long,
               max_long_per_client=max_long_per_client, head_timeout=head_timeout,
               max_connections_per_client=max_connections_per_client, allow_federation=allow_federation)


if __name__ == "__main__":
    main()
