"""Benchmark of `vcf-kg curate` on the article, with data/claims.tsv set aside.

The project is copied to a temporary directory and its claims.tsv emptied (header kept), so the
assistant sees only the ontology, the entities and the text. Its proposals are compared with the
article's curated claims as (subject, predicate, object) facts:

  recall            curated facts the proposals recover             target >= 70 %
  rejected          proposals that are not curated facts            target <= 40 %
  flipped negations a proposal stating the opposite of a curated
                    negative (vcf:For where the article says vcf:Against, ...)  target 0
  modality          per predicate: matched facts whose proposed modality equals the curated one
  unhedgeable       proposals with a hedge on a property that has no hedged form: the build would
                    refuse them as they stand (kept in the review, flagged; never silently unhedged)

Speed: start-up (a fresh process importing the package and loading the pipeline, against a bare
`python -c pass` in the same run) and sentences per second after start-up (the article repeated,
against PySBD's sentence splitting alone: the ratio says what the rest of the pipeline costs).

Run: .venv/bin/python bench/curate_bench.py   (about half a minute)
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from vcf_kg.curate import Assistant, curate  # noqa: E402
from vcf_kg.curate.inputs import NewSource  # noqa: E402
from vcf_kg.curate.rules import load_rules  # noqa: E402
from vcf_kg.paths import project_paths  # noqa: E402
from vcf_kg.tsv import read_tsv  # noqa: E402

ARTICLE = REPO / "sources" / "vertebral-fracture-treatment.txt"


def set_aside_claims(home: Path) -> None:
    for name in ("ontology", "data", "sources", "queries"):
        shutil.copytree(REPO / name, home / name)
    lines = (home / "data" / "claims.tsv").read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#") or line.startswith("claim_id\t")]
    (home / "data" / "claims.tsv").write_text("\n".join(header) + "\n", encoding="utf-8")


def startup(home: Path, runs: int = 3) -> tuple[float, float, float]:
    """Median wall seconds of a fresh process that loads the assistant; of bare Python; its CPU seconds."""
    code = ("import time, resource; t = time.perf_counter(); from vcf_kg.curate import Assistant; "
            "from vcf_kg.paths import project_paths; Assistant(project_paths(%r)); "
            "r = resource.getrusage(resource.RUSAGE_SELF); print(time.perf_counter() - t, r.ru_utime + r.ru_stime)" % str(home))
    walls, cpus, bare = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
        walls.append(time.perf_counter() - t)
        cpus.append(float(out[1]))
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    return med(walls), med(bare), med(cpus)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "project"
        set_aside_claims(home)
        paths = project_paths(home, home / "dist")
        wall, bare, cpu = startup(home)
        assistant = Assistant(paths)
        summary = curate(ARTICLE, Path(tmp) / "article.review.tsv", source_id="article", paths=paths, assistant=assistant)
        proposals = [p for r in summary.readings for p in r.proposals]
        withheld = [p for r in summary.readings for p in r.withheld]

        # speed after start-up: the article 20 times over
        text = ARTICLE.read_text(encoding="utf-8")
        long_text = "\n\n".join([text] * 20)
        long_source = NewSource("bench", "SourcePublication", "bench", ARTICLE, "", long_text)
        t, c = time.perf_counter(), time.process_time()
        reading = assistant.read(long_source)
        seconds, cpu_seconds = time.perf_counter() - t, time.process_time() - c
        t = time.perf_counter()
        n_split = sum(1 for s in assistant.segmenter.segment(long_text) if s.sent.strip())
        split_seconds = time.perf_counter() - t

    gold_rows = [r for r in read_tsv(REPO / "data" / "claims.tsv", ["claim_id", "subject", "predicate", "object",
                                                                     "modality", "source"]) if r["source"] == "article"]
    gold = {(r["subject"], r["predicate"], r["object"]): r["modality"] for r in gold_rows}
    proposed = {p.fact: p.modality for p in proposals}
    hits = set(gold) & set(proposed)

    # a flipped negation: the proposal states the value a negation would have turned it into, or the reverse
    from vcf_kg.ontology import Ontology

    rules = load_rules(Ontology.load(REPO / "ontology" / "vcf.ttl"))
    opposite = {}
    for rule in rules.relations:
        if rule.negated != "withhold":
            opposite[(rule.predicate, rule.object)] = rule.negated
            opposite[(rule.predicate, rule.negated)] = rule.object
    flipped = [f for f in proposed if (f[1], f[2]) in opposite and (f[0], f[1], opposite[(f[1], f[2])]) in gold]
    over_negated = [w.fact for w in withheld if w.fact in gold]  # a curated positive fact held back as negated

    print(f"curate benchmark: the article ({summary.sentences} sentences), data/claims.tsv set aside")
    print(f"  curated facts (article): {len(gold)}   proposals: {len(proposed)}   withheld as negated: {len(withheld)}")
    print(f"  recall: {len(hits)}/{len(gold)} = {len(hits) / len(gold):.1%}   (target >= 70 %)")
    rejected = len(proposed) - len(hits)
    print(f"  rejected: {rejected}/{len(proposed)} = {rejected / len(proposed):.1%}   precision {len(hits) / len(proposed):.1%}"
          "   (target <= 40 % rejected)")
    print(f"  flipped negations: {len(flipped)}   (target 0); curated facts withheld as negated: {len(over_negated)}")
    unhedgeable = [p.fact for p in proposals if p.unhedgeable]
    print(f"  proposals --accept refuses as they stand (a hedge on a property with no hedged form): {len(unhedgeable)}"
          + (f" ({', '.join(' '.join(f) for f in unhedgeable)})" if unhedgeable else ""))
    agree = sum(1 for f in hits if gold[f] == proposed[f])
    print(f"  modality agreement on recovered facts: {agree}/{len(hits)} = {agree / len(hits):.1%}")
    print()
    by_pred_gold = Counter(f[1] for f in gold)
    by_pred_prop = Counter(f[1] for f in proposed)
    by_pred_hit = Counter(f[1] for f in hits)
    by_pred_agree = defaultdict(int)
    for f in hits:
        by_pred_agree[f[1]] += gold[f] == proposed[f]
    print(f"  {'predicate':<30} {'curated':>7} {'proposed':>8} {'recall':>7} {'precision':>9} {'modality':>8}")
    for pred in sorted(set(by_pred_gold) | set(by_pred_prop)):
        g, p, h = by_pred_gold[pred], by_pred_prop[pred], by_pred_hit[pred]
        rec = f"{h / g:.0%}" if g else "-"
        prec = f"{h / p:.0%}" if p else "-"
        mod = f"{by_pred_agree[pred]}/{h}" if h else "-"
        print(f"  {pred:<30} {g:>7} {p:>8} {rec:>7} {prec:>9} {mod:>8}")
    print()
    print("  missed:", ", ".join(sorted(r["claim_id"] for r in gold_rows
                                        if (r["subject"], r["predicate"], r["object"]) not in proposed)))
    print("  not curated:", "; ".join(" ".join(f) for f in sorted(set(proposed) - set(gold))))
    print()
    print(f"speed: {reading.sentences} sentences in {seconds:.2f} s after start-up = {reading.sentences / seconds:,.0f} "
          f"sentences/s (target >= 100), {reading.sentences / cpu_seconds:,.0f} per CPU second; PySBD splitting alone: {n_split / split_seconds:,.0f} sentences/s "
          f"(the whole pipeline takes {seconds / split_seconds:.1f}x as long)")
    print(f"start-up: {wall:.2f} s wall ({cpu:.2f} s CPU) for a fresh process that loads the assistant; "
          f"bare Python {bare:.2f} s; (target < 3 s)")


if __name__ == "__main__":
    main()
