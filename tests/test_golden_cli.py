"""The outputs users rely on, recorded from the real corpus before the code was reorganised
(issue 11), must stay byte-identical: build summary, summary, validate, task tables, chain, depts.

To re-record after an intended change: `python tests/test_golden_cli.py` and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli import app

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
    assert run(private_home, CASES[name]) == (GOLDEN / name).read_bytes()


if __name__ == "__main__":  # re-record (review the diff before committing)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        home = copy_home(Path(tmp) / "home").root
        for name, args in CASES.items():
            (GOLDEN / name).write_bytes(run(home, args))
            print(f"wrote {GOLDEN / name}", file=sys.stderr)
