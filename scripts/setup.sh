#!/usr/bin/env bash
# Set up a fresh machine for vcf-kg: system packages (a Java runtime for the HermiT reasoner),
# then a virtualenv in .venv with the package (editable) and its test dependencies.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v java >/dev/null 2>&1 || apt_packages+=(default-jre-headless)
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)  # the browser test of `vcf-kg serve`'s query page

if ((${#apt_packages[@]})); then
  echo "setup: installing system packages: ${apt_packages[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  python3 -m venv .venv
fi
echo "setup: installing vcf-kg and its dependencies into .venv" >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "^WARNING: Location" >&2 || true
.venv/bin/python -c "import vcf_kg, rdflib, pyoxigraph, pyshacl, owlready2" \
  || { echo "setup: the Python dependencies did not install" >&2; exit 1; }
