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
