"""Adding documents: `ingest`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policygraph import i18n
from policygraph.cli.options import HomeOption, echo_rich
from policygraph.cli.speech import with_hint
from policygraph.i18n import N_, _

if TYPE_CHECKING:
    from policygraph.corpus import Corpus
    from policygraph.ingest import Applied, Options, Plan
    from policygraph.ingest.batch import Outcome
    from policygraph.ingest.model import NewDepartment


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
DropLinks = Annotated[
    bool,
    typer.Option(
        "--drop-links",
        help="Drop the links accepted at an earlier ingest of the document (kept by default).",
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
            help="Policy documents of the genre ({document_files}): files, folders (every such "
            "file in them) or quoted globs ('crawl/**/*.html')."
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
    drop_links: DropLinks = False,
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
        level, jurisdiction, kind, title, number, date, issuer, short, accept_links, drop_links
    )
    paths = expand(files)
    if len(paths) > 1 or report is not None:
        _batch(corpus, paths, options, jobs, report, dry_run)
        return
    _one(corpus, paths[0], options, dry_run)


def _one(corpus: Corpus, file: Path, options: Options, dry_run: bool) -> None:
    """One file: its plan, then (unless a dry run) the ingest with its findings."""
    from policygraph import ingest as lib

    with nullcontext() if dry_run else lib.held(corpus):
        plan = lib.plan(corpus, file, options)
        echo_rich(*describe(plan, _words(corpus)))
        if plan.unchanged:
            echo_rich(_("Already in the corpus, unchanged: nothing to do."))
            return
        if dry_run:
            said = _("Dry run: would write {source} and {files}; nothing written.")
            echo_rich(escape(said.format(source=plan.source_name, files=", ".join(plan.files))))
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
        raise InputError(
            N_("{flags} describe one document: give one file with them"),
            code="one-document",
            flags=", ".join(given),
        )
    if dry:
        raise InputError(
            N_("{flag} shows one file's plan: give one file with it"),
            code="dry-run-one",
            flag="--dry-run",
        )
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise InputError(
            N_("{path}: {flag} writes a .csv or a .json file"),
            code="report-suffix",
            path=out,
            flag="--report",
        )
    with _progress(len(paths)) as tick:
        outcomes = ingest_many(corpus, paths, options, jobs or os.cpu_count() or 1, tick)
    _outcomes_table(outcomes)
    if out is not None:
        _write_report(outcomes, out)
    n = counts(outcomes)
    done = ", ".join(
        _("{count} {status}").format(count=v, status=_(STATUS[k])) for k, v in n.items()
    )
    echo_rich(escape(_("{counts} of {total} file(s).").format(counts=done, total=len(paths))))
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
    steps = {"read": _("read"), "planned": _("planned")}
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        tasks = {step: bar.add_task(said, total=total, rate="") for step, said in steps.items()}

        def tick(step: str) -> None:
            bar.advance(tasks[step])
            speed = bar.tasks[tasks[step]].speed
            rate = _("{speed} files/s").format(speed=f"{speed:.1f}") if speed else ""
            bar.update(tasks[step], rate=rate)

        yield tick


def _outcomes_table(outcomes: list[Outcome]) -> None:
    """Every file's outcome: a table up to :data:`TABLE_UP_TO` files, else a line each (a rich
    table of 10,000 files took 18 s to draw; a line a file is also what grep reads)."""
    from rich.table import Table

    from policygraph.render.table import listing

    headers = (_("file"), _("outcome"), _("document"), _("reason / warnings"))
    rows = [(str(o.file), _(STATUS[o.status]), o.document, "; ".join(_reason(o))) for o in outcomes]
    if len(rows) > TABLE_UP_TO:
        sys.stdout.write(listing(headers, rows))
        return
    table = Table(*headers, show_lines=False)
    for row in rows:
        table.add_row(*(escape(t) for t in row))
    echo_rich(table)


def escape(text: str) -> str:
    """``text`` as rich shows it, not read as markup (rich is imported only when printing)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


TABLE_UP_TO = 50  # files whose outcomes are drawn as a table; more are listed a line each

# The outcome of a file, as people read it (the report file keeps the English words)
STATUS = {
    "added": N_("added"),
    "added with warnings": N_("added with warnings"),
    "unchanged": N_("unchanged"),
    "refused": N_("refused"),
}


def _reason(o: Outcome) -> list[str]:
    """Why a file was refused, else its warnings, in the language spoken."""
    if o.blamed:  # the violations in the shapes' own words in this language
        said = "; ".join(r.said() for r in o.blamed)
        return [_("brings violations: {violations}").format(violations=said)]
    return [n.text(_) for n in o.said()]


def _write_report(outcomes: list[Outcome], out: Path) -> None:
    import csv
    import io
    import json

    from policygraph.render.output import write_output
    from policygraph.render.table import inert

    rows = [o.row() for o in outcomes]
    if out.suffix.lower() == ".json":
        data = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["file", "status", "document", "reason"])
        writer.writeheader()
        writer.writerows([{k: inert(str(v or "")) for k, v in row.items()} for row in rows])
        data = buf.getvalue()
    write_output(out, data.encode("utf-8"))  # as every -o: never a device, a link's target kept
    typer.echo(_("Wrote {output} ({count} files)").format(output=out, count=len(rows)), err=True)


def _say(plan: Plan, applied: Applied) -> None:
    """This document's findings; where it was refused, every violation and that nothing changed."""
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
        *(escape(f"  {_(r.severity)}: {r.said()}") for r in shown),
    )


def _words(corpus: Corpus) -> dict[str, str]:
    """The words of levels and kinds in the language spoken: the ontology's labels (English: the
    option's own word, as typed)."""
    from policygraph.ingest.plan import vocabulary_labels

    return {} if i18n.current() == "en" else vocabulary_labels(corpus, i18n.current())


# How the items of a document are numbered, as the text writes them
NUMBERING = {
    "part": "一、",
    "cn": "（一）",
    "article": "第一条",
    "arabic": "1.",
    "arabic-paren": "（1）",
}
NUMBERING["table"] = "任务分工表"


def describe(plan: Plan, words: dict[str, str] | None = None) -> list[str]:
    """What the plan read and would add, line by line (rich markup), in the language spoken;
    ``words`` the levels and kinds (else as typed)."""
    said = words or {}
    s = plan.structure
    head = _(
        "issuer: {issuer} · date: {date} · level: {level} · kind: {kind} · jurisdiction: "
        "{jurisdiction}{inferred} · short name: {short}"
    )
    counted = _(
        "{parts} parts, {items} items ({general} general, {annotated} with departments; "
        "numbering: {numbering}{restarts}), {amounts} amounts"
    )
    known = (
        _("departments known: {count} ({names})") if plan.known else _("departments known: {count}")
    ).format(count=len(set(plan.known.values())), names="、".join(sorted(set(plan.known))))
    lines = [
        f"{plan.number or _('(no 文号)')}  {plan.title}",
        "  "
        + head.format(
            issuer=plan.issuer or "?",
            date=plan.date or "?",
            level=said.get(plan.level, plan.level),
            kind=said.get(plan.kind, plan.kind),
            jurisdiction=plan.jurisdiction,
            inferred=_(" (inferred from the issuer)") if plan.jurisdiction_inferred else "",
            short=plan.short,
        ),
        "  "
        + counted.format(
            parts=len(s.parts),
            items=len(s.provisions),
            general=sum(1 for pv in s.provisions if pv.general),
            annotated=sum(1 for pv in s.provisions if pv.assignments),
            numbering=NUMBERING.get(s.style, s.style),
            restarts=_(", restarting in each part") if s.restarts_per_part else "",
            amounts=plan.amounts,
        ),
        f"  {known}",
        *(f"  {_new(n)}" for n in plan.new),
        *_links(plan),
    ]
    lines = [escape(line) for line in lines]
    could_not = _("could not read: {what}")
    return lines + [
        f"  [yellow]{escape(could_not.format(what=with_hint(n)))}[/yellow]" for n in plan.unread
    ]


def _new(n: NewDepartment) -> str:
    """A new department, as a warning: how it was written, the known names it is close to."""
    names = "、".join
    return _("Warning: new department: {label}{written}{near}{mirrors} (in no register)").format(
        label=n.label,
        written=_(" (written {names})").format(names=names(n.written)) if n.written else "",
        near=_("; close to known {names}").format(names=names(n.suggestions))
        if n.suggestions
        else "",
        mirrors=_("; counterpart of {label}").format(label=n.counterpart_label)
        if n.counterpart_label
        else "",
    )


def _links(plan: Plan) -> list[str]:
    """What the document cites and implements, and the links suggested and accepted."""
    cites, implements = _("cites {cited} → {target}"), _("implements {label}: “{quote}”")
    suggested = _("suggested link {lower} → {higher} (score {score})")
    accepted = _("accepted link …{lower} → {higher} (score {score})")
    kept = _("link accepted before, kept: {link}")
    return [
        *(
            "  " + cites.format(cited=c, target=t or _("not in the corpus"))
            for c, t in plan.citations
        ),
        *("  " + implements.format(label=lb, quote=q) for _d, lb, q in plan.implements),
        *(
            "  " + suggested.format(lower=lo, higher=hi, score=f"{sc:.3f}")
            for lo, hi, sc in plan.suggested
        ),
        *(
            "  "
            + accepted.format(lower=lo.removeprefix(str(plan.doc)), higher=hi, score=f"{sc:.3f}")
            for lo, hi, sc in plan.accepted
        ),
        *("  " + kept.format(link=link) for link in plan.kept),
    ]


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
