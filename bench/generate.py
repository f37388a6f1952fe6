"""Scale the real VCF graph up, deterministically, for the benchmark.

The output is the real release plus N synthetic copies of its instance level (conditions, procedures,
treatments, claims with their quotes and sentences, evidence statements, guidelines and their
recommendations, inferred statements): the same shape and the same out-degree per kind of node.
The ontology (TBox), the OBO terms and the controlled values stay single, as in a real merged store.

Realistic fan-in: vocabulary-like entities (complications, symptoms, anatomical sites, materials,
devices, evidence levels, organisations, people, jurisdictions, diagnostic methods, imaging findings)
are not copied every time. Copy k refers to an
existing one chosen Zipf-wise (popular ones are shared by many procedures), or, with probability
``NEW_VOCABULARY``, brings its own; so the vocabulary grows more slowly than the graph and joins on
popular complications get heavier with size, as they do in a real terminology-backed store.

Bodies that publish guidance documents (objects of ``vcf:publishedBy``) and jurisdictions are *not* pooled:
each copy brings its own, with its own documents and positions. A real body states a handful of
positions (the release: 1 to 12 per body); pooling them Zipf-wise gave one body ~1,700 positions at 1e7
and one jurisdiction hundreds of bodies, which no real landscape has, and made the pairwise question
positions-over-time (pairs of positions within one body or jurisdiction) grow with the square of the
graph. Other organisations (publishers, sponsors) stay pooled like other vocabulary.

    python bench/generate.py dist/vcf-kg.nt 1000000 bench/out/data/vcf-kg-1e6.nt --seed 42
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BASE = "https://w3id.org/vcf-kg/"
INSTANCE_NAMESPACES = tuple(BASE + ns for ns in ("id/", "claim/", "source/", "inferred/"))
VCF = BASE + "ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABELS = {"<http://www.w3.org/2000/01/rdf-schema#label>", "<http://www.w3.org/2004/02/skos/core#altLabel>"}
# entities of these classes are shared across copies (Zipf), not copied every time
POOLED_CLASSES = {f"<{VCF}{c}>" for c in (
    "Complication", "NerveRootComplication", "Symptom", "AnatomicalSite", "Material", "Device",
    "EvidenceLevel", "Organization", "Person", "DiagnosticMethod", "ImagingFinding")}
PUBLISHED_BY = f"<{VCF}publishedBy>"  # its objects (guidance bodies) are copied with their copy, not pooled
GENERATOR_VERSION = 2  # 2: guidance bodies and jurisdictions copied, not pooled
NEW_VOCABULARY = 0.05  # chance that a copy brings its own version of a vocabulary entity
ZIPF_S = 1.1

_LINE = re.compile(r"^(<[^>]*>) (<[^>]*>) (.*) \.\s*$")
_IRI = re.compile(r"<(https://w3id\.org/vcf-kg/(?:id|claim|source|inferred)/[^>]*)>")
_LANG_LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"(@[A-Za-z-]+|\^\^<[^>]*>)?$')


@dataclass
class Generated:
    path: Path
    triples: int
    copies: int
    seed: int
    base_triples: int


def _zipf_index(rng: random.Random, n: int) -> int:
    """An index in [0, n) with probability proportional to 1/(i+1)^s (inverse CDF on a small table)."""
    weights = _zipf_index.cache.get(n)
    if weights is None:
        acc, total = [], 0.0
        for i in range(n):
            total += 1.0 / (i + 1) ** ZIPF_S
            acc.append(total)
        weights = (acc, total)
        if n <= 4096:
            _zipf_index.cache[n] = weights
    acc, total = weights
    x = rng.random() * total
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if acc[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


_zipf_index.cache = {}


def generate(base_nt: Path, target_triples: int, out: Path, seed: int = 42) -> Generated:
    """Write at least ``target_triples`` triples (the real graph first) to ``out`` (temp file + rename)."""
    lines = [line for line in base_nt.read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = []
    for number, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"{base_nt}:{number}: not a simple N-Triples line")
        parsed.append(match.groups())
    if any(s.startswith("_:") or o.startswith("_:") for s, _, o in parsed):
        raise ValueError(f"{base_nt} has blank nodes; the generator expects a blank-node-free release")
    instance = [t for t in parsed if t[0][1:-1].startswith(INSTANCE_NAMESPACES)]
    publishers = {o for s, p, o in instance if p == PUBLISHED_BY}
    pooled = {s for s, p, o in instance if p == RDF_TYPE and o in POOLED_CLASSES} - publishers
    owners: dict[str, list[int]] = {e: [0] for e in pooled}  # copies that define their own version

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    written = 0
    copies = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
        written = len(lines)
        k = 0
        while written < target_triples:
            k += 1
            rng = random.Random(f"{seed}:{k}")
            mapping: dict[str, str] = {}
            own: set[str] = set()
            for e in sorted(pooled):
                if rng.random() < NEW_VOCABULARY:
                    owners[e].append(k)
                    own.add(e)
                    j = k
                else:
                    candidates = owners[e]
                    j = candidates[_zipf_index(rng, len(candidates))]
                mapping[e] = e if j == 0 else f"{e[:-1]}-v{j}>"

            def rename(term: str) -> str:
                if term in mapping:
                    return mapping[term]
                return _IRI.sub(lambda m: f"<{m.group(1)}-{k}>", term)

            out_lines = []
            for s, p, o in instance:
                if s in pooled and s not in own and not (o[1:-1].startswith(INSTANCE_NAMESPACES) and o not in pooled):
                    continue  # its description comes with the copy that owns it; its links to this copy stay
                new_o = rename(o) if o.startswith("<") else o
                if p in LABELS and o.startswith('"'):
                    m = _LANG_LITERAL.match(o)
                    if m:
                        new_o = f'"{m.group(1)} {k}"{m.group(2) or ""}'
                out_lines.append(f"{rename(s)} {p} {new_o} .\n")
            f.writelines(out_lines)
            written += len(out_lines)
            copies = k
    os.replace(tmp, out)
    return Generated(out, written, copies, seed, len(lines))


def fingerprint(base_nt: Path, target: int, seed: int) -> str:
    """Identifies one generated file: the release it grew from, the size asked for, the seed."""
    digest = hashlib.sha256(base_nt.read_bytes()).hexdigest()[:16]
    return f"{digest}-{target}-{seed}-{NEW_VOCABULARY}-{ZIPF_S}-v{GENERATOR_VERSION}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the release as N-Triples (dist/vcf-kg.nt)")
    parser.add_argument("triples", type=float, help="target size, e.g. 1e6")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    result = generate(args.base, int(args.triples), args.out, args.seed)
    print(f"wrote {result.triples} triples ({result.copies} synthetic copies, seed {result.seed}) to {result.path}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
