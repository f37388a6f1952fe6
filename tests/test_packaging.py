"""The wheel carries its release: an installed vcf-kg finds the packaged release and queries with no
checkout, `vcf-kg build` there asks for one, and packaging refuses a missing or stale release.

scripts/check-wheel.sh (run by scripts/test.sh, so in CI) builds the real wheel and uses it from a
fresh virtualenv; these tests cover the same rules in seconds, on an installed layout made by hand.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vcf_kg.release_inputs import MANIFEST_NAME, manifest, staleness

from conftest import REPO, replace_in

CHECKOUT_PARTS = ("src", "build_support", "docs", "ontology", "data", "sources", "queries", "pyproject.toml", "MANIFEST.in",
                  "README.md", "CHANGELOG.md", "CITATION.cff")


@pytest.fixture(scope="module")
def installed(built, paths, tmp_path_factory):
    """site-packages as the wheel leaves it: vcf_kg/ with packaged/{release,queries}, and no checkout."""
    site = tmp_path_factory.mktemp("site-packages")
    shutil.copytree(REPO / "src" / "vcf_kg", site / "vcf_kg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.dist, site / "vcf_kg" / "packaged" / "release")
    shutil.copytree(REPO / "queries", site / "vcf_kg" / "packaged" / "queries")
    return site


def run_installed(site: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VCF_KG_HOME", "VCF_KG_DIST")}
    env["PYTHONPATH"] = str(site)
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "vcf_kg.cli", *args]
    # -P keeps the current directory off sys.path; site is the only place vcf_kg can come from
    return subprocess.run([command[0], "-P", *command[1:]], capture_output=True, text=True, env=env,
                          cwd=site.parent, timeout=300)


def test_installed_package_uses_its_packaged_release_and_queries(installed):
    result = run_installed(installed, code=(
        "import vcf_kg, vcf_kg.paths as p; paths = p.project_paths(); "
        "print(paths.home, paths.dist.relative_to(p.Path(vcf_kg.__file__).parent), "
        "paths.queries.relative_to(p.Path(vcf_kg.__file__).parent)); "
        "print(sorted(r['complication'] for r in vcf_kg.query('shared-complications').display_rows()))"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["None packaged/release packaged/queries",
                                          "['nerve-root compression', 'nerve-root pain']"]


def test_installed_cli_answers_the_competency_questions(installed):
    result = run_installed(installed, "cq")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout


def test_build_from_an_installed_package_asks_for_a_checkout(installed):
    result = run_installed(installed, "build")
    assert result.returncode == 1
    assert "needs a source checkout" in result.stderr and "--home" in result.stderr
    result = run_installed(installed, "build", "--home", str(installed))
    assert result.returncode == 1 and "is not a vcf-kg source checkout" in result.stderr


def test_staleness_names_the_inputs_that_changed(project_copy):
    home = project_copy.home
    assert "no built release" in staleness(home, home / "dist")
    (home / "dist").mkdir()
    (home / "dist" / "vcf-kg.nt").write_text("")
    (home / "dist" / MANIFEST_NAME).write_bytes(manifest(home))
    assert staleness(home, home / "dist") is None
    replace_in(home / "data" / "claims.tsv", "are recommended", "are advised")
    (home / "sources" / "new.txt").write_text("a new source\n")
    message = staleness(home, home / "dist")
    assert "changed: data/claims.tsv" in message and "new: sources/new.txt" in message
    assert "run `vcf-kg build`" in message


@pytest.fixture
def checkout(built, paths, tmp_path):
    """A copy of the checkout with the session's release in dist/."""
    root = tmp_path / "checkout"
    for name in CHECKOUT_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(source, root / name)
    shutil.copytree(paths.dist, root / "dist")
    return root


def package(root: Path, outdir: Path) -> subprocess.CompletedProcess:
    """`python -m build --wheel` (no isolation: the test environment's setuptools, no downloads)."""
    return subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir), "."],
                          capture_output=True, text=True, cwd=root, timeout=300)


def test_packaging_refuses_a_stale_release(checkout, tmp_path):
    replace_in(checkout / "data" / "claims.tsv", "are recommended", "are advised")
    result = package(checkout, tmp_path / "wheelhouse")
    assert result.returncode != 0
    assert "is stale" in result.stdout + result.stderr and "changed: data/claims.tsv" in result.stdout + result.stderr
    assert "run `vcf-kg build`" in result.stdout + result.stderr
    assert not list((tmp_path / "wheelhouse").glob("*.whl"))


def test_packaging_refuses_a_missing_release_and_the_release_folder(checkout, tmp_path):
    result = package(checkout, checkout / "dist")
    assert result.returncode != 0 and "dist/ holds the release" in result.stdout + result.stderr
    shutil.rmtree(checkout / "dist")
    result = package(checkout, tmp_path / "wheelhouse")
    assert result.returncode != 0 and "no built release" in result.stdout + result.stderr


def test_a_wheel_carries_the_release_and_the_queries(checkout, tmp_path):
    import zipfile

    result = package(checkout, tmp_path / "wheelhouse")
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "wheelhouse").glob("vcf_kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in (checkout / "dist").iterdir():
        assert f"vcf_kg/packaged/release/{f.name}" in names
    for f in (checkout / "queries").rglob("*.rq"):
        assert f"vcf_kg/packaged/queries/{f.relative_to(checkout / 'queries').as_posix()}" in names
    assert "vcf_kg/web/index.html" in names
