"""The persistent embedded store (`vcf-kg load`, `--store PATH`): loaded once, reopened, same answers."""
from __future__ import annotations

import shutil

import pytest

import vcf_kg
from vcf_kg.paths import project_paths, release_file
from vcf_kg.remote import comparable_answer
from vcf_kg.store import PersistentStore, StoreError

from conftest import REPO, run_cli

EXTRA = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/term/1> rdfs:label "an extra terminology term" .
<http://example.org/term/2> rdfs:label "another one" .
"""


@pytest.fixture(scope="module")
def persistent(built, paths, tmp_path_factory):
    path = tmp_path_factory.mktemp("stores") / "store"
    vcf_kg.load([], path, paths=paths)
    return path


def test_every_named_query_answers_as_in_memory(persistent, store, catalogue):
    disk = PersistentStore(persistent)
    assert disk.triple_count() == store.triple_count()
    for q in catalogue.queries.values():
        if q.path.parent.name == "rules":
            continue
        bindings = q.bindings()
        assert comparable_answer(disk.query(q.text, bindings), q.text) == \
            comparable_answer(store.query(q.text, bindings), q.text), q.name


def test_loading_merges_as_a_set(built, paths, tmp_path, store):
    path = tmp_path / "store"
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    loaded = vcf_kg.load([release_file(paths.dist, "ttl"), extra], path, paths=paths)
    assert [f.triples for f in loaded] == [store.triple_count(), 0, 2]  # release; its Turtle twin adds nothing
    assert PersistentStore(path).triple_count() == store.triple_count() + 2
    again = vcf_kg.load([extra], path, paths=paths)  # the release is there already: not reloaded
    assert [f.triples for f in again] == [0]


def test_a_new_release_needs_a_fresh_store_and_fresh_keeps_what_was_loaded(built, paths, tmp_path, store):
    dist = tmp_path / "dist"
    shutil.copytree(paths.dist, dist)
    old = project_paths(REPO, dist)
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    path = tmp_path / "store"
    vcf_kg.load([extra], path, paths=old)
    nt = release_file(dist, "nt")
    nt.write_text(nt.read_text(encoding="utf-8") + '<urn:new> <urn:p> "a triple of the new release" .\n',
                  encoding="utf-8")
    with pytest.raises(StoreError, match="--fresh"):
        vcf_kg.load([], path, paths=old)
    vcf_kg.load([], path, paths=old, fresh=True)
    assert PersistentStore(path).triple_count() == store.triple_count() + 1 + 2  # new release + extra again
    assert not list(tmp_path.glob(".store.*")), "the rebuild's temporary directories are gone"


def test_cli_load_reports_a_rate_and_query_reads_the_store(built, paths, tmp_path):
    path = tmp_path / "store"
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    done = run_cli("load", str(extra), "--store", str(path), "--dist", str(paths.dist))
    assert done.returncode == 0, done.stderr
    assert "triples/s" in done.stdout and "extra.ttl" in done.stdout
    local = run_cli("query", "shared-complications", "--dist", str(paths.dist))
    stored = run_cli("query", "shared-complications", "--store", str(path))
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout == local.stdout


def test_querying_a_missing_store_says_how_to_make_one(tmp_path):
    done = run_cli("query", "shared-complications", "--store", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "vcf-kg load --store" in done.stderr


def test_a_directory_that_is_not_a_store_is_not_touched(built, paths, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="not a vcf-kg store"):
        vcf_kg.load([], foreign, paths=paths)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
