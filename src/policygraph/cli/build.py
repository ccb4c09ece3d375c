"""Building the graph and summarising it: `build`, `summary`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policygraph import i18n
from policygraph.cli.options import (
    FormatOption,
    GraphSource,
    HomeOption,
    OutOption,
    echo_rich,
    emit_sheet,
    reads_graph,
)
from policygraph.i18n import _
from policygraph.render.formats import TABULAR_GROUP, Format, choose, group

# `build` prints the table of each document for a corpus of up to this many documents; above,
# its totals and where the table is (`summary`): at 1,000 documents, counting and drawing the
# table took 4-5 s after a build of 0.6 s that had nothing to do (benchmarks/README.md)
TABLE_UP_TO = 50


def build(
    home: HomeOption = None, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False
) -> None:
    """Extract the source texts into data/ttl/ and print a summary of the graph.

    Nothing is written unless the whole build succeeds; rebuilding changes nothing. The
    summary is the table of each document, with the totals under it; for a corpus of more
    than 50 documents, the totals alone (`policygraph summary` prints the table).

    \b
    Example:
        policygraph build
    """
    from policygraph.build import build as run_build
    from policygraph.corpus import Corpus
    from policygraph.render.sheets import summary_sheet, totals_line
    from policygraph.render.table import terminal
    from policygraph.store import open_store
    from policygraph.views.summary import summarize, totals

    corpus = Corpus.locate(home)
    result = run_build(corpus)
    if quiet:
        return
    said = i18n._("Built {folder}/: {written} file(s) written, {unchanged} unchanged.")
    echo_rich(
        said.format(
            folder=corpus.relative(corpus.ttl),
            written=len(result.written),
            unchanged=len(result.unchanged),
        )
    )
    store = open_store(corpus, endpoint="")  # the graph just built
    found = totals(store)
    if found["documents"] > TABLE_UP_TO:
        echo_rich(totals_line(found))
        echo_rich(_("The table of each document: policygraph summary"))
        return
    typer.echo(terminal(summary_sheet(summarize(store, found))), nl=False)


@reads_graph
def summary(
    fmt: FormatOption = None,
    output: OutOption = None,
    *,
    source: GraphSource,
) -> None:
    """Print the documents of the graph and its totals.

    \b
    Example:
        policygraph summary
        policygraph summary --format json
    """
    from policygraph.render.sheets import summary_sheet
    from policygraph.views.summary import summarize

    fmt_ = choose(fmt, output, group(TABULAR_GROUP), Format.table)
    store = source.store()
    emit_sheet(summary_sheet(summarize(store)), fmt_, output)


def site(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The directory to write the site into.")
    ] = Path("site"),
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Where the site is published (its pages' canonical URLs). Default: the graph's "
            "IRIs, which the site's paths mirror.",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Build a static site of the graph: documents, measures, departments, source texts, the
    checks and a search, in Chinese (with an English switch), that works opened from disk.

    \b
    Example:
        policygraph site -o site
        policygraph site -o public --base-url https://w3id.org/policygraph/
    """
    from policygraph import checks
    from policygraph.corpus import Corpus
    from policygraph.render.site import build_site
    from policygraph.store import cache, open_store
    from policygraph.views.site_data import Early, SiteData

    corpus = Corpus.locate(home)

    def read(early: Early) -> SiteData:  # only where the site there is not already this one
        return SiteData(open_store(corpus, endpoint=""), corpus, checks.validate(corpus), early)

    result = build_site(corpus, output, read, cache, base_url)
    if result.unchanged:
        said = _(
            "The site in {directory}: {pages} pages, {files} files, {size} MB{reused} is up to "
            "date: nothing written. Open {index} in a browser."
        )
    else:
        said = _(
            "Wrote the site to {directory}: {pages} pages, {files} files, {size} MB{reused}. "
            "Open {index} in a browser."
        )
    reused = _(" ({count} office files unchanged, taken as they were)")
    taken = _(" ({count} pages whose data is unchanged, taken as they were)")
    said = said.format(
        directory=result.directory,
        pages=result.pages,
        files=result.files,
        size=f"{result.bytes / 1e6:.1f}",
        reused=(reused.format(count=result.reused) if result.reused else "")
        + (taken.format(count=result.taken) if result.taken else ""),
        index=result.directory / "index.html",
    )
    typer.echo(said, err=True)


COMMANDS = {"build": build, "summary": summary, "site": site}
