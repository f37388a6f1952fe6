"""The pieces of `vcf-kg serve` one by one: the read-only guard, content negotiation, protocol
parsing, a query worker's sandbox, and the federation switch."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from vcf_kg.namespaces import PREFIXES
from vcf_kg.server import guard
from vcf_kg.server.conneg import GRAPH_OFFERS, RESOURCE_OFFERS, RESULT_OFFERS, negotiate
from vcf_kg.server.protocol import HttpError, Params, content_type, decode_params, sparql_request
from vcf_kg.server.worker import pack, read_frame

from test_serve_support import listener, http


# -- the guard ------------------------------------------------------------------------
@pytest.mark.parametrize("text, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX ex: <http://ex/>\nBASE <http://b/>\nconstruct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
    ("# INSERT in a comment\nASK {}", "ASK"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("PREFIX x: <urn:x#>\n  delete where { ?s ?p ?o }", "DELETE"),
    ("LOAD <file:///etc/passwd>", "LOAD"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("drop all", "DROP"),
    ("nonsense", None),
])
def test_guard_finds_the_query_form(text, form):
    assert guard.inspect(text).form == form


@pytest.mark.parametrize("text, uses", [
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { service silent ?endpoint { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }", False),
    ('SELECT * WHERE { ?s ?p """a\nSERVICE <http://x/> { }""" }', False),
    ("SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/>", False),
    ("SELECT ?service WHERE { ?service ex:SERVICE <http://x/SERVICE> }", False),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o<3)SERVICE<http://x/>{ ?a ?b ?c } }", True),
    ("SELECT * WHERE { ?s ?p 'it''s' . SERVICE <http://x/> {} }", True),
])
def test_guard_finds_service_outside_strings_iris_and_comments(text, uses):
    assert guard.inspect(text).uses_service is uses


def test_guard_measures_deep_nesting():
    deep = "ASK { " + "{ " * 600 + "?s ?p ?o" + " }" * 600 + " }"
    assert guard.inspect(deep).nesting == 601
    many = "ASK { " + " ".join(["{ ?s ?p ?o }"] * 600) + " }"
    assert guard.inspect(many).nesting == 2
    assert guard.inspect("ASK { ?s ?p '" + "{" * 900 + "' }").nesting == 1  # brackets in a string do not count


# -- content negotiation -----------------------------------------------------------------
def keys(offers):
    return [o.key for o in offers]


def test_negotiation_orders_by_quality_then_specificity_then_our_preference():
    assert keys(negotiate(None, RESULT_OFFERS))[0] == "json"
    assert keys(negotiate("text/csv;q=0.9, application/sparql-results+xml", RESULT_OFFERS))[:2] == ["xml", "csv"]
    assert keys(negotiate("text/*, */*;q=0.1", RESULT_OFFERS)) == ["xml", "csv", "tsv", "json"]  # text/xml is SPARQL XML
    assert keys(negotiate("application/json", GRAPH_OFFERS)) == ["jsonld"]
    assert keys(negotiate("application/json", RESULT_OFFERS)) == ["json"]
    assert keys(negotiate("text/csv;q=0", RESULT_OFFERS)) == []
    assert keys(negotiate("*/*", RESOURCE_OFFERS))[0] == "turtle"
    assert keys(negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESOURCE_OFFERS))[0] == "html"


def test_format_parameter_overrides_accept():
    assert keys(negotiate("text/csv", RESULT_OFFERS, "xml")) == ["xml"]
    assert keys(negotiate("text/csv", GRAPH_OFFERS, "xml")) == ["rdfxml"]
    assert keys(negotiate(None, RESULT_OFFERS, "text/tab-separated-values")) == ["tsv"]
    assert negotiate(None, RESULT_OFFERS, "ttl") == []


# -- protocol parsing ------------------------------------------------------------------
def test_protocol_reads_get_form_and_direct_posts():
    assert sparql_request("GET", decode_params(b"query=ASK%7B%7D")).query == "ASK{}"
    form = sparql_request("POST", Params(), "application/x-www-form-urlencoded", "utf-8",
                          b"query=ASK+%7B%7D&default-graph-uri=urn%3Ag1&default-graph-uri=urn%3Ag2")
    assert (form.query, form.default_graphs) == ("ASK {}", ["urn:g1", "urn:g2"])
    direct = sparql_request("POST", decode_params(b"named-graph-uri=urn%3Ag"), "application/sparql-query", "utf-8",
                            "ASK { 'é' }".encode())
    assert (direct.query, direct.named_graphs) == ("ASK { 'é' }", ["urn:g"])


@pytest.mark.parametrize("call, status", [
    (lambda: decode_params(b"query=%FF"), 400),
    (lambda: decode_params("query=é".encode()), 400),
    (lambda: content_type("application/sparql-query; charset=nope"), 415),
    (lambda: sparql_request("GET", decode_params(b"query=a&query=b")), 400),
    (lambda: sparql_request("GET", decode_params(b"query=")), 400),
    (lambda: sparql_request("GET", decode_params(b"update=CLEAR+ALL")), 403),
    (lambda: sparql_request("POST", Params(), "application/sparql-update", "utf-8", b"CLEAR ALL"), 403),
    (lambda: sparql_request("POST", Params(), "application/json", "utf-8", b"{}"), 415),
    (lambda: sparql_request("POST", Params(), "application/sparql-query", "utf-8", b"\xff"), 400),
])
def test_protocol_refuses_bad_requests(call, status):
    with pytest.raises(HttpError) as info:
        call()
    assert info.value.status == status
    assert info.value.message


# -- a worker's sandbox ------------------------------------------------------------------


def worker_answer(release, allow_network: bool, query: str):
    proc = subprocess.Popen([sys.executable, "-m", "vcf_kg.server.worker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    try:
        proc.stdin.write(pack({"release": str(release), "prefixes": PREFIXES, "allow_network": allow_network}))
        proc.stdin.flush()
        ready, _ = read_frame(proc.stdout.fileno())
        proc.stdin.write(pack({"query": query, "result_types": ["json"], "graph_types": [], "max_bytes": 1 << 20}))
        proc.stdin.flush()
        head, body = read_frame(proc.stdout.fileno())
        return ready, head
    finally:
        proc.stdin.close()
        proc.wait(10)


def test_a_worker_without_federation_has_no_network_even_if_service_got_past_the_guard(built, paths, listener):
    url, seen = listener
    ready, head = worker_answer(paths.dist / "vcf-kg.nt", False, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert ready["network"] == "isolated"
    assert head["status"] == 500
    time.sleep(0.2)
    assert seen == []
    # the same query from a worker that may use the network does reach the listener: the test can see a call
    ready, head = worker_answer(paths.dist / "vcf-kg.nt", True, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert ready["network"] == "allowed"
    time.sleep(0.2)
    assert len(seen) == 1 and seen[0].split(b" ")[:2] in ([b"GET", b"/sparql"], [b"POST", b"/sparql"])


def test_allow_federation_lets_service_through(built, paths):
    from vcf_kg.serve import background

    with background(dist=str(paths.dist), allow_federation=True) as url:
        query = f"SELECT ?l WHERE {{ SERVICE <{url}sparql> {{ vcfr:Rest rdfs:label ?l }} }}"
        answer = http(url, "/sparql", params={"query": query})
        assert answer.status == 200, answer.text
        assert [b["l"]["value"] for b in json.loads(answer.body)["results"]["bindings"]] == ["rest"]
        description = http(url, "/sparql", headers={"Accept": "text/turtle"}).text
        assert "BasicFederatedQuery" in description


def test_serve_refuses_to_start_without_a_release(tmp_path):
    from vcf_kg.paths import project_paths
    from vcf_kg.errors import NotBuiltError
    from vcf_kg.serve import make_config

    with pytest.raises(NotBuiltError, match="vcf-kg build"):
        make_config(project_paths(dist=tmp_path / "nothing"))


def test_every_serve_option_is_in_the_docs_with_its_default():
    """docs/serving.md's option table names every `vcf-kg serve` option, and states the CLI's defaults."""
    import re
    from pathlib import Path

    from vcf_kg.cli import serve

    table = Path(__file__).resolve().parents[1].joinpath("docs", "serving.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| (`--[^|]+`) \| ([^|]*) \|", table, re.M)}
    documented = {flag: default for names, default in rows.items() for flag in re.findall(r"--[\w-]+", names)}
    for option in serve.params:
        flag = max(option.opts, key=len)
        assert flag in documented, f"{flag} is not in docs/serving.md's option table"
        default = option.default
        if isinstance(default, (int, float)) and not isinstance(default, bool) and default:
            shown = documented[flag].replace(",", "")
            figures = {float(x) * {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}.get(unit, 1)
                       for x, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB|s)?", shown)}
            assert float(default) in figures, f"{flag}: the CLI's default is {default}, the docs say {documented[flag]!r}"


def test_the_head_limit_counts_the_head_only_even_when_the_body_comes_in_the_same_read():
    """One read of head + 900 KB body (asyncio reads up to 256 KiB at a time, uvloop less): not a 431."""
    import asyncio

    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from vcf_kg.server.connections import ConnectionLimits, protocol_class

    class Transport(asyncio.Transport):
        def __init__(self):
            super().__init__()
            self.written, self.closed = b"", False

        def get_extra_info(self, name, default=None):
            return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

        def write(self, data):
            self.written += data

        def close(self):
            self.closed = True

        def is_closing(self):
            return self.closed

        def pause_reading(self):
            pass

        def resume_reading(self):
            pass

    async def app(scope, receive, send):  # never reached in this test: only the head is looked at
        pass

    loop = asyncio.new_event_loop()
    try:
        config = Config(app=app, lifespan="off")
        config.load()
        limits = ConnectionLimits(max_head_bytes=10_000)
        results = []
        for headers in (b"", b"".join(b"X-%d: %s\r\n" % (k, b"a" * 1000) for k in range(12))):
            protocol = protocol_class(limits)(config=config, server_state=ServerState(), app_state={}, _loop=loop)
            transport = Transport()
            protocol.connection_made(transport)
            body = b"x" * 900_000
            protocol.data_received(b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n" % len(body)
                                   + headers + b"\r\n" + body)
            results.append(transport.written[:12])
            for task in list(protocol.tasks):
                task.cancel()
            loop.run_until_complete(asyncio.sleep(0.01))  # let the cancelled request task end
            protocol.connection_lost(None)
        assert results == [b"", b"HTTP/1.1 431"]
    finally:
        loop.close()
