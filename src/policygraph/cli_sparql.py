"""Queries and SPARQL servers: `query`, `queries`, `load`, `serve`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policygraph.cli import EndpointOption, HomeOption, TimeoutOption, app, console, fail, guarded


@app.command()
def query(
    name: Annotated[
        str, typer.Argument(help="A query of queries/ by name, an .rq file, or - for stdin.")
    ],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help='name=value: <IRI>, "text"@zh, "text", 42, 1.5 or text.'
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, tsv or json (SPARQL 1.1 JSON).")
    ] = "table",
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = 30.0,
    home: HomeOption = None,
) -> None:
    """Run a SPARQL query, embedded or on a SPARQL server, with safely bound parameters.

    Example:
        policygraph query tasks-by-measure -p doc=<https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81>
        policygraph query find-department -p name=科技厅 --format json
        echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | policygraph query -
        policygraph query coverage-gaps --endpoint http://localhost:7878/query
    """
    from policygraph import query as lib
    from policygraph import results
    from policygraph.paths import resolve_home
    from policygraph.store import open_store

    if fmt not in results.FORMATS:
        fail(f"--format must be one of {', '.join(results.FORMATS)}, not {fmt!r}")
    h = guarded(lambda: resolve_home(home))
    text = sys.stdin.read() if name == "-" else guarded(lambda: lib.load(h, name)).text
    bindings = dict(guarded(lambda: [results.parse_param(p) for p in param or []]))
    store = guarded(lambda: open_store(h, endpoint, timeout))
    rows = guarded(lambda: store.select(text, bindings))
    if fmt == "table":
        from rich.table import Table

        table = Table(show_lines=False)
        for var in rows.vars:
            table.add_column(var, overflow="fold")
        for row in rows.rows:
            table.add_row(*("" if t is None else str(t) for t in row))
        out = console()
        out.print(table)
        out.print(f"{len(rows)} row(s) from {store.location}")
    else:
        sys.stdout.write(results.render(rows, fmt))


@app.command()
def queries(home: HomeOption = None) -> None:
    """List the query library: each query's name, title, description and parameters.

    Example:
        policygraph queries
    """
    from policygraph import query as lib
    from policygraph.paths import resolve_home

    h = guarded(lambda: resolve_home(home))
    out = console()
    for q in lib.list_queries(h):
        out.print(f"[bold]{q.name}[/bold] — {q.title}")
        out.print(f"    {q.description}")
        for p in q.params:
            out.print(f"    --param {p.name}=… ({p.kind}) {p.description}")


@app.command()
def load(
    endpoint: EndpointOption = None,
    graph: Annotated[
        str, typer.Option("--graph", help="The named graph to replace.")
    ] = "https://w3id.org/policygraph/graph",
    update_endpoint: Annotated[
        str | None,
        typer.Option("--update-endpoint", help="SPARQL Update endpoint (default: …/update)."),
    ] = None,
    store_endpoint: Annotated[
        str | None,
        typer.Option("--store-endpoint", help="Graph Store Protocol endpoint (default: …/store)."),
    ] = None,
    timeout: TimeoutOption = 120.0,
    home: HomeOption = None,
) -> None:
    """Push the built graph into a named graph on a SPARQL server, replacing it atomically.

    The graph goes into a fresh staging graph first and is then moved onto the target in one
    update; the triple count is checked afterwards.

    Example:
        policygraph load --endpoint http://localhost:7878/query
    """
    from policygraph import remote
    from policygraph.paths import resolve_home

    if not endpoint:
        fail("give --endpoint URL (or set POLICYGRAPH_ENDPOINT)")
    h = guarded(lambda: resolve_home(home))
    count = guarded(
        lambda: remote.load(
            h.graph_files(), endpoint, graph, update_endpoint, store_endpoint, timeout
        )
    )
    typer.echo(f"Loaded {count} triples into <{graph}> on {endpoint}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 7878,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    location: Annotated[
        Path | None,
        typer.Option(
            "--location", help="Directory for the server's store (default: a temporary one)."
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Serve the built graph read-only on a local SPARQL endpoint (Oxigraph), with a query page.

    Example:
        policygraph serve --port 7878
    """
    import tempfile

    from policygraph import remote
    from policygraph.paths import resolve_home

    h = guarded(lambda: resolve_home(home))
    with tempfile.TemporaryDirectory(prefix="policygraph-serve-") as tmp:
        where = location or Path(tmp)
        count = guarded(lambda: remote.prepare_location(h.graph_files(), where))
        command = guarded(lambda: remote.serve_command(where, host, port))
        typer.echo(
            f"Serving {count} triples read-only at http://{host}:{port}/ (SPARQL: http://{host}:{port}/query)"
        )
        typer.echo("Press Ctrl-C to stop.")
        raise typer.Exit(remote.run_server(command))
