#!/usr/bin/env bash
# The main job on a fresh machine: set up, build the graph, validate it (SHACL, QC, HermiT) and
# answer "which procedures share nerve-root complications?".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/vcf-kg build
.venv/bin/vcf-kg validate
echo
echo "Which procedures share nerve-root complications?"
.venv/bin/vcf-kg query shared-complications
