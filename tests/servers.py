"""Helpers for tests that talk to servers: a free loopback port, waiting for a server to
answer, and the one-line error every failing command gives."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

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


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def start_virtuoso(
    work: Path, settings: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str, int] | None:
    """Debian's Virtuoso 7 (virtuoso-opensource) on free loopback ports with its database in
    ``work``: the process, its SPARQL endpoint and its SQL port, once it answers; None where it is
    not installed. RuntimeError when it does not answer within 60 s (it is stopped).
    ``settings``: values for keys of virtuoso.ini (e.g. NumberOfBuffers), replacing Debian's."""
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.is_file():
        return None
    isql, http = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text(encoding="utf-8")
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{work}/")
    ini = re.sub(r"(?m)^ServerPort(\s*)= 1111", rf"ServerPort\g<1>= {isql}", ini)
    ini = re.sub(r"(?m)^ServerPort(\s*)= 8890", rf"ServerPort\g<1>= {http}", ini)
    ini = ini.replace("localhost:8890", f"localhost:{http}")
    for key, value in (settings or {}).items():
        ini, found = re.subn(rf"(?m)^{key}(\s*)=.*$", rf"{key}\g<1>= {value}", ini)
        if not found:
            raise ValueError(f"virtuoso.ini has no {key}")
    (work / "virtuoso.ini").write_text(ini, encoding="utf-8")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(work / "virtuoso.ini")],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}/sparql"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
            return process, url, isql
        except OSError:
            time.sleep(0.5)
    process.terminate()
    process.wait(timeout=60)
    raise RuntimeError("Virtuoso did not start within 60 s")


@contextlib.contextmanager
def virtuoso_for_tests(work: Path) -> Iterator[tuple[str, int]]:
    """A Virtuoso for a test module (its SPARQL endpoint and SQL port), stopped afterwards; the
    test skipped, with the reason, where it is not installed or does not start."""
    try:
        started = start_virtuoso(work)
    except RuntimeError as exc:
        pytest.skip(str(exc))
    if started is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    process, url, isql = started
    try:
        yield url, isql
    finally:
        process.terminate()
        process.wait(timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_line_error(args: list[str], input: str | None = None, chinese: bool = True) -> str:
    """The one ``Error:`` line (exit 2) of a failing command, in English; the same command under
    a Chinese locale gives one ``错误：`` line with no English sentence in it (issue 25: every
    error of the faults catalogue speaks Chinese). ``chinese=False`` for a test that counts
    what the command did (it runs once); it then calls :func:`chinese_error` itself."""
    result = runner.invoke(app, args, input=input)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    if chinese:
        chinese_error(args, input)
    return result.stderr


def chinese_error(args: list[str], input: str | None = None) -> str:
    """The one ``错误：`` line of a failing command under a Chinese locale, with no English
    sentence in it."""
    chinese = runner.invoke(app, args, input=input, env=ZH)
    assert chinese.exit_code == 2, chinese.output
    assert chinese.stderr.startswith("错误：") and chinese.stderr.count("\n") == 1, chinese.stderr
    assert english_words(chinese.stderr) == [], chinese.stderr
    return chinese.stderr


ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": ""}
# What is not English prose in an error line: paths, IRIs, flags, names in code form, quoted
# values (the user's own input, a server's words quoted as evidence), SPARQL keywords.
VALUES = re.compile(
    r"“[^”]*”|\"[^\"]*\"|'[^']*'|`[^`]*`|<[^>]*>|https?://\S+|\S*[/\\.=@:_]\S*"
    r"|--?[\w-]+|\b[A-Z][A-Z0-9_]+\b|\[[^\]]*\]"
)
PROSE = re.compile(r"[A-Za-z]+(?:[ '’-]+[A-Za-z]+){2,}")  # three English words in a row


def english_words(line: str) -> list[str]:
    return PROSE.findall(VALUES.sub(" ", line))
