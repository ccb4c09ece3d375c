"""Task-division tables and the department view: `tasks`, `depts`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from policygraph import i18n
from policygraph.cli.options import (
    FormatOption,
    GraphSource,
    OutOption,
    check_choice,
    echo_rich,
    emit,
    emit_sheet,
    reads_graph,
)
from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.render.formats import TABULAR_GROUP, Format, choose, group

ReturnFormOption = Annotated[
    bool,
    typer.Option(
        "--return-form",
        help="Write the return form (反馈表) instead: a sheet per department (or --dept), to "
        "fill in and read back with progress import (xlsx or docx).",
    ),
]


@reads_graph
def tasks(
    doc: Annotated[
        str, typer.Option("--doc", "-d", help="Document: short name, 文号 or IRI.")
    ] = "gx",
    by: Annotated[str, typer.Option("--by", help="measure or department.")] = "measure",
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept", help="One department, by any of its names (implies --by department)."
        ),
    ] = None,
    all_docs: Annotated[
        bool, typer.Option("--all-docs", help="With --dept: every document, not only --doc.")
    ] = False,
    full: Annotated[bool, typer.Option("--full", help="Add each measure's full text.")] = False,
    return_form: ReturnFormOption = False,
    names: Annotated[
        str, typer.Option("--names", help="source (as the document writes them) or official.")
    ] = "source",
    fmt: FormatOption = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """The task-division table (任务分工表): 序号 · 条目 · 任务 · 牵头单位 · 配合单位 · 完成时限.

    With --by department, what each department leads and co-leads; with --dept NAME, one
    department (any of its names), including what it must do as a member of a collective
    such as 设区市人民政府.

    \b
    Example:
        policygraph tasks
        policygraph tasks --doc 桂政办发〔2021〕81号 -o 任务分工表.xlsx
        policygraph tasks --by department --format csv
        policygraph tasks --dept 柳州市人民政府 --format md
    """
    from policygraph.render import sheets
    from policygraph.views import tasks as lib

    check_choice("--by", by, ("measure", "department"))
    if return_form:
        _return_form(source, doc, dept, fmt, output)
        return
    fmt_ = choose(fmt, output, group(TABULAR_GROUP), Format.table)
    store = source.store()
    document = lib.find_document(store, doc)
    if dept is not None:
        iri = lib.find_department(store, dept)
        found = lib.department_tasks(store, iri, None if all_docs else document)
        emit_sheet(sheets.assignment_sheet(found), fmt_, output)
        return
    table = lib.task_table(store, document, names)
    if by == "measure":
        emit_sheet(sheets.measure_sheet(table, full), fmt_, output)
    else:
        emit_sheet(sheets.department_sheet(table), fmt_, output)


def _return_form(
    source: GraphSource, doc: str, dept: str | None, fmt: str | None, output: Path | None
) -> None:
    import datetime as dt

    from policygraph import __version__
    from policygraph.render.forms import form_bytes
    from policygraph.views import progress
    from policygraph.views import tasks as lib

    fmt_ = choose(fmt, output, (Format.xlsx, Format.docx), Format.xlsx)
    suffix = output.suffix.lower() if output is not None and str(output) != "-" else ""
    if suffix and suffix != f".{fmt_.value}":  # form.csv: never xlsx bytes under a .csv name
        raise InputError(
            N_("{path}: a return form is written as {format}, not under a {suffix} name"),
            code="return-form-suffix",
            path=output,
            format=f".{fmt_.value}",
            suffix=suffix,
        )
    store = source.store()
    document = lib.find_document(store, doc)
    department = lib.find_department(store, dept) if dept else None
    forms = progress.forms(store, document, department)
    generated = dt.datetime.now().replace(microsecond=0).isoformat()
    rows = sum(len(f.rows) for f in forms)
    data = form_bytes(forms, fmt_.value, generated, __version__)
    what = i18n._("{forms} department(s), {rows} rows").format(forms=len(forms), rows=rows)
    emit(data, fmt_, output, what)


@reads_graph
def depts(
    network: Annotated[
        bool, typer.Option("--network", help="Build the collaboration network and report on it.")
    ] = False,
    graphml: Annotated[
        Path | None, typer.Option("--graphml", help="Write the network as GraphML (for Gephi).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many rows in each ranking.")] = 10,
    fmt: FormatOption = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """Departments: names, level, kind and lead/co-lead counts across all documents.

    With --network, the collaboration network: departments linked where they share a measure,
    weighted by how many, with degree and betweenness centrality, components and top pairs.

    \b
    Example:
        policygraph depts
        policygraph depts -o departments.docx
        policygraph depts --network --graphml departments.graphml
    """
    from policygraph.render.graph import graphml as to_graphml
    from policygraph.render.sheets import departments_sheet
    from policygraph.views import network as lib

    fmt_ = choose(fmt, output, group(TABULAR_GROUP), Format.table)
    store = source.store()
    if not (network or graphml):
        emit_sheet(departments_sheet(lib.departments(store)), fmt_, output)
        return
    g = lib.collaboration_network(store)
    _network_report(g, lib.analyse(g, top))
    if graphml is not None:
        emit(to_graphml(g), None, graphml)


def _network_report(g: Any, report: Any) -> None:
    from rich.table import Table

    said = i18n._(
        "{departments} departments, {pairs} collaborating pairs, {components} connected "
        "component(s)"
    )
    lines = [
        said.format(
            departments=g.number_of_nodes(),
            pairs=g.number_of_edges() // 2,
            components=len(report.components),
        )
    ]
    component = i18n._("component {n}: {count} departments: {names}")
    for i, comp in enumerate(report.components, start=1):
        shown = "、".join(comp[:8]) + ("…" if len(comp) > 8 else "")
        lines.append("  " + component.format(n=i, count=len(comp), names=shown))
    rankings = [
        _ranking(i18n._("Degree centrality"), report.degree, "{:.3f}"),
        _ranking(i18n._("Shared measures (weighted degree)"), report.strength, "{}"),
        _ranking(i18n._("Betweenness centrality"), report.betweenness, "{:.3f}"),
    ]
    pairs = Table(title=i18n._("Most frequent pairs"), title_justify="left")
    for col in (
        N_("department A"),
        N_("department B"),
        N_("shared measures"),
        N_("A leads B"),
        N_("B leads A"),
    ):
        pairs.add_column(i18n._(col))
    for p in report.pairs:
        pairs.add_row(p.a, p.b, str(p.weight), str(p.a_leads_b), str(p.b_leads_a))
    echo_rich(*lines, *rankings, pairs)


def _ranking(title: str, items: list[tuple[str, Any]], fmt: str) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(i18n._("department"))
    table.add_column(i18n._("value"), justify="right")
    for name, value in items:
        table.add_row(name, fmt.format(value))
    return table


COMMANDS = {"tasks": tasks, "depts": depts}
