"""The build backend: setuptools, plus what makes a vcf-kg wheel carry its release.

``python -m build --outdir wheelhouse`` (any folder but dist/, which holds the release) makes the
sdist and the wheel. The wheel gets the built release (``dist/``: every format, void.ttl, the
JSON-LD context, the ontology's documentation) and the named queries (``queries/``) as
``vcf_kg/packaged/{release,queries}``, where ``vcf_kg.paths`` finds them once installed. A missing or
stale release (its ``inputs.sha256`` no longer matches the checkout) stops the build with a message
to run ``vcf-kg build``; so does an output folder that is the release directory itself.
Editable installs (``pip install -e .``) are untouched: they read the checkout directly.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403 - every PEP 517/660 hook not redefined here
from setuptools.command.build_py import build_py as _build_py

PACKAGED = Path("vcf_kg") / "packaged"


def _inputs_module(root: Path):
    """src/vcf_kg/release_inputs.py, loaded on its own (the build environment lacks vcf-kg's dependencies)."""
    spec = importlib.util.spec_from_file_location("_vcf_kg_release_inputs", root / "src" / "vcf_kg" / "release_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_release(root: Path) -> None:
    """Stop the build unless root/dist holds the release of root's current inputs."""
    problem = _inputs_module(root).staleness(root, root / "dist")
    if problem:
        raise SystemExit(f"vcf-kg: cannot package: {problem} (the wheel carries the built release)")


def _refuse_release_dir(output: str, root: Path) -> None:
    if Path(output).resolve() == (root / "dist").resolve():
        raise SystemExit("vcf-kg: dist/ holds the release, not packages: build with "
                         "`python -m build --outdir wheelhouse` (or any other folder)")


def build_sdist(sdist_directory, config_settings=None):
    root = Path.cwd()
    _refuse_release_dir(sdist_directory, root)
    check_release(root)
    return _setuptools.build_sdist(sdist_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    root = Path.cwd()
    _refuse_release_dir(wheel_directory, root)
    check_release(root)
    return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)


class BuildPyWithRelease(_build_py):
    """build_py, then the release and the named queries copied into the wheel's vcf_kg/packaged/."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path.cwd()
        check_release(root)
        inputs = _inputs_module(root)
        target = Path(self.build_lib) / PACKAGED
        shutil.rmtree(target, ignore_errors=True)
        (target / "release").mkdir(parents=True)
        for path in inputs.release_files(root / "dist"):
            shutil.copy2(path, target / "release" / path.name)
        shutil.copytree(root / "queries", target / "queries",
                        ignore=shutil.ignore_patterns("__pycache__", ".*"))
