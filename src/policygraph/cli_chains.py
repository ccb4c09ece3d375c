"""Implementation chains and link suggestions: `chain`, `suggest-links`."""

from __future__ import annotations

import sys
from typing import Annotated

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
def chain(
    measure: Annotated[
        str, typer.Argument(help="An IRI, DOC:NUMBER (gx:11), or words of a title.")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="tree, json or md.")] = "tree",
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = 30.0,
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
    store = guarded(lambda: open_store(h, endpoint, timeout))
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
    endpoint: EndpointOption = None,
    timeout: TimeoutOption = 30.0,
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
    store = guarded(lambda: open_store(h, endpoint, timeout))
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
