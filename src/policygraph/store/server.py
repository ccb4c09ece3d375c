"""`policygraph serve`: the graph in an on-disk Oxigraph store, served read-only by the
``oxigraph`` server (from PyPI), with its query page."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from policygraph.errors import InputError
from policygraph.store.embedded import load_into
from policygraph.store.remote import DEFAULT_GRAPH


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

    marker = location / MARKER
    if location.exists() and any(location.iterdir()) and not marker.exists():
        raise InputError(
            f"{location}: holds data policygraph did not put there; serve never empties a store "
            "it did not create (give an empty or new --location)"
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
            raise InputError(f"{host}:{port} cannot be served: {exc.strerror}") from exc


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
