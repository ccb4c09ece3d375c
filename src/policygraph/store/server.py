"""`policygraph serve`: the graph in an on-disk Oxigraph store, served read-only by the
``oxigraph`` server (from PyPI), with its query page."""

from __future__ import annotations

import http.server
import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.store.embedded import load_into
from policygraph.store.remote import DEFAULT_GRAPH


def oxigraph_binary() -> str:
    import shutil
    import sys

    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError(
            N_("the oxigraph server is not installed: pip install oxigraph"),
            code="oxigraph-missing",
        )
    return found


def prepare_location(files: Sequence[Path], location: Path, graph: str = DEFAULT_GRAPH) -> int:
    """An on-disk Oxigraph store at ``location`` holding the graph in the named graph ``graph``,
    where `policygraph load` puts it, so that the same queries work on both."""
    import pyoxigraph as ox

    marker = location / MARKER
    if location.exists() and any(location.iterdir()) and not marker.exists():
        raise InputError(
            N_(
                "{location}: holds data policygraph did not put there; a store it did not "
                "create is never emptied (give an empty or new location)"
            ),
            code="server-location",
            location=location,
        )
    location.mkdir(parents=True, exist_ok=True)
    marker.write_text("a store made by policygraph serve\n", encoding="utf-8")
    store = load_into(ox.Store(str(location)), [], None)
    store.clear()
    load_into(store, files, graph)
    store.flush()
    count = len(store)
    del store
    return count


MARKER = ".policygraph-serve"


def check_port(host: str, port: int) -> None:
    """A one-line error for a port already in use (before: "Serving …", then a backtrace)."""
    import socket

    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise _cannot_serve(host, port, exc) from exc


def _cannot_serve(host: str, port: int, exc: OSError) -> InputError:
    """``host:port`` cannot be listened on (in use, not an address of this machine, …)."""
    return InputError(
        N_("{host}:{port} cannot be served: {reason}"),
        code="port-unavailable",
        host=host,
        port=port,
        reason=exc.strerror,
    )


def serve_command(location: Path, port: int) -> list[str]:
    """The oxigraph server behind the gate, on a loopback port of its own. The union default
    graph lets the query page and queries pasted with no FROM see the named graph too."""
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]


def serve(
    location: Path,
    host: str,
    port: int,
    allow_service: bool = False,
    ready: Callable[[], None] = lambda: None,
) -> int:
    """Serve ``location`` read-only at ``host:port`` until interrupted; return an exit code.

    Requests pass through a gate: the oxigraph server answers ``SERVICE`` clauses by sending
    requests to any address it names, so a query using ``SERVICE`` is refused (403) unless
    ``allow_service``. The oxigraph child is stopped however this ends (Ctrl-C, SIGTERM)."""
    check_port(host, port)
    inner = _free_port()
    child = subprocess.Popen(
        serve_command(location, inner), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_until_up(child, f"http://127.0.0.1:{inner}/query")
        handler = type(
            "Gate",
            (_Gate,),
            {"upstream": f"http://127.0.0.1:{inner}", "allow_service": allow_service},
        )
        try:
            gate = http.server.ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise _cannot_serve(host, port, exc) from exc
        ready()
        try:
            gate.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            gate.server_close()
        return 0
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(child: subprocess.Popen[bytes], url: str) -> None:
    import time
    import urllib.request

    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
            return
        except OSError:
            if child.poll() is not None or time.monotonic() > deadline:
                child.kill()
                err = (child.communicate()[1] or b"").decode("utf-8", "replace").strip()
                if not err:
                    raise InputError(
                        N_("the oxigraph server did not start: no message"),
                        code="server-start",
                    ) from None
                raise InputError(
                    N_("the oxigraph server did not start: {reason}"),
                    code="server-start",
                    reason=err.splitlines()[-1],
                ) from None
            time.sleep(0.1)


# What the gate passes on of a request's headers: nothing that frames the body (the gate sends
# the body it read, with its own Content-Length) and nothing a server may act on that the gate
# does not read itself.
_FORWARD = {"accept", "accept-encoding", "accept-language", "user-agent", "content-type"}
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}
_FRAMING = ("Content-Type", "Content-Length", "Transfer-Encoding", "Host")
_MEDIA = {"application/x-www-form-urlencoded", "application/sparql-query"}
MAX_BODY = 16 * 2**20  # a query larger than this is refused (413), never read into memory
READ_ONLY = "this endpoint is read-only (policygraph serve); policygraph load writes to a server"
SERVICE_OFF = (
    "SERVICE (federated query) is off on this endpoint: policygraph serve --allow-service "
    "lets the server send requests to the addresses a query names"
)


class _Refused(Exception):
    """A request the gate does not pass on: the HTTP status and why."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status, self.why = status, why


class _Gate(http.server.BaseHTTPRequestHandler):
    """Relays each request to the oxigraph server, refusing SERVICE unless allowed. The gate
    reads the request once, strictly (one Content-Type, one Content-Length, no
    Transfer-Encoding, no folded or malformed header), and passes on only what it read: the
    server behind it never sees a request the gate read differently."""

    upstream = ""
    allow_service = False

    def do_GET(self) -> None:
        try:
            body = self._read()
            self._check(body)
        except _Refused as refused:
            self._refuse(refused.why, refused.status)
            return
        self._relay(body)

    do_HEAD = do_POST = do_GET

    def do_PUT(self) -> None:
        self._refuse(READ_ONLY)

    do_DELETE = do_PATCH = do_PUT

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is the user's; oxigraph logs nothing either

    def _read(self) -> bytes | None:
        """The request's body (None for GET and HEAD), after its framing is found unambiguous."""
        framing_problem(self.headers, self.path)
        length = self.headers.get("Content-Length")
        if self.command != "POST":
            if length is not None and length.strip() != "0":
                raise _Refused(400, "a body is not accepted with " + self.command)
            return None
        if length is None:
            raise _Refused(411, "a POST needs a Content-Length")
        size = int(length)
        if size > MAX_BODY:
            raise _Refused(413, f"a request body larger than {MAX_BODY} bytes is refused")
        body = self.rfile.read(size)
        if len(body) != size:
            raise _Refused(400, "the body is shorter than its Content-Length")
        return body

    def _check(self, body: bytes | None) -> None:
        """Refuse an update, and a query using SERVICE unless allowed."""
        from policygraph.store.sparql import keywords

        kind = self.headers.get("Content-Type", "")
        if body is not None:
            kind = media_type(kind)
        if _form(self.path, kind, body, "update"):
            raise _Refused(403, READ_ONLY)
        text = "\n".join(_form(self.path, kind, body, "query"))
        if not self.allow_service and "SERVICE" in keywords(text):
            raise _Refused(403, SERVICE_OFF)

    def _relay(self, body: bytes | None) -> None:
        import shutil
        import urllib.error
        import urllib.request

        headers = {k: v for k, v in self.headers.items() if k.lower() in _FORWARD}
        request = urllib.request.Request(
            self.upstream + self.path, data=body, headers=headers, method=self.command
        )
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as exc:
            response = exc
        except OSError:
            self.send_error(502, "the oxigraph server behind policygraph serve did not answer")
            return
        with response:
            self.send_response(response.status)
            for key, value in response.headers.items():
                if key.lower() not in _HOP:
                    self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(response, self.wfile)

    def _refuse(self, why: str, status: int = 403) -> None:
        message = why.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(message)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(message)


def framing_problem(headers: Any, path: str) -> None:
    """_Refused (400) for a request two readers could read differently: a malformed or folded
    header, a header that frames the request given twice (in any case), Transfer-Encoding
    (the gate reads Content-Length only), a Content-Length that is not a number, a target that
    is not a path."""
    if headers.defects or headers.get_payload():
        raise _Refused(400, "malformed request headers")
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise _Refused(400, f"a folded header ({name}) is not accepted")
    for name in _FRAMING:
        if len(headers.get_all(name) or []) > 1:
            raise _Refused(400, f"more than one {name} header")
    if "Transfer-Encoding" in headers:
        raise _Refused(400, "Transfer-Encoding is not accepted: send a Content-Length")
    length = headers.get("Content-Length")
    if length is not None and not re.fullmatch(r"[0-9]{1,15}", length.strip()):
        raise _Refused(400, "Content-Length is not a number")
    if not path.startswith("/"):
        raise _Refused(400, "the request target is not a path")


def media_type(content_type: str) -> str:
    """The media type of a POST, which must be a form or a SPARQL query in UTF-8 (else
    _Refused, 415): a type the gate cannot read is one it cannot check."""
    media, *params = content_type.split(";")
    media = media.strip().lower()
    if media not in _MEDIA and media != "application/sparql-update":
        raise _Refused(415, "a POST is a form or application/sparql-query, in UTF-8")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise _Refused(415, "a POST is a form or application/sparql-query, in UTF-8")
    return media


def _form(path: str, content_type: str, body: bytes | None, field: str) -> list[str]:
    """The values of a SPARQL protocol field (``query`` or ``update``) in a request: from the
    URL, a form POST, or the body of a direct POST."""
    from urllib.parse import parse_qs, urlsplit

    found = parse_qs(urlsplit(path).query).get(field, [])
    kind = content_type.split(";")[0].strip().lower()
    if body is not None and kind == "application/x-www-form-urlencoded":
        found += parse_qs(body.decode("utf-8", "replace")).get(field, [])
    elif body is not None and kind == f"application/sparql-{field}":
        found.append(body.decode("utf-8", "replace"))
    return found
