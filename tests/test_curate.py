"""`vcf-kg curate`: proposals on an invented leaflet with known answers, accept -> build end to end,
and every kind of bad input reported at once with data/ left unchanged."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

import vcf_kg
from vcf_kg.curate import Assistant, accept, curate
from vcf_kg.curate.review import ENTITY_REVIEW_COLUMNS, REVIEW_COLUMNS, entities_path
from vcf_kg.curation import ENTITY_COLUMNS
from vcf_kg.errors import CurationError
from vcf_kg.namespaces import CLAIM, SOURCE, VCF, VCFR
from vcf_kg.paths import project_paths, release_file
from vcf_kg.tsv import read_tsv

from conftest import REPO, run_cli

DATA = Path(__file__).parent / "data" / "curate"
LEAFLET = DATA / "leaflet.txt"
CITATION = "Invented test leaflet written for vcf-kg's tests (not a real publication)."


def _copy_project(home: Path):
    for name in ("ontology", "data", "sources", "queries"):
        shutil.copytree(REPO / name, home / name)
    return project_paths(home, home / "dist")


def _expected(kind: str) -> list[dict]:
    return [r.values for r in read_tsv(DATA / "leaflet-expected.tsv", ["kind", "subject", "predicate", "object", "modality"])
            if r["kind"] == kind]


def _fingerprint(paths) -> dict[str, str]:
    """A hash of every file under data/ and sources/: to show that nothing changed."""
    out = {}
    for folder in (paths.data, paths.home / "sources"):
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                out[str(f.relative_to(paths.home))] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return _copy_project(tmp_path_factory.mktemp("curate") / "project")


@pytest.fixture(scope="module")
def assistant(home):
    return Assistant(home)


@pytest.fixture(scope="module")
def leaflet_review(home, assistant, tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "leaflet.review.tsv"
    summary = curate(LEAFLET, out, source_id="leaflet", citation=CITATION, paths=home, assistant=assistant)
    return summary


def _rows(review: Path) -> list:
    return read_tsv(review, REVIEW_COLUMNS)


def _facts(*kinds: str) -> set[tuple[str, str, str]]:
    return {(e["subject"], e["predicate"], e["object"]) for kind in kinds for e in _expected(kind)}


def test_leaflet_proposals_are_the_known_answers(leaflet_review):
    text = LEAFLET.read_text(encoding="utf-8")
    proposals = [p for r in leaflet_review.readings for p in r.proposals]
    got = {(p.subject, p.predicate, p.object): p.modality for p in proposals}
    expected = {(e["subject"], e["predicate"], e["object"]): e["modality"]
                for e in _expected("claim") + _expected("unhedgeable")}
    assert got == expected
    # a hedge on a property with no hedged form is kept and flagged, never dropped
    assert {p.fact for p in proposals if p.unhedgeable} == _facts("unhedgeable")
    assert all("has no hedged form" in p.reason for p in proposals if p.unhedgeable)
    for p in proposals:  # every quote verbatim at its offsets, every cue word in its quote
        assert text[p.start:p.end] == p.quote
        assert all(q in p.quote for q in p.qualifiers)
    hedged = {p.fact: p.qualifiers for p in proposals}
    assert hedged[("BackBrace", "vcf:hasDurationQualifier", "vcf:ShortTerm")] == ("usually",)
    assert "In some cases" in hedged[("SpinalFusion", "vcf:indicatedWhen", "NervePressureDevelops")]


def test_a_negated_sentence_is_withheld_never_proposed(leaflet_review, assistant, tmp_path):
    proposals = {p.fact for r in leaflet_review.readings for p in r.proposals}
    withheld = {w.fact: w for r in leaflet_review.readings for w in r.withheld}
    for e in _expected("withheld"):
        fact = (e["subject"], e["predicate"], e["object"])
        assert fact in withheld and fact not in proposals
        assert "negat" in withheld[fact].reason
    review_text = leaflet_review.review.read_text(encoding="utf-8")
    assert "# withheld\tKyphoplasty\tvcf:treats\tOsteoporosis" in review_text
    # the same fact, stated positively, is proposed: the negation alone made the difference
    text = tmp_path / "plain.txt"
    text.write_text("Kyphoplasty can treat osteoporosis.\n", encoding="utf-8")
    summary = curate(text, tmp_path / "plain.review.tsv", source_id="plain", paths=assistant.paths, assistant=assistant)
    assert [(p.fact, p.modality) for p in summary.readings[0].proposals] == [
        (("Kyphoplasty", "vcf:treats", "Osteoporosis"), "Possible")]


def test_leaflet_new_entity_candidates(leaflet_review):
    got = {(c.id, c.cls) for r in leaflet_review.readings for c in r.candidates}
    assert got == {(e["subject"], e["object"]) for e in _expected("entity")}
    text = LEAFLET.read_text(encoding="utf-8")
    for c in (c for r in leaflet_review.readings for c in r.candidates):
        assert text[c.start:c.end] == c.mention  # the mention is kept verbatim
    # the review's entity file has data/entities.tsv's columns, in its order, and the assistant's words
    # are no source's: a candidate's definition is the curator's until a curator quotes a source
    entities = leaflet_review.entities
    header = next(line for line in entities.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    assert header.split("\t")[:len(ENTITY_COLUMNS)] == ENTITY_COLUMNS
    rows = read_tsv(entities, ENTITY_REVIEW_COLUMNS)
    assert {r["id"] for r in rows} == {e["subject"] for e in _expected("entity")}
    assert all(r["definition_source"] == "curator" and r["definition_quote"] == "" and r["definition"] == "" for r in rows)


def _review_as_curator(review: Path, *kinds: str) -> None:
    """Accept exactly the known answers of ``kinds`` (default: the claims) and the entities they use, with
    definitions; reject the rest."""
    expected = _facts(*(kinds or ("claim",)))
    lines = review.read_text(encoding="utf-8").splitlines()
    header = lines.index("\t".join(REVIEW_COLUMNS))
    out = lines[:header + 1]
    for line in lines[header + 1:]:
        if line.startswith("#"):
            out.append(line)
            continue
        cells = line.split("\t")
        cells[-1] = "accept" if tuple(cells[1:4]) in expected else "reject"
        out.append("\t".join(cells))
    review.write_text("\n".join(out) + "\n", encoding="utf-8")
    written = ["definition", "definition_source", "definition_quote"]
    definitions = {r["id"]: r for r in read_tsv(DATA / "definitions.tsv", ["id", *written])}
    entities = entities_path(review)
    out = []
    for line in entities.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.startswith("#") and cells[0] != "id":
            if cells[0] in definitions:
                _set(cells, ENTITY_REVIEW_COLUMNS, decision="accept", **{c: definitions[cells[0]][c] for c in written})
            else:
                cells[-1] = "reject"
        out.append("\t".join(cells))
    entities.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_curate_accept_build_releases_the_claims_with_sentence_provenance(tmp_path):
    paths = _copy_project(tmp_path / "project")
    env = {"VCF_KG_HOME": str(paths.home)}
    review = tmp_path / "leaflet.review.tsv"
    done = run_cli("curate", str(LEAFLET), "--source-id", "leaflet", "--citation", CITATION, "-o", str(review), env=env)
    assert done.returncode == 0, done.stderr
    assert "sentences: 11" in done.stdout and "withheld as negated: 2" in done.stdout
    assert "has no hedged form (--accept refuses them as they stand): 1" in done.stdout
    claims_before = (paths.data / "claims.tsv").read_text(encoding="utf-8")

    # accepting a hedged claim whose property has no hedged form is refused at its row: nothing written
    before = _fingerprint(paths)
    _review_as_curator(review, "claim", "unhedgeable")
    done = run_cli("curate", "--accept", str(review), env=env)
    unhedgeable = [r for r in read_tsv(review, REVIEW_COLUMNS) if (r["subject"], r["predicate"], r["object"])
                   in _facts("unhedgeable")]
    assert done.returncode == 1 and len(unhedgeable) == 1
    assert f"{review.name}:{unhedgeable[0].line}: field 'modality'" in done.stderr and "has no hedged form" in done.stderr
    assert "1 problem" in done.stderr and _fingerprint(paths) == before

    _review_as_curator(review)
    done = run_cli("curate", "--accept", str(review), env=env)
    assert done.returncode == 0, done.stderr
    assert "accepted 6 claim(s) and 4 new entit(ies); registered source(s) leaflet" in done.stdout

    assert (paths.data / "claims.tsv").read_text(encoding="utf-8").startswith(claims_before)  # appended, not rewritten
    assert (paths.home / "sources" / "leaflet.txt").read_text(encoding="utf-8") == LEAFLET.read_text(encoding="utf-8")
    assert any(r["id"] == "leaflet" for r in read_tsv(paths.data / "sources.tsv", ["id"]))
    accepted = {r["claim_id"]: r for r in read_tsv(review, REVIEW_COLUMNS) if r["decision"] == "accept"}

    from rdflib.namespace import XSD

    vcf_kg.build_release(paths, validate=False)
    g = Graph().parse(release_file(paths.dist, "nt"), format="nt")
    text = LEAFLET.read_text(encoding="utf-8")
    for claim_id, row in accepted.items():
        node = CLAIM[claim_id]
        assert (node, VCF.agentType, VCF.ManualValidationOfAutomatedAgent) in g
        assert (node, VCF.quote, Literal(row["quote"])) in g
        start = int(row["quote_start"])
        assert (node, VCF.quoteStart, Literal(start, datatype=XSD.nonNegativeInteger)) in g
        sentence = g.value(node, VCF.fromSentence)
        assert sentence is not None and str(sentence).startswith(str(SOURCE["leaflet/s"]))
        assert row["quote"] in str(g.value(sentence, VCF.sentenceText))
        assert text[start:int(row["quote_end"])] == row["quote"]
    assert (URIRef(CLAIM["A001"]), VCF.agentType, VCF.ManualAgent) in g  # hand-curated claims say so too
    # a hedged claim accepted from a review is released with the hedged property, never the plain one
    entity = VCFR
    ontology = Graph().parse(paths.ontology, format="turtle")
    hedged = [r for r in accepted.values() if r["modality"] in ("Possible", "Occasional", "Usual")]
    assert {r["predicate"] for r in hedged} >= {"vcf:prevents", "vcf:helpfulFor", "vcf:hasPotentialComplication"}
    for row in hedged:
        plain = VCF._NS[row["predicate"].split(":", 1)[1]]
        form = next(ontology.subjects(VCF.hedgeOf, plain), plain)  # hasPotentialComplication: hedged itself
        s, o = entity[row["subject"]], entity[row["object"]]
        assert (s, form, o) in g and (form == plain or (s, plain, o) not in g), row["claim_id"]
        assert (CLAIM[row["claim_id"]], VCF.hasModality, VCF._NS[row["modality"]]) in g
    assert (entity.Teriparatide, VCF.mayPrevent, entity.VertebralFracture) in g
    assert (entity.Teriparatide, VCF.prevents, entity.VertebralFracture) not in g
    # a definition quoted from the new source says so; the curator's own words say that
    assert g.value(entity.CementLeakage, VCF.definitionSource) == SOURCE["leaflet"]
    assert g.value(entity.Physiotherapy, VCF.definitionSource) == VCF.CuratorWording


# -- bad input -----------------------------------------------------------------------------------------
def test_bad_source_files_are_refused_with_the_file_named(tmp_path, assistant):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02 binary")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("First line.\nSecond line with caf\u00e9.\n".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    cases = {binary: "binary file", latin: "not valid UTF-8", empty: "is empty"}
    for path, words in cases.items():
        with pytest.raises(CurationError) as err:
            curate(path, tmp_path / "out.review.tsv", source_id="x", paths=assistant.paths, assistant=assistant)
        assert words in str(err.value) and str(path) in str(err.value)
    with pytest.raises(CurationError) as err:
        curate(latin, tmp_path / "out.review.tsv", source_id="x", paths=assistant.paths, assistant=assistant)
    assert f"{latin}:2:" in str(err.value)  # the line of the bad byte
    # a list of sources reports every bad text at once, at its own line of the list
    listing = tmp_path / "several.tsv"
    listing.write_text("id\tkind\tlabel\tpath\tcitation\n"
                       f"a\tSourcePublication\tA\t{binary.name}\tc\nb\tSourcePublication\tB\t{empty.name}\tc\n",
                       encoding="utf-8")
    with pytest.raises(CurationError) as err:
        curate(listing, tmp_path / "out.review.tsv", paths=assistant.paths, assistant=assistant)
    assert len(err.value.problems) == 2
    assert {(p.line, p.field) for p in err.value.problems} == {(2, "path"), (3, "path")}
    assert not (tmp_path / "out.review.tsv").exists()
    done = run_cli("curate", str(binary), "--source-id", "x", "-o", str(tmp_path / "cli.review.tsv"))
    assert done.returncode == 1 and "binary file" in done.stderr


def _set(cells: list[str], columns: list[str] = REVIEW_COLUMNS, **values) -> list[str]:
    for name, value in values.items():
        cells[columns.index(name)] = value
    return cells


def test_bad_review_rows_are_all_reported_and_data_is_unchanged(leaflet_review, tmp_path):
    paths = _copy_project(tmp_path / "project")
    lines = leaflet_review.review.read_text(encoding="utf-8").splitlines()
    header = lines.index("\t".join(REVIEW_COLUMNS))
    rows = [line.split("\t") for line in lines[header + 1:] if not line.startswith("#")]
    teri = next(r for r in rows if r[1] == "Teriparatide")
    brace = next(r for r in rows if r[1] == "BackBrace")
    fusion = next(r for r in rows if r[1] == "SpinalFusion")
    good = next(r for r in rows if r[1] == "NervePressureDevelops")
    article = (REPO / "sources" / "vertebral-fracture-treatment.txt").read_text(encoding="utf-8")
    quote = "Surgical techniques for treating vertebral compression fractures include percutaneous vertebroplasty, kyphoplasty, and spinal fusion."
    at = article.index(quote)
    bad = [
        _set(list(brace), quote="A back brace is always worn.", decision="accept"),  # quote not in the source
        _set(list(fusion), quote_start=str(int(fusion[10]) + 3), quote_end=str(int(fusion[11]) + 3), decision="accept"),
        _set(list(teri), subject="Teriparatyde", decision="accept"),  # unknown entity
        _set(list(good), predicate="vcf:concernsConditon", decision="accept"),  # unknown predicate
        _set(list(good), claim_id="C900", subject="PercutaneousVertebroplasty", predicate="vcf:treats",
             object="VertebralCompressionFracture", modality="Asserted", qualifiers="", source="article", quote=quote,
             quote_start=str(at), quote_end=str(at + len(quote)), decision="accept"),  # duplicates A022
    ]
    review = tmp_path / "bad.review.tsv"
    review.write_text("\n".join(lines[:header + 1] + ["\t".join(r) for r in bad]) + "\n", encoding="utf-8")
    # and a new entity whose definition claims to quote the new source, in words the source does not have
    entity_lines = leaflet_review.entities.read_text(encoding="utf-8").splitlines()
    entity_header = entity_lines.index("\t".join(ENTITY_REVIEW_COLUMNS))
    cells = next(line.split("\t") for line in entity_lines if line.startswith("Teriparatide\t"))
    _set(cells, ENTITY_REVIEW_COLUMNS, definition="A medication.", definition_source="leaflet",
         definition_quote="Teriparatide is a medication", decision="accept")
    entities_path(review).write_text("\n".join(entity_lines[:entity_header + 1] + ["\t".join(cells)]) + "\n",
                                     encoding="utf-8")
    before = _fingerprint(paths)
    with pytest.raises(CurationError) as err:
        accept(review, paths)
    found = {(Path(p.path).name, p.line, p.field) for p in err.value.problems}
    first = header + 2
    assert {("bad.review.tsv", first, "quote"), ("bad.review.tsv", first + 1, "quote_start"),
            ("bad.review.tsv", first + 2, "subject"), ("bad.review.tsv", first + 3, "predicate"),
            ("bad.review.tsv", first + 4, "object"),
            ("bad.review.entities.tsv", entity_header + 2, "definition_quote")} <= found
    message = str(err.value)
    assert "'Teriparatide is a medication' does not occur verbatim in leaflet.txt" in message
    assert "not found verbatim" in message and "do not hold the quote" in message
    assert "unknown entity 'Teriparatyde'" in message and "vcf:concernsConditon" in message
    assert "duplicates claim A022" in message
    assert _fingerprint(paths) == before  # nothing written: not the claims, not the source, not its text
    done = run_cli("curate", "--accept", str(review), env={"VCF_KG_HOME": str(paths.home)})
    assert done.returncode == 1 and f"bad.review.tsv:{first + 2}: field 'subject'" in done.stderr
    assert _fingerprint(paths) == before


def test_unreviewed_rows_never_enter(leaflet_review, tmp_path):
    paths = _copy_project(tmp_path / "project")
    review = tmp_path / "untouched.review.tsv"
    shutil.copy(leaflet_review.review, review)
    shutil.copy(leaflet_review.entities, entities_path(review))
    before = _fingerprint(paths)
    with pytest.raises(CurationError, match="no row is marked accept"):
        accept(review, paths)
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace("(possible)\t\n", "(possible)\tmaybe\n", 1), encoding="utf-8")
    with pytest.raises(CurationError, match="'maybe' is not accept, reject or empty"):
        accept(review, paths)
    assert _fingerprint(paths) == before


def test_a_list_of_sources_gives_one_review(assistant, tmp_path):
    other = tmp_path / "note.txt"
    other.write_text("Kyphoplasty may prevent painful movements of the spine.\n", encoding="utf-8")
    listing = tmp_path / "to-add.tsv"
    listing.write_text("id\tkind\tlabel\tpath\tcitation\n"
                       f"leaf\tSourcePublication\tLeaflet\t{LEAFLET}\t{CITATION}\n"
                       f"note\tSourcePublication\tNote\t{other.name}\tAn invented one-line note.\n", encoding="utf-8")
    summary = curate(listing, tmp_path / "both.review.tsv", paths=assistant.paths, assistant=assistant)
    assert [r.source.id for r in summary.readings] == ["leaf", "note"]
    rows = _rows(summary.review)
    assert {r["source"] for r in rows} == {"leaf", "note"}
    assert len({r["claim_id"] for r in rows}) == len(rows)  # one id each, none reused across sources
    note = [(r["subject"], r["predicate"], r["object"], r["modality"]) for r in rows if r["source"] == "note"]
    assert note == [("Kyphoplasty", "vcf:prevents", "PainfulSpinalMovement", "Possible")]
    assert summary.review.read_text(encoding="utf-8").count("#source\t") == 2
