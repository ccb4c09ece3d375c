"""Helpers for tests that talk to servers: a free loopback port, waiting for a server to
answer, and the one-line error every failing command gives."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()


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


def one_line_error(args: list[str], input: str | None = None) -> str:
    result = runner.invoke(app, args, input=input)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr
