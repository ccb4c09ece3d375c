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
    summary_ = guarded(lambda: summarize(h, open_store(h)))
    _print_summary(out, summary_)


@app.command()
def summary(home: HomeOption = None) -> None:
    """Print the documents of the graph and its totals.

    Example:
        policygraph summary
    """
    from policygraph.paths import resolve_home
    from policygraph.store import open_store
    from policygraph.summary import summarize

    h = guarded(lambda: resolve_home(home))
    _print_summary(console(), guarded(lambda: summarize(h, open_store(h))))


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


# --- tasks and departments ------------------------------------------------------------------

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
    store = guarded(lambda: open_store(h))
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
    store = guarded(lambda: open_store(h))
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


# --- chains and links -------------------------------------------------------------------------


@app.command()
def chain(
    measure: Annotated[
        str, typer.Argument(help="An IRI, DOC:NUMBER (gx:11), or words of a title.")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="tree, json or md.")] = "tree",
    home: HomeOption = None,
) -> None:
    """The implementation chain through a measure, up and down.

    National measure → Guangxi measure(s) → Liuzhou article(s), with lead and co-lead
    departments at each level, each link's basis, and what the responses reported. The same
    chain comes back from any measure in it. Several matching titles give several chains,
    best match first.

    Example:
        policygraph chain gx:11
        policygraph chain 关键核心技术 --format md
        policygraph chain lz:1 --format json
    """
    import json

    from policygraph import chain as lib
    from policygraph.paths import resolve_home
    from policygraph.store import open_store

    if fmt not in ("tree", "json", "md"):
        fail(f"--format must be tree, json or md, not {fmt!r}")
    h = guarded(lambda: resolve_home(home))
    store = guarded(lambda: open_store(h))
    found = guarded(lambda: lib.find_measures(h, store, measure))
    chains = guarded(lambda: lib.chains(h, store, found))
    if fmt == "json":
        data = [c.as_json() for c in chains]
        typer.echo(
            json.dumps(
                data if len(data) > 1 else data[0], ensure_ascii=False, indent=2, sort_keys=True
            )
        )
    elif fmt == "md":
        sys.stdout.write("\n".join(lib.render_md(c) for c in chains))
    else:
        out = console()
        for c in chains:
            out.print(lib.render_tree(c))


@app.command("suggest-links")
def suggest_links(
    lower: Annotated[
        str, typer.Option("--from", help="The implementing document: 文号, short name or IRI.")
    ],
    higher: Annotated[str, typer.Option("--to", help="The implemented document.")],
    top: Annotated[int, typer.Option("--top", help="Suggestions per provision.")] = 3,
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Compare the top-1 suggestions with the curated links."),
    ] = False,
    fmt: FormatOption = "table",
    output: OutOption = None,
    home: HomeOption = None,
) -> None:
    """Propose provision-level implementation links by text similarity, ranked with scores.

    Character bigrams of titles (weighted) and text, TF-IDF, cosine: for a curator to review.

    Example:
        policygraph suggest-links --from 柳政规〔2021〕18号 --to 桂政办发〔2021〕81号
        policygraph suggest-links --from gx --to cn --top 1 --evaluate
    """
    from policygraph import links as lib
    from policygraph.export import Column, Sheet
    from policygraph.paths import resolve_home
    from policygraph.store import open_store
    from policygraph.tasks import find_document

    if top < 1:
        fail("--top must be at least 1")
    h = guarded(lambda: resolve_home(home))
    store = guarded(lambda: open_store(h))
    low = guarded(lambda: find_document(h, store, lower))
    high = guarded(lambda: find_document(h, store, higher))
    low_p = guarded(lambda: lib.provisions(h, store, low))
    high_p = guarded(lambda: lib.provisions(h, store, high))
    if not low_p or not high_p:
        fail(f"{low.label if not low_p else high.label} has no measures to link")
    suggestions = lib.suggest(low_p, high_p, top)
    curated = guarded(lambda: lib.curated_pairs(h, store, low, high))
    cols = [
        "lower",
        "lower_title",
        "rank",
        "higher",
        "higher_title",
        "score",
        "curated",
        "lower_iri",
        "higher_iri",
    ]
    headers = ["下级条目", "标题", "名次", "上级条目", "标题", "相似度", "已确认", "", ""]
    sheet = Sheet(
        f"{low.label} → {high.label}: suggested links",
        [Column(k, hd, printed=bool(hd)) for k, hd in zip(cols, headers, strict=True)],
        [
            [
                s.lower.label,
                s.lower.title,
                s.rank,
                s.higher.label,
                s.higher.title,
                f"{s.score:.4f}",
                "yes" if (s.lower.iri, s.higher.iri) in curated else "",
                str(s.lower.iri),
                str(s.higher.iri),
            ]
            for s in suggestions
        ],
    )
    emit(sheet, fmt, output)
    if evaluate:
        ev = lib.evaluate(suggestions, curated)
        typer.echo(
            f"top-1 against {ev.curated_links} curated links: precision {ev.precision:.3f} "
            f"({ev.top1_correct}/{ev.lower_provisions}), recall {ev.recall:.3f} "
            f"({ev.top1_correct}/{ev.curated_links})",
            err=True,
        )


# --- consistency checks -------------------------------------------------------------------------


@app.command()
def validate(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json or ttl (the SHACL report).")
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    defects: Annotated[
        Path | None,
        typer.Option(
            "--defects", help="Write the source defects, in words, to this Markdown file."
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="pyshacl (the reference), sparql (shapes compiled to whole-graph queries), "
            "or auto (pyshacl up to 200,000 triples).",
        ),
    ] = "auto",
    home: HomeOption = None,
) -> None:
    """Run the SHACL shapes over the graph: violations, source defects, things worth knowing.

    Violation: our graph is wrong (exit 1). Warning: a source is inconsistent with itself or
    with another source (reported, never fixed; exit 1 only with --strict). Info: worth
    knowing. Exit 2 when the graph cannot be read (the file and line are named).

    Example:
        policygraph validate
        policygraph validate --format json > report.json
        policygraph validate --defects docs/source-defects.md
    """
    from policygraph import validate as lib
    from policygraph.paths import resolve_home

    if fmt not in ("text", "json", "ttl"):
        fail(f"--format must be text, json or ttl, not {fmt!r}")
    h = guarded(lambda: resolve_home(home))
    report = guarded(lambda: lib.validate(h, engine=engine))
    if fmt == "json":
        sys.stdout.write(report.as_json())
    elif fmt == "ttl":
        if not report.graph_ttl:
            fail("--format ttl needs the SHACL report graph: use --engine pyshacl")
        sys.stdout.write(report.graph_ttl)
    else:
        sys.stdout.write(lib.render_text(report))
    if defects is not None:
        from policygraph.export import write_text

        guarded(lambda: write_text(defects, lib.render_defects(report)))
        typer.echo(f"Wrote {defects}", err=True)
    if report.failed(strict):
        raise typer.Exit(1)


# --- queries and SPARQL servers ---------------------------------------------------------------

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


# --- adding documents ---------------------------------------------------------------------------


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="A UTF-8 text of a policy document of the genre.")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="Area code: cn-yn, cn-yn-kunming, …")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="national, region, city or county.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="opinions, measures, plan, notice or regulation.")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Override the title read from the text.")
    ] = None,
    number: Annotated[
        str | None, typer.Option("--number", help="Override the 文号 read from the text.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Override the date of the signature.")
    ] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="Override the issuing body.")
    ] = None,
    short: Annotated[
        str | None, typer.Option("--short", help="Short name for DOC:NUMBER (e.g. yn).")
    ] = None,
    accept_links: Annotated[
        float | None,
        typer.Option(
            "--accept-links",
            help="Record top-1 suggest-links proposals scoring at least this as judgements.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be added; write nothing.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Add a policy document to the corpus: copy, extract, link, rebuild and validate.

    Reads the 文号 and title from the first lines and the issuer and date from the closing
    signature (options override them); extracts parts, items, responsibilities and amounts;
    links known departments and adds new ones; links the document to those it says it
    implements. Ingesting the same file twice changes nothing.

    Example:
        policygraph ingest 云南措施.txt --jurisdiction cn-yn --dry-run
        policygraph ingest 昆明措施.txt --jurisdiction cn-yn-kunming --level city --accept-links 0.3
    """
    from policygraph import ingest as lib
    from policygraph.paths import resolve_home
    from policygraph.validate import validate as run_checks

    h = guarded(lambda: resolve_home(home))
    options = lib.Options(
        level, jurisdiction, kind, title, number, date, issuer, short, accept_links
    )
    plan = guarded(lambda: lib.plan(h, file, options))
    out = console()
    s = plan.structure
    out.print(f"{plan.number or '(no 文号)'}  {plan.title}")
    out.print(
        f"  issuer: {plan.issuer or '?'} · date: {plan.date or '?'} · level: {plan.level} · kind: {plan.kind} · jurisdiction: {plan.jurisdiction} · short name: {plan.short}"
    )
    general = sum(1 for pv in s.provisions if pv.general)
    annotated = sum(1 for pv in s.provisions if pv.annotation)
    out.print(
        f"  {len(s.parts)} parts, {len(s.provisions)} items ({general} general, {annotated} with departments; numbering: {s.style}{', restarting in each part' if s.restarts_per_part else ''}), {plan.amounts} amounts"
    )
    out.print(
        f"  departments known: {len(set(plan.known.values()))}"
        + (f" ({'、'.join(sorted(set(plan.known)))})" if plan.known else "")
    )
    for n in plan.new:
        near = f"; close to known {'、'.join(n.suggestions)}" if n.suggestions else ""
        written = f" (written {'、'.join(n.written)})" if n.written else ""
        out.print(f"  new department: {n.label}{written}{near}")
    for cited, target in plan.citations:
        out.print(f"  cites {cited} → {target}")
    for _, label, quote in plan.implements:
        out.print(f"  implements {label}: “{quote}”")
    for lower, higher, score in plan.accepted:
        out.print(
            f"  accepted link …{lower.removeprefix(str(plan.doc))} → {higher} (score {score:.3f})"
        )
    for what in plan.unread:
        out.print(f"  [yellow]could not read: {what}[/yellow]")
    if plan.unchanged:
        out.print("Already in the corpus, unchanged: nothing to do.")
        return
    if dry_run:
        out.print(
            f"Dry run: would write {plan.source_name} and {', '.join(plan.files)}; nothing written."
        )
        return
    guarded(lambda: lib.apply(h, plan))
    report = guarded(lambda: run_checks(h))
    mine = [r for r in report.results if str(plan.doc) in r.focus or str(plan.doc) in r.message]
    out.print(
        f"Added {plan.source_name}; graph rebuilt. Validation: {len(report.of('Violation'))} violation(s), {len(report.of('Warning'))} warning(s) in the corpus; for this document:"
    )
    for r in mine:
        out.print(f"  {r.severity}: {r.message}")
    if report.failed():
        raise typer.Exit(1)
