"""Faults catalogue (issue 14): writes are transactions. An interrupt at any moment leaves the
corpus as it was; a kill -9 is undone by the next writer; two writers never write at once."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import JOURNAL, LOCK, Corpus

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
runner = CliRunner()


def ingest(home: Corpus) -> object:
    sample = FIX / "yunnan-measures.txt"
    return runner.invoke(
        app, ["ingest", str(sample), "--jurisdiction", "cn-yn", "--home", str(home.root)]
    )


def state(home: Corpus) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((home.root / "data").rglob("*")) if p.is_file()}


def test_an_interrupted_ingest_leaves_the_corpus_as_it_was(
    tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policygraph.build as build

    before = state(tmp_home)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "write_outputs", interrupted)
    result = ingest(tmp_home)
    assert result.exit_code != 0
    assert state(tmp_home) == before and not (tmp_home.root / JOURNAL).exists()


def test_a_killed_ingest_is_undone_by_the_next_writer(tmp_home: Corpus) -> None:
    before = state(tmp_home)
    script = (
        "import os, sys, policygraph.build as b\n"
        "def killed(*args):\n"
        "    os.kill(os.getpid(), 9)\n"
        "b.write_outputs = killed\n"
        "from policygraph.cli.app import main\n"
        "sys.argv = ['policygraph', 'ingest', sys.argv[1], '--jurisdiction', 'cn-yn', '--home', sys.argv[2]]\n"
        "main()\n"
    )
    died = subprocess.run(
        [sys.executable, "-c", script, str(FIX / "yunnan-measures.txt"), str(tmp_home.root)],
        capture_output=True,
    )
    assert died.returncode == -9
    assert (tmp_home.root / JOURNAL).exists() and state(tmp_home) != before  # half written
    result = runner.invoke(app, ["build", "--home", str(tmp_home.root), "-q"])
    assert result.exit_code == 0, result.output
    assert state(tmp_home) == before and not (tmp_home.root / JOURNAL).exists()
    again = ingest(tmp_home)
    assert again.exit_code == 0 and "Added" in again.stdout  # not "unchanged: nothing to do"


def test_a_second_writer_is_refused(tmp_home: Corpus) -> None:
    before = state(tmp_home)
    with (tmp_home.root / LOCK).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = ingest(tmp_home)
    assert result.exit_code == 2 and "another policygraph command is writing" in result.stderr
    assert state(tmp_home) == before
