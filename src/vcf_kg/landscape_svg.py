"""The release's static picture of the evidence landscape: dist/landscape.svg.

In: the built graph (or a ``Landscape``). Out: one SVG, written with the standard library only — the
matrix (bodies x interventions) above the timeline (years x bodies), each mark coloured by direction
with the palette of the landscape page, saying its direction in words, linking to the position's
persistent IRI and carrying a tooltip (<title>) with year, grade and wording. The same graph gives the
same bytes: every position, row and column comes in a fixed order and nothing depends on the clock.
"""
from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape as _escape

from .landscape import SCALE_SENTENCE, SVG_NAME, Landscape, Position, colours, load_landscape, rank_text

__all__ = ["SVG_NAME", "landscape_svg", "release_picture"]

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
SIZE = 12           # body text, px
SMALL = 11          # text inside marks
CHAR = 0.62         # a generous average glyph width, in ems, for wrapping without measuring
LINE = 15           # line height of body text
MARK_LINE = 13      # line height inside a mark
PAD = 6
MARGIN = 24
MATRIX_HEAD = 300   # width of the matrix's body column
MATRIX_COL = 140
TIMELINE_HEAD = 170
TIMELINE_COL = 132
GRID = "#c8ced8"


def _attr(value: str) -> str:
    return _escape(value, {'"': "&quot;"})


def _wrap(text: str, width_px: float, size: int = SIZE) -> list[str]:
    chars = max(4, int(width_px / (size * CHAR)))
    # a line may end after a slash ("opioids/" "analgesics") rather than inside a word
    lines = textwrap.wrap(text.replace("/", "/\0 "), chars, break_long_words=True) or [""]
    return [line.replace("/\0 ", "/").replace("/\0", "/") for line in lines]


def _text(x: float, y: float, lines: list[str], *, size: int = SIZE, line: int = LINE, fill: str = "#1d2430",
          weight: str = "normal") -> str:
    bold = ' font-weight="bold"' if weight == "bold" else ""
    spans = "".join(f'<tspan x="{x:g}" y="{y + i * line:g}">{_escape(t)}</tspan>' for i, t in enumerate(lines))
    return f'<text font-size="{size}" fill="{fill}"{bold}>{spans}</text>'


class _Canvas:
    def __init__(self):
        self.parts: list[str] = []

    def add(self, part: str) -> None:
        self.parts.append(part)


def _mark_lines(p: Position, first: str, width: float) -> list[str]:
    lines = _wrap(first, width - 2 * PAD, SMALL)
    tail = p.direction + (f" ({p.status})" if p.status else "")
    return lines + _wrap(tail, width - 2 * PAD, SMALL)


def _mark(c: _Canvas, p: Position, x: float, y: float, width: float, lines: list[str]) -> float:
    """Draw one position's mark; return its height."""
    fill, ink = colours(p.rank)
    height = len(lines) * MARK_LINE + 6
    c.add(f'<a href="{_attr(p.iri)}" xlink:href="{_attr(p.iri)}" class="mark {p.css_class}" '
          f'data-position="{_attr(p.iri)}" data-rank="{"" if p.rank is None else p.rank}">'
          f"<title>{_escape(p.summary())}</title>"
          f'<rect x="{x:g}" y="{y:g}" width="{width:g}" height="{height:g}" rx="3" fill="{fill}" '
          f'stroke="#000000" stroke-opacity="0.35"/>'
          + _text(x + PAD, y + MARK_LINE - 1, lines, size=SMALL, line=MARK_LINE, fill=ink) + "</a>")
    return height


def _marks_height(groups: list[list[str]]) -> float:
    return sum(len(lines) * MARK_LINE + 6 for lines in groups) + 4 * max(0, len(groups) - 1)


def _table(c: _Canvas, top: float, head_width: float, col_width: float, columns: list[tuple[str, str]],
           rows: list[tuple[str, list[str]]], cell, group_id: str, column_attr: str, dash_empty: bool) -> float:
    """A grid: a header row of column labels, then one row per body; cell(body, column) gives the marks'
    (position, lines) to draw; an empty cell shows a dash if ``dash_empty``. Returns the y below the grid."""
    x0 = MARGIN
    head_lines = [_wrap(label, (col_width - 2 * PAD) * 0.88) for _, label in columns]  # bold glyphs are wider
    head_height = max(len(lines) for lines in head_lines) * LINE + 2 * PAD
    width = head_width + col_width * len(columns)
    c.add(f'<g id="{group_id}">')
    c.add(f'<rect x="{x0}" y="{top:g}" width="{width:g}" height="{head_height:g}" fill="#f1f4f8" stroke="{GRID}"/>')
    c.add(_text(x0 + PAD, top + PAD + SIZE, ["Body"], weight="bold"))
    for k, lines in enumerate(head_lines):
        cx = x0 + head_width + k * col_width
        c.add(f'<rect x="{cx:g}" y="{top:g}" width="{col_width}" height="{head_height:g}" fill="none" stroke="{GRID}"/>')
        c.add(_text(cx + PAD, top + PAD + SIZE, lines, weight="bold"))
    y = top + head_height
    for body_iri, body_lines in rows:
        content = [cell(body_iri, key) for key, _ in columns]
        height = max([len(body_lines) * LINE + 2 * PAD] + [_marks_height([l for _, l in m]) + 2 * PAD for m in content])
        c.add(f'<g class="row" data-body="{_attr(body_iri)}">')
        c.add(f'<rect x="{x0}" y="{y:g}" width="{head_width}" height="{height:g}" fill="#ffffff" stroke="{GRID}"/>')
        c.add(_text(x0 + PAD, y + PAD + SIZE, body_lines, weight="bold"))
        for k, (key, _) in enumerate(columns):
            cx = x0 + head_width + k * col_width
            c.add(f'<g class="cell" data-body="{_attr(body_iri)}" {column_attr}="{_attr(key)}">')
            c.add(f'<rect x="{cx:g}" y="{y:g}" width="{col_width}" height="{height:g}" fill="#ffffff" stroke="{GRID}"/>')
            my = y + PAD
            if dash_empty and not content[k]:
                c.add(_text(cx + col_width / 2 - 3, y + PAD + SIZE, ["–"], fill="#8a93a0"))
            for p, lines in content[k]:
                my += _mark(c, p, cx + PAD, my, col_width - 2 * PAD, lines) + 4
            c.add("</g>")
        c.add("</g>")
        y += height
    c.add("</g>")
    return y


def landscape_svg(landscape: Landscape) -> bytes:
    """The matrix above the timeline, as one SVG document (UTF-8 bytes)."""
    c = _Canvas()
    mark_width = MATRIX_COL - 2 * PAD
    matrix_width = MATRIX_HEAD + MATRIX_COL * len(landscape.interventions)
    columns = landscape.columns
    timeline_width = TIMELINE_HEAD + TIMELINE_COL * len(columns)
    width = 2 * MARGIN + max(matrix_width, timeline_width, 760)
    text_width = width - 2 * MARGIN

    y = MARGIN + 18
    c.add(_text(MARGIN, y, ["The evidence landscape of vertebral compression fracture treatment"], size=18,
                weight="bold"))
    y += 24
    summary = (f"{len(landscape.positions)} positions of {len(landscape.bodies)} bodies on "
               f"{len(landscape.interventions)} interventions (vcf-kg; the named query `landscape`). "
               "Each mark links to the position's page.")
    lines = _wrap(summary, text_width) + _wrap(SCALE_SENTENCE, text_width)
    c.add(_text(MARGIN, y, lines))
    y += len(lines) * LINE + 8
    c.add('<g id="legend">')
    x = MARGIN
    for d in landscape.scale:
        fill, ink = colours(d.rank)
        label = f"{d.legend_label} ({rank_text(d.rank)})"
        w = len(label) * SMALL * 0.56 + 2 * PAD
        if x + w > MARGIN + text_width:
            x, y = MARGIN, y + MARK_LINE + 12
        c.add(f'<g class="legend-item" data-rank="{d.rank}"><rect x="{x:g}" y="{y:g}" width="{w:g}" '
              f'height="{MARK_LINE + 6}" rx="3" fill="{fill}" stroke="#000000" stroke-opacity="0.35"/>'
              + _text(x + PAD, y + MARK_LINE - 1, [label], size=SMALL, fill=ink) + "</g>")
        x += w + 10
    c.add("</g>")
    y += MARK_LINE + 6 + 28

    c.add(_text(MARGIN, y, ["Who says what, on which intervention (bodies × interventions)"], size=15, weight="bold"))
    y += 12

    def matrix_cell(body, intervention):
        return [(p, _mark_lines(p, p.year_text, mark_width)) for p in landscape.cells.get((body, intervention), [])]

    body_rows = [(b.iri, _wrap(b.label + (f" ({b.short})" if b.short and b.short != b.label else ""),
                               MATRIX_HEAD - 2 * PAD)) for b in landscape.bodies]
    y = _table(c, y, MATRIX_HEAD, MATRIX_COL, [(i.iri, i.label) for i in landscape.interventions], body_rows,
               matrix_cell, "matrix", "data-intervention", True)
    y += 36
    c.add(_text(MARGIN, y, ["When (years × bodies; a document without a year is under “undated”)"], size=15,
                weight="bold"))
    y += 12

    def timeline_cell(body, year):
        return [(p, _mark_lines(p, ", ".join(i.label for i in p.interventions) + ":", TIMELINE_COL - 2 * PAD))
                for p in landscape.timeline.get((body, year), [])]

    body_rows = [(b.iri, _wrap(b.name, TIMELINE_HEAD - 2 * PAD)) for b in landscape.bodies]
    y = _table(c, y, TIMELINE_HEAD, TIMELINE_COL, [(col, col) for col in columns], body_rows, timeline_cell,
               "timeline", "data-year", False)
    height = y + MARGIN
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" font-family="{FONT}">\n'
            f"<title>The evidence landscape (vcf-kg)</title>\n"
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n".join(c.parts) + "\n</svg>\n").encode("utf-8")


def release_picture(graph, paths) -> bytes:
    """landscape.svg for a release: the three landscape queries on the built graph, drawn."""
    from .queries import Catalogue
    from .release import sorted_ntriples
    from .store import EmbeddedStore

    store = EmbeddedStore(ntriples=sorted_ntriples(graph))
    return landscape_svg(load_landscape(store, Catalogue(paths.queries)))

