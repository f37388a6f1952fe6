"""Cold-start cost of answering a named query from the command line, against two baselines, in one run.

    .venv/bin/python bench/cli_bench.py [--runs 15]

Each sample is a fresh process (what a user waits for):
  A  `vcf-kg query shared-complications`           pyoxigraph on the N-Triples release (the CLI)
  B  the same query with rdflib's engine            parse the Turtle release, query it (the obvious alternative)
  C  `python -c pass`                                the interpreter's own start-up (the floor)
Prints min / median / max wall time and the median ratios A/B and A/C. Figures: docs/performance.md.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
QUERY = REPO / "queries" / "cq" / "01-shared-complications.rq"
RDFLIB_SNIPPET = f"""
from rdflib import Graph
from vcf_kg.prefixes import PREFIXES
from vcf_kg.queries import NamedQuery
from rdflib import URIRef
q = NamedQuery.read(__import__('pathlib').Path({str(QUERY)!r}))
g = Graph().parse({str(REPO / 'dist' / 'vcf-kg.ttl')!r})
rows = list(g.query(q.text, initNs=PREFIXES, initBindings={{'kind': URIRef(PREFIXES['vcf'] + 'NerveRootComplication')}}))
assert len(rows) == 2, rows
"""

COMMANDS = {
    "A vcf-kg query (pyoxigraph)": [str(VENV_BIN / "vcf-kg"), "query", "shared-complications", "--format", "csv"],
    "B rdflib engine": [sys.executable, "-c", RDFLIB_SNIPPET],
    "C python -c pass": [sys.executable, "-c", "pass"],
}


def sample(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not (REPO / "dist" / "vcf-kg.nt").exists():
        sys.exit("build the release first: vcf-kg build")
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm-up (page cache, .pyc)
        sample(command)
    for _ in range(args.runs):  # interleaved, so drift hits every command alike
        for name, command in COMMANDS.items():
            times[name].append(sample(command))
    print(f"{'command':32} {'min':>8} {'median':>8} {'max':>8}   (seconds, {args.runs} runs each)")
    for name, values in times.items():
        print(f"{name:32} {min(values):8.3f} {statistics.median(values):8.3f} {max(values):8.3f}")
    a, b, c = (statistics.median(times[n]) for n in COMMANDS)
    print(f"\nmedian ratio A/B (CLI vs rdflib engine): {a / b:.2f}")
    print(f"median ratio A/C (CLI vs bare interpreter): {a / c:.2f}")


if __name__ == "__main__":
    main()
