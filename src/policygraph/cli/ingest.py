"""Adding documents: `ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policygraph.cli.options import HomeOption, echo_rich

if TYPE_CHECKING:
    from policygraph.ingest import Applied, Plan


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


def ingest(
    file: Annotated[
        Path,
        typer.Argument(
            help="A policy document of the genre: text, a saved portal page, .docx or .pdf."
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
    home: HomeOption = None,
) -> None:
    """Add a policy document to the corpus: copy, extract, link, rebuild and validate.

    Reads the 文号 and title from the first lines and the issuer and date from the closing
    signature (options override them); extracts parts, items, responsibilities and amounts;
    links known departments and adds new ones; links the document to those it says it
    implements. Ingesting the same file twice changes nothing. Writes into the corpus of
    --home (never into the corpus bundled with the package).

    \b
    Example:
        policygraph ingest 云南措施.txt --jurisdiction cn-yn --dry-run
        policygraph ingest 昆明措施.txt --jurisdiction cn-yn-kunming --level city --accept-links margin=0.3
    """
    from policygraph import ingest as lib
    from policygraph.corpus import Corpus

    corpus = Corpus.locate(home)
    if not dry_run:
        corpus.require_writable("ingest")
    options = lib.Options(
        level, jurisdiction, kind, title, number, date, issuer, short, accept_links
    )
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


def _say(plan: Plan, applied: Applied) -> None:
    """This document's findings; where it was refused, every violation and that nothing changed."""
    from rich.markup import escape

    report = applied.report
    mine = [r for r in report.results if str(plan.doc) in r.focus or str(plan.doc) in r.message]
    counts = f"{len(report.of('Violation'))} violation(s), {len(report.of('Warning'))} warning(s)"
    if applied.added:
        head = f"Added {plan.source_name}; graph rebuilt. Validation: {counts} in the corpus"
        shown = mine
    else:
        head = (
            f"Refused {plan.source_name}: the corpus with it would fail validation ({counts}); "
            "nothing was changed. The violations it brings"
        )
        shown = applied.new
    echo_rich(
        escape(f"{head}; for this document:" if applied.added else f"{head}:"),
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


COMMANDS = {"ingest": ingest}
