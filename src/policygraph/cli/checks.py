"""Consistency checks: `validate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policygraph import i18n
from policygraph.cli.options import HomeOption, OutOption, emit, emit_sheet, format_flag
from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.render.formats import TABULAR_GROUP, Format, choose, group

if TYPE_CHECKING:
    from policygraph.checks import Report


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="pyshacl (the reference), sparql (shapes compiled to whole-graph queries), "
        "or auto (the compiled shapes; pySHACL for shapes they do not cover).",
    ),
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        help="Validate these RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) instead of "
        "the corpus; with --shapes. Repeat for several files.",
    ),
]
ShapesOption = Annotated[
    list[Path] | None,
    typer.Option("--shapes", help="The SHACL shapes for --data (any of the same formats)."),
]


def _report(
    home: Path | None, data: list[Path] | None, shapes: list[Path] | None, engine: str
) -> Report:
    """The corpus's report, or that of --data with --shapes."""
    from policygraph import checks

    if bool(data) != bool(shapes):
        raise InputError(
            N_("{flag} and {other} go together: give both, or neither for the corpus"),
            code="data-shapes",
            flag="--data",
            other="--shapes",
        )
    if data and shapes:
        return checks.validate_files(data, shapes, engine=engine)
    return checks.validate(home, engine=engine)


def validate(
    fmt: Annotated[
        str | None,
        format_flag(
            "text (the default: grouped by severity), {row_formats} (one row per result), or ttl "
            "(the SHACL validation report)."
        ),
    ] = None,
    output: OutOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    defects: Annotated[
        Path | None,
        typer.Option(
            "--defects", help="Write the source defects, in words, to this Markdown file."
        ),
    ] = None,
    engine: EngineOption = "auto",
    data: DataOption = None,
    shapes: ShapesOption = None,
    home: HomeOption = None,
) -> None:
    """Run the SHACL shapes over the graph: violations, source defects, things worth knowing.

    Violation: our graph is wrong (exit 1). Warning: a source is inconsistent with itself or
    with another source (reported, never fixed; exit 1 only with --strict). Info: worth
    knowing. Exit 2 when the graph cannot be read (the file and line are named). --format text
    (the default) groups the results; the row formats list them (json: a list of records);
    ttl gives the SHACL validation report graph. With --data and --shapes: any RDF files with
    any shapes, through the same engines.

    \b
    Example:
        policygraph validate
        policygraph validate --format json > report.json
        policygraph validate --defects docs/source-defects.md
        policygraph validate --data my-data.ttl --shapes my-shapes.ttl
    """
    from policygraph.checks.report import render_defects, render_text
    from policygraph.render.sheets import results_sheet

    fmt_ = choose(fmt, output, (Format.text, *group(TABULAR_GROUP), Format.ttl), Format.text)
    report = _report(home, data, shapes, engine)
    for note in report.notes:
        typer.echo(i18n._("Note: {note}").format(note=note), err=True)
    if fmt_ == Format.text:
        emit(render_text(report).encode("utf-8"), fmt_, output)
    elif fmt_ == Format.ttl:
        emit(report.graph_ttl.encode("utf-8"), fmt_, output)
    else:
        emit_sheet(results_sheet(report), fmt_, output)
    if defects is not None:
        emit(render_defects(report).encode("utf-8"), Format.md, defects)
    if report.failed(strict):
        raise typer.Exit(1)


COMMANDS = {"validate": validate}
