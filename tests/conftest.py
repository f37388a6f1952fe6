"""Shared fixtures: one build of the real graph per test session, into a temporary release directory."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vcf_kg
from vcf_kg.paths import project_paths

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def paths(tmp_path_factory):
    """Project paths whose release directory is private to this test session."""
    return project_paths(REPO, tmp_path_factory.mktemp("release") / "dist")


@pytest.fixture(scope="session")
def built(paths):
    """The BuildResult of building the real graph (validated, released into paths.dist)."""
    return vcf_kg.build_release(paths)


@pytest.fixture(scope="session")
def store(built, paths):
    return vcf_kg.open_store(paths)


@pytest.fixture(scope="session")
def catalogue(paths):
    return vcf_kg.catalogue(paths)


@pytest.fixture(scope="session")
def landscape_rows(store, catalogue):
    """The rows of the named query behind the landscape page and picture, as plain strings (absent where unbound)."""
    from vcf_kg.landscape import QUERY

    q = catalogue.queries[QUERY]
    rows = [{k: v.value for k, v in row.items()} for row in store.query(q.text, q.bindings()).rows]
    assert rows, "the landscape query returns no rows: nothing to test the page and picture against"
    return rows


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project's inputs (ontology, data, sources, queries) to break on purpose."""
    home = tmp_path / "project"
    for name in ("ontology", "data", "sources", "queries"):
        shutil.copytree(REPO / name, home / name)
    return project_paths(home, home / "dist")


def run_cli(*args: str, env: dict | None = None, input: str | None = None, cwd: Path | None = None):
    """Run the installed `vcf-kg` entry point as a user would, in a subprocess."""
    exe = Path(sys.executable).with_name("vcf-kg")
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=full_env, input=input,
                          cwd=cwd or REPO, timeout=300)


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
