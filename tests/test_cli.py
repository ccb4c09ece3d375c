"""The CLI surface: every command documented, with an example, and the README's quickstart runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from typer.main import get_command
from typer.testing import CliRunner

from policygraph.cli.app import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    examples = lines[lines.index("Example:") + 1 :]
    assert examples and examples[0].startswith(f"policygraph {command}")  # one example a line
    assert all(not e.count("policygraph ") > 1 for e in examples)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_mentions_every_command(command: str) -> None:
    assert f"policygraph {command}" in README


def test_readme_python_quickstart_runs() -> None:
    block = re.search(r"## Python quickstart\n\n```python\n(.*?)```", README, re.S)
    assert block is not None
    result = subprocess.run(
        [sys.executable, "-c", block.group(1)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "关于促进广西高新技术产业开发区高质量发展的若干措施" in result.stdout


def test_version() -> None:
    from policygraph import __version__

    assert CliRunner().invoke(app, ["--version"]).stdout.strip() == f"policygraph {__version__}"


def test_cli_start_does_not_import_rdf_stack() -> None:
    code = "import sys, policygraph.cli; print(sorted(m for m in ('rdflib','pyshacl','networkx','openpyxl') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_command_runs_with_the_collectors_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console script sets the cyclic collector's thresholds before the command runs (a
    young collection every 10,000 allocations: at 10,000 documents the default's walks of the
    rows a command holds were 0.7 s of one more document's ingest)."""
    import gc
    import signal

    from policygraph.cli import app as module

    was, seen = gc.get_threshold(), []
    monkeypatch.setattr(module, "app", lambda: seen.append(gc.get_threshold()) or 0)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # the test's own SIGTERM kept
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the test's process not frozen
    try:
        with pytest.raises(SystemExit) as exited:
            module.main()
    finally:
        gc.set_threshold(*was)
    assert exited.value.code == 0
    assert seen == [module.GC_THRESHOLDS] and was != module.GC_THRESHOLDS


@pytest.mark.parametrize("code", [0, 1, 2])
def test_the_objects_a_command_made_are_frozen_when_it_is_done(
    monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Whatever the command's exit, its objects are frozen after it, before Python's last
    collection at exit, which then skips them (it walked every row the command held: 0.13 s
    of one more document's ingest)."""
    import gc
    import signal

    from policygraph.cli import app as module

    was, said = gc.get_threshold(), []
    monkeypatch.setattr(module, "app", lambda: said.append("command") or sys.exit(code))
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setattr(gc, "freeze", lambda: said.append("frozen"))
    try:
        with pytest.raises(SystemExit) as exited:
            module.main()
    finally:
        gc.set_threshold(*was)
    assert exited.value.code == code
    assert said == ["command", "frozen"]


def test_build_prints_the_totals_alone_for_a_corpus_above_the_tables_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``TABLE_UP_TO`` documents, `build` prints what it built, the corpus's totals (the
    summary table's last line) and where the table is, not a table of every document (at 1,000
    documents, 4-5 s after a build of 0.6 s); up to it, the table (tests/golden/cli/build.txt).
    Its help says the number the code uses."""
    from conftest import copy_home

    from policygraph.cli import build as module

    said = " ".join((module.build.__doc__ or "").split())
    assert f"more than {module.TABLE_UP_TO} documents" in said
    home = copy_home(tmp_path / "home").root
    env = {"POLICYGRAPH_ENDPOINT": ""}
    whole = CliRunner().invoke(app, ["build", "--home", str(home)], env=env)
    assert whole.exit_code == 0, whole.output
    built, *table, totals = whole.stdout.rstrip("\n").split("\n")
    assert len(table) > 4 and totals.startswith("18 documents · ")
    monkeypatch.setattr(module, "TABLE_UP_TO", 17)  # the project's corpus has 18
    short = CliRunner().invoke(app, ["build", "--home", str(home)], env=env)
    assert short.exit_code == 0, short.output
    pointer = "The table of each document: policygraph summary"
    assert short.stdout.split("\n") == [built, totals, pointer, ""]
