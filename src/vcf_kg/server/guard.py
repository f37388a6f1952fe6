"""The read-only policy, checked before a query reaches a worker.

A public endpoint must not change its data (SPARQL Update, LOAD) nor make requests on a client's
behalf (SERVICE: a server-side request forgery risk). pyoxigraph would run SERVICE calls, so the
query text is scanned with a small SPARQL tokenizer (IRIs, strings and comments are skipped, so a
literal "service" is harmless) and refused before execution. As a second line of defence, workers
of a server without --allow-federation run in a network namespace of their own (see ``worker``).
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
QUERY_KEYWORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_PN_LOCAL = r"(?:[\w\-.:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*"
_TOKEN = re.compile(
    r"""
    (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '''(?:[^'\\]|\\.|'(?!''))*'''
             | "(?:[^"\\\n\r]|\\.)*"
             | '(?:[^'\\\n\r]|\\.)*')
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$][\w]+)
  | (?P<bnode>_:[\w\-.]*)
  | (?P<pname>(?:[^\W\d_][\w\-.]*)?:""" + _PN_LOCAL + r""")
  | (?P<word>[^\W\d][\w]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


MAX_NESTING = 500  # pyoxigraph's parser recurses; some thousands of nested brackets overflow its stack


# BASE and PREFIX declarations (and comments) at the start, skipped in one step
_PROLOGUE = re.compile(r"""(?:\s+|\#[^\n\r]*|(?i:BASE)\s*<[^<>"{}|^`\\\x00-\x20]*>
                           |(?i:PREFIX)\s*(?:[^\W\d_][\w\-.]*)?:\s*<[^<>"{}|^`\\\x00-\x20]*>)*""", re.VERBOSE)


@dataclass(frozen=True)
class QueryShape:
    form: str | None  # SELECT | CONSTRUCT | DESCRIBE | ASK | an update keyword | None (not recognised)
    uses_service: bool
    nesting: int = 0  # deepest nesting of (), {} and [] (measured only past MAX_NESTING brackets in all)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS


_SHAPES: OrderedDict[bytes, QueryShape] = OrderedDict()  # recent answers of inspect, by a digest of the text
_SHAPES_MAX = 4096


def inspect(text: str) -> QueryShape:
    """The query form (the first keyword after the prologue), whether SERVICE appears anywhere, and
    how deeply brackets nest. Remembered for the last ``_SHAPES_MAX`` texts, by a 16-byte digest (never the
    text, so the memory it takes is bounded), since clients send the same queries again and again."""
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    shape = _SHAPES.get(key)
    if shape is None:
        shape = _SHAPES[key] = _inspect(text)
        if len(_SHAPES) > _SHAPES_MAX:
            _SHAPES.popitem(last=False)
    else:
        _SHAPES.move_to_end(key)
    return shape


def _inspect(text: str) -> QueryShape:
    # The whole text is scanned only when it could matter: when the letters "service" occur somewhere,
    # or when there are enough brackets to nest too deeply. Otherwise the scan stops at the query form.
    full_scan = "service" in text.lower() or sum(map(text.count, "({[")) > MAX_NESTING
    form = None
    uses_service = False
    depth = deepest = 0
    for match in _TOKEN.finditer(text, _PROLOGUE.match(text).end()):
        kind = match.lastgroup
        if kind == "other":
            char = match.group()
            if char in "({[":
                depth += 1
                deepest = max(deepest, depth)
            elif char in ")}]":
                depth -= 1
        elif kind == "word":
            word = match.group().upper()
            if form is None and word not in ("BASE", "PREFIX"):
                form = word if word in QUERY_KEYWORDS or word in UPDATE_KEYWORDS else ""
                if not full_scan:
                    break
            if word == "SERVICE":
                uses_service = True
    return QueryShape(form or None, uses_service, deepest)
