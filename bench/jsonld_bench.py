"""JSON-LD cost: the compacted release and an entity's framed JSON-LD, against the other formats, same run.

    .venv/bin/python bench/jsonld_bench.py          # after `vcf-kg build`

1. Writing the release: ``jsonld.compact_release`` (the context applied, one node per subject)
   against pyoxigraph's Turtle and its expanded JSON-LD, from the same sorted N-Triples; the sizes too.
2. Serving an entity: median latency of GET /id/Kyphoplasty as JSON-LD (compacted and framed in the
   server process) against Turtle (serialised by the worker), with the result cache off so every
   request does the work, on a server in a child process on 127.0.0.1.
Figures are ratios within one run on one (shared) machine.
"""
from __future__ import annotations

import statistics
import sys
import time
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pyoxigraph as ox

from vcf_kg.jsonld import CONTEXT_NAME, Context, compact_release
from vcf_kg.paths import project_paths, release_file
from vcf_kg.prefixes import SERIALISATION_PREFIXES
from vcf_kg.serve import background


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def release_figures(dist) -> None:
    nt = release_file(dist, "nt").read_bytes()
    context = Context.load(dist / CONTEXT_NAME)
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    compacted = compact_release(nt, context)
    expanded = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=SERIALISATION_PREFIXES)
    t_compact = best_of(lambda: compact_release(nt, context))
    t_expanded = best_of(lambda: ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD))
    t_turtle = best_of(lambda: ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                                            prefixes=SERIALISATION_PREFIXES))
    print(f"release: {len(triples)} triples")
    print(f"  compacted JSON-LD  {t_compact * 1000:7.1f} ms  {len(compacted):>9,} bytes")
    print(f"  expanded JSON-LD   {t_expanded * 1000:7.1f} ms  {len(expanded):>9,} bytes (pyoxigraph)")
    print(f"  Turtle             {t_turtle * 1000:7.1f} ms  {len(turtle):>9,} bytes (pyoxigraph)")
    print(f"  compacted/Turtle time {t_compact / t_turtle:.1f}x; compacted/expanded size {len(compacted) / len(expanded):.2f}")


def get(url: str, path: str, accept: str) -> float:
    parts = urlsplit(url)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    assert response.status == 200, response.status
    return elapsed


def server_figures(dist, requests: int = 60) -> None:
    with background(dist=str(dist), cache_bytes=0, workers=1) as url:
        for accept in ("application/ld+json", "text/turtle"):  # warm-up
            get(url, "/id/Kyphoplasty", accept)
        medians = {}
        for accept in ("application/ld+json", "text/turtle"):
            medians[accept] = statistics.median(get(url, "/id/Kyphoplasty", accept) for _ in range(requests))
    jsonld, turtle = medians["application/ld+json"], medians["text/turtle"]
    print(f"server, GET /id/Kyphoplasty ({requests} requests each, cache off): JSON-LD {jsonld * 1000:.1f} ms, "
          f"Turtle {turtle * 1000:.1f} ms (median); JSON-LD/Turtle {jsonld / turtle:.2f}x")


def main() -> int:
    dist = project_paths().dist
    if not release_file(dist, "nt").exists():
        print("no release: run `vcf-kg build` first", file=sys.stderr)
        return 1
    release_figures(dist)
    server_figures(dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
