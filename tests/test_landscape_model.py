"""The landscape's layout from query rows, on rows shaped like those the merged graph gives (a position on
several interventions, as AAOS 2010's are; a document without a year; a wording in Dutch). No build needed."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from vcf_kg.landscape import UNDATED, Landscape
from vcf_kg.landscape_svg import landscape_svg
from vcf_kg.results import Term
from vcf_kg.server.landscape import render

ID = "https://w3id.org/vcf-kg/id/"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _row(position, body, intervention, direction, rank, year=None):
    row = {"position": Term("uri", ID + position), "body": Term("uri", ID + body),
           "bodyLabel": Term("literal", body + " (long name)"), "intervention": Term("uri", ID + intervention),
           "interventionLabel": Term("literal", intervention.lower()), "direction": Term("literal", direction),
           "rank": Term("literal", str(rank), INTEGER), "documentKind": Term("literal", "guideline"),
           "document": Term("uri", ID + position + "Document")}
    if year is not None:
        row["year"] = Term("literal", str(year), INTEGER)
    return row


ROWS = [_row("AAOS9", "AAOS", "Rest", "inconclusive", 0, 2010),
        _row("AAOS9", "AAOS", "Opioids", "inconclusive", 0, 2010),
        _row("AAOS4", "AAOS", "Vertebroplasty", "against", -2, 2010),
        _row("NOV1", "NOV", "Vertebroplasty", "against", -2, 2024),
        _row("HQO1", "HQO", "Vertebroplasty", "no benefit shown", -1)]
WORDING = [{"position": Term("uri", ID + "NOV1"), "wording": Term("literal", "Een voorbeeldzin (a made-up example).", lang="nl"),
            "bodyShortLabel": Term("literal", "NOV")}]


def test_a_position_on_several_interventions_fills_each_cell_and_one_timeline_slot():
    landscape = Landscape.from_rows(ROWS, WORDING)
    aaos9 = next(p for p in landscape.positions if p.iri == ID + "AAOS9")
    assert [i.label for i in aaos9.interventions] == ["rest", "opioids"]
    assert landscape.cells[(ID + "AAOS", ID + "Rest")] == [aaos9] == landscape.cells[(ID + "AAOS", ID + "Opioids")]
    assert landscape.timeline[(ID + "AAOS", "2010")] == [p for p in landscape.positions if p.body.iri == ID + "AAOS"]
    assert landscape.columns == ["2010", "2024", UNDATED]
    assert landscape.timeline[(ID + "HQO", UNDATED)][0].iri == ID + "HQO1"
    assert landscape.interventions[0].iri == ID + "Vertebroplasty"  # the one most bodies speak about comes first


def test_page_and_picture_show_each_position_once_per_cell_with_its_wording():
    landscape = Landscape.from_rows(ROWS, WORDING)
    html = render(landscape)
    assert html.count(f'data-position="{ID}AAOS9"') == 2 + 1 + 2  # two matrix cells, the timeline, the table (row, mark)
    assert '<q lang="nl">Een voorbeeldzin (a made-up example).</q>' in html
    svg = ET.fromstring(landscape_svg(landscape))
    marks = [a.get("data-position") for a in svg.iter("{http://www.w3.org/2000/svg}a")]
    assert sorted(marks) == sorted([ID + "AAOS9"] * 3 + [ID + "AAOS4", ID + "NOV1", ID + "HQO1"] * 2)
