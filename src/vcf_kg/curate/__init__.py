"""Curation assistant: a new source text in, a review file out; a reviewed file in, curated rows out.

In:  plain-text sources (one file and its id, or a .tsv list in data/sources.tsv's columns), the
     ontology (its properties and classes) and the curated entities (data/entities.tsv, loaded and
     checked by curation.py), and the rule tables in ``curate/rules/``.
Out (``curate``): a review TSV in data/claims.tsv's columns plus quote offsets, confidence, reason and
     an empty ``decision`` column, one proposed claim per row (negated facts listed as withheld, never
     proposed as positive); beside it ``*.entities.tsv``, new-entity candidates in data/entities.tsv's
     columns. Nothing is written to data/.
In:  (``accept``) the review file after a curator marked rows ``accept`` or ``reject``.
Out: the accepted rows appended to data/claims.tsv (and data/entities.tsv), the source registered in
     data/sources.tsv with its text under sources/, each claim listed in data/assistant-claims.tsv (the
     build marks them "proposed by the assistant, accepted by a curator"). Every row is checked by the
     build's own loader first; any problem stops the whole accept and data/ stays as it was.

Steps, one module each: inputs (read and check the texts) -> lexicon (link mentions) -> cues (negation
and hedges, negspacy) -> propose (relation patterns) -> review (the review files) -> accept.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rdflib import URIRef

from ..paths import ProjectPaths

__all__ = ["Assistant", "CurateSummary", "curate", "accept"]


class Assistant:
    """The loaded pipeline: spaCy's blank English tokenizer, PySBD, the entity lexicon, negspacy cues, rules."""

    def __init__(self, paths: ProjectPaths):
        import pysbd
        import spacy

        from ..curation import _Loader
        from ..errors import CurationError
        from ..ontology import Ontology
        from .cues import CueFinder, load_termsets
        from .lexicon import Lexicon
        from .rules import load_rules

        self.paths = paths
        self.ontology = Ontology.load(paths.ontology)
        loader = _Loader(paths, self.ontology)
        self.sources = loader.sources()
        self.entities = loader.entities(self.sources)
        if loader.problems:
            raise CurationError(loader.problems)
        self.rules = load_rules(self.ontology)
        self.nlp = spacy.blank("en")
        self.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
        self.lexicon = Lexicon.build(self.entities, self.ontology, self.nlp.make_doc)
        self.cues = CueFinder(self.nlp, load_termsets(self.rules.cues_path))
        self._labels = {t.text.lower() for t in self.lexicon.terms}
        self._taken: set[str] = set(self.entities)
        self._hedge_free: set[str] = set()  # modalities known not to be a vcf:Hedge

    # helpers the reader uses
    def closure(self, cls: URIRef) -> frozenset[URIRef]:
        return frozenset(self.ontology.superclasses(cls))

    def head_class(self, head: str) -> str | None:
        for rule in self.rules.heads:
            if (rule.kind == "word" and head == rule.value) or (rule.kind == "suffix" and head.endswith(rule.value)):
                return rule.cls
        return None

    def lexicon_has(self, label: str) -> bool:
        return label in self._labels

    def new_entity_id(self, label: str) -> str:
        import re

        base = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", label) if w) or "Entity"
        if not base[0].isalpha():
            base = "E" + base
        candidate, n = base, 2
        while candidate in self._taken:
            candidate, n = f"{base}{n}", n + 1
        self._taken.add(candidate)
        return candidate

    def unhedgeable(self, predicate: str, modality: str) -> str | None:
        """Why the build would refuse ``predicate`` with ``modality``, or None. A hedged claim ('may', 'in some
        cases', 'usually': a vcf:Hedge) is released with the hedged form of its property (vcf:prevents ->
        vcf:mayPrevent, curation.py); a property with no such form cannot carry a hedge, and dropping the hedge
        would overstate the source."""
        from ..namespaces import VCF, expand

        if modality in self._hedge_free or predicate == "rdf:type":
            return None
        try:
            prop = expand(predicate)
        except KeyError:
            return None
        if not self.ontology.is_a(VCF._NS[modality], VCF.Hedge):
            self._hedge_free.add(modality)
            return None
        if prop in self.ontology.hedged_properties or self.ontology.hedged_form(prop) is not None:
            return None
        return (f"{predicate} has no hedged form in {self.ontology.path.name}, so --accept refuses it with the hedge "
                f"{modality}; accept it only once the ontology declares one (docs/modelling.md), never by dropping "
                "the hedge")

    def broader_of(self, entity_id: str) -> str | None:
        entity = self.lexicon.entities.get(entity_id)
        return entity.broader if entity else None

    def read(self, source, on_start: Callable[[int], None] | None = None, on_sentence: Callable[[], None] | None = None):
        from .propose import Reader

        if on_start:
            on_start(sum(1 for s in self.segmenter.segment(source.text) if s.sent.strip()))
        return Reader(self, source).read(on_sentence)


@dataclass
class CurateSummary:
    review: Path
    entities: Path
    readings: list  # propose.SourceReading, one per source
    seconds: float

    @property
    def sentences(self) -> int:
        return sum(r.sentences for r in self.readings)

    def lines(self) -> list[str]:
        from collections import Counter

        proposals = [p for r in self.readings for p in r.proposals]
        out = [f"sentences: {self.sentences}",
               f"mentions linked: {sum(r.mentions for r in self.readings)}",
               f"new-entity candidates: {sum(len(r.candidates) for r in self.readings)}",
               f"proposals: {len(proposals)}; withheld as negated: {sum(len(r.withheld) for r in self.readings)}"]
        blocked = sum(1 for p in proposals if p.unhedgeable)
        if blocked:
            out.append(f"hedged, but the property has no hedged form (--accept refuses them as they stand): {blocked}")
        for (predicate, modality), n in sorted(Counter((p.predicate, p.modality) for p in proposals).items()):
            out.append(f"  {predicate:<30} {modality:<11} {n}")
        return out


def curate(sources_file: Path, output: Path | None = None, *, source_id: str | None = None, label: str | None = None,
           citation: str | None = None, paths: ProjectPaths | None = None, assistant: Assistant | None = None,
           on_source=None) -> CurateSummary:
    """Read the source(s) in ``sources_file`` and write the review files (nothing in data/ changes).

    ``on_source(source, length)`` may return a callback called once per sentence (a progress bar).
    """
    import time

    from ..paths import project_paths
    from .inputs import read_sources
    from .review import entities_path, existing_claim_ids, write_review

    started = time.perf_counter()
    paths = paths or project_paths()
    sources = read_sources(Path(sources_file), source_id, label, citation)
    assistant = assistant or Assistant(paths)
    readings = []
    for source in sources:
        tick = [None]

        def start(n, source=source):
            tick[0] = on_source(source, n) if on_source else None

        readings.append(assistant.read(source, start, lambda: tick[0] and tick[0]()))
    output = Path(output or f"{sources[0].id}.review.tsv")
    write_review(output, readings, existing_claim_ids(paths))
    return CurateSummary(output, entities_path(output), readings, time.perf_counter() - started)


def accept(review: Path, paths: ProjectPaths | None = None):
    """Check every accepted row of ``review`` as the build would and append them to data/ (all or nothing)."""
    from ..paths import project_paths
    from .accept import accept_review

    return accept_review(Path(review), paths or project_paths())
