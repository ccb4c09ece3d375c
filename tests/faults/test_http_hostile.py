"""Faults catalogue (issue 27, severe 4 and 5): requests and servers that lie.

- `serve`'s gate reads a request as strictly as the server behind it: smuggled variants (two
  Content-Type headers, in any case, whitespace before a colon, folded headers, chunked bodies,
  two lengths, a form read as a query, a query in the URL and the body) never reach a SERVICE
  clause to another address (real `policygraph serve`, a trap listening where SERVICE points).
- The HTTP client follows no redirect to another origin and never sends the credentials there
  (a one-line error naming both URLs); every answer is read up to a limit (`--max-bytes`).
"""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from servers import one_line_error
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()

# --- serve: the gate -------------------------------------------------------------------------


@pytest.fixture
def trap() -> Iterator[tuple[str, socket.socket]]:
    """A listener where the smuggled SERVICE clause points; nothing may connect to it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", listener
    listener.close()


def raw(url: str, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send ``head`` (the request line and headers, CRLF-separated, no final blank line) and
    ``body`` as they are; the status and body of the answer."""
    parts = urllib.parse.urlsplit(url)
    answer = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(head.replace("{path}", parts.path).encode("latin-1") + b"\r\n\r\n" + body)
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except TimeoutError:
            return 0, b"no answer within 10 s"
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


def nothing_came(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except OSError:
        return True
    return False


def smuggled(target: str) -> dict[str, tuple[str, bytes]]:
    """Each way of getting a SERVICE query past a gate that reads a request differently from
    the server behind it: name → (head, body)."""
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}".encode()
    form = urllib.parse.urlencode({"query": query.decode()}).encode()
    ask = urllib.parse.quote("ASK {}")
    post = "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close"
    direct = "application/sparql-query"
    formed = "application/x-www-form-urlencoded"
    n = len(query)
    return {
        "two Content-Type": (
            f"{post}\r\nContent-Type: {formed}\r\nContent-Type: {direct}\r\nContent-Length: {n}",
            query,
        ),
        "two Content-Type, differing case": (
            f"{post}\r\ncontent-type: {formed}\r\nCONTENT-TYPE: {direct}\r\nContent-Length: {n}",
            query,
        ),
        "whitespace before the colon": (
            f"{post}\r\nContent-Type: {formed}\r\nContent-Type : {direct}\r\nContent-Length: {n}",
            query,
        ),
        "a folded Content-Type": (
            f"{post}\r\nContent-Type: {formed}\r\n {direct}\r\nContent-Length: {n}",
            query,
        ),
        "two media types in one header": (
            f"{post}\r\nContent-Type: {formed}, {direct}\r\nContent-Length: {n}",
            query,
        ),
        "no Content-Type": (f"{post}\r\nContent-Length: {n}", query),
        "a charset the gate does not read": (
            f"{post}\r\nContent-Type: {direct}; charset=utf-16\r\nContent-Length: {2 * n + 2}",
            query.decode().encode("utf-16"),
        ),
        "chunked and a length": (
            f"{post}\r\nContent-Type: {direct}\r\nContent-Length: 0\r\nTransfer-Encoding: chunked",
            f"{n:x}\r\n".encode() + query + b"\r\n0\r\n\r\n",
        ),
        "chunked alone": (
            f"{post}\r\nContent-Type: {direct}\r\nTransfer-Encoding: chunked",
            f"{n:x}\r\n".encode() + query + b"\r\n0\r\n\r\n",
        ),
        "two lengths": (
            f"{post}\r\nContent-Type: {direct}\r\nContent-Length: 0\r\nContent-Length: {n}",
            query,
        ),
        "a form read as a direct query": (
            f"{post}\r\nContent-Type: {formed}\r\nContent-Type: {direct}"
            f"\r\nContent-Length: {len(form)}",
            form,
        ),
        "a form with a harmless query in the URL": (
            f"POST {{path}}?query={ask} HTTP/1.1\r\nHost: x\r\nConnection: close"
            f"\r\nContent-Type: {formed}\r\nContent-Length: {len(form)}",
            form,
        ),
        "a direct query with a harmless query in the URL": (
            f"POST {{path}}?query={ask} HTTP/1.1\r\nHost: x\r\nConnection: close"
            f"\r\nContent-Type: {direct}\r\nContent-Length: {n}",
            query,
        ),
        "a GET with a body": (
            f"GET {{path}}?query={ask} HTTP/1.1\r\nHost: x\r\nConnection: close"
            f"\r\nContent-Type: {direct}\r\nContent-Length: {n}",
            query,
        ),
        "an absolute target": (
            f"GET {target}?query={urllib.parse.quote(query.decode())} HTTP/1.1\r\nHost: x",
            b"",
        ),
    }


def test_no_smuggled_request_reaches_a_service_clause(
    served: str, trap: tuple[str, socket.socket]
) -> None:
    target, listener = trap
    wrong = []
    for name, (head, body) in smuggled(target).items():
        status, said = raw(served, head, body)
        if not nothing_came(listener):
            wrong.append(f"{name}: reached {target}")
        elif status not in (400, 403, 411, 415):
            wrong.append(f"{name}: {status} {said[:100]!r}")
    assert wrong == []


def test_the_gate_still_answers_plain_requests(served: str) -> None:
    ask = urllib.parse.quote("ASK { ?s ?p ?o }")
    status, body = raw(served, f"GET {{path}}?query={ask} HTTP/1.1\r\nHost: x\r\nConnection: close")
    assert status == 200 and b"true" in body
    query = b"ASK { ?s ?p ?o }"
    head = (
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        f"Content-Type: application/sparql-query; charset=UTF-8\r\nContent-Length: {len(query)}"
    )
    status, body = raw(served, head, query)
    assert status == 200 and b"true" in body


# --- the HTTP client: redirects, credentials, sizes -------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    """A server that answers with ``reply`` (a function of the handler) and records each
    request's path and Authorization header in ``seen``."""

    seen: list[tuple[str, str | None]]
    reply: Callable[[Any], None]

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append((self.path, self.headers.get("Authorization")))
        type(self).reply(self)

    do_GET = do_POST = do_PUT = do_HEAD = _any

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve_with() -> Iterator[Callable[[Callable[[Any], None]], tuple[str, list[Any]]]]:
    """Start servers, each answering with the function given; their URL and what they saw."""
    running: list[http.server.ThreadingHTTPServer] = []

    def start(reply: Callable[[Any], None]) -> tuple[str, list[Any]]:
        seen: list[Any] = []
        handler = type("H", (Recorder,), {"seen": seen, "reply": staticmethod(reply)})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    yield start
    for server in running:
        server.shutdown()
        server.server_close()


def answer(
    status: int, body: bytes, headers: dict[str, str] | None = None
) -> Callable[[Any], None]:
    def reply(h: Any) -> None:
        h.send_response(status)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    return reply


RESULTS = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "EVIL"}}]}}'
CREDENTIALS = {"POLICYGRAPH_USER": "staff", "POLICYGRAPH_PASSWORD": "s3cret"}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_port_is_refused_and_gets_no_credentials(
    serve_with: Any, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    evil, evil_seen = serve_with(
        answer(200, RESULTS, {"Content-Type": "application/sparql-results+json"})
    )
    good, _ = serve_with(answer(status, b"", {"Location": f"{evil}/steal"}))
    err = one_line_error(
        ["query", "-", "--endpoint", f"{good}/sparql", "-f", "json"],
        input="SELECT ?s WHERE { ?s ?p ?o }",
    )
    assert f"{good}/sparql redirected to {evil}/steal" in err and "another origin" in err
    assert "EVIL" not in err and evil_seen == []


def test_credentials_stay_with_their_origin_through_load(
    serve_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    evil, evil_seen = serve_with(
        answer(200, RESULTS, {"Content-Type": "application/sparql-results+json"})
    )
    good, _ = serve_with(answer(302, b"", {"Location": f"{evil}/steal"}))
    err = one_line_error(["load", "--endpoint", f"{good}/query"])
    assert "redirected to" in err and evil in err
    assert evil_seen == []


@pytest.mark.parametrize("status", [302, 307])
def test_a_graph_store_request_follows_no_redirect_to_another_host(
    serve_with: Any, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Graph Store upload and the count of `load` (plain HTTP, not SPARQLWrapper); the
    other origin is another host name for the same machine."""
    from policygraph.errors import EndpointError
    from policygraph.store.http import exchange

    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    evil, evil_seen = serve_with(answer(200, b"ok"))
    evil = evil.replace("127.0.0.1", "localhost")
    good, _ = serve_with(answer(status, b"", {"Location": f"{evil}/store"}))
    with pytest.raises(EndpointError) as refused:
        exchange("PUT", f"{good}/store?default", 10, body=b"<a:a> <a:b> <a:c> .", content_type="x")
    assert refused.value.code == "redirect-origin" and evil_seen == []
    assert str(refused.value).startswith(f"{good}/store?default redirected to {evil}/store")


def test_a_redirect_on_the_same_origin_is_followed(
    serve_with: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reply(h: Any) -> None:
        if h.path.startswith("/moved"):
            answer(200, RESULTS, {"Content-Type": "application/sparql-results+json"})(h)
        else:
            answer(307, b"", {"Location": "/moved"})(h)

    url, seen = serve_with(reply)
    result = runner.invoke(
        app, ["query", "-", "--endpoint", f"{url}/sparql", "-f", "json"], input="SELECT ?s {}"
    )
    assert result.exit_code == 0, result.output
    assert "EVIL" in result.stdout and [p for p, _ in seen] == ["/sparql", "/moved"]


def endless(h: Any) -> None:
    """An answer that says nothing of its length and never ends (until the client leaves)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.end_headers()
    h.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [')
    for _ in range(10_000):  # 10 GB, unless the client stops reading
        h.wfile.write(b" " * 1_000_000)


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_larger_than_the_limit_is_one_error(serve_with: Any, declared: bool) -> None:
    big = b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + b" " * 5_000_000 + b"]}}"
    reply = answer(200, big, {"Content-Type": "application/sparql-results+json"})
    url, _ = serve_with(reply if declared else endless)
    query = ["query", "-", "--endpoint", f"{url}/sparql", "-f", "json"]
    err = one_line_error([*query, "--max-bytes", "1000000"], input="SELECT ?s {}")
    assert "answered more than 1000000 bytes" in err and "(use --max-bytes)" in err
    if declared:
        result = runner.invoke(app, [*query, "--max-bytes", "6000000"], input="SELECT ?s {}")
        assert result.exit_code == 0, result.output


def test_the_default_limit_is_one_gibibyte() -> None:
    from policygraph.cli import options
    from policygraph.store import http

    assert http.MAX_BYTES == options.MAX_BYTES == 2**30


def test_load_reads_no_more_of_the_servers_copy_than_a_difference_could_need(
    serve_with: Any,
) -> None:
    """`load` compares with the server's copy of the graph: a copy far larger than the graph
    sent cannot differ by a small update, and is not read whole (the load sends the graph)."""
    from policygraph.store.profiles import GENERIC
    from policygraph.store.remote import RemoteStore, _Load

    def endless_copy(h: Any) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/n-triples")
        h.end_headers()
        for _ in range(10_000):  # 10 GB, unless the client stops reading
            h.wfile.write(b"<urn:a> <urn:b> <urn:c> .\n" * 40_000)

    url, seen = serve_with(endless_copy)
    store = RemoteStore(f"{url}/query", server=GENERIC)
    plan = _Load(store, "urn:g", f"{url}/store", f"{url}/update")
    assert plan.by_difference(b"<urn:a> <urn:b> <urn:d> .\n") is False
    assert [path for path, _ in seen] == ["/store?graph=urn%3Ag"]  # no update sent


def test_credentials_are_matched_for_an_ipv6_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """The origin's address in its brackets: without them no credentials were ever sent."""
    import urllib.request

    from policygraph.store.http import opener

    monkeypatch.setenv("POLICYGRAPH_USER", "dba")
    monkeypatch.setenv("POLICYGRAPH_PASSWORD", "secret")
    handlers = opener("http://[::1]:8890/sparql").handlers
    basic = next(h for h in handlers if isinstance(h, urllib.request.HTTPBasicAuthHandler))
    assert basic.passwd.find_user_password(None, "http://[::1]:8890/sparql") == ("dba", "secret")
    assert basic.passwd.find_user_password(None, "http://[::2]:8890/sparql") == (None, None)
