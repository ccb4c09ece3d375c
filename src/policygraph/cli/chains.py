"""Implementation chains and link suggestions: `chain`, `suggest-links`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from policygraph.cli.options import (
    FormatOption,
    GraphSource,
    OutOption,
    emit,
    emit_sheet,
    format_flag,
    reads_graph,
)
from policygraph.errors import InputError
from policygraph.i18n import N_, _
from policygraph.render.formats import TABULAR_GROUP, Format, choose, group


@reads_graph
def chain(
    measure: Annotated[
        str, typer.Argument(help="An IRI, DOC:NUMBER (gx:11), or words of a title.")
    ],
    fmt: Annotated[
        str | None,
        format_flag("tree (the default), json or md."),
    ] = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """The implementation chain through a measure, up and down.

    National measure → Guangxi measure(s) → Liuzhou article(s), with lead and co-lead
    departments at each level, each link's basis, and what the responses reported. The same
    chain comes back from any measure in it. Several matching titles give several chains,
    best match first.

    \b
    Example:
        policygraph chain gx:11
        policygraph chain 关键核心技术 --format md
        policygraph chain lz:1 --format json
    """
    from policygraph.render.chain import render_md, render_tree
    from policygraph.render.table import rich_text
    from policygraph.views import chain as lib

    fmt_ = choose(fmt, output, (Format.tree, Format.json, Format.md), Format.tree)
    store = source.store()
    chains = lib.chains(store, lib.find_measures(store, measure))
    if fmt_ == Format.json:
        data = [c.as_json() for c in chains]
        text = json.dumps(
            data if len(data) > 1 else data[0], ensure_ascii=False, indent=2, sort_keys=True
        )
        emit((text + "\n").encode("utf-8"), fmt_, output)
    elif fmt_ == Format.md:
        emit("\n".join(render_md(c) for c in chains).encode("utf-8"), fmt_, output)
    else:
        emit(rich_text(*(render_tree(c) for c in chains)).encode("utf-8"), fmt_, output)


@reads_graph
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
    fmt: FormatOption = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """Propose provision-level implementation links by text similarity, ranked with scores.

    Character bigrams of titles (weighted) and text, TF-IDF, cosine: for a curator to review.

    \b
    Example:
        policygraph suggest-links --from 柳政规〔2021〕18号 --to 桂政办发〔2021〕81号
        policygraph suggest-links --from gx --to cn --top 1 --evaluate
    """
    from policygraph.render.sheets import suggestions_sheet
    from policygraph.views import links as lib
    from policygraph.views.tasks import find_document

    if top < 1:
        raise InputError(N_("{flag} must be at least 1"), code="top", flag="--top")
    fmt_ = choose(fmt, output, group(TABULAR_GROUP), Format.table)
    store = source.store()
    low, high = find_document(store, lower), find_document(store, higher)
    low_p, high_p = lib.provisions(store, low), lib.provisions(store, high)
    if not low_p or not high_p:
        raise InputError(
            N_("{document} has no measures to link"),
            code="no-measures",
            document=low.label if not low_p else high.label,
        )
    suggestions = lib.suggest(low_p, high_p, top)
    curated = lib.curated_pairs(store, low, high)
    emit_sheet(suggestions_sheet(low, high, suggestions, curated), fmt_, output)
    if evaluate:
        ev = lib.evaluate(suggestions, curated)
        said = _(
            "top-1 against {links} curated links: precision {precision} ({correct}/{measures}), "
            "recall {recall} ({correct}/{links})"
        )
        typer.echo(
            said.format(
                links=ev.curated_links,
                precision=f"{ev.precision:.3f}",
                correct=ev.top1_correct,
                measures=ev.lower_provisions,
                recall=f"{ev.recall:.3f}",
            ),
            err=True,
        )


COMMANDS = {"chain": chain, "suggest-links": suggest_links}
