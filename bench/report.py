"""Tables (Markdown), the plot (PNG) and the docs update for bench/scale_bench.py's results."""
from __future__ import annotations

import os
import re
import shutil
import statistics
from pathlib import Path

ENGINE_ORDER = ("pyoxigraph", "rdflib", "virtuoso")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _median(q: dict) -> float | None:
    times = q.get("times") or []
    if q.get("error") or not times:
        return None
    return statistics.median(times)


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    ms = seconds * 1000
    return f"{ms:.1f}" if ms < 100 else f"{ms:,.0f}"


def _engines(run: dict) -> list[str]:
    seen = {e for size in run["sizes"] for e in size["engines"]}
    return [e for e in ENGINE_ORDER if e in seen]


def summary_rows(run: dict):
    """One row per (size, engine): load, rate, suite time over the queries all engines finished."""
    rows = []
    for size in run["sizes"]:
        engines = size["engines"]
        finished = {e: {n for n, q in r.get("queries", {}).items() if _median(q) is not None}
                    for e, r in engines.items()}
        for engine in _engines(run):
            r = engines.get(engine)
            if r is None:
                continue
            load = r.get("load")
            medians = {n: _median(q) for n, q in r.get("queries", {}).items()}
            done = {n: m for n, m in medians.items() if m is not None}
            failed = sorted(n for n, m in medians.items() if m is None)
            row = {"size": size["label"], "engine": engine, "triples": load["triples"] if load else None,
                   "load_s": load["seconds"] if load else None,
                   "rate": load["triples"] / load["seconds"] if load and load["seconds"] else None,
                   "suite_s": sum(done.values()) if done else None, "n": len(done), "failed": failed,
                   "median_s": statistics.median(done.values()) if done else None,
                   "slowest": max(done.items(), key=lambda kv: kv[1]) if done else None,
                   "skipped": r.get("skipped")}
            rl = engines.get("rdflib")
            if rl and engine != "rdflib" and done:
                common = [n for n in done if n in finished.get("rdflib", set())]
                if common:
                    rd = {n: _median(rl["queries"][n]) for n in common}
                    row["vs_rdflib"] = sum(rd.values()) / max(sum(done[n] for n in common), 1e-12)
                    row["vs_rdflib_n"] = len(common)
            rows.append(row)
    return rows


def render_markdown(run: dict) -> str:
    m = run["machine"]
    out = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}; Python {m['python']}, "
           f"pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, Virtuoso {m['virtuoso']}. "
           f"{len(run['queries'])} named queries, median of up to {run['repeats']} runs each, "
           f"cap {run['cap']:g} s per query.", ""]
    out += ["| size | engine | triples | load (s) | load rate (triples/s) | suite: sum of medians (ms) | "
            "median query (ms) | slowest query (ms) | × faster than rdflib |",
            "|---|---|---:|---:|---:|---:|---:|---|---:|"]
    for r in summary_rows(run):
        if r["skipped"]:
            out.append(f"| {r['size']} | {r['engine']} | | | | not run: {r['skipped']} | | | |")
            continue
        slow = f"{r['slowest'][0]} {_ms(r['slowest'][1])}" if r["slowest"] else "–"
        vs = (f"{r['vs_rdflib']:.1f}× ({r['vs_rdflib_n']} q)" if r.get("vs_rdflib") else
              ("1" if r["engine"] == "rdflib" else "n/a"))
        failed = f" ({len(r['failed'])} cut/failed)" if r["failed"] else ""
        out.append(f"| {r['size']} | {r['engine']} | {r['triples'] or '–':,} | "
                   f"{r['load_s']:.2f} | {r['rate']:,.0f} | {_ms(r['suite_s'])}{failed} | {_ms(r['median_s'])} | "
                   f"{slow} | {vs} |" if r["load_s"] is not None else
                   f"| {r['size']} | {r['engine']} | – | – | – | – | – | – | – |")
    out += ["", "Median latency per query (ms); `–` = cut at the cap or not run; `≠` = row count differs "
                "from pyoxigraph's.", ""]
    cols = [(size["label"], e) for size in run["sizes"] for e in _engines(run) if e in size["engines"]]
    out.append("| query | " + " | ".join(f"{s} {e[:4]}" for s, e in cols) + " |")
    out.append("|---|" + "---:|" * len(cols))
    by_size = {size["label"]: size for size in run["sizes"]}
    for name in run["queries"]:
        cells = []
        for s, e in cols:
            q = by_size[s]["engines"][e].get("queries", {}).get(name, {})
            ref = by_size[s]["engines"].get("pyoxigraph", {}).get("queries", {}).get(name, {})
            mark = "≠" if (e != "pyoxigraph" and q.get("rows") is not None and ref.get("rows") is not None
                           and q["rows"] != ref["rows"]) else ""
            cells.append(_ms(_median(q)) + mark)
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def plot(run: dict, png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"pyoxigraph": "tab:blue", "rdflib": "tab:orange", "virtuoso": "tab:green"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    for engine in _engines(run):
        xs, suite, med, worst = [], [], [], []
        per_query: dict[str, list] = {}
        ran = [size["engines"][engine] for size in run["sizes"]
               if size["engines"].get(engine, {}).get("load") and size["engines"][engine].get("queries")]
        # the left panel sums a fixed set: the queries this engine finished at every size it ran
        always = set.intersection(*({n for n, q in r["queries"].items() if _median(q) is not None} for r in ran)) \
            if ran else set()
        for r in ran:
            medians = {n: _median(q) for n, q in r["queries"].items()}
            done = [m for m in medians.values() if m is not None]
            if not done:
                continue
            xs.append(r["load"]["triples"])
            suite.append(sum(medians[n] for n in always))
            med.append(statistics.median(done))
            worst.append(max(done))
            for n, m in medians.items():
                per_query.setdefault(n, []).append((r["load"]["triples"], m))
        c = colours[engine]
        left.plot(xs, suite, "o-", color=c, label=f"{engine} ({len(always)} queries finished at every size)")
        right.plot(xs, med, "o-", color=c, label=f"{engine}: median query")
        right.plot(xs, worst, "s--", color=c, alpha=0.7, label=f"{engine}: slowest query")
        for points in per_query.values():
            pts = [(x, y) for x, y in points if y is not None]
            if len(pts) > 1:
                right.plot(*zip(*pts), "-", color=c, alpha=0.08, linewidth=0.8)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("graph size (triples)")
        ax.grid(True, which="both", alpha=0.3)
    left.set_ylabel("sum of per-query medians (s)")
    left.set_title("Query suite time (queries cut at the cap left out)")
    right.set_ylabel("latency (s)")
    right.set_title("Median and slowest finished query (faint: each query)")
    left.legend(fontsize=8)
    right.legend(fontsize=7)
    m = run["machine"]
    fig.suptitle(f"vcf-kg query latency vs graph size — {m['cores']} cores, {m['cpu'][:48]}", fontsize=10)
    fig.tight_layout()
    tmp = png.with_name(png.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, png)


def update_docs(run: dict, tables: str, png: Path, docs: Path) -> None:
    """Put the tables between the markers of docs/performance.md and the plot beside it."""
    docs.mkdir(parents=True, exist_ok=True)
    target_png = docs / "performance-latency.png"
    tmp = target_png.with_name(target_png.name + ".tmp")
    shutil.copyfile(png, tmp)
    os.replace(tmp, target_png)
    page = docs / "performance.md"
    text = page.read_text(encoding="utf-8") if page.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    block = f"{BEGIN}\n<!-- written by bench/scale_bench.py; edit outside the markers -->\n\n{tables}\n{END}"
    text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    tmp_page = page.with_name(page.name + ".tmp")
    tmp_page.write_text(text, encoding="utf-8")
    os.replace(tmp_page, page)


def main(argv=None) -> int:
    """Re-render the tables, the plot and the docs from a results.json (no measuring)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("results", type=Path, nargs="?", default=Path(__file__).resolve().parent / "out" / "results.json")
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    run = json.loads(args.results.read_text(encoding="utf-8"))
    text = render_markdown(run)
    print(text)
    png = args.results.with_name("latency.png")
    plot(run, png)
    if not args.no_docs:
        update_docs(run, text, png, Path(__file__).resolve().parents[1] / "docs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
