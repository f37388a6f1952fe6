"""The SPARQL 1.1 Protocol request: what was asked, read strictly and within limits.

Queries come by GET (``?query=``), by POST of an ``application/x-www-form-urlencoded`` form, or by
POST of an ``application/sparql-query`` body; ``default-graph-uri`` and ``named-graph-uri`` may be
repeated. Anything else gets a 4xx with a sentence saying why: bodies or query strings past the
limit (413 / 414), text that is not UTF-8 or is declared in another charset (400), an unknown charset or
another content type (415), updates (403).
"""
from __future__ import annotations

import binascii
import codecs
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from .conneg import known_format

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READ_ONLY = ("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is not accepted; "
             "download the release and load it into a store of your own to change it")


class HttpError(Exception):
    """An error answer: status code, one clear message, optional extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Params:
    """Decoded request parameters, keeping repeats (the protocol repeats graph URIs)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            raise HttpError(400, f"parameter {name!r} was given {len(values)} times; give it once")
        return values[0] if values else None

    def __contains__(self, name: str) -> bool:
        return any(k == name for k, _ in self.items)

    def extend(self, other: "Params") -> "Params":
        return Params(self.items + other.items)


@dataclass
class SparqlRequest:
    query: str | None
    default_graphs: list[str]
    named_graphs: list[str]
    fmt: str | None  # ?format= / ?output= override of the Accept header


_VISIBLE = bytes(range(0x21, 0x7F))  # visible ASCII: no spaces, no control characters


def _unquote_plus(raw: bytes, charset: str) -> str | None:
    """One name or value of a form: '+' is a space, %XX a byte, then the bytes in ``charset`` (strict).
    binascii's quoted-printable decoder does the %XX in C, once '=' is escaped and '%' turned into '='.
    None when a '%' is not followed by two hex digits (the decoder then keeps more than one byte of it)."""
    raw = raw.replace(b"+", b" ")
    escapes = raw.count(b"%")
    if escapes:
        decoded = binascii.a2b_qp(raw.replace(b"=", b"=3D").replace(b"%", b"="))
        if len(decoded) != len(raw) - 2 * escapes:
            return None
        raw = decoded
    return raw.decode(charset)


def parse_form(raw: bytes, charset: str = "utf-8") -> list[tuple[str, str]]:
    """application/x-www-form-urlencoded -> (name, value) pairs, as ``urllib.parse.parse_qsl(keep_blank_values=True,
    errors="strict")`` makes them, several times faster on long percent-encoded queries (every query sent by
    GET is one); anything unusual (spaces, control characters, a '%' not followed by two hex digits) goes to
    parse_qsl itself."""
    pairs = []
    if not raw.translate(None, _VISIBLE):
        for piece in raw.split(b"&"):
            if piece:
                name, _, value = piece.partition(b"=")
                name, value = _unquote_plus(name, charset), _unquote_plus(value, charset)
                if name is None or value is None:
                    break
                pairs.append((name, value))
        else:
            return pairs
    return parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding=charset, errors="strict")


def decode_params(raw: bytes, charset: str = "utf-8", what: str = "query string") -> Params:
    """application/x-www-form-urlencoded -> Params; invalid percent-encoded UTF-8 is a 400."""
    if not raw.isascii():
        raise HttpError(400, f"the {what} contains bytes that are not URL-encoded ASCII; percent-encode them")
    try:
        return Params(parse_form(raw, charset))
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the {what} is not valid {charset} once percent-decoded ({exc.reason} at byte {exc.start})") from None
    except ValueError as exc:
        raise HttpError(400, f"the {what} is malformed: {exc}") from None


def content_type(header: str | None) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header; the charset defaults to UTF-8 and must be known."""
    media, _, rest = (header or "").partition(";")
    charset = "utf-8"
    for param in rest.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        raise HttpError(415, f"unknown charset {charset!r} in Content-Type; send UTF-8") from None
    if name not in ("utf-8", "ascii"):
        raise HttpError(400, f"the request is declared as charset={charset}; the SPARQL protocol takes UTF-8 only: "
                             "send the text as UTF-8 (charset=UTF-8, or no charset)")
    return media.strip().lower(), "utf-8"


def decode_text(body: bytes, charset: str, what: str = "request body") -> str:
    try:
        return body.decode(charset)
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the {what} is not valid {charset} ({exc.reason} at byte {exc.start})") from None


def sparql_request(method: str, url_params: Params, media: str | None = None, charset: str = "utf-8",
                   body: bytes = b"") -> SparqlRequest:
    """Read a protocol request. GET carries everything in the URL; POST in the body (and the URL)."""
    params = url_params
    query: str | None
    if method == "GET":
        if "update" in params:
            raise HttpError(403, READ_ONLY)
        query = params.one("query")
    elif media == FORM:
        params = url_params.extend(decode_params(body, charset, "form body"))
        if "update" in params:
            raise HttpError(403, READ_ONLY)
        query = params.one("query")
        if query is None:
            raise HttpError(400, "the form has no 'query' field")
    elif media == SPARQL_QUERY:
        if "query" in url_params:
            raise HttpError(400, "a query sent as application/sparql-query must not also be in the URL's 'query' parameter")
        query = decode_text(body, charset)
    elif media == SPARQL_UPDATE:
        raise HttpError(403, READ_ONLY)
    else:
        raise HttpError(415, f"POST a query as {FORM} (query=...) or as {SPARQL_QUERY}"
                        + (f", not {media}" if media else "; the request has no Content-Type"))
    if query is not None and not query.strip():
        raise HttpError(400, "the query is empty")
    return SparqlRequest(query, params.all("default-graph-uri"), params.all("named-graph-uri"), format_param(params))


def format_param(params: Params) -> str | None:
    """The ``format`` (or ``output``) parameter: the first value naming a known format.

    Clients repeat it (SPARQLWrapper sends ``format=json-ld&format=application/ld+json,...``), so
    repeats are fine; values that name nothing known are returned as given, for a clear 406.
    """
    values = params.all("format") + params.all("output")
    for value in values:
        for part in value.split(","):
            if part.strip() and known_format(part):
                return part.strip()
    return values[0] if values else None
