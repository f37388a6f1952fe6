#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set up, check the wheel, then pytest. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The whole suite (no arguments, as CI runs it) first checks the wheel: built, installed into a fresh
# virtualenv outside the checkout, used with no repository on disk (scripts/check-wheel.sh, ~1-2 min).
if [ $# -eq 0 ]; then
  bash scripts/check-wheel.sh
fi
exec .venv/bin/python -m pytest "$@"
