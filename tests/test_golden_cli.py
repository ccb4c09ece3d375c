"""The outputs users rely on, recorded from the real corpus before the code was reorganised
(issue 11), must stay byte-identical: build summary, summary, validate, task tables, chain, depts.

The recordings are kept as they were made. Two changes were intended, and are checked exactly:
csv now starts with the UTF-8 BOM on stdout as in a file (the same bytes both ways), and
`validate --format json` is the list of result records, as json is everywhere (the records are
the recorded report's "results", unchanged).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app

GOLDEN = Path(__file__).resolve().parent / "golden" / "cli"
CASES = {
    "build.txt": ["build"],
    "summary.txt": ["summary"],
    "validate.json": ["validate", "--format", "json"],
    "tasks.csv": ["tasks", "--format", "csv"],
    "tasks-by-department.csv": ["tasks", "--by", "department", "--format", "csv"],
    "chain-gx-11.json": ["chain", "gx:11", "--format", "json"],
    "depts.csv": ["depts", "--format", "csv"],
}


@pytest.fixture(scope="module")
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_home(tmp_path_factory.mktemp("golden") / "home").root


def run(home: Path, args: list[str]) -> bytes:
    result = CliRunner().invoke(app, [*args, "--home", str(home)], env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(private_home: Path, name: str) -> None:
    recorded, now = (GOLDEN / name).read_bytes(), run(private_home, CASES[name])
    if name.endswith(".csv"):
        recorded = "\ufeff".encode() + recorded
    if name == "validate.json":
        assert json.loads(now) == json.loads(recorded)["results"]
    else:
        assert now == recorded
