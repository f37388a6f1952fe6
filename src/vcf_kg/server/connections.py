"""Connection limits below the ASGI app, where uvicorn has none.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) and, with ``limit_concurrency``,
answers 503 past a number of connections; but a client that sends its request head one byte at a
time resets the keep-alive timer with every byte and is never closed (slow-loris), nothing limits
how many connections one address holds, and httptools' URL parser fails on URLs longer than 65,535
bytes with a bare 400 "Invalid HTTP request received.". uvicorn accepts a protocol class of ours
(``http=``), so this module subclasses its httptools protocol:

- **head deadline**: a request head (request line and headers) must arrive whole within
  ``head_timeout`` seconds of its first byte (or of the connection's opening); otherwise the
  connection is closed (408, then close);
- **head size**: at most ``max_url_bytes`` of URL (414, with a sentence saying to POST the query)
  and ``max_head_bytes`` in all (431); so a connection holds at most that much of a head in memory;
- **connections per client address**: past ``max_per_client`` open connections from one address
  (or ``max_connections`` in all), a new one gets 503 and is closed at once, so one address cannot take
  the file descriptors, and the memory held in request heads is bounded (``max_head_bytes`` each).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

HTTPTOOLS_MAX_URL = 65_535  # httptools.parse_url keeps offsets in 16 bits


@dataclass
class ConnectionLimits:
    head_timeout: float = 5.0
    max_url_bytes: int = HTTPTOOLS_MAX_URL
    max_head_bytes: int = 2 * HTTPTOOLS_MAX_URL
    max_per_client: int = 128
    max_connections: int = 1000  # open connections in all
    per_client: dict[str, int] = field(default_factory=dict)  # open connections by client address
    closed_slow: int = 0  # connections closed for not finishing their head in time (for the log and tests)
    refused: int = 0  # connections refused for passing max_per_client


def protocol_class(limits: ConnectionLimits) -> type:
    """uvicorn's httptools protocol with the limits above (one class per server: it holds ``limits``)."""

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        _head_timer = None
        _head_bytes = 0
        _tail = b""  # the last bytes read, in case the head's blank line is split between two reads
        _in_head = True
        _host = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            host = self.client[0] if self.client else ""
            count = limits.per_client.get(host, 0) + 1
            limits.per_client[host] = count
            self._host = host
            if count > limits.max_per_client:
                limits.refused += 1
                self._refuse(503, f"too many connections from {host} ({limits.max_per_client} at most); "
                                  "close some, or reuse them (keep-alive)")
                return
            if len(self.connections) > limits.max_connections:
                limits.refused += 1
                self._refuse(503, "the server has as many connections open as it takes; try again shortly")
                return
            self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            if self._host is not None:
                left = limits.per_client.get(self._host, 1) - 1
                if left > 0:
                    limits.per_client[self._host] = left
                else:
                    limits.per_client.pop(self._host, None)
                self._host = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                if self._head_timer is None:
                    self._arm()
                # count the head's bytes only: the body may come in the same read (the blank line ends the head)
                joined = self._tail + data
                end = joined.find(b"\r\n\r\n")
                self._head_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
                self._tail = joined[-3:]
                if self._head_bytes > limits.max_head_bytes:
                    long_url = len(getattr(self, "url", b"")) > limits.max_url_bytes // 2
                    self._too_large(long_url)
                    return
            super().data_received(data)

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            if len(self.url) > limits.max_url_bytes:
                self._too_large(True)

        def on_headers_complete(self) -> None:
            if self.transport.is_closing():
                return
            self._in_head = False
            self._disarm()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            self._in_head, self._head_bytes, self._tail = True, 0, b""  # the next request's head starts now
            super().on_response_complete()

        # -- helpers --
        def _arm(self) -> None:
            self._head_timer = self.loop.call_later(limits.head_timeout, self._head_expired)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_expired(self) -> None:
            self._head_timer = None
            if self._in_head and not self.transport.is_closing():
                limits.closed_slow += 1
                self._refuse(408, f"the request head did not arrive within {limits.head_timeout:g} s")

        def _too_large(self, long_url: bool) -> None:
            if self.transport.is_closing():
                return
            if long_url:
                self._refuse(414, f"the URL is longer than {limits.max_url_bytes:,} bytes; send long queries by POST "
                                  "(Content-Type: application/sparql-query, or a form with query=...)")
            else:
                self._refuse(431, f"the request head is larger than {limits.max_head_bytes:,} bytes")

        def _refuse(self, status: int, message: str) -> None:
            """Answer with a status and a sentence, and close the connection (no app involved)."""
            self._disarm()
            body = (message + "\n").encode("utf-8")
            self.transport.write(b"".join([
                STATUS_LINE[status], b"content-type: text/plain; charset=utf-8\r\n",
                b"content-length: ", str(len(body)).encode("ascii"), b"\r\n",
                b"connection: close\r\n\r\n", body]))
            self.transport.close()

    return GuardedHttpToolsProtocol
