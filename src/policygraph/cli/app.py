"""The command line: parse, make one library call, render, exit.

This module registers the commands of every group and is the one error boundary: the tool's own
errors (:class:`policygraph.errors.PolicyGraphError`) and usage errors become one ``Error:`` line
on stderr and exit code 2 (1 where checks failed). Exit codes: 0 ok · 1 checks failed · 2 usage or
input error. Command modules never import this one.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from policygraph import __version__
from policygraph.cli import build, chains, checks, ingest, progress, sparql, tables
from policygraph.errors import PolicyGraphError

# Click's UsageError, whether typer vendors click (≥ 0.29) or depends on it.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]


class Boundary(TyperGroup):
    """Every command runs inside this: policygraph's errors and usage errors → one line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except UsageError as exc:
            typer.echo(f"Error: {exc.format_message()}", err=True)  # type: ignore[attr-defined]
            raise typer.Exit(2) from None
        except OSError as exc:  # what no layer below turned into an error of ours
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
        except MemoryError:
            typer.echo(
                f"Error: out of memory in policygraph {ctx.invoked_subcommand or ''}: ask for "
                "fewer rows (LIMIT, a parameter) or run it against a SPARQL server "
                "(--endpoint); nothing was written",
                err=True,
            )
            raise typer.Exit(2) from None


app = typer.Typer(
    name="policygraph",
    cls=Boundary,
    help="A knowledge graph of Chinese policy provisions: build it, check it, query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"policygraph {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """A knowledge graph of Chinese policy provisions: build it, check it, query it."""


for group in (build, checks, tables, chains, sparql, ingest):
    for name, command in group.COMMANDS.items():
        app.command(name)(command)
app.add_typer(progress.app, name="progress")


def main() -> None:  # the console script
    import signal

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM undoes a write as Ctrl-C does (corpus.transaction)

    signal.signal(signal.SIGTERM, interrupted)
    sys.exit(app())
