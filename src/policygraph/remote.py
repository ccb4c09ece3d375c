"""SPARQL servers: querying any SPARQL 1.1 endpoint, loading the graph, serving it locally.

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol, JSON results). Loading uses the SPARQL 1.1
Graph Store HTTP Protocol: the graph is PUT into a fresh staging graph, then ``MOVE``d onto the
target in one update, so readers see the old graph or the new one, never half of it; the triple
count is checked afterwards. Credentials come from ``POLICYGRAPH_USER`` / ``POLICYGRAPH_PASSWORD``
only: never from the command line, never printed.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from policygraph.errors import EndpointError, InputError
from policygraph.store import Rows, load_into

ENV_USER, ENV_PASSWORD = "POLICYGRAPH_USER", "POLICYGRAPH_PASSWORD"
DEFAULT_GRAPH = "https://w3id.org/policygraph/graph"
DEFAULT_TIMEOUT = 30.0


def credentials() -> tuple[str, str] | None:
    user = os.environ.get(ENV_USER)
    return (user, os.environ.get(ENV_PASSWORD, "")) if user else None


def sibling(endpoint: str, name: str) -> str:
    """The update or store endpoint next to a query endpoint (.../query -> .../update)."""
    return (
        re.sub(r"/(query|sparql)/?$", f"/{name}", endpoint)
        if re.search(r"/(query|sparql)/?$", endpoint)
        else endpoint.rstrip("/") + f"/{name}"
    )


class RemoteStore:
    """A SPARQL 1.1 endpoint, queried with the same query files and bindings as the embedded store."""

    def __init__(
        self, endpoint: str, graph: str | None = DEFAULT_GRAPH, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if not re.match(r"https?://", endpoint):
            raise InputError(f"not an http(s) endpoint URL: {endpoint!r}")
        self.location = endpoint
        self.endpoint, self.graph, self.timeout = endpoint, graph, timeout

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Rows:
        from policygraph.query import bind

        data = self.request(bind(sparql, dict(bindings) if bindings else None))
        if "boolean" in data:
            return Rows(["boolean"], [(Literal(bool(data["boolean"])),)])
        variables = list(data.get("head", {}).get("vars", []))
        rows = [
            tuple(_term(b.get(v)) for v in variables)
            for b in data.get("results", {}).get("bindings", [])
        ]
        return Rows(variables, rows)

    def request(self, sparql: str) -> dict[str, Any]:
        """Run a query and return the SPARQL 1.1 JSON results; server failures become EndpointError."""
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

        sparql = "\n".join(
            line for line in sparql.splitlines() if not line.lstrip().startswith("#")
        )
        sw = SPARQLWrapper(self.endpoint)
        with warnings.catch_warnings():  # SPARQLWrapper warns on queries it cannot classify
            warnings.simplefilter("ignore")
            sw.setQuery(sparql)
        sw.queryType = _query_type(sparql)  # its own sniffing matches keywords inside words
        sw.setMethod(POST)
        sw.setReturnFormat(JSON)
        sw.setTimeout(int(max(1, self.timeout)))
        if self.graph:
            sw.addDefaultGraph(self.graph)
        creds = credentials()
        if creds:
            sw.setCredentials(*creds)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = sw.queryAndConvert()
        except Unauthorized as exc:
            raise EndpointError(
                f"{self.endpoint} refused the credentials (HTTP 401); set {ENV_USER} and {ENV_PASSWORD}"
            ) from exc
        except SPARQLWrapperException as exc:
            raise EndpointError(
                f"{self.endpoint} answered with an error: {_server_message(exc)}"
            ) from exc
        except urllib.error.HTTPError as exc:
            raise http_error(self.endpoint, exc) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise network_error(self.endpoint, exc, self.timeout) from exc
        if not isinstance(result, dict):
            raise EndpointError(f"{self.endpoint} did not answer with SPARQL JSON results")
        return result


def _query_type(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue."""
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", sparql)
    m = re.match(r"(?i)\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body)
    return m.group(1).upper() if m else "SELECT"


def _term(value: Mapping[str, str] | None) -> Identifier | None:
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if "xml:lang" in value:
        return Literal(text, lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(text, datatype=URIRef(datatype) if datatype else None)


def _server_message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    text = re.sub(r"^[A-Za-z]+: ", "", text)
    text = re.sub(r"Response: b['\"](.*?)['\"]?$", r"\1", text)
    return text[:300]


def http_error(url: str, exc: urllib.error.HTTPError) -> EndpointError:
    body = ""
    with contextlib.suppress(OSError):
        body = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
    if exc.code in (401, 403):
        return EndpointError(
            f"{url} refused the credentials (HTTP {exc.code}); set {ENV_USER} and {ENV_PASSWORD}"
        )
    return EndpointError(f"{url} answered HTTP {exc.code}: {body or exc.reason}")


def network_error(url: str, exc: BaseException, timeout: float) -> EndpointError:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return EndpointError(f"{url} did not answer within {timeout:g} s")
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return EndpointError(f"cannot reach {url}: connection refused (is the server running?)")
    return EndpointError(f"cannot reach {url}: {' '.join(str(reason).split())}")


def _http(method: str, url: str, body: bytes | None, content_type: str, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": content_type}
    )
    creds = credentials()
    if creds:
        token = base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        raise http_error(url, exc) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise network_error(url, exc, timeout) from exc


def ntriples(files: Sequence[Path]) -> tuple[bytes, int]:
    """The default graph of ``files`` as N-Triples, and its triple count."""
    import pyoxigraph as ox

    store = load_into(ox.Store(), files)
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    assert isinstance(data, bytes)
    return data, len(store)


def load(
    files: Sequence[Path],
    endpoint: str,
    graph: str = DEFAULT_GRAPH,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """Replace ``graph`` on the server with the graph of ``files``; return the checked triple count."""
    data, count = ntriples(files)
    update = update_endpoint or sibling(endpoint, "update")
    gsp = store_endpoint or sibling(endpoint, "store")
    staging = f"{graph}/staging/{os.getpid()}-{int(time.time() * 1000)}"
    _http(
        "PUT",
        f"{gsp}?{urllib.parse.urlencode({'graph': staging})}",
        data,
        "application/n-triples",
        timeout,
    )
    move = f"MOVE SILENT <{staging}> TO <{graph}>"
    _http(
        "POST",
        update,
        urllib.parse.urlencode({"update": move}).encode(),
        "application/x-www-form-urlencoded",
        timeout,
    )
    counted = RemoteStore(endpoint, graph=None, timeout=timeout).select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    on_server = int(str(counted.rows[0][0]))
    if on_server != count:
        raise EndpointError(
            f"{endpoint}: graph <{graph}> holds {on_server} triples after loading, expected {count}"
        )
    return count


def oxigraph_binary() -> str:
    import shutil
    import sys

    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("the oxigraph server is not installed: pip install oxigraph")
    return found


def prepare_location(files: Sequence[Path], location: Path, graph: str = DEFAULT_GRAPH) -> int:
    """An on-disk Oxigraph store at ``location`` holding the graph in the named graph ``graph``,
    where `policygraph load` puts it, so that the same queries work on both."""
    import pyoxigraph as ox

    location.mkdir(parents=True, exist_ok=True)
    store = load_into(ox.Store(str(location)), [], None)
    store.clear()
    load_into(store, files, graph)
    store.flush()
    count = len(store)
    del store
    return count


def serve_command(location: Path, host: str, port: int) -> list[str]:
    # The union default graph lets the query page in the browser see the named graph too.
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
    ]


def run_server(command: list[str]) -> int:
    """Run the server in the foreground until interrupted; return its exit code."""
    process = subprocess.Popen(command)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()
