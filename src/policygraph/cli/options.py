"""Options every command shares, the one ``--format`` option, and writing what a command made.

Nothing here imports the RDF stack: ``policygraph --help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policygraph.errors import InputError
from policygraph.render.formats import BINARY, Format

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="POLICYGRAPH_HOME",
        help="Corpus home (data/, ontology/, queries/). Default: the checkout, else the corpus "
        "bundled with the package.",
        show_default=False,
    ),
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        envvar="POLICYGRAPH_ENDPOINT",
        help="A SPARQL 1.1 query endpoint (e.g. http://localhost:7878/query). Credentials from "
        "POLICYGRAPH_USER / POLICYGRAPH_PASSWORD.",
        show_default=False,
    ),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server.")]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: table, or from the extension of -o). Rows: table, csv, "
        "tsv, md, json (a list of records), html, xlsx, docx.",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (the format from its extension)."),
]


def is_terminal() -> bool:
    return sys.stdout.isatty()


def emit(data: bytes, fmt: Format | None, output: Path | None, what: str = "") -> None:
    """Print ``data`` or write it to ``output`` (atomically). Binary formats never go to a
    terminal."""
    if output is not None:
        from policygraph.corpus import write_atomic

        write_atomic({output: data})
        typer.echo(f"Wrote {output}{f' ({what})' if what else ''}", err=True)
        return
    if fmt in BINARY and is_terminal():
        raise InputError(
            f"--format {fmt.value} is a binary file format: give -o FILE (or redirect stdout)"
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def emit_sheet(sheet: object, fmt: Format, output: Path | None) -> None:
    """Render a sheet in ``fmt`` and print or write it."""
    from policygraph.render import render_sheet
    from policygraph.render.table import Sheet

    assert isinstance(sheet, Sheet)
    emit(render_sheet(sheet, fmt), fmt, output, f"{len(sheet.rows)} rows")


def echo_rich(*renderables: object) -> None:
    """Print rich renderables (trees, tables, marked-up lines) as the terminal shows them."""
    from policygraph.render.table import rich_text

    sys.stdout.write(rich_text(*renderables))
