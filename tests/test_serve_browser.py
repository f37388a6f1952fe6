"""The query page in a real browser: Debian's headless Chromium (installed by scripts/setup.sh),
driven by Playwright, against a running `vcf-kg serve`. Nothing leaves 127.0.0.1."""
from __future__ import annotations

from pathlib import Path

from test_serve_support import browser, http, page, server_fixture  # noqa: F401 (fixtures)

NAMED = "shared-complications"

server = server_fixture()


def shown_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#results-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def test_the_page_runs_a_named_query_and_shows_its_rows(page, server, store, catalogue):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#named-query", NAMED)
    query = catalogue.queries[NAMED]
    assert page.inner_text("#question") == query.question
    page.click("#run")
    page.wait_for_selector("#results-table tbody tr")
    expected = store.query(query.text, query.bindings())
    header = page.eval_on_selector_all("#results-table thead th", "ths => ths.map(t => t.textContent)")
    assert header == expected.variables
    rows = shown_rows(page)
    wanted = [[row.get(v, "") for v in expected.variables] for row in expected.display_rows()]
    assert sorted(rows) == sorted(wanted)
    assert page.inner_text("#status").startswith(f"{len(wanted)} row")


def test_links_in_the_results_open_the_linked_data_page(page, server):
    page.goto(server + f"?query={NAMED}")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#run")
    link = page.wait_for_selector("#results-table tbody a[href^='/']")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(server.rstrip("/") + href.split("#")[0] + "*")
    assert page.inner_text("h1")


def test_edited_sparql_runs_and_downloads_as_csv_and_json(page, server):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("""() => document.querySelector('.CodeMirror').CodeMirror.setValue(
        'SELECT ?label WHERE { vcfr:Rest rdfs:label ?label }')""")
    page.click(".CodeMirror")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results-table tbody tr")
    assert shown_rows(page) == [["rest"]]
    csv_href = page.get_attribute("#download-csv", "href")
    json_href = page.get_attribute("#download-json", "href")
    csv = http(server, csv_href)
    assert (csv.status, csv.type, csv.text) == (200, "text/csv", "label\r\nrest\r\n")
    assert http(server, json_href).type == "application/sparql-results+json"
    with page.expect_download() as download:
        page.click("#download-csv")
    assert Path(download.value.path()).read_bytes() == b"label\r\nrest\r\n"


def test_a_bad_query_shows_the_server_message(page, server):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT WHERE {')")
    page.click("#run")
    error = page.wait_for_selector("#error")
    assert "malformed query" in error.inner_text()
    assert page.inner_text("#status") == "Error 400"
    # Chromium logs the failed request itself; that one is expected here
    page.console_errors[:] = [e for e in page.console_errors if "status of 400" not in e]


def test_only_web_iris_become_links(page, server):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("""() => document.querySelector('.CodeMirror').CodeMirror.setValue(
        'SELECT ?a ?b WHERE { BIND (IRI("javascript:alert(1)") AS ?a) BIND (vcfr:Rest AS ?b) }')""")
    page.click("#run")
    page.wait_for_selector("#results-table tbody tr")
    cells = page.eval_on_selector_all("#results-table tbody td", "tds => tds.map(td => td.innerHTML)")
    assert "<a" not in cells[0] and "javascript:alert(1)" in cells[0]
    assert 'href="/id/Rest"' in cells[1]


def editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")


def set_editor(page, text: str) -> None:
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", text)


def error_lines(page) -> list[int]:
    """Line numbers the editor marks with its syntax-error icon."""
    page.wait_for_timeout(300)  # the editor checks the syntax shortly after a change
    return page.evaluate("""() => [...document.querySelectorAll('.CodeMirror-gutter-wrapper')]
        .filter(w => w.querySelector('.parseErrorIcon'))
        .map(w => Number(w.querySelector('.CodeMirror-linenumber').textContent))""")


def test_a_named_query_shows_its_sparql_first_and_folds_its_header(page, server, catalogue):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#named-query", NAMED)
    query = catalogue.queries[NAMED]
    header = [line for line in query.text.splitlines() if line.startswith("#+")]
    assert "#+" not in editor_text(page)
    assert editor_text(page).splitlines()[0] == next(line for line in query.text.splitlines() if not line.startswith("#+"))
    assert page.is_visible("#about summary") and not page.is_visible("#about-header")  # folded
    assert page.eval_on_selector("#about", "d => d.open") is False
    page.click("#about summary")
    assert page.is_visible("#about-header")
    assert page.inner_text("#about-header").splitlines() == header
    assert any(line.startswith("#+ expect:") for line in header)
    page.click("#run")  # the unedited text still runs as the named query, its parameters bound
    page.wait_for_selector("#results-table tbody tr")
    assert len(shown_rows(page)) == 2


def test_the_page_lists_the_predeclared_prefixes_and_the_editor_accepts_them(page, server):
    from vcf_kg.prefixes import PREFIXES

    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    listed = page.eval_on_selector_all("#prefixes tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert {p.rstrip(":"): ns for p, ns in listed} == PREFIXES
    set_editor(page, "SELECT ?p ?label WHERE {\n  ?p a vcf:SurgicalProcedure ; rdfs:label ?label .\n"
                     "  ?p skos:exactMatch ?m . FILTER (STRSTARTS(STR(?m), STR(MESH:)))\n}")
    assert error_lines(page) == []
    set_editor(page, "SELECT * WHERE {\n  ?s vcf:treats ?o .\n  ?o a foo:Bar }")
    assert error_lines(page) == [3]  # an undeclared prefix is still marked
    page.click("#run")
    error = page.wait_for_selector("#error")
    assert error.inner_text().startswith("malformed query: unknown prefix 'foo:' at line 3, column 8")
    assert "\n" not in error.inner_text().strip()
    page.console_errors[:] = [e for e in page.console_errors if "status of 400" not in e]


def test_label_search_leads_to_an_entity_page_that_shows_hedges(page, server):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.fill("header form.search input[name=q]", "Back Brace")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Back+Brace")
    page.click("ol.search-results a[href='/id/BackBrace']")
    page.wait_for_url("**/id/BackBrace")
    assert page.inner_text("h1") == "back brace"
    row = page.locator("table.statements tr", has=page.locator("a[href='/id/PainfulSpinalMovement']")).filter(
        has=page.locator(".modality"))  # the row of the claimed fact (not of a super-property a reasoner adds)
    assert row.locator(".modality.hedged").inner_text() == "possible"
    assert "may prevent" in row.inner_text()
    assert page.is_visible("header form.search input[name=q]")


def test_folded_back_links_and_a_wrong_case_iri(page, server):
    page.goto(server + "id/kyphoplasty")
    page.wait_for_url("**/id/Kyphoplasty")
    folded = page.locator("details.inferred-backlinks")
    assert folded.count() == 1 and not folded.locator("a[href='/id/NerveRootPain']").is_visible()
    folded.locator("summary").click()
    assert folded.locator("a[href='/id/NerveRootPain']").is_visible()
