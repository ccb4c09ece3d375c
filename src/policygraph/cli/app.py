"""The command line: parse, make one library call, render, exit.

This module registers the commands of every group and is the one error boundary: the tool's own
errors (:class:`policygraph.errors.PolicyGraphError`) and usage errors become one ``Error:`` line
on stderr and exit code 2 (1 where checks failed). Exit codes: 0 ok · 1 checks failed · 2 usage or
input error. Command modules never import this one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from policygraph import __version__, i18n
from policygraph.cli import build, chains, checks, ingest, progress, sparql, speech, tables
from policygraph.cli.speech import with_hint
from policygraph.errors import PolicyGraphError
from policygraph.i18n import _

# Click's UsageError, whether typer vendors click (≥ 0.29) or depends on it, and the one usage
# error that is not an error (no arguments: the help is shown).
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
NoArgsIsHelp: Any = getattr(sys.modules[UsageError.__module__], "NoArgsIsHelpError", ())


def fail(message: str) -> None:
    """One ``Error:`` line on stderr, in the user's language."""
    typer.echo(_("Error: {message}").format(message=message), err=True)


class Boundary(TyperGroup):
    """Every command runs inside this: policygraph's errors and usage errors → one line, in the
    language chosen before anything is parsed (:func:`speak`)."""

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        given = list(sys.argv[1:] if args is None else args)
        try:
            given = speech.speak(given)
        except PolicyGraphError as exc:
            with contextlib.suppress(PolicyGraphError):  # said in the environment's language
                i18n.use(i18n.resolve(None))
            fail(exc.text(_))
            if options.get("standalone_mode", True):
                sys.exit(2)
            raise typer.Exit(2) from None
        speech.translate_help(self)  # said in the language spoken, the registries' lists filled
        return super().main(given, *rest, **options)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """The root's own options parsed: a usage error here is one ``Error:`` line in the
        language spoken, as it is under a command (:meth:`invoke`)."""
        try:
            return super().make_context(*args, **kwargs)
        except NoArgsIsHelp:
            raise
        except UsageError as exc:
            fail(speech.click_text(exc.format_message()))  # type: ignore[attr-defined]
            raise typer.Exit(2) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as exc:
            fail(with_hint(exc))
            raise typer.Exit(exc.exit_code) from None
        except UsageError as exc:
            fail(speech.click_text(exc.format_message()))  # type: ignore[attr-defined]
            raise typer.Exit(2) from None
        except OSError as exc:  # what no layer below turned into an error of ours
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{_(exc.strerror) if exc.strerror else exc}")  # the system's reason
            raise typer.Exit(2) from None
        except MemoryError:
            fail(
                _(
                    "out of memory in policygraph {command}: ask for fewer rows (LIMIT, a "
                    "parameter) or run it against a SPARQL server (--endpoint); nothing was "
                    "written"
                ).format(command=ctx.invoked_subcommand or "")
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
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="zh|en",
            help="The language of help, messages and reports (else POLICYGRAPH_LANG, else the "
            "locale: LANG=zh_CN.UTF-8 is Chinese). Machine formats do not change.",
        ),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Corpus home for every command (as POLICYGRAPH_HOME; a command's own --home "
            "comes first).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A knowledge graph of Chinese policy provisions: build it, check it, query it."""
    if home is not None:  # every command reads it as it reads POLICYGRAPH_HOME
        before = os.environ.get(ENV_HOME)
        os.environ[ENV_HOME] = str(home)
        ctx.call_on_close(lambda: _restore(ENV_HOME, before))


ENV_HOME = "POLICYGRAPH_HOME"


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


for group in (build, checks, tables, chains, sparql, ingest):
    for name, command in group.COMMANDS.items():
        app.command(name)(command)
app.add_typer(progress.app, name="progress")


# The cyclic garbage collector's thresholds for a command: a young collection every 10,000
# allocations, not 700. A command makes few cycles and holds hundreds of thousands of rows and
# terms, which every collection walked again: at 10,000 documents, 0.7 s of one more document's
# 4.9 s, the same memory (benchmarks/README.md). Cycles are still collected, in a batch too.
GC_THRESHOLDS = (10_000, 10, 10)

# When the command is done, the objects it made are frozen (``gc.freeze``): Python's last
# collection at exit then skips them, and the process's memory goes back whole. That
# collection walked every row and term the command held: 0.13-0.15 s of one more document's
# ingest, at any corpus size (benchmarks/README.md). What the command writes it closes itself;
# objects left in cycles are not finalized, which Python does not promise at exit either.


def main() -> None:  # the console script
    import gc
    import signal

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM undoes a write as Ctrl-C does (corpus.transaction)

    signal.signal(signal.SIGTERM, interrupted)
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        sys.exit(app())
    finally:
        gc.freeze()
