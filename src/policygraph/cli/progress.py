"""The supervision loop (督查督办): `progress` (what is done, late, unanswered) and
`progress import` (returned forms read back). The forms go out with `tasks --return-form`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from policygraph import i18n
from policygraph.cli.options import (
    FormatOption,
    GraphSource,
    HomeOption,
    OutOption,
    check_choice,
    emit_sheet,
    reads_graph,
)
from policygraph.cli.speech import with_hint
from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.render.formats import TABULAR_GROUP, Format, choose, group

app = typer.Typer(name="progress", no_args_is_help=False, rich_markup_mode=None)


def _day(value: str | None, option: str) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            N_("{flag} takes a date such as 2024-07-01, not {value}"),
            code="day",
            flag=option,
            value=repr(value),
        ) from None


def _said_problems(problems: list[Any], accept_valid_rows: bool) -> None:
    """Each problem of the returned forms on stderr; an error unless the valid rows are taken."""
    for p in problems:
        typer.echo(f"  {p.said(with_hint(p.what))}", err=True)
    if problems and not accept_valid_rows:
        raise InputError(
            N_(
                "{count} problem(s) in the returned forms (listed above); nothing was stored "
                "({flag} stores the rows without problems)"
            ),
            code="form-problems",
            count=len(problems),
            flag="--accept-valid-rows",
        )


@reads_graph
def progress(
    ctx: typer.Context,
    doc: Annotated[
        str, typer.Option("--doc", "-d", help="Document: short name, 文号 or IRI.")
    ] = "gx",
    dept: Annotated[
        str | None, typer.Option("--dept", help="One department, by any of its names.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day to judge on (default: today).")
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="task (one row per task and department) or department.")
    ] = "task",
    fmt: FormatOption = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """Per task and department of a document: the latest 完成状态 reported by --as-of, and
    whether it is overdue (a due date passed and not 已完成; a recurring deadline such as 每季度
    checked for its last period ended; ongoing work never); tasks no one reported on are
    未报送. With --by department: each department's counts, and who has not answered.

    \b
    Example:
        policygraph progress --doc gx --as-of 2024-07-01
        policygraph progress --doc gx --by department -o 反馈情况.xlsx
        policygraph progress import 科技厅.xlsx 财政厅.docx --received 2024-07-01
    """
    if ctx.invoked_subcommand is not None:
        return
    from policygraph.render import sheets
    from policygraph.views import progress as lib
    from policygraph.views import tasks

    check_choice("--by", by, ("task", "department"))
    day = _day(as_of, "--as-of")
    fmt_ = choose(fmt, output, group(TABULAR_GROUP), Format.table)
    store = source.store()
    document = tasks.find_document(store, doc)
    department = tasks.find_department(store, dept) if dept else None
    rows = lib.progress(store, document, day, department, lib.issued_on(store, document))
    if by == "task":
        emit_sheet(sheets.progress_sheet(document, rows, day.isoformat()), fmt_, output)
    else:
        found = lib.by_department(rows)
        emit_sheet(sheets.progress_department_sheet(document, found, day.isoformat()), fmt_, output)


# the group's own command, with the options that say where the graph is (as every command has)
app.callback(invoke_without_command=True)(progress)


@app.command("import")
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="Returned forms ({form_files}).", metavar="FILE…")
    ],
    received: Annotated[
        str | None,
        typer.Option("--received", help="The day the office received them (default: today)."),
    ] = None,
    accept_valid_rows: Annotated[
        bool,
        typer.Option(
            "--accept-valid-rows",
            help="Store the rows without problems even when others have some (exit 1).",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Read returned forms back: each filled-in row becomes a dated report (who, when, the file
    with its SHA-256, the cells), never overwriting an earlier one.

    Every problem is reported by file, sheet, cell and value: an unknown or repeated row, an
    edited task, a 完成状态 outside the list, a date that is not a date, a row of another
    department, a form for a document or department that does not exist. Nothing is stored
    while any problem remains, unless --accept-valid-rows. A file imported before is skipped.

    \b
    Example:
        policygraph progress import 科技厅.xlsx 财政厅.docx --received 2024-07-01
    """
    from policygraph.corpus import Corpus
    from policygraph.ingest import returns
    from policygraph.store import open_store

    day = _day(received, "--received")
    corpus = Corpus.locate(home)
    corpus.require_writable("progress import")
    readings, skipped = returns.read_new(corpus, open_store(corpus), files)
    for path in skipped:
        typer.echo(
            i18n._("{path}: imported before (the same bytes): skipped").format(path=path),
            err=True,
        )
    problems = [p for r in readings for p in r.problems]
    _said_problems(problems, accept_valid_rows)
    keep = [(r, returns.files(corpus, r, day)) for r in readings if r.reports]
    stored = returns.store_readings(corpus, keep)
    for r, _ in keep:
        if r not in stored:  # another import stored the same bytes meanwhile
            said = i18n._("{path}: imported before (the same bytes): skipped")
            typer.echo(said.format(path=r.path), err=True)
    reports = sum(len(r.reports) for r in stored)
    said = i18n._("Stored {reports} report(s) from {files} file(s), received {day}")
    typer.echo(said.format(reports=reports, files=len(stored), day=day.isoformat()))
    if problems:
        raise typer.Exit(1)
