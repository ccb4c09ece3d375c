"""The W3C SHACL test suites (tests/w3c, core and SPARQL) through every engine: the project's
validator as ``validate --data … --shapes …`` runs it (``auto``: the compiled shapes, pySHACL
for what the compiler refuses; ``pyshacl``: pySHACL on Oxigraph) and pySHACL itself.

``tests/w3c/known-failures.tsv`` lists every test an engine does not pass yet, with why: a test
fails when an engine fails a test not listed, and when it passes one that is (so the list stays
true as the engines are mended; issue 23)."""

from __future__ import annotations

import csv
import logging
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from w3c.suite import HERE, Case, cases, project, pyshacl_direct

ENGINES: dict[str, Callable[[Case], object]] = {
    "auto": lambda c: project(c, "auto"),
    "pyshacl": lambda c: project(c, "pyshacl"),
    "sparql": lambda c: project(c, "sparql"),
    "pyshacl-direct": pyshacl_direct,
}
CASES = cases("core") + cases("sparql")


def _known() -> dict[tuple[str, str], str]:
    with (HERE / "known-failures.tsv").open(encoding="utf-8", newline="") as f:
        return {(r["engine"], r["test"]): r["why"] for r in csv.DictReader(f, delimiter="\t")}


KNOWN = _known()


def passes(case: Case, engine: str) -> bool:
    """The suite's verdict: the same conformance and results; where the suite expects the
    shapes to be refused (unsupported SPARQL), an error."""
    logging.disable(logging.CRITICAL)  # rdflib logs each ill-formed literal of the suite
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = ENGINES[engine](case)
    except Exception:
        return case.conforms is None
    finally:
        logging.disable(logging.NOTSET)
    return case.conforms is not None and got == (case.conforms, case.results)


def test_the_suites_are_all_here() -> None:
    assert (len(cases("core")), len(cases("sparql"))) == (98, 22)
    assert all(engine in ENGINES and any(c.name == t for c in CASES) for engine, t in KNOWN)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c(case: Case, engine: str) -> None:
    why = KNOWN.get((engine, case.name))
    if passes(case, engine):
        assert why is None, f"{case.name} passes on {engine} now: remove it from known-failures"
    else:
        assert why is not None, f"{case.name} fails on {engine} and is not a known failure"


_EX = "@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
_EX += "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
_DATA = _EX + "ex:a a ex:C ; ex:p ex:b .\n"


def test_validate_any_data_with_any_shapes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policygraph.cli.app import app

    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.nt"
    shapes.write_text(
        _EX + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ex:q ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    data.write_text(
        "<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://example.org/C> .\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke
    r = run(app, ["validate", "--data", str(data), "--shapes", str(shapes), "-f", "json"])
    assert r.exit_code == 1 and "http://example.org/a" in r.stdout
    r = run(app, ["validate", "--data", str(data)])
    assert r.exit_code == 2 and "--data and --shapes go together" in r.stderr
    odd = tmp_path / "data.txt"
    odd.write_text("x", encoding="utf-8")
    r = run(app, ["validate", "--data", str(odd), "--shapes", str(shapes)])
    assert r.exit_code == 2 and "data.txt: not an RDF file" in r.stderr


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }", "MINUS"),
        ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
        (
            "SELECT $this WHERE { $this ?p ?o . SERVICE <http://example.org/> { ?a ?b ?c } }",
            "SERVICE",
        ),
        ("SELECT $this WHERE { BIND (true AS $this) }", "AS for a pre-bound variable"),
        ("SELECT $this WHERE { $this ?p ?o . { SELECT ?x WHERE { ?x ?p ?o } } }", "nested SELECT"),
    ],
)
def test_a_forbidden_sparql_query_is_refused_with_the_specs_reason(
    query: str, reason: str, tmp_path: Path
) -> None:
    from policygraph.checks import validate_files
    from policygraph.errors import ShapesError

    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    shapes.write_text(
        _EX
        + f'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select """{query}""" ] .\n',
        encoding="utf-8",
    )
    data.write_text(_DATA, encoding="utf-8")
    for engine in ("auto", "sparql"):
        with pytest.raises(ShapesError, match=reason):
            validate_files([data], [shapes], engine)


def test_data_oxigraph_would_rewrite_is_validated_as_written_and_said_once(tmp_path: Path) -> None:
    """ "300"^^xsd:byte: Oxigraph would keep it as an xsd:integer. `auto` validates it with
    pySHACL on rdflib, as written, says so in one note, and rdflib's tracebacks for the
    ill-formed literal stay out of the user's terminal; the compiled engine refuses it."""
    import json
    import subprocess
    import sys

    case = HERE / "core" / "property"
    data, shapes = case / "datatype-ill-formed-data.ttl", case / "datatype-ill-formed-shapes.ttl"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "policygraph",
            "validate",
            "--data",
            str(data),
            "--shapes",
            str(shapes),
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    values = {r["value"] for r in json.loads(run.stdout)}
    assert "300" in values and "c" in values
    assert run.stderr.count("Note:") == 1 and "oxigraph issue 526" in run.stderr
    assert "Traceback" not in run.stderr
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "policygraph",
            "validate",
            "--data",
            str(data),
            "--shapes",
            str(shapes),
            "--engine",
            "sparql",
        ],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "use --engine auto" in refused.stderr
