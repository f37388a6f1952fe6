"""How query cost grows with the graph: pyoxigraph (the embedded store), rdflib's own SPARQL engine
and Virtuoso, on the real graph scaled from ~1e4 to ~1e7 triples, in one run.

    .venv/bin/python bench/scale_bench.py                       # sizes 1e4 1e5 1e6 1e7, all engines
    .venv/bin/python bench/scale_bench.py --sizes 1e4,1e5 --engines pyoxigraph,rdflib
    .venv/bin/python bench/scale_bench.py --baseline 0f1e074 --sizes 1e7 --kinds cq,explain   # before/after

For each size: load time and rate, and the median latency of every named query (competency
questions, explain's queries, QC checks) over --repeats runs. rdflib runs under a time cap (per
query and per size); a size it cannot load within its budget (estimated from the previous size's
load rate) is skipped and said so. Every engine's row counts are cross-checked against pyoxigraph's.

Writes bench/out/results.json, prints the tables, and (unless --no-docs) puts the tables into
docs/performance.md between its 'bench:begin/end' markers and the plot into
docs/performance-latency.png. Engines run one after the other, each in its own process (or server),
so they never compete for the 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

ENGINES = ("pyoxigraph", "rdflib", "virtuoso")


# -- the worker: one engine, one file, in its own process ------------------------------------------

class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout()


EXPLAIN = "explain"  # not a query: the whole `vcf-kg explain` of EXPLAIN_TERM, all its look-ups included
EXPLAIN_TERM = "percutaneous vertebroplasty"


def worker(engine: str, data: Path, names: list[str], repeats: int, cap: float, baseline: Path | None = None) -> None:
    """Load ``data`` into ``engine`` and time ``names``; one JSON line per event on stdout.

    With ``baseline`` (a queries/ directory of an earlier commit), each query's earlier version is timed
    too, on the same loaded store, the two alternating run by run (``base_times``, ``base_cpu``).
    """
    import vcf_kg
    from vcf_kg.prefixes import PREFIXES
    from vcf_kg.queries import Catalogue

    def emit(**event):
        print(json.dumps(event), flush=True)

    catalogue = vcf_kg.catalogue()
    earlier = Catalogue(baseline) if baseline else None
    started = time.perf_counter()
    if engine == "pyoxigraph":
        from vcf_kg.store import EmbeddedStore

        store = EmbeddedStore(data)  # exactly what `vcf-kg query` uses
        triples = store.triple_count()

        def run(text, bindings):
            r = store.query(text, bindings)
            return len(r.rows) if r.boolean is None else int(r.boolean)
    elif engine == "rdflib":
        from rdflib import Graph, Literal, URIRef

        graph = Graph()
        graph.parse(str(data), format="nt")
        triples = len(graph)

        def to_rdflib(t):
            if t.kind == "uri":
                return URIRef(t.value)
            return Literal(t.value, lang=t.lang, datatype=None if t.lang else t.datatype)

        def run(text, bindings):
            r = graph.query(text, initNs=PREFIXES, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
            return int(r.askAnswer) if r.type == "ASK" else len(list(r))
    else:
        raise SystemExit(f"unknown engine {engine}")
    emit(event="load", seconds=time.perf_counter() - started, triples=triples)

    def task(cat, name):
        """What to time for ``name`` with the queries of ``cat``: a function returning a row count."""
        if name == EXPLAIN:
            if engine != "pyoxigraph":
                raise ValueError("explain is timed in the embedded store only")
            if cat is catalogue:
                from vcf_kg.explain import explain

                return lambda: len(explain(store, cat, EXPLAIN_TERM).splitlines())
            from vcf_kg.results import Term

            def earlier_explain():  # what explain did before: its three queries, the look-up a scan
                found = store.query(cat.queries["explain-term-lookup"].text,
                                    {"text": Term("literal", EXPLAIN_TERM)}).rows
                term = {"term": found[0]["term"]}
                store.query(cat.queries["explain-term-about"].text, term)
                return len(store.query(cat.queries["explain-term-statements"].text, term).rows)
            return earlier_explain
        q = cat.queries[name]
        bindings = q.bindings()
        return lambda: run(q.text, bindings)

    signal.signal(signal.SIGALRM, _alarm)
    for name in names:
        emit(event="start", name=name)
        times, cpu, rows = [], [], None
        base_times, base_cpu, base_rows, base_error = [], [], None, None
        try:
            current = task(catalogue, name)
            before = task(earlier, name) if earlier and (name == EXPLAIN or name in earlier.queries) else None
            for i in range(repeats):
                if before is not None and base_error is None:
                    signal.setitimer(signal.ITIMER_REAL, cap)
                    try:
                        t, c = time.perf_counter(), time.process_time()
                        base_rows = before()
                        base_times.append(time.perf_counter() - t)
                        base_cpu.append(time.process_time() - c)
                    except _Timeout:
                        base_error = f">{cap:g}s"
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    if base_times and base_times[-1] > cap / 4:
                        before = None
                signal.setitimer(signal.ITIMER_REAL, cap)
                t, c = time.perf_counter(), time.process_time()
                rows = current()
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                signal.setitimer(signal.ITIMER_REAL, 0)
                emit(event="run", name=name)
                if times[-1] > cap / 4 and before is None:  # slow: one more run would say little more
                    break
        except _Timeout:
            emit(event="query", name=name, error=f">{cap:g}s", times=times, rows=rows)
            continue
        except Exception as exc:  # an engine that cannot run a query: recorded, not fatal
            signal.setitimer(signal.ITIMER_REAL, 0)
            emit(event="query", name=name, error=f"error: {str(exc)[:200]}", times=times, rows=rows)
            continue
        extra = {}
        if earlier is not None:
            extra = {"base_times": base_times, "base_cpu": base_cpu, "base_rows": base_rows,
                     **({"base_error": base_error} if base_error else {})}
        emit(event="query", name=name, times=times, cpu=cpu, rows=rows, **extra)


def run_in_worker(engine, data, names, repeats, cap, budget, load_cap, baseline: Path | None = None) -> dict:
    """Drive a worker process; kill it if it blows its caps (then go on without that query)."""
    result = {"queries": {}, "load": None}
    remaining = list(names)
    started = time.monotonic()
    while remaining:
        cmd = [sys.executable, __file__, "--worker", engine, str(data), "--repeats", str(repeats), "--cap", str(cap),
               "--only", ",".join(remaining)] + (["--baseline-queries", str(baseline)] if baseline else [])
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0, cwd=REPO)
        fd = proc.stdout.fileno()
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_READ)
        current = None
        deadline = time.monotonic() + load_cap
        killed_on = None
        pending = b""
        lines: list[bytes] = []
        eof = False
        while True:
            if time.monotonic() - started > budget:
                killed_on = "budget"
                break
            if not lines:
                if eof:
                    break
                # raw reads: a buffered readline would hide complete lines from select()
                if not sel.select(timeout=max(0.1, min(5.0, deadline - time.monotonic()))):
                    if time.monotonic() > deadline:
                        killed_on = current or ("load" if result["load"] is None else "between queries")
                        break
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    eof = True
                    continue
                pending += chunk
                *complete, pending = pending.split(b"\n")
                lines.extend(line for line in complete if line.strip())
                continue
            event = json.loads(lines.pop(0))
            if event["event"] == "load":
                result["load"] = result["load"] or event
                deadline = time.monotonic() + cap * (repeats + 1)
            elif event["event"] in ("start", "run"):  # each run of a query gets the cap (and a margin)
                current = event["name"]
                deadline = time.monotonic() + (cap * 1.2 + 2) * (2 if baseline else 1)  # with --baseline: two runs
            elif event["event"] == "query":
                result["queries"][event["name"]] = event
                remaining.remove(event["name"])
                current = None
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if killed_on == "budget":
            for name in remaining:
                result["queries"][name] = {"error": "not run (size budget spent)"}
            break
        if killed_on == "load" or result["load"] is None:
            result["skipped"] = f"load did not finish within {load_cap:g}s" if killed_on else "the worker failed"
            break
        if killed_on and killed_on != "between queries":
            result["queries"][killed_on] = {"error": f">{cap:g}s"}
            remaining.remove(killed_on)
        elif current:
            result["queries"][current] = {"error": "the worker died"}
            remaining.remove(current)
    return result


# -- Virtuoso --------------------------------------------------------------------------------------

def run_virtuoso(vdir: Path, data: Path, size_label: str, names, repeats, cap) -> dict:
    import vcf_kg
    from vcf_kg.remote import PartialResultsError, RemoteStore

    script = REPO / "scripts" / "virtuoso.sh"
    graph = f"urn:vcf-kg:bench:{size_label}"
    started = time.perf_counter()
    subprocess.run(["bash", str(script), "load", str(vdir), str(data), graph], check=True,
                   stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    load_seconds = time.perf_counter() - started
    # a restart resets Virtuoso's in-memory statistics (see docs/deployment.md); not part of the load time
    subprocess.run(["bash", str(script), "restart", str(vdir)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    ports = dict(line.split("=", 1) for line in (vdir / "ports").read_text().splitlines() if "=" in line)
    store = RemoteStore(f"http://127.0.0.1:{ports['HTTP_PORT']}/sparql", graph=graph, timeout=cap,
                        params={"timeout": str(int(cap * 1000))})
    triples = store.triple_count()
    out = {"load": {"seconds": load_seconds, "triples": triples}, "queries": {}}
    catalogue = vcf_kg.catalogue()
    for name in names:
        q = catalogue.queries[name]
        bindings = q.bindings()
        times, rows, error = [], None, None
        for _ in range(repeats):
            t = time.perf_counter()
            try:
                r = store.query(q.text, bindings)
            except PartialResultsError:
                error = f">{cap:g}s (partial answer)"
                break
            except Exception as exc:
                error = f"error: {str(exc)[:200]}"
                break
            times.append(time.perf_counter() - t)
            rows = len(r.rows) if r.boolean is None else int(r.boolean)
            if times[-1] > cap / 4:
                break
        out["queries"][name] = {"times": times, "rows": rows, **({"error": error} if error else {})}
    # drop the graph again: each size is measured alone
    subprocess.run(["bash", str(script), "isql", str(vdir), f"SPARQL CLEAR GRAPH <{graph}>;", "checkpoint;"],
                   check=False, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return out


# -- the run -----------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except (OSError, ValueError, IndexError):
        pass
    import pyoxigraph
    import rdflib

    virtuoso = subprocess.run("virtuoso-t -? 2>&1 | sed -n 's/^Version //p'", shell=True, capture_output=True,
                              text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem, "os": platform.platform(),
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
            "rdflib": rdflib.__version__, "virtuoso": virtuoso or "not installed"}


def size_label(n: int) -> str:
    exp = len(str(n)) - 1
    return f"1e{exp}" if n == 10 ** exp else str(n)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6,1e7", help="target sizes in triples (comma-separated)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--repeats", type=int, default=5, help="runs per query (the median is reported)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cap", type=float, default=30.0, help="seconds one query may take before it is cut")
    parser.add_argument("--rdflib-budget", type=float, default=600.0,
                        help="seconds rdflib may spend on one size (load + queries)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/performance.md and its plot")
    parser.add_argument("--resume", action="store_true",
                        help="keep the (size, engine) results of --out's results.json measured with the same settings")
    parser.add_argument("--baseline", metavar="REV",
                        help="before/after mode: time every query as of git revision REV and as now, alternating, "
                             "on the same loaded embedded store, plus the whole `vcf-kg explain`; writes "
                             "before-after.json/.md under --out (pyoxigraph only; docs untouched)")
    parser.add_argument("--kinds", default="cq,explain,qc",
                        help="which named queries: folders of queries/ (the QC checks run on the release, so a "
                             "large-size run may leave out qc)")
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline-queries", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--only", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), args.only.split(","), args.repeats, args.cap,
               args.baseline_queries)
        return 0

    import vcf_kg
    from generate import fingerprint, generate
    from vcf_kg.paths import release_file

    from vcf_kg.paths import project_paths

    paths = project_paths()
    base = release_file(paths.dist, "nt")
    if not base.exists():
        print("bench: building the release first", file=sys.stderr)
        vcf_kg.build_release(paths)
    kinds = set(args.kinds.split(","))
    names = [q.name for q in vcf_kg.catalogue(paths).queries.values() if q.path.parent.name in kinds]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if args.baseline:
        return compare(args, base, names + [EXPLAIN])
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    data_dir = args.out / "data"
    run = {"machine": machine(), "repeats": args.repeats, "cap": args.cap, "seed": args.seed,
           "queries": names, "sizes": []}
    earlier: dict = {}
    if args.resume and (args.out / "results.json").exists():
        old = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
        if all(old.get(k) == run[k] for k in ("repeats", "cap", "seed", "queries")):
            earlier = {(s["label"], e): r for s in old["sizes"] for e, r in s["engines"].items()
                       if not r.get("skipped", "").startswith(("load did not", "the worker"))}
    print(f"bench: {len(names)} named queries, sizes {', '.join(size_label(s) for s in sizes)}, "
          f"engines {', '.join(engines)}", file=sys.stderr)

    vdir = None
    if "virtuoso" in engines:
        vdir = args.out / "virtuoso"
        if vdir.exists():
            subprocess.run(["bash", str(REPO / "scripts" / "virtuoso.sh"), "stop", str(vdir)], capture_output=True)
            import shutil

            shutil.rmtree(vdir)
        from socket import socket

        def free():
            with socket() as s:
                s.bind(("127.0.0.1", 0))
                return s.getsockname()[1]

        env = {**os.environ, "VIRTUOSO_HTTP_PORT": str(free()), "VIRTUOSO_SQL_PORT": str(free()),
               "VIRTUOSO_BUFFERS": os.environ.get("VIRTUOSO_BUFFERS", "500000"),
               "VIRTUOSO_QUERY_TIMEOUT": str(int(args.cap * 2))}
        started = subprocess.run(["bash", str(REPO / "scripts" / "virtuoso.sh"), "start", str(vdir)], env=env,
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if started.returncode != 0:
            print(f"bench: Virtuoso not available ({started.stderr.strip()}); measuring without it", file=sys.stderr)
            engines.remove("virtuoso")
            run["virtuoso_unavailable"] = started.stderr.strip()
    try:
        rdflib_rate = None
        for target in sizes:
            label = size_label(target)
            data = data_dir / f"vcf-kg-{label}.nt"
            stamp = data.with_suffix(".fingerprint")
            fp = fingerprint(base, target, args.seed)
            if not (data.exists() and stamp.exists() and stamp.read_text() == fp):
                t = time.perf_counter()
                generated = generate(base, target, data, args.seed)
                stamp.write_text(fp)
                print(f"bench: generated {generated.triples} triples ({generated.copies} copies) in "
                      f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
            entry = {"target": target, "label": label, "file": str(data), "engines": {}}
            for engine in engines:
                print(f"bench: {label} {engine} …", file=sys.stderr)
                t = time.perf_counter()
                if (label, engine) in earlier:
                    result = earlier[(label, engine)]
                    print(f"bench: {label} {engine}: kept from the earlier run", file=sys.stderr)
                elif engine == "virtuoso":
                    result = run_virtuoso(vdir, data, label, names, args.repeats, args.cap)
                elif engine == "rdflib" and rdflib_rate and target / rdflib_rate > args.rdflib_budget * 0.5:
                    result = {"skipped": f"estimated load {target / rdflib_rate:.0f}s (at {rdflib_rate:,.0f} "
                                         f"triples/s measured on the previous size) exceeds half its "
                                         f"{args.rdflib_budget:g}s budget", "queries": {}, "load": None}
                else:
                    budget = args.rdflib_budget if engine == "rdflib" else 24 * 3600
                    load_cap = budget if engine == "rdflib" else 3600
                    result = run_in_worker(engine, data, names, args.repeats, args.cap, budget, load_cap)
                if engine == "rdflib" and result.get("load"):
                    rdflib_rate = result["load"]["triples"] / max(result["load"]["seconds"], 1e-9)
                entry["engines"][engine] = result
                print(f"bench: {label} {engine} done in {time.perf_counter() - t:.0f}s"
                      + (f" ({result['skipped']})" if result.get("skipped") else ""), file=sys.stderr)
                _save(args.out / "results.json", {**run, "sizes": run["sizes"] + [entry]})
            run["sizes"].append(entry)
            _save(args.out / "results.json", run)
    finally:
        if vdir is not None and (vdir / "ports").exists():
            subprocess.run(["bash", str(REPO / "scripts" / "virtuoso.sh"), "stop", str(vdir)], capture_output=True)

    from report import render_markdown, plot

    text = render_markdown(run)
    print(text)
    (args.out / "tables.md").write_text(text, encoding="utf-8")
    if args.no_docs:  # tables only: the plot (matplotlib, the `bench` extra) is for the docs
        return 0
    png = args.out / "latency.png"
    plot(run, png)
    from report import update_docs

    update_docs(run, text, png, REPO / "docs")
    return 0


def compare(args, base: Path, names: list[str]) -> int:
    """Before/after: every named query (and explain) as of --baseline and as now, in one run per size."""
    import statistics
    import tarfile
    import tempfile

    from generate import fingerprint, generate

    args.out.mkdir(parents=True, exist_ok=True)
    earlier = Path(tempfile.mkdtemp(prefix="baseline-", dir=args.out))
    archive = subprocess.run(["git", "archive", args.baseline, "queries"], cwd=REPO, capture_output=True, check=True)
    with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tar:
        tar.extractall(earlier, filter="data")
    commit = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    run = {"machine": machine(), "repeats": args.repeats, "cap": args.cap, "seed": args.seed, "baseline": commit,
           "head": head, "sizes": []}
    for target in [int(float(x)) for x in args.sizes.split(",")]:
        label = size_label(target)
        data = args.out / "data" / f"vcf-kg-{label}.nt"
        stamp = data.with_suffix(".fingerprint")
        fp = fingerprint(base, target, args.seed)
        if not (data.exists() and stamp.exists() and stamp.read_text() == fp):
            data.parent.mkdir(parents=True, exist_ok=True)
            generate(base, target, data, args.seed)
            stamp.write_text(fp)
        print(f"bench: {label}: {commit} against {head}, {len(names)} entries …", file=sys.stderr)
        result = run_in_worker("pyoxigraph", data, names, args.repeats, args.cap, 24 * 3600, 3600,
                               baseline=earlier / "queries")
        run["sizes"].append({"label": label, **result})
        _save(args.out / "before-after.json", run)

    def med(xs):
        return statistics.median(xs) if xs else None

    lines = [f"Embedded store (pyoxigraph {run['machine']['pyoxigraph']}), {run['machine']['cpu']}, "
             f"{run['machine']['cores']} cores; queries as of {commit} (before) and {head} (after), alternating "
             f"on the same loaded store; median of {args.repeats} runs, wall and CPU time (ms).", ""]
    for size in run["sizes"]:
        lines += [f"**{size['label']}** ({size['load']['triples']:,} triples, loaded in {size['load']['seconds']:.0f} s)", "",
                  "| query | before wall | before CPU | after wall | after CPU | after/before (CPU) | rows before → after |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for name in names:
            q = size["queries"].get(name, {})
            bw, bc, aw, ac = (med(q.get(k)) for k in ("base_times", "base_cpu", "times", "cpu"))
            ratio = f"{ac / bc:.3f}" if ac is not None and bc else "–"
            before = "cut" if q.get("base_error") else _fmt(bw)
            rows = f"{q.get('base_rows', '–')} → {q.get('rows', '–')}"
            lines.append(f"| {name} | {before} | {_fmt(bc)} | {_fmt(aw) if not q.get('error') else q['error']} | "
                         f"{_fmt(ac)} | {ratio} | {rows} |")
        lines.append("")
    text = "\n".join(lines)
    (args.out / "before-after.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def _fmt(seconds) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.1f}"


def _save(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
