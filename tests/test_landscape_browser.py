"""The landscape page (/landscape) in a real browser: Debian's headless Chromium driven by Playwright, against
a running `vcf-kg serve`. Every expectation is read from the named query `landscape` (queries/cq/47) on the
session's build, never counted by hand, so the tests hold whatever positions the graph has."""
from __future__ import annotations

from test_serve_support import browser, page, server_fixture  # noqa: F401 (fixtures)
from vcf_kg.landscape import PALETTE, UNDATED, direction_class
from vcf_kg.server.pages import local_href


server = server_fixture()


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _marks(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, """marks => marks.map(m => ({
        position: m.dataset.position, href: m.getAttribute('href'), cls: m.className, text: m.textContent,
        title: m.title, background: getComputedStyle(m).backgroundColor}))""")


def test_the_matrix_has_a_mark_per_row_coloured_by_its_direction(page, server, landscape_rows):
    page.goto(server + "landscape")
    for row in landscape_rows:
        cell = (f'#landscape-matrix td[data-body="{row["body"]}"][data-intervention="{row["intervention"]}"] '
                f'a[data-position="{row["position"]}"]')
        marks = _marks(page, cell)
        assert len(marks) == 1, f"no single mark for {row['position']} on {row['interventionLabel']}"
        mark, rank = marks[0], int(row["rank"])
        assert direction_class(rank) in mark["cls"].split()
        assert mark["background"] == _rgb(PALETTE[rank][0]), f"{row['position']} is not coloured as {row['direction']}"
        assert row["direction"] in mark["text"] and row.get("year", UNDATED) in mark["text"]  # words, not colour only
        assert mark["href"] == local_href(row["position"])
        for value in (row["direction"], row.get("year", UNDATED), row.get("grade", "")):
            assert value in mark["title"]
    assert len(_marks(page, "#landscape-matrix a.mark")) == len(landscape_rows)
    for rank in {int(r["rank"]) for r in landscape_rows}:
        assert page.locator(f"#landscape-legend .{direction_class(rank)}").count() == 1
    note = page.inner_text("#scale-note")
    assert "“No benefit shown” is a finding" in note and "not a recommendation against" in note


def test_a_mark_shows_the_wording_and_opens_the_position_page(page, server, landscape_rows, store):
    worded = store.query("SELECT ?position ?wording WHERE { ?position vcf:positionWording ?wording }").rows
    wording = {r["position"].value: r["wording"].value for r in worded}
    row = next(r for r in landscape_rows if r["position"] in wording)
    page.goto(server + "landscape")
    mark = page.locator(f'#landscape-matrix a[data-position="{row["position"]}"]').first
    assert wording[row["position"]] in mark.get_attribute("title")
    mark.click()
    page.wait_for_url(server.rstrip("/") + local_href(row["position"]))
    label = store.query(f'SELECT ?l WHERE {{ <{row["position"]}> rdfs:label ?l }}').rows[0]["l"].value
    assert page.inner_text("h1") == label


def test_the_timeline_places_each_position_in_its_year(page, server, landscape_rows):
    page.goto(server + "landscape")
    columns = page.eval_on_selector_all("#landscape-timeline thead th[data-year]", "ths => ths.map(t => t.dataset.year)")
    years = sorted({int(r["year"]) for r in landscape_rows if "year" in r})
    assert columns == [str(y) for y in years] + ([UNDATED] if any("year" not in r for r in landscape_rows) else [])
    positions = {r["position"]: r for r in landscape_rows}
    for iri, row in positions.items():
        year = row.get("year", UNDATED)
        marks = _marks(page, f'#landscape-timeline td[data-body="{row["body"]}"][data-year="{year}"] '
                             f'a[data-position="{iri}"]')
        assert len(marks) == 1, f"{iri} is not in the {year} column of its body"
        assert marks[0]["background"] == _rgb(PALETTE[int(row["rank"])][0])
    assert len(_marks(page, "#landscape-timeline a.mark")) == len(positions)


def test_the_query_page_links_to_the_landscape(page, server):
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.click("header.site nav a[href='/landscape']")
    page.wait_for_selector("#landscape-matrix")
    assert page.inner_text("h1") == "The evidence landscape"
