"""Faults catalogue (issue 14): `serve`. It never empties a store it did not make, reports a
busy port in one line, stops its oxigraph child on SIGTERM and frees the port, and does not
federate (SERVICE) unless --allow-service."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, one_line_error

from policygraph.store.remote import RemoteStore


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
