"""One query interface, embedded or on a SPARQL server.

Starts a real Oxigraph server on a free loopback port (skipped, with the reason, only where it
cannot start), loads the graph with `policygraph load`, and checks that every query of queries/
gives the same results in both places. Error handling is tested against small local stub servers;
every request here goes to 127.0.0.1 and every server stops by itself.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.store import results
from policygraph.store import sparql as query
from policygraph.store.embedded import EmbeddedStore
from policygraph.store.remote import RemoteStore
from policygraph.store.server import oxigraph_binary

runner = CliRunner()
CATALOGUE = sorted(p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq"))
GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
PARAMS = {
    "doc": URIRef(GX),
    "dept": URIRef("https://w3id.org/policygraph/org/gx/liuzhou/government"),
    "ref": Literal("桂政办发〔2021〕81号"),
    "name": Literal("科技厅"),
    "from": URIRef("https://w3id.org/policygraph/eli/cn-gx-liuzhou/liuzhenggui/2021/18"),
    "to": URIRef(GX),
    "measure": URIRef(f"{GX}/measure/9"),
}


def wait_until_up(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    """Poll the server for up to 20 s; skip (with the reason) if it dies or never answers."""
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).read()
            return
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.skip(f"{what} did not start")
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        binary = oxigraph_binary()
    except Exception as exc:
        pytest.skip(f"Oxigraph server not available: {exc}")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/query", process, "the Oxigraph server")
    try:
        yield f"{url}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def loaded(server: str) -> str:
    result = runner.invoke(app, ["load", "--endpoint", server])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Loaded ")
    return server


def test_load_replaces_and_counts(loaded: str, store: EmbeddedStore, home: Corpus) -> None:
    """load sends what export writes (the graph and its VoID description), counted on the
    server after the MOVE."""
    from policygraph.store.dataset import dataset, merged

    again = runner.invoke(app, ["load", "--endpoint", loaded])
    assert again.exit_code == 0
    total = len(merged(dataset(home)))
    graph = int(str(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]))
    assert total > graph and f"Loaded {total} triples" in again.stdout


def test_load_into_the_default_graph(tmp_path: Path, home: Corpus, store: EmbeddedStore) -> None:
    """--default-graph: a catalogue query pasted into the server's page, with no FROM and no
    union default graph, answers as embedded; a second load replaces, never adds."""
    binary = oxigraph_binary()
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_up(url, process, "the Oxigraph server")
        for _ in range(2):
            result = runner.invoke(app, ["load", "--endpoint", url, "--default-graph"])
            assert result.exit_code == 0, result.output
            assert "into the default graph" in result.stdout
        q = query.load(home.queries, "document-summary")
        pasted = RemoteStore(url, graph=None).select(q.text)
        assert results.multiset(pasted) == results.multiset(store.select(q.text))
        both = one_line_error(["load", "--endpoint", url, "--default-graph", "--graph", "urn:x"])
        assert "not both" in both
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_load_drops_stale_staging_graphs(loaded: str) -> None:
    stale = "https://w3id.org/policygraph/graph/staging/died-1"
    server = RemoteStore(loaded, graph=None)
    server.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    assert runner.invoke(app, ["load", "--endpoint", loaded]).exit_code == 0
    graphs = server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [str(g) for (g,) in graphs.rows] == ["https://w3id.org/policygraph/graph"]


def test_load_refuses_a_graph_name_that_is_no_iri(loaded: str) -> None:
    result = runner.invoke(app, ["load", "--endpoint", loaded, "--graph", 'urn:x" } DROP ALL #'])
    assert result.exit_code == 2 and "not a valid IRI" in result.stderr


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq"))
)
def test_parity_embedded_and_remote(
    loaded: str, store: EmbeddedStore, home: Corpus, name: str
) -> None:
    q = query.load(home.queries, name)
    bindings = {p.name: PARAMS[p.name] for p in q.params}
    embedded = store.select(q.text, bindings)
    remote = RemoteStore(loaded).select(q.text, bindings)
    assert remote.vars == embedded.vars
    unordered = tuple(q.unordered)
    assert results.multiset(remote, unordered) == results.multiset(embedded, unordered)
    assert len(embedded) > 0 or name in {"unreported-measures"}


EVIL = "x\" } UNION { ?s ?p ?o } #\n}} 'quoted' \\ UNION {"


def test_bound_values_cannot_change_the_query(loaded: str, store: EmbeddedStore) -> None:
    echo = "SELECT ?x WHERE { BIND(?v AS ?x) }"
    for s in (store, RemoteStore(loaded)):
        rows = s.select(echo, {"v": Literal(EVIL)})
        assert [str(r[0]) for r in rows.rows] == [EVIL]
        none = s.select(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?d WHERE { ?d skos:prefLabel ?name }",
            {"name": Literal(EVIL, lang="zh")},
        )
        assert none.rows == []


def test_cli_params_are_typed(loaded: str) -> None:
    out = runner.invoke(
        app,
        [
            "query",
            "find-department",
            "-p",
            "name=广西壮族自治区科学技术厅",
            "-f",
            "sparql-json",
            "--endpoint",
            loaded,
        ],
    )
    data = json.loads(out.stdout)
    assert data["results"]["bindings"][0]["department"]["value"].endswith("gx/science-technology")
    assert results.parse_param("n=42")[1] == Literal(42)
    assert results.parse_param('t="文本"@zh')[1] == Literal("文本", lang="zh")
    assert results.parse_param("d=<https://x.org/a>")[1] == URIRef("https://x.org/a")
    assert results.parse_param("s=gx")[1] == Literal("gx")


def test_a_broken_query_shows_the_servers_message(loaded: str) -> None:
    bad = runner.invoke(app, ["query", "-", "--endpoint", loaded], input="SELEC ?x WHERE {}")
    assert bad.exit_code == 2
    assert (
        bad.stderr.startswith("Error: ")
        and bad.stderr.count("\n") == 1
        and "Traceback" not in bad.output
    )


# --- servers that are down, refuse the credentials, or are too slow ------------------------------


ANSWERS = {  # mode: (status, content type, body)
    "read-only": (403, "text/plain", b"this endpoint is read-only"),
    "forbidden": (403, "text/plain", b""),
    "failing": (500, "text/plain", b"Internal error: out of memory in query 17"),
    "html": (200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>"),
    "empty": (200, "application/sparql-results+json", b""),
}


class _Stub(http.server.BaseHTTPRequestHandler):
    mode = "unauthorized"

    def do_POST(self) -> None:
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

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[tuple[str, type[_Stub]]]:
    handler = type("Handler", (_Stub,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/query", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def one_line_error(args: list[str], input: str | None = None) -> str:
    result = runner.invoke(app, args, input=input)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize(
    "args", [["query", "corpus-totals"], ["tasks"], ["summary"], ["depts"], ["chain", "gx:11"]]
)
def test_truncated_results_are_one_error(stub: tuple[str, type[_Stub]], args: list[str]) -> None:
    url, handler = stub
    handler.mode = "truncated"
    err = one_line_error([*args, "--endpoint", url])
    assert url in err and "did not answer with SPARQL results" in err


def test_serve_never_empties_a_store_it_did_not_make(tmp_path: Path) -> None:
    import pyoxigraph as ox

    location = tmp_path / "theirs"
    theirs = ox.Store(str(location))
    theirs.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("keep")))
    theirs.flush()
    del theirs
    err = one_line_error(["serve", "--location", str(location), "--port", str(free_port())])
    assert "did not put there" in err
    assert len(ox.Store(str(location))) == 1


def test_serve_on_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        err = one_line_error(["serve", "--port", str(port), "--location", str(tmp_path / "s")])
    assert f"127.0.0.1:{port} cannot be served" in err


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


@pytest.fixture(scope="module")
def served(home: Corpus) -> Iterator[str]:
    """`policygraph serve` as a user starts it, in a process group of its own."""
    import os
    import signal
    import sys

    try:
        oxigraph_binary()
    except Exception as exc:
        pytest.skip(f"Oxigraph server not available: {exc}")
    port = free_port()
    cli = [sys.executable, "-m", "policygraph", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*cli, "--home", str(home.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_up(url, process, "policygraph serve")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.mark.parametrize("name", CATALOGUE)
def test_serve_answers_pasted_queries(
    served: str, home: Corpus, store: EmbeddedStore, name: str
) -> None:
    """A catalogue query as pasted into the server's query page: no FROM, no default graph."""
    q = query.load(home.queries, name)
    bindings = {p.name: PARAMS[p.name] for p in q.params}
    remote = RemoteStore(served, graph=None).select(q.text, bindings)
    unordered = tuple(q.unordered)
    assert results.multiset(remote, unordered) == results.multiset(
        store.select(q.text, bindings), unordered
    )


def readme_query() -> str:
    """The query the README says works pasted into a server's page."""
    import re

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```sparql\n(.*?)```", readme, re.S)
    assert found, "README.md shows no ```sparql block"
    return "\n".join(line.strip() for line in found.group(1).splitlines())


def test_the_readmes_pasted_query_answers_on_serve(served: str, store: EmbeddedStore) -> None:
    text = readme_query()
    pasted = RemoteStore(served, graph=None).select(text)
    assert len(pasted) > 10 and results.multiset(pasted) == results.multiset(store.select(text))


def test_serve_does_not_federate_unless_allowed(served: str) -> None:
    """SERVICE would make the server send requests to any address: refused, and no request
    reaches the address named."""
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(1)
    trap.settimeout(2)
    target = f"http://127.0.0.1:{trap.getsockname()[1]}/sparql"
    text = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
    for request in (
        urllib.request.Request(f"{served}?{urllib.parse.urlencode({'query': text})}"),
        urllib.request.Request(
            served, data=text.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
        urllib.request.Request(served, data=urllib.parse.urlencode({"query": text}).encode()),
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        assert "--allow-service" in refused.value.read().decode()
    with pytest.raises(OSError):
        trap.accept()  # nothing came
    trap.close()
    err = one_line_error(["query", "-", "--endpoint", served], input=text)
    assert "SERVICE" in err and "--allow-service" in err
    # a query that merely mentions the word is answered
    word = 'SELECT ?s WHERE { ?s ?p "SERVICE" }'
    assert RemoteStore(served, graph=None).select(word).rows == []


def test_commands_give_the_same_output_remotely(loaded: str) -> None:
    for args in (
        ["tasks", "-f", "csv"],
        ["tasks", "--dept", "柳州市人民政府", "-f", "csv"],
        ["chain", "gx:9", "-f", "json"],
        ["summary", "-f", "json"],
        ["depts", "-f", "csv"],
    ):
        embedded = runner.invoke(app, args)
        remote = runner.invoke(app, [*args, "--endpoint", loaded])
        assert embedded.exit_code == remote.exit_code == 0, remote.output
        assert remote.stdout == embedded.stdout


def test_ask_and_construct_remotely(loaded: str) -> None:
    gx = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
    ask = runner.invoke(app, ["query", "-", "--endpoint", loaded], input=f"ASK {{ <{gx}> ?p ?o }}")
    assert ask.exit_code == 0 and ask.stdout == "true\n", ask.output
    construct = f"CONSTRUCT {{ <{gx}> ?p ?o }} WHERE {{ <{gx}> ?p ?o }}"
    embedded = runner.invoke(app, ["query", "-", "-f", "nt"], input=construct)
    remote = runner.invoke(app, ["query", "-", "-f", "nt", "--endpoint", loaded], input=construct)
    assert embedded.exit_code == remote.exit_code == 0, remote.output
    assert sorted(remote.stdout.splitlines()) == sorted(embedded.stdout.splitlines())
    assert len(embedded.stdout.splitlines()) > 5


def test_build_summarises_the_graph_it_built_even_with_an_endpoint_set(
    tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT", f"http://127.0.0.1:{free_port()}/query")
    result = runner.invoke(app, ["build", "--home", str(tmp_home.root)])
    assert result.exit_code == 0, result.output
    assert "153 responsibilities" in result.stdout


def test_serve_stops_its_server_on_sigterm(tmp_path: Path) -> None:
    """SIGTERM to policygraph serve stops the oxigraph child and frees the port."""
    import os
    import signal
    import sys

    port = free_port()
    command = [sys.executable, "-m", "policygraph", "serve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("serve did not answer")
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
        children = [int(p) for p in found.stdout.split()]
        assert children  # the oxigraph server behind the gate
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    time.sleep(0.5)
    for child in children:
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)  # the oxigraph child is gone
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # and the port is free
