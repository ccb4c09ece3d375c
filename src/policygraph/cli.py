"""The command line: parse, make one library call, render, exit.

Exit codes: 0 ok · 1 checks failed · 2 usage or input error. Heavy libraries are imported inside
the commands that need them, so that ``policygraph --help`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from policygraph import __version__
from policygraph.errors import PolicyGraphError
from policygraph.store import ENV_ENDPOINT

app = typer.Typer(
    name="policygraph",
    help="A knowledge graph of Chinese policy provisions: build it, check it, query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="POLICYGRAPH_HOME",
        help="Corpus home (data/, ontology/, queries/). Default: the checkout policygraph was installed from.",
        show_default=False,
    ),
]

EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        envvar=ENV_ENDPOINT,
        help="A SPARQL 1.1 query endpoint (e.g. http://localhost:7878/query). Credentials from "
        "POLICYGRAPH_USER / POLICYGRAPH_PASSWORD.",
        show_default=False,
    ),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server.")]

T = TypeVar("T")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def guarded(call: Callable[[], T]) -> T:
    """Run a library call; turn policygraph's own errors into a one-line message and exit code."""
    try:
        return call()
    except PolicyGraphError as exc:
        fail(str(exc), exc.exit_code)


def console() -> Any:
    from rich.console import Console

    # Piped output (CI logs, make run) is not squeezed into 80 columns.
    return Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"policygraph {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """A knowledge graph of Chinese policy provisions: build it, check it, query it."""


@app.command()
def build(
    home: HomeOption = None, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False
) -> None:
    """Extract the source texts into data/ttl/ and print a summary of the graph.

    Nothing is written unless the whole build succeeds; rebuilding changes nothing.

    Example:
        policygraph build
    """
    from policygraph.build import build as run_build
    from policygraph.paths import resolve_home
    from policygraph.store import open_store
    from policygraph.summary import summarize

    h = guarded(lambda: resolve_home(home))
    result = guarded(lambda: run_build(h))
    if quiet:
        return
    out = console()
    out.print(
        f"Built {h.relative(h.ttl)}/: {len(result.written)} file(s) written, "
        f"{len(result.unchanged)} unchanged."
    )
    summary_ = guarded(lambda: summarize(h, open_store(h, endpoint="")))  # the graph just built
    _print_summary(out, summary_)


@app.command()
def summary(
    endpoint: EndpointOption = None, timeout: TimeoutOption = 30.0, home: HomeOption = None
) -> None:
    """Print the documents of the graph and its totals.

    Example:
        policygraph summary
    """
    from policygraph.paths import resolve_home
    from policygraph.store import open_store
    from policygraph.summary import summarize

    h = guarded(lambda: resolve_home(home))
    _print_summary(console(), guarded(lambda: summarize(h, open_store(h, endpoint, timeout))))


def _print_summary(out: Any, s: Any) -> None:
    from rich.table import Table

    table = Table(title="Documents", title_justify="left")
    columns = {
        "short": "doc",
        "number": "number",
        "kind": "kind",
        "level": "level",
        "parts": "parts",
        "provisions": "items",
        "measures": "measures",
        "responsibilities": "resp.",
        "funding_commitments": "funding",
    }
    for key, header in columns.items():
        numeric = key in (
            "parts",
            "provisions",
            "measures",
            "responsibilities",
            "funding_commitments",
        )
        table.add_column(header, justify="right" if numeric else "left", no_wrap=True)
    for row in s.documents.dicts():
        table.add_row(*(str(row[k]) if row[k] is not None else "" for k in columns))
    out.print(table)
    t = s.totals
    out.print(
        f"{t['documents']} documents · {t['provisions']} provisions · {t['departments']} departments · "
        f"{t['responsibilities']} responsibilities · {t['funding_commitments']} funding commitments"
    )


def run() -> None:  # pragma: no cover - console entry for `python -m policygraph`
    sys.exit(app())


FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="table, csv, md, json, xlsx or docx.")
]
OutOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (needed for xlsx, docx).")
]


def emit(sheet: Any, fmt: str, output: Path | None) -> None:
    """Render a sheet: text formats to stdout or -o, file formats to -o."""
    from policygraph import export

    if fmt not in export.FORMATS:
        fail(f"unknown format {fmt!r}: one of {', '.join(export.FORMATS)}")
    if output is not None:
        if fmt == "table":
            fail("--format table is for the terminal; write csv, md, json, xlsx or docx with -o")
        guarded(lambda: export.write(sheet, fmt, output))
        typer.echo(f"Wrote {output} ({len(sheet.rows)} rows)", err=True)
    elif fmt in export.FILE_FORMATS:
        fail(f"--format {fmt} writes a file: give -o FILE")
    elif fmt == "table":
        export.print_table(sheet, console())
    else:
        sys.stdout.write(export.render_text(sheet, fmt))


# The commands live in one module per group; importing them registers them on `app`.
from policygraph import cli_chains, cli_checks, cli_ingest, cli_sparql, cli_tables  # noqa: E402, F401
