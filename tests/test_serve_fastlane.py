"""The server's cheaper paths for queries it has seen: the fast lane (a request a worker answered quickly
runs again in the server's own process), the guard's memory of query texts, and the C-speed decoding
of form-encoded query strings. Each must give exactly what the slow path gives."""
from __future__ import annotations

import asyncio
import random
import urllib.parse

import pytest

from vcf_kg.serve import make_config
from vcf_kg.server import guard
from vcf_kg.server.app import Server
from vcf_kg.server.fastlane import FastLane
from vcf_kg.server.pool import ResultCache
from vcf_kg.server.protocol import parse_form

SELECT = "SELECT ?l WHERE { vcfr:Kyphoplasty rdfs:label ?l }"
CONSTRUCT = "CONSTRUCT { vcfr:Kyphoplasty ?p ?o } WHERE { vcfr:Kyphoplasty ?p ?o }"


def _request(query: str, result_types=("json",), graph_types=("turtle",)) -> dict:
    return {"query": query, "bindings": None, "default_graphs": [], "named_graphs": [],
            "result_types": list(result_types), "graph_types": list(graph_types), "max_bytes": 1 << 20,
            "base_iri": "http://127.0.0.1/sparql"}


def _pool(paths, **options):
    return Server(make_config(paths, cache_bytes=0, workers=1, **options)).pool


def _run_all(pool, requests):
    """Start the pool, send the requests one after another, note after each whether the lane answered it."""
    async def go():
        await pool.start()
        try:
            out = []
            for request in requests:
                before = pool.fast.runs if pool.fast else 0
                reply = await pool.run(request)
                out.append((reply, (pool.fast.runs if pool.fast else 0) - before))
            return out
        finally:
            await pool.close()
    return asyncio.run(go())


def test_a_request_a_worker_answered_quickly_runs_in_process_next_time_with_the_same_answer(built, paths):
    pool = _pool(paths, fast_under=10.0)
    select, construct = _request(SELECT), _request(CONSTRUCT)
    replies = _run_all(pool, [select, select, construct, construct, select])
    assert [in_lane for _, in_lane in replies] == [0, 1, 0, 1, 1]  # first on a worker, then in the lane
    assert all(reply.status == 200 for reply, _ in replies)
    assert replies[0][0].body == replies[1][0].body == replies[4][0].body
    assert b"Kyphoplasty" in replies[0][0].body or b"kyphoplasty" in replies[0][0].body
    assert replies[2][0].body == replies[3][0].body and replies[2][0].format == replies[3][0].format == "turtle"
    assert replies[0][0].seconds is not None and replies[1][0].seconds is None  # the worker timed its run


def test_the_lane_never_takes_a_failed_or_slow_request_nor_one_in_another_format(built, paths):
    pool = _pool(paths, fast_under=10.0)
    bad = _request("SELECT ?x WHERE { ?x ?y }")
    csv = _request(SELECT, result_types=("csv",))
    replies = _run_all(pool, [bad, bad, _request(SELECT), csv, csv])
    assert [r.status for r, _ in replies] == [400, 400, 200, 200, 200]
    assert [in_lane for _, in_lane in replies] == [0, 0, 0, 0, 1]  # a 400 is never learnt; csv is its own request

    slow = _pool(paths, fast_under=1e-9)  # nothing is quick enough
    assert [in_lane for _, in_lane in _run_all(slow, [_request(SELECT)] * 3)] == [0, 0, 0]


def test_fast_under_zero_turns_the_lane_off(built, paths):
    pool = _pool(paths, fast_under=0)
    assert pool.fast is None
    assert [r.status for r, _ in _run_all(pool, [_request(SELECT)] * 2)] == [200, 200]


def test_the_lane_remembers_a_bounded_number_of_digests_and_never_an_answer():
    lane = FastLane({}, threads=1, fast_under=1.0, max_known=3)
    keys = [ResultCache.key(_request(f"ASK {{}} # {i}")) for i in range(5)]
    for key in keys:
        lane.learn(key, 0.001, 200)
    assert len(lane) == 3 and list(lane._known) == keys[2:]  # least recently used out first
    assert all(isinstance(k, bytes) and len(k) == 16 for k in lane._known)  # digests, not query texts
    lane.learn(ResultCache.key(_request("ASK {} # slow")), 2.0, 200)
    lane.learn(ResultCache.key(_request("ASK {} # failed")), 0.001, 500)
    assert list(lane._known) == keys[2:]


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
