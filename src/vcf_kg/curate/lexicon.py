"""Linking mentions to the graph's entities by their labels and alternative labels.

The terms come from the curated loader (data/entities.tsv, checked as the build checks it) and from
the ontology's named individuals that a text can name (e.g. vcf:ShortTerm, "short-term"). A term
matches exactly (the same words, singular or plural) or approximately: at least three quarters of its
content words within a short window of the sentence, in any order ("symptoms from a vertebral fracture
are severe" for "symptoms of a vertebral fracture are severe"). Exact matches are trusted more.

A one-word alternative label that is the head word of the entity's own longer label ("fracture" for
"vertebral fracture") is a *head alias*: its mentions are flagged, because a modifier before it
("spinal fracture", "hip fracture") names something narrower or different, and "the fracture" may
point back to the condition the text is about (propose.py decides).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDFS

from ..curation import Entity
from ..namespaces import VCF, shorten
from ..ontology import Ontology

# Words that carry no meaning of their own for matching. Negations and modal verbs are NOT here: a
# label such as "first measures do not provide enough relief" needs its "not".
FUNCTION_WORDS = frozenset("""a an the of to for with that is are be been and or their his her this these those
from in on by as it its which who whom has have had do does did any than at into there -""".split())

# Ontology individuals whose classes are values set by cue words (a direction, a finding, a modality),
# not things a text names: relations.tsv assigns them.
VALUE_CLASSES = frozenset({VCF.Modality, VCF.PositionDirection, VCF.ComparativeFinding,
                           VCF.RecommendationStrength, VCF.AgentType, VCF.DocumentStatus, VCF.ValueMark})

# Classes whose entities are statements about other entities (a criterion, a recommendation, an
# evidence statement, a timing window): the entities named inside their words belong to them.
COMPOSITE_CLASSES = frozenset({VCF.ClinicalCriterion, VCF.Recommendation, VCF.EvidenceStatement,
                               VCF.TimingConstraint})

APPROXIMATE_COVERAGE = 0.75
APPROXIMATE_SLACK = 4  # extra tokens a window may have beyond the term's own length


def stem(word: str) -> str:
    """A crude English stem, enough to match singular and plural, 'responding' and 'respond'."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 5 and w.endswith("ing"):
        return w[:-3]
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    if len(w) > 4 and w.endswith("ed"):
        return w[:-2]
    if w == "vertebrae":
        return "vertebra"
    return w


@dataclass(frozen=True)
class Linkable:
    """An entity a text can name: its id as a claim would write it, its classes (with superclasses)."""

    id: str  # entity id of entities.tsv, or a CURIE of an ontology individual
    label: str
    classes: frozenset[URIRef]
    broader: str | None = None

    @property
    def composite(self) -> bool:
        return bool(self.classes & COMPOSITE_CLASSES)

    def is_a(self, cls: URIRef) -> bool:
        return cls in self.classes


@dataclass(frozen=True)
class Term:
    entity: Linkable
    text: str
    stems: tuple[str, ...]
    content: frozenset[str]
    head_alias: bool = False  # one word, the head of the entity's longer label ("fracture")


@dataclass
class Mention:
    """Words of a sentence (token span start..end, exclusive) that name an entity."""

    entity: Linkable
    start: int
    end: int
    exact: bool
    score: float
    via: str = ""  # how it was found: the matched term, or the anaphor that points to it
    anaphor: bool = False
    head_alias: bool = False  # found by a head alias only (see Term.head_alias)

    def contains(self, other: "Mention") -> bool:
        return self.start <= other.start and other.end <= self.end and (self.start, self.end) != (other.start, other.end)

    def overlaps(self, other: "Mention") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Lexicon:
    entities: dict[str, Linkable]
    terms: list[Term] = field(default_factory=list)
    by_first: dict[str, list[Term]] = field(default_factory=dict)
    approximate: list[Term] = field(default_factory=list)

    @classmethod
    def build(cls, entities: dict[str, Entity], ontology: Ontology, tokenize) -> "Lexicon":
        linkables: dict[str, Linkable] = {}
        names: dict[str, list[str]] = {}

        def closure(types) -> frozenset[URIRef]:
            out: set[URIRef] = set()
            for t in types:
                out |= ontology.superclasses(t)
            return frozenset(out)

        for entity in entities.values():
            broader = str(entity.broader).rsplit("/", 1)[-1] if entity.broader is not None else None
            linkables[entity.id] = Linkable(entity.id, entity.label, closure(entity.types), broader)
            names[entity.id] = [entity.label, *entity.alt_labels]
        for iri in sorted(ontology.individuals):
            if not str(iri).startswith(str(VCF._NS)):
                continue
            types = ontology.types_of(iri)
            if not types or closure(types) & VALUE_CLASSES:  # (a subclass's value too: vcf:Possible is a vcf:Hedge)
                continue
            label = ontology.graph.value(iri, RDFS.label)
            if label is None:
                continue
            curie = shorten(str(iri))
            linkables[curie] = Linkable(curie, str(label), closure(types))
            names[curie] = [str(label)]
        lexicon = cls(linkables)
        for entity_id, texts in names.items():
            label_stems = [stem(t.text) for t in tokenize(texts[0]) if not t.is_space] if texts[0] else []
            for text in dict.fromkeys(t for t in texts if t):
                words = [t.text for t in tokenize(text) if not t.is_space]
                stems = tuple(stem(w) for w in words)
                content = frozenset(s for s in stems if s not in FUNCTION_WORDS and any(c.isalnum() for c in s))
                head_alias = len(stems) == 1 and len(label_stems) > 1 and stems[0] == label_stems[-1]
                if text.isupper():  # an acronym (VCF, AAOS) matches only as written: not "vcf-kg"
                    stems = tuple("=" + w for w in words)
                term = Term(linkables[entity_id], text, stems, content, head_alias)
                lexicon.terms.append(term)
                lexicon.by_first.setdefault(stems[0], []).append(term)
                if len(content) >= 3:
                    lexicon.approximate.append(term)
        return lexicon

    def link(self, stems: list[str], words: list[str]) -> list[Mention]:
        """Every entity named in a sentence (its token stems and words), best match per entity and place."""
        found: dict[tuple[str, int, int], Mention] = {}
        exact_words = ["=" + w for w in words]
        for i, s in enumerate(stems):
            for term in [*self.by_first.get(s, ()), *self.by_first.get(exact_words[i], ())]:
                k = len(term.stems)
                if tuple(stems[i:i + k]) == term.stems or tuple(exact_words[i:i + k]) == term.stems:
                    key = (term.entity.id, i, i + k)
                    found[key] = Mention(term.entity, i, i + k, True, 1.0, term.text, head_alias=term.head_alias)
        exact_entities = {m.entity.id for m in found.values()}
        present = set(stems)
        positions: dict[str, list[int]] = {}
        for i, s in enumerate(stems):
            positions.setdefault(s, []).append(i)
        for term in self.approximate:
            if term.entity.id in exact_entities:
                continue
            shared = term.content & present
            need = math.ceil(APPROXIMATE_COVERAGE * len(term.content))
            if len(shared) < need:
                continue
            for k in range(len(shared), need - 1, -1):  # as many of the term's words as a short window holds
                window = _smallest_window(positions, shared, k)
                if window is None:
                    continue
                start, end = window
                extra = sum(1 for s in stems[start:end] if s not in term.content and s not in FUNCTION_WORDS
                            and any(c.isalnum() for c in s))
                if end - start <= len(term.stems) + APPROXIMATE_SLACK and extra <= (2 if k == len(term.content) else 1):
                    break
            else:
                continue
            if any(m.exact and m.start <= start and end <= m.end for m in found.values()):
                continue  # these words already name another entity exactly
            score = 0.6 + 0.3 * k / len(term.content)
            key = (term.entity.id, start, end)
            if key not in found or found[key].score < score:
                found[key] = Mention(term.entity, start, end, False, round(score, 2), term.text)
        # one mention per entity and place: drop an entity's mention inside its own longer one
        mentions = sorted(found.values(), key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Mention] = []
        for m in mentions:
            if any(k.entity.id == m.entity.id and k.overlaps(m) for k in kept):
                continue
            kept.append(m)
        return kept


def _smallest_window(positions: dict[str, list[int]], wanted: set[str], need: int) -> tuple[int, int] | None:
    """The shortest token window holding at least ``need`` distinct words of ``wanted``."""
    hits = sorted((p, s) for s in wanted for p in positions[s])
    best: tuple[int, int] | None = None
    counts: dict[str, int] = {}
    left = 0
    for right, (pos, s) in enumerate(hits):
        counts[s] = counts.get(s, 0) + 1
        while len(counts) >= need:
            start, end = hits[left][0], pos + 1
            if best is None or end - start < best[1] - best[0]:
                best = (start, end)
            ls = hits[left][1]
            counts[ls] -= 1
            if not counts[ls]:
                del counts[ls]
            left += 1
    return best
