"""The evidence landscape as a picture's model: the rows of the `landscape` query as a matrix and a timeline.

In: the rows of three named queries — `landscape` (queries/cq/47: one row per position and intervention),
`landscape-wording` (each position's wording and its body's short name) and `landscape-scale` (the
direction scale, for the legend). Out: a ``Landscape`` — bodies x interventions (each cell the positions
of that body on that intervention) and years x bodies (each position once, undated ones apart).
The server's landscape page and the release's ``landscape.svg`` draw the same ``Landscape``; bodies come in
alphabetical order of their short names, interventions by how many bodies take a position on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .results import Term

QUERY = "landscape"
WORDING_QUERY = "landscape-wording"
SCALE_QUERY = "landscape-scale"
SVG_NAME = "landscape.svg"

# Fill and text colour per scale rank: ColorBrewer's RdBu diverging scheme (colour-blind safe), with a
# neutral grey at 0. Every mark also says its direction in words, so colour is never the only cue.
PALETTE: dict[int, tuple[str, str]] = {
    2: ("#0571b0", "#ffffff"),
    1: ("#92c5de", "#000000"),
    0: ("#d9d9d9", "#000000"),
    -1: ("#f4a582", "#000000"),
    -2: ("#ca0020", "#ffffff"),
}
UNKNOWN_COLOURS = ("#ffffff", "#000000")
UNDATED = "undated"
SCALE_SENTENCE = (
    "Every position sits on one scale: for, option (a conditional or weak recommendation for), insufficient "
    "evidence (inconclusive), no benefit shown, against. “No benefit shown” is a finding about the evidence "
    "(for example, no benefit over a placebo procedure), not a recommendation against; only “against” advises "
    "not to use the intervention. Each body’s own grade is shown verbatim beside its direction, never mapped.")


def direction_class(rank: int | None) -> str:
    """The CSS class of a scale rank: dir-p2, dir-p1, dir-0, dir-m1, dir-m2 (dir-unknown outside the scale)."""
    if rank is None or rank not in PALETTE:
        return "dir-unknown"
    return "dir-0" if rank == 0 else f"dir-{'p' if rank > 0 else 'm'}{abs(rank)}"


def rank_text(rank: int) -> str:
    """A rank as the legend shows it: +2, +1, 0, -1, -2."""
    return f"{rank:+d}" if rank else "0"


def colours(rank: int | None) -> tuple[str, str]:
    """(fill, text) colours of a scale rank."""
    return PALETTE.get(rank, UNKNOWN_COLOURS) if rank is not None else UNKNOWN_COLOURS


@dataclass(frozen=True)
class Direction:
    iri: str
    rank: int
    label: str
    alt_label: str
    definition: str

    @property
    def legend_label(self) -> str:
        return f"{self.alt_label} ({self.label})" if self.alt_label else self.label


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    short: str = ""

    @property
    def name(self) -> str:
        """The short name where there is one (NICE), else the label."""
        return self.short or self.label


@dataclass
class Position:
    iri: str
    body: Entity
    interventions: list[Entity]
    year: int | None
    direction: str
    rank: int | None
    grade: str
    document_kind: str
    status: str
    document: str
    wording: str = ""
    wording_lang: str = ""

    @property
    def css_class(self) -> str:
        return direction_class(self.rank)

    @property
    def year_text(self) -> str:
        return str(self.year) if self.year is not None else UNDATED

    def summary(self) -> str:
        """One paragraph for a tooltip: who, when, which document, direction, grade, status, wording."""
        parts = [f"{self.body.label} ({self.year_text}, {self.document_kind or 'document'})",
                 "on " + ", ".join(i.label for i in self.interventions),
                 f"direction: {self.direction}"]
        if self.grade:
            parts.append(f"the body's grade: {self.grade}")
        if self.status:
            parts.append(f"status: {self.status}")
        text = "; ".join(parts) + "."
        if self.wording:
            text += f" Wording: “{self.wording}”"
        return text


@dataclass
class Landscape:
    bodies: list[Entity]
    interventions: list[Entity]
    positions: list[Position]
    scale: list[Direction]
    cells: dict[tuple[str, str], list[Position]] = field(default_factory=dict)
    timeline: dict[tuple[str, str], list[Position]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """The timeline's columns: every year with a position, in order, then 'undated' if any is."""
        years = sorted({p.year for p in self.positions if p.year is not None})
        out = [str(y) for y in years]
        if any(p.year is None for p in self.positions):
            out.append(UNDATED)
        return out

    @classmethod
    def from_rows(cls, rows: list[dict[str, Term]], wording_rows: list[dict[str, Term]] = (),
                  scale_rows: list[dict[str, Term]] = ()) -> "Landscape":
        def text(row, name):
            term = row.get(name)
            return term.value if term is not None else ""

        notes = {text(r, "position"): r for r in wording_rows}
        bodies: dict[str, Entity] = {}
        interventions: dict[str, Entity] = {}
        positions: dict[str, Position] = {}
        for row in rows:
            iri = text(row, "position")
            note = notes.get(iri, {})
            body = bodies.setdefault(text(row, "body"), Entity(text(row, "body"), text(row, "bodyLabel"),
                                                                 text(note, "bodyShortLabel")))
            intervention = interventions.setdefault(text(row, "intervention"),
                                                    Entity(text(row, "intervention"), text(row, "interventionLabel")))
            position = positions.get(iri)
            if position is None:
                year, rank = text(row, "year"), text(row, "rank")
                wording = note.get("wording")
                position = positions[iri] = Position(
                    iri, body, [], int(year) if year.lstrip("-").isdigit() else None, text(row, "direction"),
                    int(rank) if rank.lstrip("-").isdigit() else None, text(row, "grade"), text(row, "documentKind"),
                    text(row, "status"), text(row, "document"), wording.value if wording else "",
                    (wording.lang or "") if wording else "")
            if intervention not in position.interventions:
                position.interventions.append(intervention)
        scale = [Direction(text(r, "direction"), int(text(r, "rank")), text(r, "label"), text(r, "altLabel"),
                           text(r, "definition")) for r in scale_rows]
        ordered = sorted(positions.values(), key=lambda p: (p.year is None, p.year or 0, p.body.label, p.iri))
        # the interventions most bodies speak about come first (vertebroplasty before an AAOS-only one)
        speakers = {i: {p.body.iri for p in ordered if any(x.iri == i for x in p.interventions)} for i in interventions}
        columns = sorted(interventions.values(), key=lambda i: (-len(speakers[i.iri]), i.label.lower(), i.iri))
        out = cls(sorted(bodies.values(), key=lambda b: (b.name.lower(), b.iri)), columns, ordered,
                  sorted(scale, key=lambda d: -d.rank))
        for p in ordered:
            for i in p.interventions:
                out.cells.setdefault((p.body.iri, i.iri), []).append(p)
            out.timeline.setdefault((p.body.iri, p.year_text), []).append(p)
        return out


def load_landscape(store, catalogue) -> Landscape:
    """Run the three queries on a store (anything with ``query(text, bindings)``) and build the Landscape."""
    def run(name):
        q = catalogue.queries[name]
        return store.query(q.text, q.bindings()).rows

    return Landscape.from_rows(run(QUERY), run(WORDING_QUERY), run(SCALE_QUERY))
