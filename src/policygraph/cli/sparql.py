"""Queries and SPARQL servers: `query`, `queries`, `load`, `serve`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from policygraph import i18n
from policygraph.cli.options import (
    EndpointOption,
    FormatOption,
    GraphSource,
    HomeOption,
    OutOption,
    ServerOption,
    TimeoutOption,
    emit,
    emit_sheet,
    format_flag,
    reads_graph,
)
from policygraph.errors import InputError, QueryError
from policygraph.i18n import N_
from policygraph.render.formats import (
    GRAPH_GROUP,
    RESULTS_GROUP,
    TABULAR_GROUP,
    Format,
    choose,
    group,
)
from policygraph.store.defaults import LOAD_TIMEOUT

if TYPE_CHECKING:
    from rdflib import URIRef

    from policygraph.store.results import Answer

EMBEDDED = i18n.N_("embedded")  # the store in this process: said in the language spoken


@reads_graph
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
        str | None,
        format_flag(
            "Rows of a SELECT: {row_formats}, sparql-json or sparql-tsv (SPARQL 1.1 results). "
            "CONSTRUCT and DESCRIBE: ttl (the default), nt, nq, trig or jsonld. ASK prints true or "
            "false."
        ),
    ] = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """Run a SPARQL query, embedded or on a SPARQL server, with safely bound parameters.

    \b
    Example:
        policygraph query tasks-by-measure -p doc=https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81
        policygraph query find-department -p name=科技厅 --format json
        echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | policygraph query -
        policygraph query coverage-gaps --endpoint http://localhost:7878/query -o gaps.xlsx
    """
    from policygraph.corpus import Corpus
    from policygraph.store.sparql import check_params, parse_header, with_prefixes
    from policygraph.store.sparql import load as load_query
    from policygraph.views.chain import find_measures

    allowed = (*group(TABULAR_GROUP), *group(RESULTS_GROUP), *group(GRAPH_GROUP))
    fmt_ = choose(fmt, output, allowed, Format.table)
    if name == "-":
        q = parse_header("-", Path("-"), sys.stdin.read())
    else:
        q = load_query(Corpus.locate(source.home).queries, name)
    store = source.store(holds_documents=False)

    def resolve(ref: str) -> URIRef | None:
        try:
            found = find_measures(store, ref)
        except InputError:
            return None
        return found[0] if len(found) == 1 else None

    bindings = check_params(q, param or [], resolve)
    text = with_prefixes(q.text)
    _emit_answer(store.query(text, bindings), fmt, fmt_, output, store.location)


def _emit_answer(
    answer: Answer, given: str | None, fmt: Format, output: Path | None, location: str
) -> None:
    """Rows in a tabular or SPARQL results format, a graph in a graph format, ASK as a word."""
    from policygraph.render import results
    from policygraph.render.graph import serialize
    from policygraph.store.results import Rows

    if isinstance(answer, bool):
        emit(results.boolean(answer), Format.text, output)
    elif isinstance(answer, Rows):
        if fmt in group(GRAPH_GROUP):
            raise QueryError(
                N_(
                    "a SELECT gives rows, not a graph: {flag} {format} is for CONSTRUCT and DESCRIBE"
                ),
                code="select-graph-format",
                flag="--format",
                format=fmt.value,
            )
        if fmt == Format.sparql_json:
            emit(results.sparql_json(answer), fmt, output)
        elif fmt == Format.sparql_tsv:
            emit(results.sparql_tsv(answer), fmt, output)
        else:
            where = i18n._(EMBEDDED) if location == "embedded" else location  # else a URL
            said = i18n._("{n} row(s) from {location}").format(n=len(answer), location=where)
            emit_sheet(results.sheet(answer, said), fmt, output)
    else:
        graph_fmt = Format.ttl if given is None and fmt == Format.table else fmt
        if graph_fmt not in group(GRAPH_GROUP):
            raise QueryError(
                N_("a CONSTRUCT or DESCRIBE gives a graph: {flag} one of {formats}, not {format}"),
                code="graph-format",
                flag="--format",
                formats=", ".join(f.value for f in group(GRAPH_GROUP)),
                format=graph_fmt.value,
            )
        what = i18n._("{n} triples").format(n=len(answer))
        emit(serialize(answer, graph_fmt), graph_fmt, output, what)


def queries(fmt: FormatOption = None, output: OutOption = None, home: HomeOption = None) -> None:
    """List the query catalogue (queries/): each query's name, title, description, parameters
    and an example.

    \b
    Example:
        policygraph queries
        policygraph queries --format md
    """
    from policygraph.corpus import Corpus
    from policygraph.render.sheets import queries_sheet
    from policygraph.store.sparql import list_queries

    fmt_ = choose(fmt, output, group(TABULAR_GROUP), Format.table)
    found = list_queries(Corpus.locate(home).queries)
    if fmt_ not in (Format.csv, Format.tsv, Format.json):  # machine formats: one language
        found = [q.said(i18n.current()) for q in found]
    emit_sheet(queries_sheet(found), fmt_, output)


UpdateEndpointOption = Annotated[
    str | None,
    typer.Option(
        "--update-endpoint",
        help="SPARQL Update endpoint (default: the server's own beside --endpoint: …/update on "
        "Oxigraph, …/sparql-auth on Virtuoso).",
    ),
]
StoreEndpointOption = Annotated[
    str | None,
    typer.Option(
        "--store-endpoint",
        help="Graph Store Protocol endpoint (default: the server's own beside --endpoint: …/store "
        "on Oxigraph, …/sparql-graph-crud-auth on Virtuoso).",
    ),
]


def load(
    endpoint: EndpointOption = None,
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph",
            help="The named graph to replace (default: https://w3id.org/policygraph/graph).",
        ),
    ] = None,
    default_graph: Annotated[
        bool,
        typer.Option(
            "--default-graph",
            help="Replace the server's default graph instead (and whatever it holds), for "
            "servers whose queries without FROM see only that graph (Oxigraph, Fuseki).",
        ),
    ] = False,
    update_endpoint: UpdateEndpointOption = None,
    store_endpoint: StoreEndpointOption = None,
    server: ServerOption = None,
    timeout: TimeoutOption = LOAD_TIMEOUT,
    home: HomeOption = None,
) -> None:
    """Push the built graph into a named graph on a SPARQL server, replacing it.

    A reload sends only the difference from the server's copy; a first load into an empty graph
    on Oxigraph is one atomic request; otherwise a staging graph is moved onto the target. A
    large dataset (more than the server's profile takes whole: 256 MB of Turtle on Oxigraph,
    16 MB on Virtuoso, 64 MB on others) is read file by file and sent in parts into the staging
    graph, with a progress bar on a terminal; the client's memory stays flat, and a load
    stopped before its end leaves the target as it was. The count is checked. Where the server is not
    known to apply an update at once (Virtuoso commits large ones in parts), a warning says
    readers may have seen part of the graph.

    \b
    Example:
        policygraph load --endpoint http://localhost:7878/query
        policygraph load --endpoint http://localhost:7878/query --default-graph
    """
    from policygraph.corpus import Corpus
    from policygraph.store import remote
    from policygraph.store.profiles import named

    profile = named(server) if server else None
    endpoint = _load_target(endpoint, graph, default_graph)
    target = None if default_graph else (graph or remote.DEFAULT_GRAPH)
    with _load_progress() as progress:
        loaded = remote.load(
            Corpus.locate(home),
            endpoint,
            graph=target,
            update_endpoint=update_endpoint,
            store_endpoint=store_endpoint,
            timeout=timeout,
            server=profile,
            progress=progress,
        )
    _said(loaded, remote.graph_label(target), endpoint)


@contextmanager
def _load_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A bar on stderr, where it is a terminal, of the Turtle read and sent by a load in parts
    (bytes, rate, time left); gone once the load ends."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(i18n._("sent"), total=None)

        def said(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield said


def _load_target(endpoint: str | None, graph: str | None, default_graph: bool) -> str:
    """The endpoint `load` writes to; an error where the options do not say one graph."""
    if not endpoint:
        raise InputError(
            N_("give {flag} URL (or set POLICYGRAPH_ENDPOINT)"), code="endpoint", flag="--endpoint"
        )
    if default_graph and graph:
        raise InputError(
            N_("give {flag} or {other}, not both"),
            code="graph-or-default",
            flag="--graph",
            other="--default-graph",
        )
    return endpoint


def _said(loaded: Any, graph: str, endpoint: str) -> None:
    """What `load` did, and what readers may have seen."""
    done = i18n._("Loaded {count} triples into {graph} on {endpoint}")
    typer.echo(done.format(count=loaded.count, graph=graph, endpoint=endpoint))
    if loaded.warning:
        typer.echo(i18n._("Warning: {message}").format(message=loaded.warning), err=True)


def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 7878,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    location: Annotated[
        Path | None,
        typer.Option(
            "--location", help="Directory for the server's store (default: a temporary one)."
        ),
    ] = None,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service",
            help="Let queries use SERVICE, which makes the server send requests to the "
            "addresses they name (off: such a query is refused with 403).",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Serve the built graph read-only on a local SPARQL endpoint (Oxigraph), with a query page.

    Queries need no FROM: the default graph is the whole graph.

    \b
    Example:
        policygraph serve --port 7878
    """
    import tempfile

    from policygraph.corpus import Corpus
    from policygraph.store import server

    files = Corpus.locate(home).graph_files()
    server.check_port(host, port)
    with tempfile.TemporaryDirectory(prefix="policygraph-serve-") as tmp:
        where = location or Path(tmp)
        count = server.prepare_location(files, where)

        def ready() -> None:
            said = i18n._("Serving {count} triples read-only at {url} (SPARQL: {url}query)")
            typer.echo(said.format(count=count, url=f"http://{host}:{port}/"))
            typer.echo(i18n._("Press Ctrl-C to stop."))

        raise typer.Exit(server.serve(where, host, port, allow_service, ready))


def export(
    fmt: Annotated[
        str | None,
        format_flag("ttl, nt (one graph), nq, trig or jsonld (named graphs). Default: from -o."),
    ] = None,
    output: OutOption = None,
    with_ontology: Annotated[
        bool,
        typer.Option(
            "--with-ontology",
            help="Add the SHACL shapes to the ontology (whose vocabularies and classes the data's "
            "queries need, and which is always in).",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """The whole dataset in one file: every part of the graph in a named graph of its own, the
    sources' metadata, the ontology, and a VoID/DCAT description (triples, classes,
    distributions, licence, sources); --with-ontology adds the shapes. Loads into any quad
    store.

    \b
    Example:
        policygraph export -o policygraph.nq
        policygraph export -f ttl --with-ontology -o policygraph.ttl
    """
    from policygraph.corpus import Corpus
    from policygraph.store.dataset import dataset, serialize

    fmt_ = choose(fmt, output, group(GRAPH_GROUP), Format.nq)
    store = dataset(Corpus.locate(home), with_ontology)
    emit(serialize(store, fmt_.value), fmt_, output, i18n._("{n} quads").format(n=len(store)))


COMMANDS = {
    "query": query,
    "queries": queries,
    "load": load,
    "serve": serve,
    "export": export,
}
