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

import pytest
from w3c.suite import HERE, Case, cases, project, pyshacl_direct

ENGINES: dict[str, Callable[[Case], object]] = {
    "auto": lambda c: project(c, "auto"),
    "pyshacl": lambda c: project(c, "pyshacl"),
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
