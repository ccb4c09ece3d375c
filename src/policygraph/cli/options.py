"""Options every command shares, the one ``--format`` option, and writing what a command made.

Nothing here imports the RDF stack: ``policygraph --help`` starts fast.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from policygraph import i18n
from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.render.formats import Format
from policygraph.store.defaults import DEFAULT_TIMEOUT, MAX_BYTES
from policygraph.store.profiles import NAMES, Profile, named

if TYPE_CHECKING:
    from policygraph.render.table import Sheet
    from policygraph.store import Store

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
ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server",
        envvar="POLICYGRAPH_SERVER",
        metavar="|".join(NAMES),
        help="The kind of SPARQL server at --endpoint, for its endpoints and upload path "
        "(default: recognised by its answers).",
        show_default=False,
    ),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server.")]
MaxBytesOption = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        envvar="POLICYGRAPH_MAX_BYTES",
        min=1,
        help="The largest answer read from a SPARQL server, in bytes (default: 1 GiB); a "
        "larger one is an error.",
        show_default=False,
    ),
]


def format_flag(help: str) -> Any:
    """The one --format option (-f), with what this command writes in its help."""
    return typer.Option("--format", "-f", help=help, metavar="FORMAT", show_default=False)


# {row_formats}: the renderers of rows as the registry has them when the help is shown (a help
# template's field, cli/speech.py help_fields)
FormatOption = Annotated[
    str | None,
    format_flag("{row_formats} (json: a list of records). Default: table, or the extension of -o."),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (the format from its extension)."),
]


def is_terminal() -> bool:
    return sys.stdout.isatty()


def emit(data: bytes, fmt: Format | None, output: Path | None, what: str = "") -> None:
    """Print ``data`` or write it to ``output`` (``-``: print), atomically and destroying
    nothing it did not make (:mod:`policygraph.render.output`). Binary formats never go to a
    terminal."""
    if output is not None and str(output) != "-":
        from policygraph.render.output import write_output

        write_output(output, data)
        said = i18n._("Wrote {output} ({what})") if what else i18n._("Wrote {output}")
        typer.echo(said.format(output=output, what=what), err=True)
        return
    if fmt is not None and Format(fmt).binary and is_terminal():
        raise InputError(
            N_("{flag} {format} is a binary file format: give {output} FILE (or redirect stdout)"),
            code="format-binary",
            flag="--format",
            format=fmt.value,
            output="-o",
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def check_choice(flag: str, value: str, choices: tuple[str, ...]) -> None:
    """An option whose value must be one of ``choices``: an error naming it otherwise."""
    if value not in choices:
        raise InputError(
            N_("{flag} must be {choices}, not {value}"),
            code="choice",
            flag=flag,
            choices=", ".join(choices),
            value=repr(value),
        )


def emit_sheet(sheet: Sheet, fmt: Format, output: Path | None) -> None:
    """Render a sheet in ``fmt`` and print or write it."""
    from policygraph.render import render_sheet

    emit(render_sheet(sheet, fmt), fmt, output, i18n._("{n} rows").format(n=len(sheet.rows)))


def echo_rich(*renderables: object) -> None:
    """Print rich renderables (trees, tables, marked-up lines) as the terminal shows them."""
    from policygraph.render.table import rich_text

    sys.stdout.write(rich_text(*renderables))


# --- the options that say where the graph is, as one bundle ----------------------------------


@dataclass(frozen=True)
class GraphSource:
    """Where a command reads the graph: the corpus (--home) in process, or a SPARQL server."""

    home: Path | None
    endpoint: str | None
    timeout: float
    max_bytes: int = MAX_BYTES
    server: str | None = None  # a profile's name (--server); None: recognised

    def profile(self) -> Profile | None:
        """The server's profile as named; an error naming the known ones for another name."""
        return named(self.server) if self.server else None

    def store(self, holds_documents: bool = True) -> Store:
        """The store; a server whose graph holds no document is an error (an empty table would
        look like an answer) unless ``holds_documents`` is False (``query`` reads any graph)."""
        from policygraph.store import open_store
        from policygraph.store.remote import RemoteStore, check_holds_documents

        profile = self.profile()
        store = open_store(self.home, self.endpoint, self.timeout, self.max_bytes, profile)
        if holds_documents and isinstance(store, RemoteStore):
            check_holds_documents(store)
        return store


_SHARED = [
    inspect.Parameter(
        "endpoint", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=EndpointOption
    ),
    inspect.Parameter(
        "timeout",
        inspect.Parameter.KEYWORD_ONLY,
        default=DEFAULT_TIMEOUT,
        annotation=TimeoutOption,
    ),
    inspect.Parameter(
        "server", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ServerOption
    ),
    inspect.Parameter("home", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=HomeOption),
    inspect.Parameter(
        "max_bytes", inspect.Parameter.KEYWORD_ONLY, default=MAX_BYTES, annotation=MaxBytesOption
    ),
]


def reads_graph(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command --endpoint, --server, --timeout, --home and --max-bytes, the same everywhere; it
    receives them as one ``source: GraphSource`` argument."""
    hints = typing.get_type_hints(command, include_extras=True)
    own = [
        p.replace(annotation=hints[p.name], kind=inspect.Parameter.KEYWORD_ONLY)
        for p in inspect.signature(command).parameters.values()
        if p.name != "source"
    ]

    def run(**kwargs: Any) -> None:
        source = GraphSource(
            kwargs.pop("home"),
            kwargs.pop("endpoint"),
            kwargs.pop("timeout"),
            kwargs.pop("max_bytes"),
            kwargs.pop("server"),
        )
        command(**kwargs, source=source)

    parameters = own + _SHARED
    run.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__name__, run.__doc__, run.__module__ = (
        command.__name__,
        command.__doc__,
        command.__module__,
    )
    return run
