"""Task-division tables and the department view: `tasks`, `depts`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from policygraph.cli import (
    EndpointOption,
    FormatOption,
    HomeOption,
    OutOption,
    TimeoutOption,
    app,
    console,
    emit,
    fail,
    guarded,
)


@app.command()
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
    names: Annotated[
        str, typer.Option("--names", help="source (as the document writes them) or official.")
    ] = "source",
    fmt: FormatOption = "table",
    output: OutOption = None,
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = 30.0,
    home: HomeOption = None,
) -> None:
    """The task-division table (任务分工表) of a document: 序号 · 任务 · 牵头单位 · 配合单位.

    With --by department, what each department leads and co-leads; with --dept NAME, one
    department (any of its names), including what it must do as a member of a collective
    such as 设区市人民政府.

    Example:
        policygraph tasks
        policygraph tasks --doc 桂政办发〔2021〕81号 --format xlsx -o 任务分工表.xlsx
        policygraph tasks --by department --format csv
        policygraph tasks --dept 柳州市人民政府 --format md
    """
    from policygraph import tasks as lib
    from policygraph.paths import resolve_home
    from policygraph.store import open_store

    if by not in ("measure", "department"):
        fail(f"--by must be measure or department, not {by!r}")
    h = guarded(lambda: resolve_home(home))
    store = guarded(lambda: open_store(h, endpoint, timeout))
    document = guarded(lambda: lib.find_document(h, store, doc))
    if dept is not None:
        iri = guarded(lambda: lib.find_department(h, store, dept))
        found = guarded(lambda: lib.department_tasks(h, store, iri, None if all_docs else document))
        emit(lib.assignment_sheet(found), fmt, output)
        return
    table = guarded(lambda: lib.task_table(h, store, document, names))
    sheet = lib.measure_sheet(table, full) if by == "measure" else lib.department_sheet(table)
    emit(sheet, fmt, output)


@app.command()
def depts(
    network: Annotated[
        bool, typer.Option("--network", help="Build the collaboration network and report on it.")
    ] = False,
    graphml: Annotated[
        Path | None, typer.Option("--graphml", help="Write the network as GraphML (for Gephi).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many rows in each ranking.")] = 10,
    fmt: FormatOption = "table",
    output: OutOption = None,
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = 30.0,
    home: HomeOption = None,
) -> None:
    """Departments: names, level, kind and lead/co-lead counts across all documents.

    With --network, the collaboration network: departments linked where they share a measure,
    weighted by how many, with degree and betweenness centrality, components and top pairs.

    Example:
        policygraph depts
        policygraph depts --network --graphml departments.graphml
    """
    from policygraph import network as lib
    from policygraph.export import Column, Sheet
    from policygraph.paths import resolve_home
    from policygraph.store import open_store

    h = guarded(lambda: resolve_home(home))
    store = guarded(lambda: open_store(h, endpoint, timeout))
    if not (network or graphml):
        rows = guarded(lambda: lib.departments(h, store))
        cols = ["official", "names", "level", "kind", "parent", "leads", "co_leads", "responsible"]
        headers = ["单位", "其他名称", "层级", "类别", "上级", "牵头", "配合", "负责"]
        sheet = Sheet(
            "Departments",
            [Column(k, hd, wide=k == "names") for k, hd in zip(cols, headers, strict=True)],
            [[str(r[k]) if r[k] is not None else "" for k in cols] for r in rows],
        )
        emit(sheet, fmt, output)
        return
    g = guarded(lambda: lib.collaboration_network(h, store))
    report = lib.analyse(g, top)
    out = console()
    out.print(
        f"{g.number_of_nodes()} departments, {g.number_of_edges() // 2} collaborating pairs, "
        f"{len(report.components)} connected component(s)"
    )
    for i, comp in enumerate(report.components, start=1):
        shown = "、".join(comp[:8]) + ("…" if len(comp) > 8 else "")
        out.print(f"  component {i}: {len(comp)} departments: {shown}")
    _ranking(out, "Degree centrality", report.degree, "{:.3f}")
    _ranking(out, "Shared measures (weighted degree)", report.strength, "{}")
    _ranking(out, "Betweenness centrality", report.betweenness, "{:.3f}")
    from rich.table import Table

    pairs = Table(title="Most frequent pairs", title_justify="left")
    for col in ("department A", "department B", "shared measures", "A leads B", "B leads A"):
        pairs.add_column(col)
    for p in report.pairs:
        pairs.add_row(p.a, p.b, str(p.weight), str(p.a_leads_b), str(p.b_leads_a))
    out.print(pairs)
    if graphml is not None:
        guarded(lambda: lib.write_graphml(g, graphml))
        typer.echo(f"Wrote {graphml}", err=True)


def _ranking(out: Any, title: str, items: list[tuple[str, Any]], fmt: str) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("department")
    table.add_column("value", justify="right")
    for name, value in items:
        table.add_row(name, fmt.format(value))
    out.print(table)
