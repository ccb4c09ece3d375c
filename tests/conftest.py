"""Shared fixtures. Tests never depend on the working directory or on a build having run:
the real corpus home is found from this file, and tests that write get a private copy."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import free_port, wait_until_up

from policygraph import checks
from policygraph.corpus import Corpus
from policygraph.store import open_store
from policygraph.store.embedded import EmbeddedStore
from policygraph.store.server import oxigraph_binary

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
LZ = "https://w3id.org/policygraph/eli/cn-gx-liuzhou/liuzhenggui/2021/18"
CN = "https://w3id.org/policygraph/eli/cn/guofa/2020/7"
DEPT = "https://w3id.org/policygraph/org/"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The persistent stores the tests make go to a directory of the test run, not the user's
    ~/.cache (subprocesses inherit it through the environment)."""
    import os

    before = os.environ.get("POLICYGRAPH_CACHE")
    os.environ["POLICYGRAPH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("POLICYGRAPH_CACHE", None)
    else:
        os.environ["POLICYGRAPH_CACHE"] = before


@pytest.fixture(scope="session", autouse=True)
def english(private_cache: None) -> Iterator[None]:
    """The tests read English unless they ask for Chinese (a developer's zh_CN locale would
    otherwise turn every message Chinese); subprocesses inherit it."""
    import os

    before = os.environ.get("POLICYGRAPH_LANG")
    os.environ["POLICYGRAPH_LANG"] = "en"
    yield
    if before is None:
        os.environ.pop("POLICYGRAPH_LANG", None)
    else:
        os.environ["POLICYGRAPH_LANG"] = before


@pytest.fixture(scope="session")
def home() -> Corpus:
    return Corpus.locate(REPO)


@pytest.fixture(scope="session")
def store(home: Corpus) -> EmbeddedStore:
    return open_store(home)


def copy_home(dest: Path, source: Path = REPO) -> Corpus:
    """A private copy of a corpus home (data, ontology, queries, docs): the project's, or
    ``source``."""
    for name in ("data", "ontology", "queries", "docs"):
        if (source / name).exists():
            shutil.copytree(source / name, dest / name)
    return Corpus.locate(dest)


@pytest.fixture
def tmp_home(tmp_path: Path) -> Corpus:
    return copy_home(tmp_path / "home")


@pytest.fixture
def yunnan_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    """A copy of the corpus with a cache of its own (what other tests of the session kept for a
    corpus of the same files is not what the tests of one more document compare) and the Yunnan
    measures ingested (the index made, the digests remembered, the report kept)."""
    from typer.testing import CliRunner

    from policygraph.cli.app import app

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    home = copy_home(tmp_path / "home")
    yunnan = FIXTURES / "ingest" / "yunnan-measures.txt"
    args = ["ingest", str(yunnan), "--jurisdiction", "cn-yn", "--home", str(home.root)]
    assert CliRunner().invoke(app, args).exit_code == 0
    return home


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.ttl"))}


# The keys of the staff tables, in column order: their csv carries the Chinese headers.
# 条目 (label) is the item's label as the source writes it; 条目编号 (number) its number.
TASK_KEYS = [
    "document",
    "seq",
    "label",
    "title",
    "lead",
    "co_lead",
    "responsible",
    "deadline",
    "number",
]
DEPT_KEYS = [
    "document",
    "department",
    "names_in_document",
    "leads",
    "co_leads",
    "lead_measures",
    "co_lead_measures",
]
ASSIGNMENT_KEYS = [
    "department",
    "document",
    "seq",
    "label",
    "title",
    "role",
    "written",
    "via",
    "deadline",
    "number",
]


def staff_csv(text: str, keys: list[str]) -> list[dict[str, str]]:
    """The rows of a staff table's csv, by key (its header row is the headers people read)."""
    import csv
    import io

    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(header) == len(keys), header
    return [dict(zip(keys, r, strict=True)) for r in rows]


# --- servers: a real Oxigraph server, and `policygraph serve` as a user starts it ---------------


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


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every validation actually run (not read from what was kept)."""
    ran: list[object] = []
    real = checks._run
    monkeypatch.setattr(checks, "_run", lambda *a: ran.append(a) or real(*a))
    return ran
