"""The server's cheaper paths: GET and POST /sparql past Starlette's middleware (the fast path), the guard's
memory of query texts, and the C-speed decoding of form-encoded query strings. Each must give exactly what
the slower way gives."""
from __future__ import annotations

import asyncio
import random
import urllib.parse

import pytest

from vcf_kg.serve import make_config
from vcf_kg.server import guard
from vcf_kg.server.protocol import parse_form

SELECT = "SELECT ?l WHERE { vcfr:Kyphoplasty rdfs:label ?l }"
CONSTRUCT = "CONSTRUCT { vcfr:Kyphoplasty ?p ?o } WHERE { vcfr:Kyphoplasty ?p ?o }"


def test_the_guard_remembers_query_texts_by_digest_within_its_bound(monkeypatch):
    monkeypatch.setattr(guard, "_SHAPES", type(guard._SHAPES)())
    monkeypatch.setattr(guard, "_SHAPES_MAX", 5)
    texts = [f"SELECT * WHERE {{ ?s ?p {i} }}" for i in range(8)] + ["INSERT DATA { <a:b> <a:c> <a:d> }"]
    for text in texts + texts:
        assert guard.inspect(text) == guard._inspect(text)
    assert len(guard._SHAPES) == 5
    assert guard.inspect("INSERT DATA { <a:b> <a:c> <a:d> }").is_update
    assert guard.inspect("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }").uses_service


def test_form_decoding_matches_the_standard_library_on_random_strings():
    rng = random.Random(13)
    pieces = ["%", "+", "=", "&", "a", "Z", "0", "%2", "%20", "%3D", "%26", "%C3%A9", "%e9", "%zz", "-", "~",
              "%0A", ";", "%25", "%2B", "/", "?", "#", " ", "\t", "%%", "=%", "%fF", "%FF%FE", "%F0%9F%98%80"]
    for _ in range(20_000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        try:
            expected = urllib.parse.parse_qsl(raw, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            with pytest.raises(UnicodeDecodeError):
                parse_form(raw.encode())
            continue
        assert parse_form(raw.encode()) == expected, raw
    query = urllib.parse.urlencode({"query": 'SELECT * WHERE { ?s rdfs:label "café & ü = ?" } # 100%',
                                    "default-graph-uri": "urn:g"})
    assert parse_form(query.encode()) == urllib.parse.parse_qsl(query, keep_blank_values=True)


# -- the fast path (GET and POST /sparql past Starlette) answers as the routes do -------------------
FORM = "application/x-www-form-urlencoded"
PATH_CASES = [
    ("GET", "/sparql?query=" + urllib.parse.quote(SELECT), {"Accept": "application/sparql-results+json"}, None),
    ("GET", "/sparql?query=" + urllib.parse.quote(SELECT) + "&format=csv", {}, None),
    ("GET", "/sparql?query=" + urllib.parse.quote(CONSTRUCT), {"Accept": "text/turtle", "Origin": "http://x"}, None),
    ("GET", "/sparql?query=" + urllib.parse.quote("SELECT ?x WHERE { ?x ?y }"), {}, None),
    ("GET", "/sparql?query=" + urllib.parse.quote("INSERT DATA { <a:b> <a:c> <a:d> }"), {}, None),
    ("GET", "/sparql?query=" + urllib.parse.quote(SELECT), {"Accept": "text/turtle"}, None),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, SELECT.encode()),
    ("POST", "/sparql", {"Content-Type": FORM, "Origin": "http://x"}, urllib.parse.urlencode({"query": SELECT}).encode()),
    ("POST", "/sparql", {"Content-Type": FORM, "Accept": "text/turtle"}, b"nothing=here"),  # a form with no query
    ("POST", "/sparql", {"Content-Type": "application/sparql-query; charset=UTF-16"}, SELECT.encode("utf-16")),
    ("POST", "/sparql", {"Content-Type": "text/plain"}, SELECT.encode()),
    ("POST", "/sparql?default-graph-uri=urn:none", {"Content-Type": "application/sparql-query"}, b"ASK { ?s ?p ?o }"),
]


async def _call(app, method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, dict, bytes]:
    """One request to an ASGI app, in process: (status, headers, body)."""
    path, _, query = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in
                         {"host": "127.0.0.1:8000", **headers, "content-length": str(len(body or b""))}.items()],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    messages = [{"type": "http.request", "body": body or b"", "more_body": False}]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    out_headers = {}
    for k, v in start["headers"]:
        out_headers.setdefault(k.decode().lower(), v.decode())
    return start["status"], out_headers, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_the_fast_path_answers_every_request_as_the_starlette_routes_do(built, paths):
    from vcf_kg.server.app import create_app

    fast = create_app(make_config(paths, workers=1, cache_bytes=0))
    pool = fast.state.server.pool

    async def go():
        await pool.start()
        try:
            return [(await _call(fast, *case), await _call(fast.routes_app, *case)) for case in PATH_CASES]
        finally:
            await pool.close()

    answers = asyncio.run(go())
    for case, (a, b) in zip(PATH_CASES, answers):
        label = f"{case[0]} {case[1][:60]} {case[2]}"
        assert (a[0], a[2]) == (b[0], b[2]), label
        for header in ("content-type", "access-control-allow-origin", "vary"):
            assert a[1].get(header) == b[1].get(header), (label, header)
    assert [a[0] for a, _ in answers] == [200, 200, 200, 400, 403, 406, 200, 200, 400, 400, 415, 200]
