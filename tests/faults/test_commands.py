"""Faults catalogue (issue 14): what once gave a traceback gives one `Error:` line and exit 2,
and changes nothing on disk: a CONSTRUCT asked for as JSON, a query file that is not UTF-8, a
corpus directory that cannot be written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from servers import one_line_error

from faults.test_writes import state
from policygraph.corpus import Corpus


def test_a_graph_asked_for_as_json() -> None:
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
    err = one_line_error(["query", "-", "-f", "json"], input=construct)
    assert "a CONSTRUCT or DESCRIBE gives a graph" in err and "not json" in err


def test_a_query_file_that_is_not_utf8(tmp_path: Path) -> None:
    query = tmp_path / "gbk.rq"
    query.write_bytes('SELECT ?x WHERE { ?x ?p "广西" }'.encode("gb18030"))
    err = one_line_error(["query", str(query)])
    assert str(query) in err and "not UTF-8" in err


def test_a_corpus_that_cannot_be_written(tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build has a file to rewrite (a built file edited by hand); the filesystem refuses
    (simulated: as root, a read-only directory is still writable)."""
    built = tmp_home.ttl / "doc-gx.ttl"
    built.write_text(built.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    before = state(tmp_home)

    def refused(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))

    monkeypatch.setattr("policygraph.corpus.os.replace", refused)
    err = one_line_error(["build", "--home", str(tmp_home.root)])
    assert "Permission denied" in err and str(tmp_home.root) in err
    assert state(tmp_home) == before
