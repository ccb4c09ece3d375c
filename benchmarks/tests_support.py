"""Starting a throwaway Oxigraph server on loopback for the benchmark."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_oxigraph(port: int, location: str | None = None) -> subprocess.Popen[bytes]:
    """An Oxigraph server on 127.0.0.1:port, ready to answer: in memory, or on disk at
    ``location`` (as a server is usually run)."""
    from policygraph.store.server import oxigraph_binary

    on_disk = ["--location", location] if location else []
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", *on_disk, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=1
            ).read()
            return process
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                raise RuntimeError("the Oxigraph server did not start") from None
            time.sleep(0.1)
