"""`vcf-kg diff OLD NEW` and the build's CHANGES.md: what changed between two releases, by label."""
from __future__ import annotations

import shutil

import pytest

from vcf_kg.diff import DiffError, diff
from vcf_kg.release import CHANGES_NAME

from conftest import REPO, run_cli

VCF = "https://w3id.org/vcf-kg/ontology#"
ID = "https://w3id.org/vcf-kg/id/"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@pytest.fixture
def edited(built, paths, tmp_path):
    """A release edited by hand: claim A053 gone, an instance of a class the old release lacks (as the
    guideline positions were once new) and an ICD-10-CM mapping added. Returns (old, new) release files."""
    old = paths.dist / "vcf-kg.nt"
    lines = [line for line in old.read_text(encoding="utf-8").splitlines() if "/claim/A053>" not in line]
    lines += [
        f"<{VCF}ExamplePosition> {TYPE} <http://www.w3.org/2002/07/owl#Class> .",
        f'<{VCF}ExamplePosition> {LABEL} "example position"@en .',
        f"<{ID}AAOS2010VertebroplastyPosition> {TYPE} <{VCF}ExamplePosition> .",
        f'<{ID}AAOS2010VertebroplastyPosition> {LABEL} "AAOS 2010 position on vertebroplasty"@en .',
        f"<{ID}Kyphoplasty> <http://www.w3.org/2004/02/skos/core#exactMatch> <http://purl.bioontology.org/ontology/ICD10CM/X99> .",
    ]
    new = tmp_path / "new" / "vcf-kg.nt"
    new.parent.mkdir()
    new.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    return old, new


def test_diff_reports_added_and_removed_by_label_and_class(edited, store):
    report = diff(*edited)
    label = next(iter(store._store.query("SELECT ?l WHERE { claim:A053 rdfs:label ?l }",
                                          prefixes={"claim": "https://w3id.org/vcf-kg/claim/",
                                                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})))["l"].value
    assert "### claim (vcf:Claim): 1 removed" in report
    assert f"- removed: {label} (claim:A053)" in report
    # a class the old release did not have is found by its rdf:type, not by its name
    assert "### example position (vcf:ExamplePosition): 1 added" in report
    assert "- added: AAOS 2010 position on vertebroplasty (vcfr:AAOS2010VertebroplastyPosition)" in report
    assert "- added: kyphoplasty (vcfr:Kyphoplasty) skos:exactMatch ICD10CM:X99" in report
    assert "## Ontology terms: 1 added, 0 removed" in report and "- added: example position (vcf:ExamplePosition)" in report


def test_diff_of_a_release_with_itself_is_empty(built, paths):
    assert "No changes: the two releases hold the same triples." in diff(paths.dist, paths.dist)


def test_two_builds_differ_by_label_in_changes_md_and_vcf_kg_diff(built, paths, project_copy, tmp_path):
    """A curator edits one definition and rebuilds: CHANGES.md and `vcf-kg diff` both name it."""
    old = tmp_path / "old"
    shutil.copytree(paths.dist, old)
    shutil.copytree(paths.dist, project_copy.dist)  # the release the new build replaces
    entities = project_copy.data / "entities.tsv"
    rows = entities.read_text(encoding="utf-8").splitlines()
    header = next(r for r in rows if not r.startswith("#")).split("\t")
    at = next(i for i, r in enumerate(rows) if r.startswith("Kyphoplasty\t"))
    cells = rows[at].split("\t")
    definition = cells[header.index("definition")]
    cells[header.index("definition")] = "Edited: " + definition
    rows[at] = "\t".join(cells)
    entities.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("build", "--no-validate", "--dist", str(project_copy.dist), "--home", str(project_copy.home))
    assert result.returncode == 0, result.stderr
    changes = (project_copy.dist / CHANGES_NAME).read_text(encoding="utf-8")
    cli = run_cli("diff", str(old), str(project_copy.dist))
    assert cli.returncode == 0, cli.stderr
    for report in (changes, cli.stdout):
        assert "- statements: 1 added, 1 removed" in report
        assert f'- changed: kyphoplasty (vcfr:Kyphoplasty): + skos:definition → "Edited: {definition[:40]}' in report
        assert f'− skos:definition → "{definition[:40]}' in report


def test_changes_md_of_the_session_build_says_what_it_compared(built, paths):
    text = (paths.dist / CHANGES_NAME).read_text(encoding="utf-8")
    assert text.startswith(f"# Changes in vcf-kg {built.version}")


@pytest.mark.parametrize("bad, message", [
    ("not-rdf.nt", "not-rdf.nt: not a readable N-Triples file"),
    ("void.ttl", "void.ttl: RDF, but not a vcf-kg release"),
    ("notes.txt", "notes.txt: not a release file"),
    ("empty-dir", "empty-dir: not a release directory (no vcf-kg.nt in it)"),
])
def test_diff_refuses_what_is_not_a_release_naming_the_file(built, paths, tmp_path, bad, message):
    (tmp_path / "not-rdf.nt").write_text("this is not RDF\n")
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "empty-dir").mkdir()
    shutil.copy(paths.dist / "void.ttl", tmp_path / "void.ttl")
    with pytest.raises(DiffError, match=message.replace("(", r"\(").replace(")", r"\)")):
        diff(paths.dist / ("vcf-kg.ttl" if bad.endswith(".ttl") else "vcf-kg.nt"), tmp_path / bad)
    result = run_cli("diff", str(paths.dist), str(tmp_path / bad))
    assert result.returncode == 1 and str(tmp_path / bad.split(":")[0]) in result.stderr


def test_diff_refuses_two_formats(built, paths):
    with pytest.raises(DiffError) as caught:
        diff(paths.dist / "vcf-kg.nt", paths.dist / "vcf-kg.ttl")
    assert f"{paths.dist / 'vcf-kg.ttl'} is Turtle but {paths.dist / 'vcf-kg.nt'} is N-Triples" in str(caught.value)


def test_a_release_directory_compares_with_a_file_in_its_format(built, paths):
    assert "No changes" in diff(paths.dist, paths.dist / "vcf-kg.jsonld")  # the compacted JSON-LD reads back too


def test_repository_root_is_not_a_release():
    with pytest.raises(DiffError, match="not a release directory"):
        diff(REPO / "ontology", REPO / "ontology")


def test_rebuilding_the_same_release_keeps_its_changes_md(built, paths, tmp_path):
    """CHANGES.md compares with the release being replaced, unless nothing changed: then it is kept, so
    a rebuild of the same inputs is byte-identical."""
    from vcf_kg.release import changes_against

    previous, new = tmp_path / "previous", tmp_path / "new"
    for d in (previous, new):
        d.mkdir()
        shutil.copy(paths.dist / "vcf-kg.nt", d / "vcf-kg.nt")
    (previous / CHANGES_NAME).write_bytes(b"# the report of the build before\n")
    assert changes_against(previous, new) == b"# the report of the build before\n"
    (previous / "vcf-kg.nt").write_text("\n".join((paths.dist / "vcf-kg.nt").read_text().splitlines()[:-1]) + "\n")
    assert b"- statements: 1 added, 0 removed" in changes_against(previous, new)


def test_diff_names_every_bad_argument_at_once(tmp_path):
    (tmp_path / "a.nt").write_text("not RDF\n")
    (tmp_path / "b.nt").write_text("<http://a> <http://b> <http://c> .\n")
    with pytest.raises(DiffError) as caught:
        diff(tmp_path / "a.nt", tmp_path / "b.nt")
    assert f"{tmp_path / 'a.nt'}: not a readable N-Triples file" in str(caught.value)
    assert f"{tmp_path / 'b.nt'}: RDF, but not a vcf-kg release" in str(caught.value)
