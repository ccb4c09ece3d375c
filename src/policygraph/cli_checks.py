"""Consistency checks: `validate`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policygraph.cli import HomeOption, app, fail, guarded


@app.command()
def validate(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json or ttl (the SHACL report).")
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    defects: Annotated[
        Path | None,
        typer.Option(
            "--defects", help="Write the source defects, in words, to this Markdown file."
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="pyshacl (the reference), sparql (shapes compiled to whole-graph queries), "
            "or auto (pyshacl up to 200,000 triples).",
        ),
    ] = "auto",
    home: HomeOption = None,
) -> None:
    """Run the SHACL shapes over the graph: violations, source defects, things worth knowing.

    Violation: our graph is wrong (exit 1). Warning: a source is inconsistent with itself or
    with another source (reported, never fixed; exit 1 only with --strict). Info: worth
    knowing. Exit 2 when the graph cannot be read (the file and line are named).

    Example:
        policygraph validate
        policygraph validate --format json > report.json
        policygraph validate --defects docs/source-defects.md
    """
    from policygraph import validate as lib
    from policygraph.paths import resolve_home

    if fmt not in ("text", "json", "ttl"):
        fail(f"--format must be text, json or ttl, not {fmt!r}")
    h = guarded(lambda: resolve_home(home))
    report = guarded(lambda: lib.validate(h, engine=engine))
    if fmt == "json":
        sys.stdout.write(report.as_json())
    elif fmt == "ttl":
        if not report.graph_ttl:
            fail("--format ttl needs the SHACL report graph: use --engine pyshacl")
        sys.stdout.write(report.graph_ttl)
    else:
        sys.stdout.write(lib.render_text(report))
    if defects is not None:
        from policygraph.export import write_text

        guarded(lambda: write_text(defects, lib.render_defects(report)))
        typer.echo(f"Wrote {defects}", err=True)
    if report.failed(strict):
        raise typer.Exit(1)
