"""Adding documents: `ingest`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policygraph import i18n
from policygraph.cli.options import HomeOption, echo_rich

if TYPE_CHECKING:
    from policygraph.corpus import Corpus
    from policygraph.ingest import Applied, Options, Plan
    from policygraph.ingest.batch import Outcome


Jurisdiction = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        help="Area code: cn-yn, cn-yn-kunming, … (default: read from the issuer's name).",
    ),
]
Level = Annotated[str | None, typer.Option("--level", help="national, region, city or county.")]
Kind = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="opinions, measures, plan, notice, regulation or other (default: from the title's "
        "last word: 意见, 措施, 方案/计划, 通知, 办法/规定/条例).",
    ),
]
Title = Annotated[
    str | None, typer.Option("--title", help="Override the title read from the text.")
]
Number = Annotated[
    str | None, typer.Option("--number", help="Override the 文号 read from the text.")
]
Date = Annotated[str | None, typer.Option("--date", help="Override the date of the signature.")]
Issuer = Annotated[str | None, typer.Option("--issuer", help="Override the issuing body.")]
Short = Annotated[str | None, typer.Option("--short", help="Short name for DOC:NUMBER (e.g. yn).")]
AcceptLinks = Annotated[
    str | None,
    typer.Option(
        "--accept-links",
        help="Record top-1 suggest-links proposals as judgements by a rule: margin=M (the top-1 "
        "beats the runner-up by M of its score; margin=0.3 is measured in the README) or "
        "score=S.",
    ),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would be added; write nothing.")]


Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", help="Files read and extracted at once (default: the cores).", min=1
    ),
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--report", help="Write what became of every file to this .csv or .json file."),
]


def ingest(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Policy documents of the genre (text, a saved portal page, .docx or .pdf): "
            "files, folders (every such file in them) or quoted globs ('crawl/**/*.html')."
        ),
    ],
    jurisdiction: Jurisdiction = None,
    level: Level = None,
    kind: Kind = None,
    title: Title = None,
    number: Number = None,
    date: Date = None,
    issuer: Issuer = None,
    short: Short = None,
    accept_links: AcceptLinks = None,
    dry_run: DryRun = False,
    jobs: Jobs = None,
    report: ReportOption = None,
    home: HomeOption = None,
) -> None:
    """Add policy documents to the corpus: copy, extract, link, rebuild and validate.

    Reads the 文号 and title from the first lines and the issuer and date from the closing
    signature (options override them); extracts parts, items, responsibilities and amounts;
    links known departments and adds new ones; links the document to those it says it
    implements. Ingesting the same file twice changes nothing. Writes into the corpus of
    --home (never into the corpus bundled with the package).

    Many files (or a folder, or a glob): read and extracted on every core with a progress bar,
    then one rebuild and one validation; one bad file never stops the batch, and every file's
    outcome (added, added with warnings, unchanged, refused with the reason) is listed, and
    written to --report. Exit 1 when some were refused (nothing of theirs written).

    \b
    Example:
        policygraph ingest 云南措施.txt --jurisdiction cn-yn --dry-run
        policygraph ingest 昆明措施.txt --jurisdiction cn-yn-kunming --level city --accept-links margin=0.3
        policygraph ingest 'crawl/**/*.html' --jobs 4 --report ingest-report.csv
    """
    from policygraph import ingest as lib
    from policygraph.corpus import Corpus
    from policygraph.ingest.batch import expand

    corpus = Corpus.locate(home)
    if not dry_run:
        corpus.require_writable("ingest")
    options = lib.Options(
        level, jurisdiction, kind, title, number, date, issuer, short, accept_links
    )
    paths = expand(files)
    if len(paths) > 1 or report is not None:
        _batch(corpus, paths, options, jobs, report, dry_run)
        return
    _one(corpus, paths[0], options, dry_run)


def _one(corpus: Corpus, file: Path, options: Options, dry_run: bool) -> None:
    """One file: its plan, then (unless a dry run) the ingest with its findings."""
    from policygraph import ingest as lib

    plan = lib.plan(corpus, file, options)
    echo_rich(*describe(plan))
    if plan.unchanged:
        echo_rich("Already in the corpus, unchanged: nothing to do.")
        return
    if dry_run:
        echo_rich(
            f"Dry run: would write {plan.source_name} and {', '.join(plan.files)}; nothing written."
        )
        return
    applied = lib.apply(corpus, plan)
    _say(plan, applied)
    if not applied.added:
        raise typer.Exit(1)


def _batch(
    corpus: Corpus,
    paths: list[Path],
    options: Options,
    jobs: int | None,
    out: Path | None,
    dry: bool,
) -> None:
    """Many files: the batch, its progress, and every file's outcome."""
    import os

    from policygraph.errors import InputError
    from policygraph.ingest.batch import counts, ingest_many

    one_document = {
        "--title": options.title,
        "--number": options.number,
        "--date": options.date,
        "--issuer": options.issuer,
        "--short": options.short,
    }
    given = [flag for flag, value in one_document.items() if value]
    if given:
        raise InputError(f"{', '.join(given)} describe one document: give one file with them")
    if dry:
        raise InputError("--dry-run shows one file's plan: give one file with it")
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise InputError(f"{out}: --report writes a .csv or a .json file")
    with _progress(len(paths)) as tick:
        outcomes = ingest_many(corpus, paths, options, jobs or os.cpu_count() or 1, tick)
    _outcomes_table(outcomes)
    if out is not None:
        _write_report(outcomes, out)
    n = counts(outcomes)
    echo_rich(", ".join(f"{v} {k}" for k, v in n.items()) + f" of {len(paths)} file(s).")
    if n["refused"]:
        raise typer.Exit(1)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[str], None]]:
    """Two bars on stderr (read, planned) with the count, the rate and the time left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    rate = TextColumn("{task.fields[rate]}")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        rate,
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        tasks = {step: bar.add_task(step, total=total, rate="") for step in ("read", "planned")}

        def tick(step: str) -> None:
            bar.advance(tasks[step])
            speed = bar.tasks[tasks[step]].speed
            bar.update(tasks[step], rate=f"{speed:.1f} files/s" if speed else "")

        yield tick


def _outcomes_table(outcomes: list[Outcome]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("file", "outcome", "document", "reason / warnings", show_lines=False)
    for o in outcomes:
        row = o.row()
        table.add_row(*(escape(row[k]) for k in ("file", "status", "document", "reason")))
    echo_rich(table)


def _write_report(outcomes: list[Outcome], out: Path) -> None:
    import csv
    import io
    import json

    from policygraph.corpus import write_atomic

    rows = [o.row() for o in outcomes]
    if out.suffix.lower() == ".json":
        data = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["file", "status", "document", "reason"])
        writer.writeheader()
        writer.writerows(rows)
        data = buf.getvalue()
    write_atomic({out: data.encode("utf-8")})
    typer.echo(f"Wrote {out} ({len(rows)} files)", err=True)


def _say(plan: Plan, applied: Applied) -> None:
    """This document's findings; where it was refused, every violation and that nothing changed."""
    from rich.markup import escape

    report = applied.report
    mine = [r for r in report.results if str(plan.doc) in r.focus or str(plan.doc) in r.message]
    counts = i18n._("{violations} violation(s), {warnings} warning(s)").format(
        violations=len(report.of("Violation")), warnings=len(report.of("Warning"))
    )
    if applied.added:
        head = i18n._(
            "Added {file}; graph rebuilt. Validation: {counts} in the corpus; for this document:"
        )
        shown = mine
    else:
        head = i18n._(
            "Refused {file}: the corpus with it would fail validation ({counts}); nothing was "
            "changed. The violations it brings:"
        )
        shown = applied.new
    echo_rich(
        escape(head.format(file=plan.source_name, counts=counts)),
        *(escape(f"  {r.severity}: {r.message}") for r in shown),
    )


def describe(plan: Plan) -> list[str]:
    """What the plan read and would add, line by line (rich markup)."""
    from rich.markup import escape

    s = plan.structure
    general = sum(1 for pv in s.provisions if pv.general)
    annotated = sum(1 for pv in s.provisions if pv.assignments)
    restarts = ", restarting in each part" if s.restarts_per_part else ""
    lines = [
        f"{plan.number or '(no 文号)'}  {plan.title}",
        f"  issuer: {plan.issuer or '?'} · date: {plan.date or '?'} · level: {plan.level} · "
        f"kind: {plan.kind} · jurisdiction: {plan.jurisdiction}"
        f"{' (inferred from the issuer)' if plan.jurisdiction_inferred else ''} · "
        f"short name: {plan.short}",
        f"  {len(s.parts)} parts, {len(s.provisions)} items ({general} general, {annotated} with "
        f"departments; numbering: {s.style}{restarts}), {plan.amounts} amounts",
        f"  departments known: {len(set(plan.known.values()))}"
        + (f" ({'、'.join(sorted(set(plan.known)))})" if plan.known else ""),
    ]
    for n in plan.new:
        near = f"; close to known {'、'.join(n.suggestions)}" if n.suggestions else ""
        written = f" (written {'、'.join(n.written)})" if n.written else ""
        mirrors = f"; counterpart of {n.counterpart_label}" if n.counterpart_label else ""
        lines.append(
            f"  Warning: new department: {n.label}{written}{near}{mirrors} (in no register)"
        )
    lines += [f"  cites {cited} → {target}" for cited, target in plan.citations]
    lines += [f"  implements {label}: “{quote}”" for _, label, quote in plan.implements]
    lines += [
        f"  suggested link {lower} → {higher} (score {score:.3f})"
        for lower, higher, score in plan.suggested
    ]
    lines += [
        f"  accepted link …{lower.removeprefix(str(plan.doc))} → {higher} (score {score:.3f})"
        for lower, higher, score in plan.accepted
    ]
    lines = [escape(line) for line in lines]
    lines += [f"  [yellow]could not read: {escape(what)}[/yellow]" for what in plan.unread]
    return lines


def extract(
    file: Annotated[Path, typer.Argument(help="A policy document of the genre (any format).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the Turtle here (else stdout).")
    ] = None,
    jurisdiction: Jurisdiction = None,
    level: Level = None,
    kind: Kind = None,
    title: Title = None,
    number: Number = None,
    date: Date = None,
    issuer: Issuer = None,
    short: Short = None,
    home: HomeOption = None,
) -> None:
    """One document's graph as Turtle, without a corpus: the same file gives the same Turtle.

    What ingest would add (metadata, parts, items, responsibilities, amounts, citations), read
    against the ontology and registers only (every other department is new), and no corpus
    lock: any batch runner can spread it over many machines, and `load` the files into a
    SPARQL server built for billions of triples.

    \b
    Example:
        policygraph extract 云南措施.txt --jurisdiction cn-yn -o yunnan.ttl
    """
    from policygraph.cli.options import emit
    from policygraph.corpus import Corpus
    from policygraph.ingest import Options
    from policygraph.ingest.extract import extract as run
    from policygraph.render.formats import Format

    options = Options(level, jurisdiction, kind, title, number, date, issuer, short, None)
    turtle = run(file, options, Corpus.locate(home))
    emit(turtle.encode("utf-8"), Format.ttl, output, "Turtle")


COMMANDS = {"ingest": ingest, "extract": extract}
