"""What changed between two releases, by label: ``vcf-kg diff OLD NEW`` and the build's ``CHANGES.md``.

Everything typed with one of the graph's own classes (``vcf:`` classes, whatever they are: entities,
claims, guideline positions...) is reported under its most specific class as added, removed or
changed (with the statements that changed); vocabulary mappings (SKOS mapping properties) and the
ontology's own terms get sections of their own. OLD and NEW are release files of one format
(.nt, .ttl, .owl, .jsonld) or release directories; the report is Markdown.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .errors import VcfKgError
from .paths import RELEASE_FORMATS, release_file
from .prefixes import PREFIXES, shorten

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
OWL = PREFIXES["owl"]
VCF = PREFIXES["vcf"]
ONTOLOGY = VCF[:-1]
VERSION_INFO = OWL + "versionInfo"
MAPPING_PROPERTIES = tuple(PREFIXES["skos"] + p for p in
                           ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))
TERM_TYPES = tuple(OWL + t for t in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty"))
# file suffix -> (format name, pyoxigraph format)
SUFFIXES = {"." + suffix: (name, fmt) for name, (fmt, suffix, _) in RELEASE_FORMATS.items()} | {".rdf": ("owl", "RDF_XML")}
FORMAT_NAMES = {"nt": "N-Triples", "ttl": "Turtle", "owl": "RDF/XML", "jsonld": "JSON-LD"}
SHOWN_PER_SUBJECT = 8


class DiffError(VcfKgError):
    """An argument of ``vcf-kg diff`` is not a release, or the two are not comparable."""


@dataclass
class Release:
    path: Path  # the file read
    fmt: str
    triples: set  # of (subject, predicate, object) pyoxigraph terms

    @property
    def version(self) -> str | None:
        versions = [o.value for s, p, o in self.triples if s.value == ONTOLOGY and p.value == VERSION_INFO]
        return versions[0] if versions else None


def _format_of(path: Path) -> str:
    name = path.name.lower()
    for suffix, (fmt, _) in SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise DiffError(f"{path}: not a release file (a release is .nt, .ttl, .owl or .jsonld, or a release directory)")


def resolve(old: Path, new: Path) -> tuple[Path, Path]:
    """The two files to compare: release directories become their file of the other side's format
    (N-Triples when both are directories); two files must have the same format."""
    for p in (old, new):
        if not p.exists():
            raise DiffError(f"{p}: no such file or directory")
    if old.is_dir() and new.is_dir():
        return _in_dir(old, "nt"), _in_dir(new, "nt")
    if old.is_dir():
        return _in_dir(old, _format_of(new)), new
    if new.is_dir():
        return old, _in_dir(new, _format_of(old))
    fo, fn = _format_of(old), _format_of(new)
    if fo != fn:
        raise DiffError(f"{new} is {FORMAT_NAMES[fn]} but {old} is {FORMAT_NAMES[fo]}: compare two releases of "
                        "the same format, or two release directories")
    return old, new


def _in_dir(directory: Path, fmt: str) -> Path:
    path = release_file(directory, fmt)
    if not path.is_file():
        raise DiffError(f"{directory}: not a release directory (no {path.name} in it)")
    return path


def read_release(path: Path) -> Release:
    import pyoxigraph as ox

    fmt = _format_of(path)
    ox_format = getattr(ox.RdfFormat, dict(SUFFIXES.values())[fmt])
    try:
        quads = list(ox.parse(path=str(path), format=ox_format))
    except (SyntaxError, ValueError, OSError) as exc:
        raise DiffError(f"{path}: not a readable {FORMAT_NAMES[fmt]} file ({exc})") from None
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    if (ox.NamedNode(ONTOLOGY), ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + "Ontology")) not in triples:
        raise DiffError(f"{path}: RDF, but not a vcf-kg release (it does not declare the ontology <{ONTOLOGY}>)")
    return Release(path, fmt, triples)


class _Labels:
    """Labels and classes of the terms of both releases (the new release wins)."""

    def __init__(self, *releases: Release):
        self.labels: dict[str, str] = {}
        self.own_classes: set[str] = set()
        self.parents: dict[str, set[str]] = defaultdict(set)
        for release in releases:
            for s, p, o in release.triples:
                if p.value == RDFS_LABEL and _is_literal(o) and o.language in (None, "en"):
                    self.labels[s] = o.value
                elif p.value == RDF_TYPE and o.value == OWL + "Class" and s.value.startswith(VCF):
                    self.own_classes.add(s)
                elif p.value == SUBCLASS and not _is_literal(o):
                    self.parents[s].add(o)

    def ancestors(self, cls: str) -> set[str]:
        seen, todo = set(), [cls]
        while todo:
            for parent in self.parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def label(self, term) -> str:
        """'label (curie)' for an IRI, the quoted text for a literal."""
        if _is_literal(term):
            text = term.value if len(term.value) < 120 else term.value[:117] + "..."
            return f'"{text}"'
        short = shorten(term.value)
        return f"{self.labels[term]} ({short})" if term in self.labels else short

    def name(self, term) -> str:
        """The label alone when there is one (sorting, statements)."""
        if _is_literal(term):
            return self.label(term)
        return self.labels.get(term) or shorten(term.value)


def _own_types(triples_of: dict, labels: _Labels) -> dict[str, set[str]]:
    types: dict[str, set[str]] = defaultdict(set)
    for s, ts in triples_of.items():
        for _, p, o in ts:
            if p.value == RDF_TYPE and o in labels.own_classes:
                types[s].add(o)
    return types


def _most_specific(classes: set[str], labels: _Labels) -> str:
    implied = set().union(*(labels.ancestors(c) for c in classes)) if classes else set()
    specific = sorted((c for c in classes if c not in implied), key=labels.name)
    return specific[0] if specific else sorted(classes, key=str)[0]


def _by_subject(triples: set) -> dict[str, set]:
    grouped: dict[str, set] = defaultdict(set)
    for t in triples:
        grouped[t[0]].add(t)
    return grouped


def _statement(t: tuple, labels: _Labels) -> str:
    return f"{labels.name(t[1])} → {labels.name(t[2])}"


def _is_literal(term) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.Literal)


def _key(t: tuple) -> tuple:
    return tuple(str(x) for x in t)


def report(old: Release, new: Release, old_name: str | None = None, new_name: str | None = None) -> str:
    """The Markdown report of what changed from ``old`` to ``new`` (named as given, else by file name)."""
    labels = _Labels(old, new)
    added, removed = new.triples - old.triples, old.triples - new.triples
    lines = [f"# Changes in vcf-kg {new.version or '?'} (compared with {old.version or '?'})", "",
             f"- old: {old_name or old.path.name} ({len(old.triples)} triples)",
             f"- new: {new_name or new.path.name} ({len(new.triples)} triples)",
             f"- statements: {len(added)} added, {len(removed)} removed", ""]
    if not added and not removed:
        return "\n".join(lines + ["No changes: the two releases hold the same triples.", ""])
    old_by, new_by = _by_subject(old.triples), _by_subject(new.triples)
    old_types, new_types = _own_types(old_by, labels), _own_types(new_by, labels)
    touched = {t[0] for t in added | removed}
    sections: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"added": [], "removed": [], "changed": []})
    untyped = 0
    for s in sorted(touched, key=labels.name):
        types = new_types.get(s) or old_types.get(s)
        if not types:
            untyped += 1
            continue
        section = sections[_most_specific(types, labels)]
        if s not in old_types:
            section["added"].append(labels.label(s))
        elif s not in new_types:
            section["removed"].append(labels.label(s))
        else:
            plus = sorted(new_by.get(s, set()) - old_by.get(s, set()), key=_key)
            minus = sorted(old_by.get(s, set()) - new_by.get(s, set()), key=_key)
            details = [f"+ {_statement(t, labels)}" for t in plus] + [f"− {_statement(t, labels)}" for t in minus]
            more = f"; … {len(details) - SHOWN_PER_SUBJECT} more" if len(details) > SHOWN_PER_SUBJECT else ""
            section["changed"].append(f"{labels.label(s)}: {'; '.join(details[:SHOWN_PER_SUBJECT])}{more}")
    lines += ["## By class", ""]
    if not sections:
        lines += ["Nothing typed with the ontology's classes changed.", ""]
    for cls in sorted(sections, key=labels.name):
        found = sections[cls]
        counts = ", ".join(f"{len(found[k])} {k}" for k in ("added", "removed", "changed") if found[k])
        lines.append(f"### {labels.label(cls)}: {counts}")
        lines.append("")
        for kind in ("added", "removed", "changed"):
            lines += [f"- {kind}: {item}" for item in found[kind]]
        lines.append("")
    mappings_added = sorted((t for t in added if t[1].value in MAPPING_PROPERTIES), key=_key)
    mappings_removed = sorted((t for t in removed if t[1].value in MAPPING_PROPERTIES), key=_key)
    lines += [f"## Mappings: {len(mappings_added)} added, {len(mappings_removed)} removed", ""]
    for kind, found in (("added", mappings_added), ("removed", mappings_removed)):
        lines += [f"- {kind}: {labels.label(s)} {shorten(p.value)} {labels.label(o)}" for s, p, o in found]
    if mappings_added or mappings_removed:
        lines.append("")
    lines += _term_section(old, new, labels)
    if untyped:
        lines += [f"Also: {untyped} subject(s) outside the ontology's classes changed.", ""]
    return "\n".join(lines)


def _terms(release: Release) -> set[str]:
    return {s for s, p, o in release.triples
            if p.value == RDF_TYPE and o.value in TERM_TYPES and s.value.startswith(VCF)}


def _term_section(old: Release, new: Release, labels: _Labels) -> list[str]:
    old_terms, new_terms = _terms(old), _terms(new)
    plus, minus = sorted(new_terms - old_terms, key=labels.name), sorted(old_terms - new_terms, key=labels.name)
    lines = [f"## Ontology terms: {len(plus)} added, {len(minus)} removed", ""]
    lines += [f"- added: {labels.label(t)}" for t in plus] + [f"- removed: {labels.label(t)}" for t in minus]
    return lines + ([""] if plus or minus else [])


def diff(old: Path | str, new: Path | str) -> str:
    """Compare two releases (files of one format, or release directories); the report as Markdown.

    Raises DiffError naming each argument that is not a release (both at once when both are not)."""
    problems = []
    for path in (Path(old), Path(new)):
        try:
            if path.is_dir():
                _in_dir(path, "nt")
            elif path.exists():
                _format_of(path)
            else:
                raise DiffError(f"{path}: no such file or directory")
        except DiffError as exc:
            problems.append(str(exc))
    if problems:
        raise DiffError("\n".join(problems))
    old_file, new_file = resolve(Path(old), Path(new))
    releases = []
    for path in (old_file, new_file):
        try:
            releases.append(read_release(path))
        except DiffError as exc:
            problems.append(str(exc))
    if problems:
        raise DiffError("\n".join(problems))
    return report(releases[0], releases[1], f"`{old_file}`", f"`{new_file}`")


def first_release_report(new: Release) -> str:
    return "\n".join([f"# Changes in vcf-kg {new.version or '?'}", "",
                      f"No previous release to compare with: this is the first build in this release directory "
                      f"({len(new.triples)} triples).", ""])
