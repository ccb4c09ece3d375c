"""Issue 24: the report `ingest` keeps must be the report of the corpus it leaves.

`ingest` validates before it keeps a document and keeps that report (checks/kept.py), so that
`validate` right after it runs nothing. Whatever way `ingest` comes to its report (today the
whole corpus; a validation scoped to what the document changed is the next step of issue 24),
`validate` right after it must give what a fresh whole-corpus validation gives: here on a corpus
where the new document brings a warning (and is added) and where it brings a violation (and is
refused)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_home
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from policygraph import checks
from policygraph.checks.report import Report
from policygraph.cli.app import app
from policygraph.corpus import Corpus

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
YUNNAN, QUJING = FIX / "yunnan-measures.txt", FIX / "qujing-plan.txt"
QJ = "https://w3id.org/policygraph/eli/cn-yn-qujing/曲政办发/2023/8"
runner = CliRunner()


def ingest(home: Corpus, path: Path, jurisdiction: str) -> int:
    args = ["ingest", str(path), "--jurisdiction", jurisdiction, "--home", str(home.root)]
    return runner.invoke(app, args).exit_code


def results(report: Report) -> set[tuple[str, str, str, str, str]]:
    return {(r.severity, r.rule, r.focus, r.value, r.message) for r in report.results}


def fresh(home: Corpus, monkeypatch: pytest.MonkeyPatch) -> Report:
    """The whole corpus validated now, nothing kept read or written."""
    with monkeypatch.context() as m:
        m.setenv("POLICYGRAPH_CACHE", "off")
        return checks.validate(home)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every validation actually run (not read from what was kept)."""
    ran: list[object] = []
    real = checks._run
    monkeypatch.setattr(checks, "_run", lambda *a: ran.append(a) or real(*a))
    return ran


@pytest.fixture
def home(tmp_path: Path) -> Corpus:
    home = copy_home(tmp_path / "home")
    assert ingest(home, YUNNAN, "cn-yn") == 0
    return home


def test_a_document_that_brings_a_warning(
    home: Corpus, runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(runs)
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert len(runs) > before  # ingest validated
    after = len(runs)
    kept = checks.validate(home)
    assert len(runs) == after  # validate read what ingest kept
    warned = {r.focus for r in kept.of("Warning") if r.rule == "AnnotationUnderstood"}
    assert f"{QJ}/measure/5/unread/1" in warned  # the warning the document brings
    assert results(kept) == results(fresh(home, monkeypatch))
    again = Graph().parse(data=fresh(home, monkeypatch).graph_ttl, format="turtle")
    assert isomorphic(Graph().parse(data=kept.graph_ttl, format="turtle"), again)


def test_a_document_that_brings_a_violation(
    home: Corpus, runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a maintainer's own shape that the Qujing document (and no other) fails
    (home.shapes / "local.shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:shape> a sh:NodeShape ; "
        "sh:targetClass <https://w3id.org/policygraph/ontology#PolicyDocument> ;\n"
        "  sh:property [ sh:path <http://data.europa.eu/eli/ontology#id_local> ; "
        'sh:pattern "^[^曲]" ] .\n',
        encoding="utf-8",
    )
    assert checks.validate(home).of("Violation") == []
    assert ingest(home, QUJING, "cn-yn-qujing") == 1  # refused
    assert not list(home.sources.glob("cn-yn-qujing-*"))
    after = len(runs)
    kept = checks.validate(home)
    assert len(runs) == after  # the corpus as it was: validated by ingest, kept
    assert kept.of("Violation") == []
    assert results(kept) == results(fresh(home, monkeypatch))
