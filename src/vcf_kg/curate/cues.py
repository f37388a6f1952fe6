"""Negation and hedge cues: negspacy's NegEx matcher, run once per cue category of rules/cues.tsv.

NegEx (Chapman et al. 2001, as negspacy implements it for spaCy) finds cue phrases, drops pseudo-cues
("not only"), and cuts each sentence at termination words into the stretches a cue can reach. The
negation matcher starts from negspacy's own clinical termset ("en_clinical") plus our cues; each hedge
category (possible, usual, ideal, recommended, restricted) gets a matcher of its own, so every cue found
keeps its category and its words. ``attributed`` applies NegEx's rule to a span: a preceding cue before
it, or a following cue after it, in the same stretch (or a cue overlapping it).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from ..errors import CurationError
from ..tsv import read_tsv

NEGATED = "negated"
CUE_COLUMNS = ["category", "position", "cue"]


@dataclass(frozen=True)
class Cue:
    category: str  # negated, possible, usual, ...
    start: int  # token span in the doc
    end: int
    text: str
    position: str  # preceding / following


@dataclass(frozen=True)
class SentenceCues:
    cues: tuple[Cue, ...]
    stretches: dict[str, tuple[tuple[int, int], ...]]  # category -> NegEx stretches (token spans)

    def attributed(self, start: int, end: int, exclude=lambda cue: False) -> list[Cue]:
        """The cues that qualify tokens start..end by NegEx's rule."""
        out = []
        for cue in self.cues:
            if exclude(cue):
                continue
            if cue.start < end and start < cue.end:
                out.append(cue)
                continue
            stretch = next((s for s in self.stretches[cue.category] if s[0] <= start < s[1]), None)
            if stretch is None or not (stretch[0] <= cue.start < stretch[1]):
                continue
            if cue.position == "preceding" and cue.start < start:
                out.append(cue)
            elif cue.position == "following" and cue.end > end:
                out.append(cue)
        return out


def load_termsets(path: Path) -> dict[str, dict[str, list[str]]]:
    """negspacy termsets, one per category, from rules/cues.tsv (negation also gets negspacy's clinical set)."""
    from negspacy.termsets import termset

    rows = read_tsv(path, CUE_COLUMNS)
    problems = []
    categories = sorted({r["category"] for r in rows} - {"pseudo", "termination"})
    sets = {c: {"pseudo_negations": [], "preceding_negations": [], "following_negations": [], "termination": []}
            for c in categories}
    base = termset("en_clinical").get_patterns()
    for key, values in base.items():
        sets.setdefault(NEGATED, {k: [] for k in base})[key].extend(values)
    for r in rows:
        cat, pos, cue = r["category"], r["position"], r["cue"]
        if cat == "pseudo":
            for s in sets.values():
                s["pseudo_negations"].append(cue)
        elif cat == "termination":
            if pos not in ("all", NEGATED):
                problems.append(r.problem("position", f"a termination ends 'all' categories or '{NEGATED}', not {pos!r}"))
            for name, s in sets.items():
                if pos == "all" or name == pos:
                    s["termination"].append(cue)
        elif pos in ("preceding", "following", "any"):
            if pos in ("preceding", "any"):
                sets[cat]["preceding_negations"].append(cue)
            if pos in ("following", "any"):
                sets[cat]["following_negations"].append(cue)
        else:
            problems.append(r.problem("position", f"{pos!r} is not preceding, following or any"))
    if problems:
        raise CurationError(problems)
    return {c: {k: sorted(set(v)) for k, v in s.items()} for c, s in sets.items()}


class CueFinder:
    """One negspacy Negex matcher per category, sharing the pipeline's tokenizer."""

    def __init__(self, nlp, termsets: dict[str, dict[str, list[str]]]):
        from negspacy.negation import Negex

        self.matchers = {c: Negex(nlp, f"negex_{c}", ts, extension_name=f"vcf_{c}") for c, ts in termsets.items()}

    def find(self, doc: Doc) -> SentenceCues:
        """The cues of one sentence (a Doc of its own) and each category's NegEx stretches in it."""
        start, end = 0, len(doc)
        cues: list[Cue] = []
        stretches: dict[str, tuple[tuple[int, int], ...]] = {}
        for category, negex in self.matchers.items():
            preceding, following, terminating = negex.process_negations(doc)
            inside = lambda m: start <= m[1] and m[2] <= end  # noqa: E731
            cuts = sorted({start, end, *(t[1] for t in terminating if inside(t))})
            stretches[category] = tuple(zip(cuts, cuts[1:]))
            for position, matches in (("preceding", preceding), ("following", following)):
                for _, s, e in matches:
                    if inside((0, s, e)):
                        cues.append(Cue(category, s, e, doc[s:e].text, position))
        # a shorter cue inside a longer one of the same category and position adds nothing
        cues = [c for c in cues if not any(o is not c and o.category == c.category and o.position == c.position
                                           and o.start <= c.start and c.end <= o.end and (o.end - o.start) > (c.end - c.start)
                                           for o in cues)]
        return SentenceCues(tuple(sorted(set(cues), key=lambda c: (c.start, c.category))), stretches)
