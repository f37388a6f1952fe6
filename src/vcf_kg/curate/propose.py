"""Reading one text: sentences (PySBD), mentions (lexicon.py), cues (cues.py), then the relation
patterns of rules/relations.tsv turned into proposed claims, withheld negations and new-entity candidates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..namespaces import VCF
from .cues import NEGATED, Cue, SentenceCues
from .inputs import NewSource
from .lexicon import FUNCTION_WORDS, Linkable, Mention, stem
from .rules import RelationRule

EVIDENCE = "ECO:0000302"  # author statement used in manual assertion: a curator accepts every row
CLAUSE_WORDS = {";", "although", "though", "but", "whereas", "however"}
NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
FALLBACK_FACTOR = 0.8


@dataclass
class Proposal:
    subject: str
    predicate: str
    object: str
    datatype: str
    modality: str
    qualifiers: tuple[str, ...]
    source: str
    quote: str
    start: int
    end: int
    sentence: int
    confidence: float
    reason: str
    unhedgeable: str = ""  # why the build would refuse this hedge on this property (empty: it would not)

    @property
    def fact(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object)


@dataclass
class EntityCandidate:
    id: str
    cls: str  # vcf class local name
    label: str
    mention: str  # verbatim
    source: str
    start: int
    end: int
    confidence: float
    reason: str


@dataclass
class SourceReading:
    source: NewSource
    sentences: int = 0
    mentions: int = 0
    proposals: list[Proposal] = field(default_factory=list)
    withheld: list[Proposal] = field(default_factory=list)
    candidates: list[EntityCandidate] = field(default_factory=list)


@dataclass
class _Sentence:
    number: int
    text: str
    start: int  # character offset in the source text
    doc: object
    mentions: list[Mention]
    cues: SentenceCues
    clauses: list[tuple[int, int]]
    untyped: list = field(default_factory=list)  # unlinked noun phrases no head word types: (start, end) tokens

    def clause_of(self, token: int) -> tuple[int, int]:
        return next((c for c in self.clauses if c[0] <= token < c[1]), self.clauses[-1])

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        span = self.doc.char_span(start_char, end_char, alignment_mode="expand")
        return None if span is None else (span.start, span.end)

    def nested(self, m: Mention) -> bool:
        """Inside an exact mention of another entity ("vertebral fractures" in "pain associated with ...")."""
        return any(o.exact and not o.anaphor and o.entity.id != m.entity.id and o.start <= m.start and m.end <= o.end
                   and (o.end - o.start) > (m.end - m.start) for o in self.mentions)

    def internal(self, m: Mention, owner: Mention | None) -> bool:
        """A plain entity named within a composite one (a criterion, a recommendation...) other than ``owner``."""
        if m.entity.composite:
            return False
        return any(c.entity.composite and c is not owner and c.entity.id != m.entity.id and c.overlaps(m)
                   for c in self.mentions if not c.anaphor)

    def owned(self, cue: Cue) -> bool:
        """A cue that is part of an entity's own words ("do not provide enough relief")."""
        return any(m.start <= cue.start and cue.end <= m.end for m in self.mentions if not m.anaphor)


def _clauses(doc, mentions: list[Mention]) -> list[tuple[int, int]]:
    cuts = [0]
    inside = {i for m in mentions for i in range(m.start, m.end)}
    for i, tok in enumerate(doc):
        low = tok.lower_
        if low in CLAUSE_WORDS and i > 0:
            cuts.append(i)
        elif low == "," and i + 2 < len(doc) and doc[i + 1].lower_ == "and" and (i + 2) not in inside:
            cuts.append(i)
    cuts.append(len(doc))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


class Reader:
    """Reads one source with the assistant's pipeline and rules (see __init__.Assistant)."""

    def __init__(self, assistant, source: NewSource, claim_prefix_start: int = 1):
        self.a = assistant
        self.source = source
        self.topic: Linkable | None = None
        self.topic_condition: Linkable | None = None
        self.paragraph: list[Linkable] = []
        self.previous_paragraph: list[Linkable] = []
        self.reading = SourceReading(source)
        self.best: dict[tuple[str, str, str], Proposal] = {}
        self.new_entities: dict[str, EntityCandidate] = {}

    # -- the text ------------------------------------------------------------
    def read(self, on_sentence=None) -> SourceReading:
        text = self.source.text
        number = 0
        new_paragraph = True
        for segment in self.a.segmenter.segment(text):
            raw = segment.sent
            quote = raw.strip()
            if not quote:
                continue
            number += 1
            start = segment.start + (len(raw) - len(raw.lstrip()))
            if new_paragraph:
                self.previous_paragraph = self.paragraph or self.previous_paragraph
                self.paragraph = []
            self.sentence(number, quote, start)
            new_paragraph = "\n" in raw[len(raw.rstrip()):] or text[segment.end:segment.end + 1] == "\n"
            if on_sentence:
                on_sentence()
        self.reading.sentences = number
        self.reading.proposals = sorted(self.best.values(), key=lambda p: (p.start, p.predicate, p.subject, p.object))
        self.reading.candidates = sorted(self.new_entities.values(), key=lambda c: c.start)
        return self.reading

    def sentence(self, number: int, quote: str, start: int) -> None:
        doc = self.a.nlp.make_doc(quote)
        stems = [stem(t.text) for t in doc]
        mentions = self.a.lexicon.link(stems, [t.text for t in doc])
        self.reading.mentions += len(mentions)
        s = _Sentence(number, quote, start, doc, mentions, self.a.cues.find(doc), [])
        self._candidates(s)
        self._anaphors(s)
        s.clauses = _clauses(doc, s.mentions)
        for rule in self.a.rules.relations:
            self._apply(rule, s)
        self._update_topics(s, quote)

    # -- mentions beyond the lexicon ------------------------------------------
    def _anaphors(self, s: _Sentence) -> None:
        for anaphor in self.a.rules.anaphors:
            for match in anaphor.pattern.finditer(s.text):
                span = s.token_span(match.start(), match.end())
                if span is None:
                    continue
                if anaphor.refers_to == "topic":
                    referents = [self.topic] if self.topic else []
                else:
                    pool = [e for e in (self.paragraph or self.previous_paragraph)]
                    ids = {e.id for e in pool}
                    referents = [e for e in pool if e.broader not in ids]
                for entity in dict.fromkeys(referents):
                    if any(m.entity.id == entity.id and m.overlaps(Mention(entity, *span, False, 0)) for m in s.mentions):
                        continue
                    s.mentions.append(Mention(entity, span[0], span[1], False, 0.7, match.group(0), anaphor=True))

    def _candidates(self, s: _Sentence) -> None:
        """Noun phrases that name no known entity but whose head word suggests a class: new-entity candidates."""
        covered = {i for m in s.mentions for i in range(m.start, m.end)}
        run: list = []
        for tok in [*s.doc, None]:
            word = tok is not None and (tok.is_alpha or ("-" in tok.text and tok.text.strip("-").replace("-", "").isalpha())) \
                and tok.lower_ not in FUNCTION_WORDS and not tok.is_stop
            if word:
                run.append(tok)
                continue
            if run:
                new = run[-1].i not in covered
                if not new and self._unalias(s, run, covered):
                    new = True
                self._candidate(s, run, new=new)
            run = []

    def _unalias(self, s: _Sentence, run: list, covered: set[int]) -> bool:
        """A head alias ("fracture", for "vertebral fracture") at the end of a run of content words names the
        entity only when nothing more specific is said. "the fracture" / "a healed fracture" point back to the
        condition the text is about (when its label ends in that word), and a modifier the lexicon does not
        know ("spinal fracture", "hip fracture") makes a new noun phrase; in both cases the alias's mention is
        dropped (and True returned) so that the run is read as unlinked."""
        last = run[-1].i
        at_head = [m for m in s.mentions if m.start <= last < m.end]
        if not at_head or not all(m.head_alias and (m.start, m.end) == (last, last + 1) for m in at_head):
            return False
        topic = self.topic_condition
        points_back = (topic is not None and len(run) <= 2
                       and stem(run[-1].lower_) == stem(topic.label.split()[-1]))
        modifier = (len(run) >= 2 and run[-2].i not in covered
                    and not run[-2].lower_.endswith(("ed", "ly", "ing", "s")))
        if not (points_back or modifier):
            return False
        for m in at_head:
            s.mentions.remove(m)
        covered.discard(last)
        return True

    def _candidate(self, s: _Sentence, run: list, new: bool) -> None:
        """One run of content words: the text's condition again, a new entity typed by its head word, or an
        untyped noun phrase that a relation pattern may type from context (see _object_from_context)."""
        head = run[-1].lower_
        topic = self.topic_condition
        if topic is not None and len(run) <= 2 and stem(head) == stem(topic.label.split()[-1]):
            # "the fracture", "a recent fracture": the condition the text is about
            s.mentions.append(Mention(topic, run[0].i, run[-1].i + 1, False, 0.7,
                                      f"'{s.text[run[0].idx:run[-1].idx + len(run[-1].text)]}' (the condition the text is about)",
                                      anaphor=True))
            return
        cls = self.a.head_class(head) if new else None
        if cls is None:
            if new and not head.endswith(("ed", "ly", "ing")):
                tail = run[-2:] if not run[-2:][0].lower_.endswith(("ed", "ly", "ing", "s")) else run[-1:]
                s.untyped.append((tail[0].i, tail[-1].i + 1))
            return
        # without a part-of-speech tagger, keep the head and at most one word before it (a modifier such
        # as "cement leakage"), and not a word that reads as a verb or adverb ("suffered", "usually")
        run = run[-2:]
        if len(run) > 1 and run[0].lower_.endswith(("ed", "ly", "ing", "s")):
            run = run[1:]
        first, last = run[0], run[-1]
        mention = s.text[first.idx:last.idx + len(last.text)]
        label = mention.lower()
        if self.a.lexicon_has(label):
            return
        self._new_entity(s, first, last, cls, f"unlinked noun phrase; class vcf:{cls} guessed from its head word "
                                               f"'{head}' (rules/entity-heads.tsv)")

    def _new_entity(self, s: _Sentence, first, last, cls: str, reason: str) -> Mention:
        mention = s.text[first.idx:last.idx + len(last.text)]
        label = mention.lower()
        entity_id = next((c.id for c in self.new_entities.values() if c.label == label), None)
        if entity_id is None:
            entity_id = self.a.new_entity_id(label)
            self.new_entities[entity_id] = EntityCandidate(
                entity_id, cls, label, mention, self.source.id, s.start + first.idx, s.start + last.idx + len(last.text),
                0.5, reason)
        entity = Linkable(entity_id, label, self.a.closure(VCF._NS[self.new_entities[entity_id].cls]))
        m = Mention(entity, first.i, last.i + 1, True, 0.5, f"new entity '{mention}'")
        s.mentions.append(m)
        return m

    def _object_from_context(self, rule: RelationRule, s: _Sentence, after: int, hi: int, trigger: str) -> Mention | None:
        """The first unlinked, untyped noun phrase after the trigger, as a new entity of the object's class."""
        for start, end in sorted(s.untyped):
            if after <= start and end <= hi:
                s.untyped.remove((start, end))
                cls = rule.object.split(":", 1)[1]
                return self._new_entity(s, s.doc[start], s.doc[end - 1], cls,
                                        f"unlinked noun phrase; class vcf:{cls} guessed from context: the object of "
                                        f"{rule.predicate} after '{trigger}' (relations.tsv:{rule.line})")
        return None

    # -- relation patterns ------------------------------------------------------
    def _triggers(self, rule: RelationRule, s: _Sentence) -> list[tuple[int, int, str, re.Match | None]]:
        if rule.trigger is None:
            return [(0, len(s.doc), "", None)]
        out = []
        for match in rule.trigger.finditer(s.text):
            span = s.token_span(match.start(), match.end())
            if span is not None:
                out.append((span[0], span[1], match.group(0), match))
        return out

    def _slot(self, s: _Sentence, cls, lo: int, hi: int, owner: Mention | None = None) -> list[Mention]:
        return [m for m in s.mentions if m.entity.is_a(cls) and lo <= m.start and m.end <= hi
                and not s.nested(m) and not s.internal(m, owner)]

    def _topic_mention(self, entity: Linkable | None, what: str) -> Mention | None:
        return None if entity is None else Mention(entity, -1, -1, False, FALLBACK_FACTOR, what, anaphor=True)

    def _subjects(self, rule: RelationRule, s: _Sentence, lo: int, hi: int) -> list[Mention]:
        if rule.subject == "source":
            return [Mention(Linkable(f"source:{self.source.id}", self.source.label, frozenset()), -1, -1, True, 1.0,
                            "the source itself", anaphor=True)]
        found = self._slot(s, rule.subject_class, lo, hi)
        if not found and rule.fallback == "subject:topic" and self.topic is not None and self.topic.is_a(rule.subject_class):
            found = [self._topic_mention(self.topic, f"the topic of the section ({self.topic.label})")]
        return found

    def _objects(self, rule: RelationRule, s: _Sentence, lo: int, hi: int, owner: Mention) -> list[Mention]:
        found = [m for m in self._slot(s, rule.object_iri, lo, hi, owner) if m.entity.id != owner.entity.id]
        if not found and rule.fallback == "object:topic-condition" and self.topic_condition is not None:
            found = [self._topic_mention(self.topic_condition, f"the condition the text is about ({self.topic_condition.label})")]
        return found

    def _apply(self, rule: RelationRule, s: _Sentence) -> None:
        arrangement = rule.arrangement
        for t_start, t_end, t_text, match in self._triggers(rule, s):
            trigger = (t_start, t_end, t_text)
            lo, hi = s.clause_of(t_start)
            if arrangement in ("clause", "nearest", "after", "value"):
                subjects = self._subjects(rule, s, lo, t_start if arrangement == "after" else hi)
                if arrangement == "nearest" and len(subjects) > 1:
                    subjects = [min(subjects, key=lambda m: min(abs(m.start - t_end), abs(t_start - m.end)))]
                for subj in subjects:
                    if arrangement == "value":
                        self._propose(rule, s, subj, rule.object, trigger, value=True)
                        continue
                    objects = self._objects(rule, s, t_end if arrangement == "after" else lo, hi, subj)
                    if not objects and rule.new_object:
                        found = self._object_from_context(rule, s, t_end, hi, t_text)
                        objects = [found] if found else []
                    for obj in objects:
                        self._propose(rule, s, subj, obj, trigger)
            elif arrangement == "inside":
                self._inside(rule, s, trigger)
            elif arrangement in ("inside-before", "inside-after"):
                for subj in [m for m in s.mentions if m.entity.is_a(rule.subject_class) and m.start <= t_start and t_end <= m.end]:
                    lo2, hi2 = (subj.start, t_start) if arrangement == "inside-before" else (t_end, subj.end)
                    for obj in [m for m in s.mentions if m.entity.is_a(rule.object_iri) and m.entity.id != subj.entity.id
                                and lo2 <= m.start and m.end <= hi2 and not s.nested(m)]:
                        self._propose(rule, s, subj, obj, trigger)
            elif arrangement == "within-after":
                for obj in [m for m in s.mentions if m.entity.is_a(rule.object_iri) and m.start <= t_start and t_end <= m.end]:
                    for subj in [m for m in s.mentions if m.entity.is_a(rule.subject_class) and m.entity.id != obj.entity.id
                                 and t_end <= m.start and m.end <= obj.end]:
                        self._propose(rule, s, subj, obj, trigger)
            elif arrangement == "after-pair":
                after = sorted((m for m in s.mentions if m.start >= t_end and not s.nested(m) and not m.anaphor),
                               key=lambda m: m.start)
                if len(after) >= 2 and after[0].entity.is_a(rule.object_iri) and after[1].entity.is_a(rule.subject_class):
                    self._propose(rule, s, after[1], after[0], trigger)
            elif arrangement == "literal":
                value = self._literal(rule, match.group("value")) if match else None
                if value is None:
                    continue
                subjects = self._subjects(rule, s, 0, len(s.doc))
                if len(subjects) > 1:
                    subjects = [min(subjects, key=lambda m: abs(m.start - t_start))]
                for subj in subjects:
                    self._propose(rule, s, subj, value, trigger, value=True)

    def _inside(self, rule: RelationRule, s: _Sentence, trigger) -> None:
        owners: dict[str, list[tuple[Mention, Mention]]] = {}
        for subj in [m for m in s.mentions if m.entity.is_a(rule.subject_class)]:
            objs = [m for m in s.mentions if m.entity.is_a(rule.object_iri) and m.entity.id != subj.entity.id
                    and m.overlaps(subj) and not m.entity.composite]
            objs = [o for o in objs if not any(p is not o and p.contains(o) for p in objs)]
            for obj in objs:
                owners.setdefault(obj.entity.id, []).append((subj, obj))
        for pairs in owners.values():
            smallest = min(p[0].end - p[0].start for p in pairs)
            for subj, obj in pairs:
                if subj.end - subj.start == smallest:
                    self._propose(rule, s, subj, obj, trigger)

    @staticmethod
    def _literal(rule: RelationRule, text: str) -> str | None:
        kind = rule.object
        if kind == "xsd:nonNegativeInteger":
            low = text.lower()
            if low.isdigit():
                return str(int(low))
            return str(NUMBER_WORDS[low]) if low in NUMBER_WORDS else None
        if kind == "xsd:date":
            for fmt in ("%d %b %Y", "%d %B %Y"):
                try:
                    return datetime.strptime(text, fmt).date().isoformat()
                except ValueError:
                    pass
            return None
        return text

    def _propose(self, rule: RelationRule, s: _Sentence, subj: Mention, obj, trigger, value: bool = False) -> None:
        t_start, t_end, t_text = trigger
        object_id = obj if isinstance(obj, str) else obj.entity.id
        cues: list[Cue] = []
        negated = False
        if rule.modality == "cues":
            exclude = (lambda cue: False) if value else s.owned
            cues = s.cues.attributed(t_start, t_end, exclude)
            if not isinstance(obj, str) and obj.start >= 0:
                cues += [c for c in s.cues.attributed(obj.start, obj.end, exclude) if c not in cues]
            negated = any(c.category == NEGATED for c in cues)
            hedges = [self.a.rules.modalities[c.category] for c in cues if c.category in self.a.rules.modalities]
            modality = min(hedges, key=lambda h: h[1])[0] if hedges else "Asserted"
        else:
            modality = rule.modality
        cues = sorted(cues, key=lambda c: c.start)
        qualifiers = tuple(dict.fromkeys(c.text for c in cues))
        cue_note = "; cues: " + ", ".join(f"'{c.text}' ({c.category})" for c in cues) if cues else "; no cue"
        score = subj.score if isinstance(obj, str) else min(subj.score, obj.score)
        confidence = round(rule.confidence * score, 2)
        def how(m: Mention) -> str:
            if m.anaphor or m.via.startswith("new entity"):
                return m.via
            return f"'{m.via}' ({'exact' if m.exact else 'approximate'})"

        reason = (f"{rule.predicate} pattern (relations.tsv:{rule.line}"
                  + (f", trigger '{t_text}'" if t_text else "") + f"): subject {how(subj)}"
                  + ("" if isinstance(obj, str) else f", object {how(obj)}") + cue_note)
        if negated and rule.negated != "withhold":
            object_id = rule.negated
            reason += f"; negated, so {rule.negated} instead of {rule.object}"
            negated = False
        datatype = rule.object if rule.literal else ""
        unhedgeable = self.a.unhedgeable(rule.predicate, modality) or ""
        if unhedgeable:
            reason += "; NOTE: " + unhedgeable
        proposal = Proposal(subj.entity.id, rule.predicate, object_id, datatype, modality, qualifiers, self.source.id,
                            s.text, s.start, s.start + len(s.text), s.number, confidence, reason, unhedgeable)
        if negated:
            proposal.reason = "withheld: a negation cue qualifies it, and a negated fact is never a plain positive claim; " + reason
            self.reading.withheld.append(proposal)
            return
        if isinstance(obj, Mention) and any(
                p.subject == proposal.subject and p.predicate == proposal.predicate and p.sentence == s.number
                and self.a.broader_of(p.object) == object_id for p in self.best.values()):
            return  # a narrower object of the same statement is already proposed (PMMA cement, not cement)
        for key, p in list(self.best.items()):
            if (p.subject == proposal.subject and p.predicate == proposal.predicate and p.sentence == s.number
                    and self.a.broader_of(object_id) == p.object):
                del self.best[key]
        key = proposal.fact
        if key not in self.best or self.best[key].confidence < proposal.confidence:
            self.best[key] = proposal

    # -- what the next sentences can point back to ------------------------------
    def _update_topics(self, s: _Sentence, quote: str) -> None:
        plain = [m for m in sorted(s.mentions, key=lambda m: m.start) if not m.anaphor and not s.nested(m)]
        for m in plain:
            if m.entity.is_a(VCF.SurgicalProcedure) and not s.internal(m, None):
                self.topic = m.entity
            if (self.topic_condition is None and m.entity.is_a(VCF.Condition) and not m.entity.is_a(VCF.Symptom) and m.exact
                    and m.entity.id not in self.new_entities):
                self.topic_condition = m.entity
            if m.entity.is_a(VCF.Treatment) and m.exact and m.entity not in self.paragraph and m.entity.id not in self.new_entities:
                self.paragraph.append(m.entity)
