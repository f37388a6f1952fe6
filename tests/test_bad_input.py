"""Bad curated input: a clear error naming file, line and field; non-zero exit; the old release intact."""
from __future__ import annotations

import pytest

import vcf_kg
from vcf_kg.errors import BuildError, CurationError

from conftest import replace_in, run_cli

CLAIM_LINE = "A034\tPercutaneousVertebroplasty\tvcf:hasPotentialComplication\tSoftTissueDamage"


def _line_of(path, text: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def _problem(project, mutate) -> tuple[str, int]:
    mutate(project)
    with pytest.raises(CurationError) as err:
        vcf_kg.build_release(project)
    return str(err.value), len(err.value.problems)


CASES = {
    # name: (file, old text, new text, field, words expected in the message)
    "unknown entity": ("claims.tsv", CLAIM_LINE, CLAIM_LINE.replace("SoftTissueDamage", "SoftTissueDamge"),
                       "object", "unknown entity 'SoftTissueDamge'"),
    "unknown property": ("claims.tsv", CLAIM_LINE, CLAIM_LINE.replace("hasPotentialComplication", "hasComplication"),
                         "predicate", "unknown property 'vcf:hasComplication'"),
    "unknown prefix": ("claims.tsv", CLAIM_LINE, CLAIM_LINE.replace("vcf:hasPotential", "vfc:hasPotential"),
                       "predicate", "unknown prefix"),
    "non-verbatim quote": ("claims.tsv", "Potential complications include soft-tissue damage",
                           "Potential complications include soft tissue damage", "quote", "not found verbatim"),
    "qualifier not in quote": ("claims.tsv", "Possible\tPotential complications\tarticle",
                               "Possible\tPossibly fatal\tarticle", "qualifiers", "does not occur in the claim's quote"),
    "wrong datatype": ("claims.tsv", "vcf:deadlineMonthsMin\t2\txsd:nonNegativeInteger",
                       "vcf:deadlineMonthsMin\ttwo\txsd:nonNegativeInteger", "object", "not a valid xsd:nonNegativeInteger"),
    "datatype for object property": ("claims.tsv", CLAIM_LINE + "\t", CLAIM_LINE + "\txsd:string", "datatype",
                                     "is an object property"),
    "bad date": ("claims.tsv", "2011-11-18\txsd:date", "18 Nov 2011\txsd:date", "object", "not a valid xsd:date"),
    "outside the range": ("claims.tsv", CLAIM_LINE, CLAIM_LINE.replace("SoftTissueDamage", "BoneGraft"),
                          "object", "is not a vcf:Complication, the range of vcf:hasPotentialComplication"),
    "outside the domain": ("claims.tsv", CLAIM_LINE, CLAIM_LINE.replace("PercutaneousVertebroplasty", "Osteoporosis"),
                           "subject", "is not a vcf:SurgicalProcedure, the domain"),
    "unknown modality": ("claims.tsv", "Possible\tPotential complications", "Maybe\tPotential complications",
                         "modality", "unknown modality 'Maybe'"),
    "evidence code not in reference": ("claims.tsv", "compression.\tECO:0000302", "compression.\tECO:9999999",
                                       "evidence", "not a term of data/reference/obo-terms.tsv"),
    "unknown class": ("entities.tsv", "Balloon\tDevice", "Balloon\tGadget", "types", "unknown class vcf:Gadget"),
    "mention not in source": ("entities.tsv", "\tspecial balloon", "\tspecial balloon catheter", "mention",
                              "does not occur verbatim"),
    "duplicate id": ("entities.tsv", "Balloon\tDevice", "Cement\tDevice", "id", "duplicate id 'Cement'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_row_is_named_by_file_line_and_field(project_copy, case):
    filename, old, new, field, words = CASES[case]
    path = project_copy.data / filename
    line = _line_of(path, old)
    message, _ = _problem(project_copy, lambda p: replace_in(path, old, new))
    assert f"{filename}:{line}: field '{field}'" in message, message
    assert words in message, message


def test_missing_quote_is_an_error(project_copy):
    path = project_copy.data / "claims.tsv"
    old = "Potential complications include soft-tissue damage and nerve-root pain and compression.\tECO:0000302"
    line = _line_of(path, old)
    message, _ = _problem(project_copy, lambda p: replace_in(path, old, "\tECO:0000302"))
    assert f"claims.tsv:{line}: field 'quote': missing quote" in message


def test_ragged_row_is_a_malformed_file(project_copy):
    path = project_copy.data / "claims.tsv"
    line = _line_of(path, CLAIM_LINE)
    message, _ = _problem(project_copy, lambda p: replace_in(path, CLAIM_LINE, CLAIM_LINE.replace("\t", " ", 1)))
    assert f"claims.tsv:{line}: has 9 tab-separated cells, the header has 10" in message


def test_broken_utf8_is_named_by_file_line_and_field_all_at_once(project_copy):
    path = project_copy.data / "claims.tsv"
    first, second = _line_of(path, CLAIM_LINE), _line_of(path, "vcf:deadlineMonthsMin\t2\t")
    raw = path.read_bytes()
    raw = raw.replace(CLAIM_LINE.encode(), CLAIM_LINE.replace("SoftTissueDamage", "SoftTissue\u00e9").encode("latin-1"))
    raw = raw.replace(b"vcf:deadlineMonthsMin\t2\t", b"vcf:deadlineMonthsMin\t\xff2\t")
    path.write_bytes(raw)
    message, count = _problem(project_copy, lambda p: None)
    assert count == 2
    assert f"claims.tsv:{first}: field 'object': not valid UTF-8: byte 0xe9 at character" in message
    assert f"claims.tsv:{second}: field " in message and "byte 0xff" in message
    assert "at byte" not in message  # a line, not an offset into the file


def test_missing_column_is_named(project_copy):
    path = project_copy.data / "claims.tsv"
    message, _ = _problem(project_copy, lambda p: replace_in(path, "\tmodality\t", "\tmood\t"))
    assert "header lacks column(s) modality" in message


def test_every_problem_is_reported_at_once(project_copy):
    path = project_copy.data / "claims.tsv"
    def mutate(p):
        replace_in(path, "vcf:deadlineMonthsMin\t2\t", "vcf:deadlineMonthsMin\tx\t")
        replace_in(path, CLAIM_LINE, CLAIM_LINE.replace("SoftTissueDamage", "Nothing"))
    _, count = _problem(project_copy, mutate)
    assert count == 2


def test_counts_gate_fails_a_half_empty_graph(project_copy):
    replace_in(project_copy.data / "build-minimums.tsv", "claims\t500", "claims\t5000")
    with pytest.raises(BuildError, match=r"claims: built \d{3}, minimum 5000 \(build-minimums.tsv:\d+\)"):
        vcf_kg.build_release(project_copy)


def test_bad_build_leaves_the_previous_release_untouched(project_copy):
    vcf_kg.build_release(project_copy)
    before = {f.name: f.read_bytes() for f in project_copy.dist.iterdir()}
    replace_in(project_copy.data / "claims.tsv", CLAIM_LINE, CLAIM_LINE.replace("SoftTissueDamage", "Nothing"))
    result = run_cli("build", "--dist", str(project_copy.dist), env={"VCF_KG_HOME": str(project_copy.home)})
    assert result.returncode == 1
    assert "claims.tsv:" in result.stderr and "unknown entity 'Nothing'" in result.stderr
    assert "Traceback" not in result.stderr
    after = {f.name: f.read_bytes() for f in project_copy.dist.iterdir()}
    assert after == before
    leftovers = [p.name for p in project_copy.dist.parent.iterdir() if p.name.startswith(".dist")]
    assert leftovers == []


def test_an_interrupted_build_s_leftovers_are_removed_by_the_next_build(project_copy):
    import os
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)  # a process that has exited: its partial release is garbage
    parent = project_copy.dist.parent
    parent.mkdir(parents=True, exist_ok=True)
    partial = parent / f".{project_copy.dist.name}-new-{dead_pid}-abc123"
    (partial / "vcf-kg.nt").parent.mkdir()
    (partial / "vcf-kg.nt").write_text("half a release")
    running = parent / f".{project_copy.dist.name}-new-{os.getppid()}-xyz"  # a live process's build: kept
    running.mkdir()
    vcf_kg.build_release(project_copy)
    assert not partial.exists()
    assert running.exists()


def test_validation_failure_blocks_the_release(project_copy):
    """A SHACL violation (a recommendation without a direction) stops the build before it writes."""
    path = project_copy.data / "claims.tsv"
    text = path.read_text().splitlines()
    kept = [l for l in text if not ("SevereSymptomsRecommendation\tvcf:hasDirection" in l)]
    path.write_text("\n".join(kept) + "\n")
    replace_in(project_copy.data / "build-minimums.tsv", "claims\t500", "claims\t200")
    with pytest.raises(BuildError) as err:
        vcf_kg.build_release(project_copy)
    assert "vcfr:SevereSymptomsRecommendation" in str(err.value)
    assert "exactly one direction" in str(err.value)
    assert "entities.tsv:" in str(err.value)
    assert not project_copy.dist.exists()
