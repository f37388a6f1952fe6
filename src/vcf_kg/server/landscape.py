"""The landscape page (/landscape): every body's position on every intervention, as a matrix and a timeline.

Rendered on the server from the rows of the named queries `landscape` (queries/cq/47), `landscape-wording`
and `landscape-scale`, run on the worker pool like any other query; the page needs no script and no
asset beyond /static. Each mark is coloured by its direction (the palette of vcf_kg.landscape, also used
by dist/landscape.svg), says its direction in words, links to the position's linked-data page and
carries the direction, year, grade and wording in its tooltip; a table below gives the same in full.
"""
from __future__ import annotations

import json
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..landscape import (PALETTE, QUERY, SCALE_QUERY, SCALE_SENTENCE, UNDATED, WORDING_QUERY, Landscape, Position,
                         direction_class, rank_text)
from . import pages
from .protocol import HttpError


class LandscapePage:
    def __init__(self, pool, catalogue, max_result_bytes: int):
        self.pool = pool
        self.catalogue = catalogue
        self.max_result_bytes = max_result_bytes

    async def _rows(self, name: str):
        q = self.catalogue.queries.get(name)
        if q is None:
            raise HttpError(500, f"the landscape page needs the named query {name!r}, which is missing")
        reply = await self.pool.run({"query": q.text, "bindings": None, "result_types": ["json"], "graph_types": [],
                                     "max_bytes": self.max_result_bytes})
        if reply.status != 200:
            raise HttpError(reply.status, reply.message or f"the landscape page's query {name!r} failed")
        return pages.rows(json.loads(reply.body))

    async def page(self, request: Request) -> HTMLResponse:
        landscape = Landscape.from_rows(await self._rows(QUERY), await self._rows(WORDING_QUERY),
                                        await self._rows(SCALE_QUERY))
        return HTMLResponse(render(landscape))


def _style() -> str:
    rules = [f".{direction_class(rank)} {{ background: {fill}; color: {ink}; }}" for rank, (fill, ink) in PALETTE.items()]
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def _mark(p: Position, text: str) -> str:
    draft = f' <span class="status">({escape(p.status)})</span>' if p.status else ""
    return (f'<a class="mark {p.css_class}" href="{escape(pages.local_href(p.iri))}" data-position="{escape(p.iri)}" '
            f'data-rank="{"" if p.rank is None else p.rank}" data-direction="{escape(p.direction)}" '
            f'title="{escape(p.summary())}">{text}{draft}</a>')


def _legend(landscape: Landscape) -> str:
    items = []
    for d in landscape.scale:
        items.append(f'<li><span class="mark {direction_class(d.rank)}">{escape(d.legend_label)}</span> '
                     f'<span class="rank">({rank_text(d.rank)})</span> {escape(d.definition)}</li>')
    return '<ul class="legend" id="landscape-legend">\n' + "\n".join(items) + "\n</ul>"


def _body_head(body, compact: bool = False) -> str:
    href = escape(pages.local_href(body.iri))
    if compact:  # the timeline: the short name, the full one as its tooltip
        return f'<th scope="row"><a href="{href}" title="{escape(body.label)}">{escape(body.name)}</a></th>'
    short = f' <span class="short">({escape(body.short)})</span>' if body.short and body.short != body.label else ""
    return f'<th scope="row"><a href="{href}">{escape(body.label)}</a>{short}</th>'


def _matrix(landscape: Landscape) -> str:
    head = "".join(f'<th scope="col" data-intervention="{escape(i.iri)}">'
                   f'<a href="{escape(pages.local_href(i.iri))}">{escape(i.label)}</a></th>'
                   for i in landscape.interventions)
    body_rows = []
    for b in landscape.bodies:
        cells = []
        for i in landscape.interventions:
            found = landscape.cells.get((b.iri, i.iri), [])
            attrs = f'data-body="{escape(b.iri)}" data-intervention="{escape(i.iri)}"'
            if not found:
                cells.append(f'<td class="none" {attrs}><span title="no position in the graph">–</span></td>')
                continue
            marks = "".join(_mark(p, f'<span class="direction">{escape(p.direction)}</span> '
                                     f'<span class="year">{escape(p.year_text)}</span>') for p in found)
            cells.append(f"<td {attrs}>{marks}</td>")
        body_rows.append(f'<tr data-body="{escape(b.iri)}">{_body_head(b)}{"".join(cells)}</tr>')
    return (f'<table class="landscape" id="landscape-matrix"><thead><tr><th scope="col">Body</th>{head}</tr></thead>\n'
            f'<tbody>\n{chr(10).join(body_rows)}\n</tbody></table>')


def _timeline(landscape: Landscape) -> str:
    columns = landscape.columns
    head = "".join(f'<th scope="col" data-year="{escape(c)}">{escape(c)}</th>' for c in columns)
    body_rows = []
    for b in landscape.bodies:
        cells = []
        for c in columns:
            found = landscape.timeline.get((b.iri, c), [])
            marks = "".join(_mark(p, f'<span class="intervention">{escape(", ".join(i.label for i in p.interventions))}'
                                     f'</span> <span class="direction">{escape(p.direction)}</span>') for p in found)
            cells.append(f'<td data-body="{escape(b.iri)}" data-year="{escape(c)}">{marks}</td>')
        body_rows.append(f'<tr data-body="{escape(b.iri)}">{_body_head(b, True)}{"".join(cells)}</tr>')
    width = f' style="min-width: {10 + 7.5 * len(columns):g}em"'  # columns share the width, none under 7.5em
    return (f'<table class="landscape" id="landscape-timeline"{width}><thead><tr><th scope="col">Body</th>{head}</tr></thead>\n'
            f'<tbody>\n{chr(10).join(body_rows)}\n</tbody></table>')


def _position_table(landscape: Landscape) -> str:
    out = []
    for p in landscape.positions:
        lang = f' lang="{escape(p.wording_lang)}"' if p.wording_lang else ""
        wording = f"<q{lang}>{escape(p.wording)}</q>" if p.wording else '<span class="empty">not in the table</span>'
        out.append(
            f'<tr data-position="{escape(p.iri)}"><td>{escape(p.body.name)}</td><td>{escape(p.year_text)}</td>'
            f'<td>{escape(", ".join(i.label for i in p.interventions))}</td>'
            f'<td>{_mark(p, escape(p.direction))}</td><td>{escape(p.grade)}</td>'
            f'<td>{escape(p.document_kind)}{" (" + escape(p.status) + ")" if p.status else ""}</td><td>{wording}</td></tr>')
    return ('<table class="results" id="landscape-positions"><thead><tr><th>Body</th><th>Year</th><th>Intervention</th>'
            "<th>Direction</th><th>Body's own grade</th><th>Document</th><th>Wording</th></tr></thead>\n<tbody>\n"
            + "\n".join(out) + "\n</tbody></table>")


def render(landscape: Landscape) -> str:
    if not landscape.positions:
        body = ("<h1>The evidence landscape</h1>\n<p class=\"empty\">The graph holds no positions "
                "(the named query <code>landscape</code> returns no rows).</p>")
        return pages.layout("Evidence landscape", body)
    n_bodies, n_positions = len(landscape.bodies), len(landscape.positions)
    body = f"""<h1>The evidence landscape</h1>
<p class="lede">What {n_bodies} guideline bodies, health-technology assessors, funders and societies say about
{len(landscape.interventions)} interventions for vertebral compression fractures: {n_positions} positions.
Hover over (or focus) a mark for its year, direction, the body's own grade and its wording; follow it to the
position's page with its conditions and provenance.</p>
<p class="scale-note" id="scale-note">{escape(SCALE_SENTENCE)}</p>
{_legend(landscape)}
<h2 id="matrix">Who says what, on which intervention</h2>
<p class="hint">One row per body, one column per intervention; a cell lists every position of that body on that
intervention, oldest first, with its direction and year. A dash: the body has no position on it in the graph.</p>
<div class="scroll">{_matrix(landscape)}</div>
<h2 id="timeline">When</h2>
<p class="hint">The same positions by year of their document; a document without a year is under “{UNDATED}”.</p>
<div class="scroll">{_timeline(landscape)}</div>
<h2 id="positions">Every position, with its wording</h2>
{_position_table(landscape)}
<p class="formats">The rows behind this page: the named query <a href="/?query={QUERY}">{QUERY}</a>
(<a href="/queries/{QUERY}?format=json">JSON</a>, <a href="/queries/{QUERY}?format=csv">CSV</a>).
A static picture of the matrix and timeline is part of every release (<code>landscape.svg</code>).</p>"""
    head = '<link rel="stylesheet" href="/static/landscape.css">\n' + _style()
    return pages.layout("Evidence landscape", body, head=head)
