#!/usr/bin/env bash
# The wheel as a new user gets it. Builds the sdist and the wheel (`python -m build`, into a temporary
# folder: dist/ holds the release), installs the wheel into a fresh virtualenv outside the checkout,
# and there, with no repository on disk, runs `vcf-kg query`, `cq`, `explain`, `export`, `serve`
# (over HTTP, the entity JSON-LD and its context included), the Python API, and `vcf-kg build`
# (which must say it needs a source checkout). Prints the wheel's size. scripts/test.sh runs it
# before pytest (CI); installs come from PyPI, as a user's would. Needs .venv (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
py="$repo/.venv/bin/python"
say() { echo "check-wheel: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

# The release the wheel carries: a fresh clone has none, so build it when missing or stale.
if ! problem=$("$py" -c 'import sys; from vcf_kg.release_inputs import staleness; p = staleness(".", "dist"); print(p or ""); sys.exit(bool(p))'); then
  say "$problem; building it"
  "$repo/.venv/bin/vcf-kg" build >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vcf-kg-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "python -m build --outdir $work/wheelhouse"
"$py" -m build --outdir "$work/wheelhouse" . >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "python -m build"; }
wheel=$(ls "$work"/wheelhouse/*.whl)
sdist=$(ls "$work"/wheelhouse/*.tar.gz)
say "$(basename "$wheel"): $(stat -c %s "$wheel") bytes ($(( $(stat -c %s "$wheel") / 1024 )) KiB); $(basename "$sdist"): $(stat -c %s "$sdist") bytes"

python3 -m venv "$work/venv"
say "installing the wheel into a fresh virtualenv ($work/venv)"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" 2>&1 | grep -v "^WARNING: Location" >&2 || true
cli="$work/venv/bin/vcf-kg"
[ -x "$cli" ] || fail "the wheel did not install a vcf-kg command"

mkdir "$work/elsewhere" && cd "$work/elsewhere"   # no checkout here, nor on the path
unset VCF_KG_HOME VCF_KG_DIST PYTHONPATH || true
"$work/venv/bin/python" -c 'import vcf_kg.paths as p, sys; paths = p.project_paths(); sys.exit(paths.home is not None or "site-packages" not in str(paths.dist))' \
  || fail "the installed vcf-kg does not use its packaged release"

out=$("$cli" query shared-complications) || fail "vcf-kg query"
grep -q "kyphoplasty  percutaneous vertebroplasty  nerve-root pain" <<<"$out" || fail "query shared-complications: $out"
grep -q "(2 rows)" <<<"$out" || fail "query shared-complications: $out"
out=$("$cli" cq) || fail "vcf-kg cq: $(tail -5 <<<"$out")"
grep -q " 0 failed" <<<"$out" || fail "vcf-kg cq: $(tail -1 <<<"$out")"
say "cq: $(tail -1 <<<"$out")"
"$cli" explain kyphoplasty | grep -q "nerve-root" || fail "vcf-kg explain kyphoplasty"
"$cli" export --format jsonld -o graph.jsonld 2>/dev/null || fail "vcf-kg export"
"$work/venv/bin/python" -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).read("vcf_kg/packaged/release/vcf-kg.jsonld") != open("graph.jsonld", "rb").read())' "$wheel" \
  || fail "export differs from the packaged release"
if "$cli" build >build.out 2>&1; then fail "vcf-kg build ran without a checkout"; fi
grep -q "needs a source checkout" build.out || fail "vcf-kg build's message: $(cat build.out)"

"$work/venv/bin/python" - <<'PY' || fail "the Python API or vcf-kg serve"
import json
import urllib.request

import vcf_kg
from vcf_kg.serve import background

rows = vcf_kg.query("shared-complications").display_rows()
assert {r["complication"] for r in rows} == {"nerve-root compression", "nerve-root pain"}, rows
assert not [r.name for r in vcf_kg.competency_questions() if not r.passed]
with background(timeout=5, workers=1) as url:
    answer = json.load(urllib.request.urlopen(url + "sparql?query=" + urllib.parse.quote(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    assert int(answer["results"]["bindings"][0]["n"]["value"]) > 1000, answer
    entity = json.load(urllib.request.urlopen(urllib.request.Request(
        url + "id/Kyphoplasty", headers={"Accept": "application/ld+json"})))
    assert entity["id"] == "vcfr:Kyphoplasty" and entity["label"] == "kyphoplasty", entity
    context = json.load(urllib.request.urlopen(entity["@context"]))
    assert context["@context"]["label"]["@id"] == "rdfs:label"
    page = urllib.request.urlopen(url).read().decode()
    assert "<html" in page.lower()
print("check-wheel: the Python API and `vcf-kg serve` (SPARQL, entity JSON-LD, its context, the query page) work")
PY
say "ok: query, cq, explain, export, serve and the Python API work from the wheel alone; build asks for a checkout"
