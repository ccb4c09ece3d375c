"""Faults catalogue (issue 14): what servers do wrong. A server that is down, refuses the
credentials, answers HTML, an empty or truncated body, a 403 or a 500, trickles its answer or
takes too long: each is exit 2 and one `Error:` line naming the endpoint (passwords never
echoed); a failing `load` says what the server ended up holding and sends nothing more.
Against small local stub servers; every request goes to 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from servers import chinese_error, free_port, one_line_error, runner

from policygraph.cli.app import app
from policygraph.store.remote import RemoteStore

ANSWERS = {  # mode: (status, content type, body)
    "read-only": (403, "text/plain", b"this endpoint is read-only"),
    "forbidden": (403, "text/plain", b""),
    "failing": (500, "text/plain", b"Internal error: out of memory in query 17"),
    "html": (200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>"),
    "empty": (200, "application/sparql-results+json", b""),
}


COUNT_ZERO = {
    "head": {"vars": ["n"]},
    "results": {"bindings": [{"n": {"type": "literal", "value": "0"}}]},
}


NONE = {"head": {"vars": ["g"]}, "results": {"bindings": []}}


class _Stub(http.server.BaseHTTPRequestHandler):
    mode = "unauthorized"
    requests: list[tuple[str, str]]  # (method, path) of every request, in order

    def do_POST(self) -> None:
        self.requests.append((self.command, self.path))
        if self.mode == "slow-store" and self.path.startswith("/store"):
            time.sleep(3)  # the Graph Store upload outlasts --timeout
        if self.mode.endswith("-store"):  # a count: an empty graph, on an Oxigraph server
            self.send_response(204 if self.path.startswith("/store") else 200)
            self.send_header("Server", "Oxigraph/0.5.13")
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            length = int(self.headers.get("Content-Length") or 0)
            asked = urllib.parse.unquote_plus(self.rfile.read(length).decode("latin-1"))
            if not self.path.startswith("/store"):
                self.wfile.write(json.dumps(COUNT_ZERO if "COUNT" in asked else NONE).encode())
            return
        if self.mode == "slow":
            time.sleep(3)
        if self.mode in ANSWERS:
            code, kind, body = ANSWERS[self.mode]
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(401 if self.mode == "unauthorized" else 200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        if self.mode == "trickle":  # a byte at a time: each read is quick, the whole is not
            for byte in b'{"head":{"vars":[]},"results":{"bindings":[]}}':
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
            return
        if self.mode == "truncated":
            self.wfile.write(b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":')
            return
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[]}}')

    do_GET = do_PUT = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[tuple[str, type[_Stub]]]:
    handler = type("Handler", (_Stub,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A client that gave up (a timeout) breaks the pipe the stub answers into: the stub's own
    # traceback would land in the command's captured stderr.
    httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/query", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    "args", [["query", "corpus-totals"], ["tasks"], ["summary"], ["depts"], ["chain", "gx:11"]]
)
def test_truncated_results_are_one_error(stub: tuple[str, type[_Stub]], args: list[str]) -> None:
    url, handler = stub
    handler.mode = "truncated"
    err = one_line_error([*args, "--endpoint", url])
    assert url in err and "did not answer with SPARQL results" in err


def test_server_down() -> None:
    err = one_line_error(
        ["query", "corpus-totals", "--endpoint", f"http://127.0.0.1:{free_port()}/query"]
    )
    assert "connection refused" in err


def test_server_refuses_credentials(
    stub: tuple[str, type[_Stub]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = stub
    handler.mode = "unauthorized"
    monkeypatch.setenv("POLICYGRAPH_USER", "alice")
    monkeypatch.setenv("POLICYGRAPH_PASSWORD", "s3cret-value")
    err = one_line_error(["query", "corpus-totals", "--endpoint", url])
    assert "refused the credentials" in err and "s3cret-value" not in err


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("read-only", "refused the request (HTTP 403): this endpoint is read-only"),
        ("forbidden", "refused the credentials (HTTP 403)"),
        ("failing", "500. Internal error: out of memory in query 17"),
        ("html", "did not answer with SPARQL"),
        ("empty", "did not answer with SPARQL"),
    ],
)
def test_what_a_server_answers_oddly_is_one_error(
    stub: tuple[str, type[_Stub]], mode: str, says: str
) -> None:
    url, handler = stub
    handler.mode = mode
    for args in (["query", "corpus-totals"], ["tasks"]):
        err = one_line_error([*args, "--endpoint", url])
        assert url in err and says in err, err


def test_one_deadline_for_the_whole_request(stub: tuple[str, type[_Stub]]) -> None:
    """A server trickling its answer a byte at a time trips --timeout, not each read's."""
    url, handler = stub
    handler.mode = "trickle"
    started = time.monotonic()
    err = one_line_error(["query", "corpus-totals", "--endpoint", url, "--timeout", "1"])
    assert "did not answer within 1 s" in err
    assert time.monotonic() - started < 5  # the whole answer would take 9 s


def test_server_too_slow(stub: tuple[str, type[_Stub]]) -> None:
    url, handler = stub
    handler.mode = "slow"
    err = one_line_error(["query", "corpus-totals", "--endpoint", url, "--timeout", "1"])
    assert "did not answer within 1 s" in err


def test_load_to_a_server_that_is_down() -> None:
    err = one_line_error(["load", "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert "connection refused" in err


def test_not_a_url() -> None:
    from policygraph.errors import InputError

    with pytest.raises(InputError, match="not an http"):
        RemoteStore("localhost:7878")
    err = one_line_error(["query", "corpus-totals", "--endpoint", "localhost:7878"])
    assert "not an http(s) endpoint URL" in err


@pytest.mark.parametrize("mode", ["failing", "read-only", "html", "truncated"])
def test_load_to_a_failing_server_sends_nothing(stub: tuple[str, type[_Stub]], mode: str) -> None:
    """The first answer is wrong: one error line, and no write request follows it."""
    url, handler = stub
    handler.mode = mode
    err = one_line_error(["load", "--endpoint", url], chinese=False)
    assert url in err
    assert all(method == "POST" and path == "/query" for method, path in handler.requests)
    assert len(handler.requests) == 1
    chinese_error(["load", "--endpoint", url])


def test_load_timing_out_says_what_the_server_holds(stub: tuple[str, type[_Stub]]) -> None:
    """The upload outlasts --timeout: the error says so and what the target now holds, counted
    again after the failure (the server may still finish: the count says which graph it has)."""
    url, handler = stub
    handler.mode = "slow-store"
    err = one_line_error(["load", "--endpoint", url, "--timeout", "1"], chinese=False)
    assert "did not answer within 1 s" in err
    assert "the server now holds 0 triples in <https://w3id.org/policygraph/graph>" in err
    assert "(not the new graph)" in err
    uploads = [k for k, (m, path) in enumerate(handler.requests) if path.startswith("/store")]
    assert len(uploads) == 1 and handler.requests[uploads[0]][1].endswith("&no_transaction")
    assert handler.requests[-1] == ("POST", "/query")  # counted again after the failed upload
    assert "未在 1 秒内响应" in chinese_error(["load", "--endpoint", url, "--timeout", "1"])


@pytest.mark.parametrize("args", [["summary"], ["depts"], ["tasks"], ["chain", "gx:11"]])
def test_a_server_without_the_graph_is_an_error_not_an_empty_table(
    stub: tuple[str, type[_Stub]], args: list[str]
) -> None:
    """Forgot to load, or named another graph: the tables would be empty, which looks like an
    answer. `query` still reads whatever the server holds."""
    url, handler = stub
    handler.mode = "ok"
    err = one_line_error([*args, "--endpoint", url])
    assert "holds no policygraph document" in err and f"policygraph load --endpoint {url}" in err
    assert {method for method, _ in handler.requests} == {"POST"}
    answered = runner.invoke(app, ["query", "corpus-totals", "--endpoint", url, "-f", "csv"])
    assert answered.exit_code == 0, answered.output


class _Guarded(http.server.BaseHTTPRequestHandler):
    """A server asking for Basic credentials that, like Virtuoso with Digest, answers 401 before
    reading the body and closes the connection: a client that sends a large body first sees a
    reset, never the challenge."""

    protocol_version = "HTTP/1.1"
    received: list[int]

    def do_HEAD(self) -> None:
        self._challenge()

    def do_PUT(self) -> None:
        if self.headers.get("Authorization") != "Basic dXNlcjpzZWNyZXQ=":  # user:secret
            self._challenge()
            self.close_connection = True
            return
        self.received.append(len(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _challenge(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="graphs"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_large_upload_carries_its_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.store.http import send

    handler = type("Handler", (_Guarded,), {"received": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("POLICYGRAPH_USER", "user")
    monkeypatch.setenv("POLICYGRAPH_PASSWORD", "secret")
    body = b"<urn:a> <urn:b> <urn:c> .\n" * 400_000  # 10 MB: more than the sockets buffer
    try:
        send("PUT", f"http://127.0.0.1:{httpd.server_address[1]}/store?default", body, "x", 30)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert handler.received == [len(body)]
