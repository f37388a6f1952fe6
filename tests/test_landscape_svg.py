"""dist/landscape.svg: the release's static picture of the evidence landscape. Expectations come from the
named query `landscape` (queries/cq/47) on the session's build, so they hold whatever positions the graph has."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from vcf_kg.landscape import PALETTE, SVG_NAME, UNDATED

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def picture(built, paths):
    path = paths.dist / SVG_NAME
    assert path.is_file(), f"the build wrote no {SVG_NAME}"
    return ET.parse(path).getroot()  # parses as XML, or the test fails here


def _cell(root, part: str, body: str, column_attr: str, column: str):
    group = root.find(f".//{SVG}g[@id='{part}']")
    assert group is not None, f"the picture has no {part}"
    return [c for c in group.iter(f"{SVG}g")
            if c.get("class") == "cell" and c.get("data-body") == body and c.get(column_attr) == column]


def _marks(element) -> dict[str, ET.Element]:
    return {a.get("data-position"): a for a in element.iter(f"{SVG}a")}


def test_the_picture_holds_every_position_of_the_landscape_query(picture, landscape_rows):
    assert picture.tag == f"{SVG}svg"
    for row in landscape_rows:
        cells = _cell(picture, "matrix", row["body"], "data-intervention", row["intervention"])
        assert len(cells) == 1, f"no matrix cell for {row['bodyLabel']} on {row['interventionLabel']}"
        mark = _marks(cells[0]).get(row["position"])
        assert mark is not None, f"{row['position']} is missing from the matrix"
        assert mark.get("href") == row["position"]
        assert mark.find(f"{SVG}rect").get("fill") == PALETTE[int(row["rank"])][0]
        words = " ".join(t.text or "" for t in mark.iter(f"{SVG}tspan"))
        assert row["direction"] in words, f"{row['position']}'s mark does not say its direction in words"
        assert row["direction"] in mark.find(f"{SVG}title").text
    positions = {r["position"]: r for r in landscape_rows}
    matrix, timeline = (picture.find(f".//{SVG}g[@id='{part}']") for part in ("matrix", "timeline"))
    assert len(list(matrix.iter(f"{SVG}a"))) == len(landscape_rows)
    assert len(list(timeline.iter(f"{SVG}a"))) == len(positions)
    for iri, row in positions.items():
        cells = _cell(picture, "timeline", row["body"], "data-year", row.get("year", UNDATED))
        assert len(cells) == 1 and iri in _marks(cells[0]), f"{iri} is not in its year's column of the timeline"


def test_the_picture_keeps_no_benefit_shown_apart_from_against(picture):
    legend = {g.get("data-rank"): g for g in picture.find(f".//{SVG}g[@id='legend']")}
    assert set(legend) == {str(rank) for rank in PALETTE}
    fills = {rank: g.find(f"{SVG}rect").get("fill") for rank, g in legend.items()}
    assert len(set(fills.values())) == len(fills)
    assert "no benefit shown" in "".join(legend["-1"].itertext()) and "against" in "".join(legend["-2"].itertext())
