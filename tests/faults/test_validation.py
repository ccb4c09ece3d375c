"""Faults catalogue (issue 14): validation never passes for want of something to check."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus

runner = CliRunner()


def validate(home: Corpus) -> tuple[int, str]:
    r = runner.invoke(app, ["validate", "--home", str(home.root)])
    return r.exit_code, r.stderr


def test_no_shapes_at_all(tmp_home: Corpus) -> None:
    for path in tmp_home.shapes.glob("*.ttl"):
        path.unlink()
    code, err = validate(tmp_home)
    assert code == 2 and "core.shapes.ttl: missing" in err and "vacuously" in err


@pytest.mark.parametrize("name", ["core", "integrity", "sources"])
def test_one_shapes_file_missing(tmp_home: Corpus, name: str) -> None:
    (tmp_home.shapes / f"{name}.shapes.ttl").unlink()
    code, err = validate(tmp_home)
    assert code == 2 and f"{name}.shapes.ttl: missing" in err and err.count("\n") == 1


def test_a_source_text_deleted_or_edited(tmp_home: Corpus) -> None:
    text = next(Path(tmp_home.sources).glob("*measures.txt"))
    original = text.read_bytes()
    text.write_bytes(original + b"\n")
    code, err = validate(tmp_home)
    assert code == 2 and "SHA-256" in err and text.name in err
    text.unlink()
    code, err = validate(tmp_home)
    assert code == 2 and "cannot read source text" in err
